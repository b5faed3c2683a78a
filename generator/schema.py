"""The schema of digest.yml, declared once: each key's type, whether it is required, and a one-line doc.

Also what checks a mapping against it (every problem collected, with its
line), the values an override's corrections may take, the names an output
folder or a topic may not take, and the YAML reader that remembers lines.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from .constants import NEW_PAGE, PAPERS_JSON, UNSORTED_ID, WITH_CODE_PAGE

# name: (type, required, doc)
Schema = dict[str, tuple[type | tuple[type, ...], bool, str]]

# The docs feed `digest check` messages and README.
TOP_LEVEL: Schema = {
    "title": (str, True, "the digest's name, shown in the site header and home page"),
    "description": (str, False, "what the digest covers, one paragraph for the home page"),
    "sources": (list, False, "listing file globs, or {path, year} mappings"),
    "output": (str, False, "folder under docs/ for generated pages (git-ignored)"),
    "topics": (list, False, "the topic taxonomy"),
    "overrides": (list, False, "per-paper corrections by the curator"),
    "related": (int, False, "how many related papers each entry lists"),
    "page_size": (int, False, "full entries per topic page; larger topics split by year"),
}
TOPIC_KEYS: Schema = {
    "id": (str, True, "a short slug used in URLs"),
    "title": (str, True, "the name shown on the site"),
    "description": (str, False, "one line saying what belongs here"),
    "parent": (str, False, "id of the topic this one sits under"),
    "match": (list, False, "phrases that put a paper here (title counts 3, abstract 1)"),
    "exclude": (list, False, "phrases that keep a paper out"),
    "regex": (str, False, "a regular expression that counts as a match"),
    "min_score": (int, False, "the score a paper needs to be placed here"),
}
OVERRIDE_KEYS: Schema = {
    "paper": (str, True, "the paper id"),
    "add": (list, False, "topic ids to add"),
    "remove": (list, False, "topic ids to remove"),
    "primary": (str, False, "the topic where the full entry lives"),
    "hide": (str, False, "leave the paper out of the site, for this reason"),
    "title": (str, False, "the title to show instead of the scraped one"),
    "note": (str, False, "the curator's note, plain text shown on the entry and in its feed entries"),
    "pick": (bool, False, "true lists the paper under the curator's picks (home page, feeds/picks.xml)"),
    "arxiv": ((str, float), False, "the paper's arXiv id (2404.14469), correcting or adding it"),
    "published": (str, False, "the publication date, YYYY-MM-DD, correcting or adding it"),
}
TOPIC_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# A folder name in a URL and on any file system; dot-led ones MkDocs leaves out.
FOLDER_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
# What a build writes at the root of the site besides the pages, and why an
# output folder of that name would collide with it.
RESERVED_SITE_NAMES = {
    "assets": "the theme's and topic-digest's scripts and styles are there (assets/topic-digest)",
    "search": "the search indexes are there (search/search_index.json, search/digest)",
    "templates": "MkDocs leaves docs/templates/ out of the site",
    PAPERS_JSON: "the digest's data file has that name",
    "digest.bib": "the digest's BibTeX file has that name",
    "404.html": "the page for missing addresses has that name",
    "sitemap.xml": "the sitemap has that name",
    "sitemap.xml.gz": "the compressed sitemap has that name",
    "index.html": "the home page has that name",
}
# Generated pages that share the topic pages' folder, and the feeds that share
# the topic feeds' folder (feeds/<topic id>.xml): a topic of that id would replace one.
RESERVED_TOPIC_IDS = frozenset(
    {UNSORTED_ID, WITH_CODE_PAGE.removesuffix(".md"), PAPERS_JSON.removesuffix(".json"), "index", NEW_PAGE.removesuffix(".md")}
    | {"all", "picks"}
)


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        str(key.value): key.start_mark.line + 1 for key, _ in node.value
    }
    # As written: `arxiv: 2401.10000` reads as the number 2401.1.
    mapping.scalars = {
        str(key.value): value.value for key, value in node.value if isinstance(value, yaml.ScalarNode)
    }
    return mapping


class _Mapping(dict):  # type: ignore[type-arg]
    line: int = 0
    key_lines: dict[str, int] = {}
    scalars: dict[str, str] = {}


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
# Dates stay text, checked where a key wants one: YAML would make `2024-05-01`
# a date (no key wants one) and raise a bare ValueError for `2024-13-01`.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def read_yaml(text: str) -> Any:
    """Parse YAML (safely) into values whose mappings remember their lines (see line_of); raises yaml.YAMLError."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass


