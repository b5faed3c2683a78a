"""Entries set aside while MkDocs converts a generated page, then put back into its HTML and table of contents.

Python-Markdown passes an entry's raw HTML body through as it is, but runs
its HTML parser over every tag of it to find its end (and MkDocs again, for
ids), and gives each entry heading the whole works (block parsers, inline
patterns, attr_list, toc, serializer): most of the time a large build spent
converting pages. So a run of entries (heading and body each, as
site/templates/_entry.md.j2 writes them) becomes one probe heading and one
placeholder paragraph. Markdown converts the probe with the site's own
settings (permalinks, anchor links...), which makes it the pattern for each
entry's heading; the bodies go back as they are, and the entries' headings
take the probe's place in the table of contents and among the page's
anchors. The page is the same as Markdown makes it (tests/plugin/test_pages.py
compares them). A body whose heading is not as _entry.md.j2 writes it (a
curator's own template) is set aside alone, its heading left to Markdown.

The placeholders hold a mark made for this build, which no page's text holds.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from markdown.extensions.toc import strip_tags
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

# An entry body as site/entries.py writes it (or a topic's "Also in this
# topic" list, or the papers-with-code table): after a blank line, a <div> whose lines are never blank, ended
# by a "</div>" line before a blank line; after the heading _entry.md.j2 writes, if it has one.
_ENTRY = re.compile(
    r"(?:(?<=\n\n)|\A)"
    r'(?:## (?P<title><a class="digest-paper" [^\n]*</a>) \{: #(?P<id>[^\s"<>&}]+) \}\n\n)?'
    r'(?P<body><div class="digest-(?:entry|also|sortable)">\n(?:[^\n]+\n)*?</div>\n)(?=\n|\Z)'
)


class EntriesLost(Exception):
    """A Markdown extension changed the probe heading out of recognition: the page's entries cannot go back."""

    def __init__(self, uri: str) -> None:
        super().__init__(
            f"{uri}: a Markdown extension in mkdocs.yml changed the headings of this generated page so that "
            "the digest cannot put its entries back. Please report it, with your markdown_extensions."
        )


@dataclass(frozen=True)
class _Entry:
    id: str | None
    title: str | None
    """The heading's Markdown after "## ", which Markdown passes through as it is (the renderer escapes its text)."""
    body: str


@dataclass
class EntryBlocks:
    """The entries of the generated pages being converted, set aside by page."""

    mark: str = field(default_factory=lambda: f"digestentry{secrets.token_hex(8)}")
    pages: dict[str, list[list[_Entry]]] = field(default_factory=dict)

    def set_aside(self, uri: str, markdown: str) -> str:
        """Return the page's Markdown with each run of entries as a probe heading and a placeholder paragraph."""
        runs: list[list[_Entry]] = []
        pieces: list[str] = []
        end = 0
        for match in _ENTRY.finditer(markdown):
            entry = _Entry(match["id"], match["title"], match["body"])
            between = markdown[end : match.start()]
            if runs and entry.title is not None and runs[-1][-1].title is not None and not between.strip("\n"):
                runs[-1].append(entry)
            else:
                probe = f"## {self.mark}t {{: #{self.mark}i{len(runs)} }}\n\n" if entry.title is not None else ""
                pieces += [between, f"{probe}{self.mark}x{len(runs)}\n"]
                runs.append([entry])
            end = match.end()
        if not runs:
            return markdown
        self.pages[uri] = runs
        return "".join(pieces) + markdown[end:]

    def put_back(self, uri: str, html: str) -> tuple[str, dict[str, list[AnchorLink]]]:
        """Return the page's HTML with its entries back, and the headings (level 2) to put in each probe's place in the table of contents."""
        runs = self.pages.pop(uri, None)
        if not runs:
            return html, {}
        headings: dict[str, list[AnchorLink]] = {}

        def entries(match: re.Match[str]) -> str:
            probe, number = match["probe"], int(match["number"])
            if probe is None and runs[number][0].title is not None:
                return match.group()  # its heading is not where it was: see EntriesLost
            if probe is None:
                return "\n".join(entry.body for entry in runs[number])
            probe_id = f"{self.mark}i{number}"
            headings[probe_id] = [AnchorLink(strip_tags(entry.title or ""), entry.id or "", 2) for entry in runs[number]]
            return "\n".join(
                probe.replace(probe_id, entry.id or "").replace(f"{self.mark}t", entry.title or "") + "\n" + entry.body
                for entry in runs[number]
            )

        # A probe heading is on one line (a level lower with toc's baselevel), and each block element on its own.
        pattern = rf"(?:(?P<probe><h[1-6][^\n]*{self.mark}t[^\n]*</h[1-6]>)\n)?<p>{self.mark}x(?P<number>[0-9]+)</p>"
        # Python-Markdown strips its output, a raw block at the end of the page too.
        html = re.sub(pattern, entries, html).strip()
        if self.mark in html:
            raise EntriesLost(uri)
        return html, headings

    def put_back_page(self, page: Page, html: str) -> str:
        """put_back, for a page MkDocs has rendered: its table of contents and anchors get the entries' headings too."""
        html, headings = self.put_back(page.file.src_uri, html)
        if headings:
            with_headings(page.toc.items, headings)
            ids = {heading.id for run in headings.values() for heading in run}
            page.present_anchor_ids = ((page.present_anchor_ids or set()) - headings.keys()) | ids
            # The probes' permalinks are gone: MkDocs must not look for their anchors.
            for links in (page.links_to_anchors or {}).values():
                for probe in headings.keys() & links.keys():
                    del links[probe]
        return html


def with_headings(items: list[AnchorLink], headings: dict[str, list[AnchorLink]]) -> None:
    """Replace each probe heading in a table of contents (in place) by its entries' headings."""
    for index in reversed(range(len(items))):
        item = items[index]
        with_headings(item.children, headings)
        run = headings.get(item.id)
        if run is None:
            continue
        for heading in run:
            heading.level = item.level
        # Headings after the run and below its level were the probe's; they are the last entry's.
        run[-1].children = item.children
        if getattr(item, "active", False):
            run[0].active = True  # type: ignore[attr-defined]
        items[index : index + 1] = run

