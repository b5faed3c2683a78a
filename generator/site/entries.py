"""A paper's entry body as one raw HTML block: what its template sees, its cache key, the renderer.

A topic page keeps each entry's heading as Markdown (the table of contents
and permalinks need it) and writes the rest of the entry (meta line, buttons,
abstract, references) as HTML from ``_entry.html.j2``, rendered with Jinja's
autoescape. Python-Markdown sets a raw HTML block aside instead of running
its inline patterns over it, which is most of the cost of converting a page.

The block stays inert under every extension: it is one ``<div>`` opened and
closed by the renderer, with no blank line inside (a blank line would end it)
and no line that starts with anything but a tag (preprocessors such as
pymdownx.snippets and superfences read lines before the block is set aside),
and every printed value goes through escape.html_block_text. Its links are
final URLs, since MkDocs rewrites ``.md`` links only in Markdown.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from .paging import page_url

if TYPE_CHECKING:
    from .views import PaperView

ENTRY_TEMPLATE = "_entry.html.j2"
# The abstract shows this much before "Read more".
SUMMARY_CHARS = 280
# A reference to another paper shows its title up to here (the full title is
# on the entry it links to): the name before a colon when there is one this
# short, else the first words that fit.
SHORT_TITLE_CHARS = 60
SHORT_NAME_CHARS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_LINE_BREAKS = re.compile(r"\s*\n\s*")
# A line break followed by anything but a tag: a blank line, an indented line, text.
_UNTIDY = re.compile(r"\n(?!<)")


@dataclass(frozen=True)
class EntryRef:
    """A link from an entry to a paper or topic, by its final URL."""

    title: str
    href: Markup


@dataclass(frozen=True)
class EntryLink:
    """A link button."""

    href: Markup
    label: str
    kind: str
    repo: str


@dataclass(frozen=True)
class Entry:
    """Everything an entry's HTML shows, and nothing else: the cache key of its rendering."""

    id: Markup
    title: str
    authors: str
    all_authors: str
    note: str
    bibtex: str
    meta: tuple[str, ...]
    why: str
    links: tuple[EntryLink, ...]
    summary: str
    more: str
    also_in: tuple[EntryRef, ...]
    mentions: tuple[EntryRef, ...]
    mentioned_by: tuple[EntryRef, ...]
    mentioned_by_more: int
    related: tuple[EntryRef, ...]


def entry_of(view: PaperView) -> Entry:
    """Return what the entry template sees of a paper's view."""
    return Entry(
        id=view.id, title=view.title, authors=view.authors, all_authors=view.all_authors, note=view.note,
        bibtex=view.bibtex, meta=tuple(view.meta), why=view.why,
        links=tuple(view.links),
        summary=view.summary, more=view.more,
        also_in=_refs(view.also_in), mentions=_refs(view.mentions), mentioned_by=_refs(view.mentioned_by),
        mentioned_by_more=view.mentioned_by_more, related=_refs(view.related),
    )  # fmt: skip


def _refs(refs: Iterable[object]) -> tuple[EntryRef, ...]:
    return tuple(EntryRef(ref.title, ref.href) for ref in refs)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=1 << 16)  # a paper is related to or mentioned by several
def short_title(title: str) -> str:
    """Return the name before a title's colon when it is short, else its first words up to SHORT_TITLE_CHARS and "…"."""
    name, colon, _ = title.partition(": ")
    if colon and 2 <= len(name) <= SHORT_NAME_CHARS:
        return name
    if len(title) <= SHORT_TITLE_CHARS:
        return title
    cut = title.rfind(" ", 0, SHORT_TITLE_CHARS)
    return title[: cut if cut > SHORT_TITLE_CHARS // 2 else SHORT_TITLE_CHARS].rstrip(" ,;:-") + "…"


def why_here(rules: Iterable[tuple[str, str, str]]) -> str:
    """Return the rules that placed a paper, (topic, phrase, field) each, grouped by topic, then by field."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for topic, phrase, where in rules:
        grouped.setdefault(topic, {}).setdefault(where, []).append(f"\u201c{phrase}\u201d")
    return "; ".join(
        f"{topic}: " + ", ".join(f"{', '.join(phrases)} in {where}" for where, phrases in fields.items())
        for topic, fields in grouped.items()
    )


def split_abstract(abstract: str) -> tuple[str, str]:
    """Split an abstract into the first sentences (about SUMMARY_CHARS) and the rest."""
    if len(abstract) <= SUMMARY_CHARS * 1.5:
        return abstract, ""
    # A sentence end that starts before SUMMARY_CHARS cannot be found from
    # there: its look-behind would need the full stop inside the spaces.
    match = _SENTENCE_END.search(abstract, SUMMARY_CHARS)
    if match:
        return abstract[: match.start()], abstract[match.end() :]
    return abstract, ""


@functools.lru_cache(maxsize=1 << 16)
def relative_url(target: str, here: str, use_directory_urls: bool) -> str:
    """Return the URL that leads from page `here` to page `target` in the built site (both generated pages)."""
    to, start = page_url(target, use_directory_urls), page_url(here, use_directory_urls)
    # Both are plain relative paths (no "." or ".." parts): what posixpath.relpath gives, without its cost.
    to_folder, _, name = to.rpartition("/")
    ups, downs = posixpath.dirname(start).split("/"), to_folder.split("/")
    ups, downs = [part for part in ups if part], [part for part in downs if part]
    common = 0
    while common < min(len(ups), len(downs)) and ups[common] == downs[common]:
        common += 1
    return "/".join([".."] * (len(ups) - common) + downs[common:] + [name]) or "./"


class EntryRenderer:
    """Render entry bodies with the HTML template, reusing each one rendered before for the same entry and template.

    ``cache`` (kept by `digest serve` between builds) maps a key made of the
    templates' sources and every field of the Entry to the rendered HTML, so
    a cached body is byte for byte what rendering it again would give.
    The keys this renderer used are kept in ``used``, with the bodies it
    rendered (those it found in the cache with ""), for the caller to store:
    in a forked worker, ``cache`` is the worker's copy.
    """

    def __init__(self, environment: jinja2.Environment, cache: MutableMapping[str, str] | None = None) -> None:
        self.template = environment.get_template(ENTRY_TEMPLATE)
        # Every template the loader can find, since the entry template may include others.
        loader = environment.loader
        assert loader is not None
        sources = (f"{name}\0{loader.get_source(environment, name)[0]}" for name in loader.list_templates())
        self._salt = "\0".join(sources).encode("utf-8", "surrogatepass") + b"\0"
        self.cache = cache
        self.used: dict[str, str] = {}

    def __call__(self, view: PaperView) -> Markup:
        if self.cache is None:
            return Markup(self.render(view))  # the view has every field an Entry has
        entry = entry_of(view)
        key = hashlib.blake2b(self._salt + repr(entry).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
        body = self.cache.get(key)
        if body is None:
            body = self.cache[key] = self.used[key] = self.render(entry)
        else:
            self.used.setdefault(key, "")
        return Markup(body)

    def render(self, entry: Entry | PaperView) -> str:
        """Return one entry body: a <div> on lines that each start with a tag, without blank lines."""
        body = self.template.render(paper=entry).strip()
        if body.startswith("<") and not _UNTIDY.search(body):
            return f'<div class="digest-entry">\n{body}\n</div>'
        lines = _LINE_BREAKS.split(body)
        joined = "".join(("\n" if line.startswith("<") else " ") + line for line in lines if line)
        return f'<div class="digest-entry">{joined}\n</div>'