def line_of(mapping: Any, key: str | None = None) -> int:
    """Return the line of a key of a mapping read by read_yaml (or of the mapping itself), 0 when unknown."""
    if key is not None and isinstance(mapping, _Mapping) and key in mapping.key_lines:
        return mapping.key_lines[key]
    return getattr(mapping, "line", 0)


def scalar_text(mapping: Any, key: str) -> str | None:
    """Return a key's value exactly as digest.yml writes it (for a scalar read by read_yaml), else None."""
    return getattr(mapping, "scalars", {}).get(key)


def check_keys(
    mapping: dict[str, Any],
    schema: Schema,
    where: str,
    what: str,
    problems: list[str],
) -> bool:
    """Add to problems every unknown key, missing key and value of the wrong type; tell whether there was none."""
    ok = True
    for key in mapping:
        if key not in schema:
            problems.append(
                f"{where} line {line_of(mapping, key)}: unknown key `{key}` in {what}. "
                f"Known keys: {', '.join(schema)}."
            )
            ok = False
    for key, (kind, required, _) in schema.items():
        if key not in mapping:
            if required:
                problems.append(f"{where} line {line_of(mapping)}: {what} needs `{key}`.")
                ok = False
            continue
        value = mapping[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            problems.append(
                f"{where} line {line_of(mapping, key)}: `{key}` in {what} must be "
                f"{_article(expected)}, not {_article(_type_name(value))}."
            )
            ok = False
        elif kind is list and not all(isinstance(item, (str, dict)) for item in value):
            problems.append(
                f"{where} line {line_of(mapping, key)}: `{key}` in {what} must be a list of text."
            )
            ok = False
    return ok


def _type_name(value: Any) -> str:
    return "dict" if isinstance(value, dict) else type(value).__name__


def _article(type_name: str) -> str:
    names = {"str": "text", "int": "a whole number", "list": "a list", "dict": "a mapping",
             "NoneType": "empty", "float": "a number", "bool": "true/false"}
    return names.get(type_name, type_name)


def yaml_message(error: yaml.YAMLError, text: str, where: str) -> str:
    """Say where the YAML broke, show the line with a caret, and hint at the usual causes."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return f"Could not read '{where}': {problem}. Fix the YAML syntax there."
    lines = text.splitlines()
    shown = lines[mark.line] if mark.line < len(lines) else ""
    hint = "Fix the YAML syntax there"
    if "\t" in shown[: mark.column + 1]:
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif "block" in problem or "mapping values" in problem:
        hint = "Check the indentation: keys of one mapping line up, list items start with '- '"
    return (
        f"Could not read '{where}' line {mark.line + 1}, column {mark.column + 1}: {problem}. "
        f"{hint}.\n    {shown}\n    {' ' * mark.column}^"
    )


def parse_corrections(item: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    """Return an override's checked `arxiv` and `published`, adding a problem for each malformed one."""
    # Imported here: the readers' parser is the one rule for an arXiv id, and sources/ imports config, this module.
    from .models import Origin
    from .sources.common import parse_arxiv_id

    found: dict[str, Any] = {}
    if "arxiv" in item and isinstance(item["arxiv"], (str, float)):
        written = scalar_text(item, "arxiv") or str(item["arxiv"])
        # The readers' warning is not wanted: the problem below says it for digest.yml.
        arxiv = parse_arxiv_id(written, Origin(where, 0), "`arxiv`", []) if written.strip() else None
        if arxiv is None:
            problems.append(
                f"{where} line {line_of(item, 'arxiv')}: override for '{item['paper']}' has `arxiv: {written}`, "
                "which is not an arXiv id; write it like '2404.14469' (or 'hep-th/9901001')."
            )
        found["arxiv"] = arxiv
    if "published" in item and isinstance(item["published"], str):
        written = item["published"].strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", written, re.ASCII):
                raise ValueError(written)
            found["published"] = dt.date.fromisoformat(written)
        except ValueError:
            problems.append(
                f"{where} line {line_of(item, 'published')}: override for '{item['paper']}' has "
                f"`published: {written}`, which is not a real date; write it as YYYY-MM-DD, like 2024-05-01."
            )
    return found
