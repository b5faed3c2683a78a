"""The "By date" lists that link the pages of a split group (a topic, or the papers with code)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .paging import UNDATED, Part, relative


@dataclass(frozen=True)
class PartLink:
    """A link in the list of a split group's pages; no href on the page it links from."""

    title: Markup
    href: Markup


@dataclass(frozen=True)
class PartGroup:
    """One line of the "By date" list: a heading (a year, Undated, a month...) and the parts or groups in it."""

    link: PartLink | None
    anchor: Markup  # the heading's id on the main page, where parts link to it
    pages: list[PartLink]


class PartIndex:
    """The "By date" lists of the pages of a split group: its main page and its parts.

    The main page lists every part, a line per year (and Undated). A part
    lists only what surrounds it: every year, then the siblings of each group
    it is in (the months of its year, the days of its month, the letters of
    its day...), so its list stays short however many parts there are.
    """

    def __init__(self, parts: Sequence[Part], main: str) -> None:
        self.parts = parts
        self.main = main
        self.leaves = {part.page: part for part in parts}
        # Each group's subgroups in order ("" holds the years and "undated"), and its first part's page.
        self.children: dict[str, list[str]] = defaultdict(list)
        first: dict[str, str] = {}
        for part in parts:
            parent = ""
            for key in part.path:
                if key not in first:
                    first[key] = part.page
                    self.children[parent].append(key)
                parent = key
        # Every part sits in the same folder, so a link from one part to any
        # other part, or to the main page, reads the same on every part: make
        # each link once, not once per page that shows it.
        here = parts[0].page
        to_main = relative(main, here)
        pages = {part.key: part.page for part in parts}
        self.bold: dict[str, PartLink] = {}
        self.linked: dict[str, PartLink] = {}
        self.heading: dict[str, PartLink] = {}
        for key, page in first.items():
            node = Part(key, "")
            label = Markup(node.level_label)
            self.bold[key] = PartLink(label, Markup(""))
            if len(node.path) == 1 and key not in pages:
                # A year of many parts: its line on the main page.
                self.linked[key] = PartLink(label, Markup(f"{to_main}#digest-part-{key}"))
            else:
                self.linked[key] = PartLink(label, Markup(relative(pages.get(key, page), here)))
            self.heading[key] = PartLink(Markup(node.title), Markup(""))

    def lines(self, here: str) -> list[PartGroup]:
        """Return the list shown on page ``here``: the main page or one of the parts."""
        if here == self.main:
            return self._everything()
        path = self.leaves[here].path
        lines = []
        for depth, node in enumerate(path):
            siblings = self.children[path[depth - 1] if depth else ""]
            if len(siblings) == 1:
                continue  # a group with one subgroup (or a single year) says nothing new
            # The groups this part is in are bold (they head the lines below), but a year links its line on the main page.
            on_path = node == path[-1] or depth > 0
            links = [self.bold[s] if s == node and on_path else self.linked[s] for s in siblings]
            lines.append(PartGroup(self.heading[path[depth - 1]] if depth else None, Markup(""), links))
        return lines

    def _everything(self) -> list[PartGroup]:
        groups: dict[str, list[Part]] = {}
        for part in self.parts:
            groups.setdefault(part.group, []).append(part)
        lines = []
        for group, members in groups.items():
            name = Markup("Undated" if group == UNDATED else group)
            if len(members) == 1:
                lines.append(PartGroup(PartLink(name, Markup(relative(members[0].page, self.main))), Markup(""), []))
            else:
                pages = [PartLink(Markup(p.label), Markup(relative(p.page, self.main))) for p in members]
                lines.append(PartGroup(PartLink(name, Markup("")), Markup(f"digest-part-{group}"), pages))
        return lines
