"""Load and validate digest.yml: every problem found at once, with its line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .constants import NEW_PAGE, PAPERS_JSON, UNSORTED_ID, WITH_CODE_PAGE
from .errors import DigestError

CONFIG_NAME = "digest.yml"
# More related papers than this would only bury the best ones (and grow every entry).
MAX_RELATED = 20
DEFAULT_OUTPUT = "docs/digest"


class ConfigError(DigestError):
    """digest.yml cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class Source:
    """A glob of listing files, relative to the digest folder."""

    pattern: str
    year: int | None = None


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy and the rules that put papers in it."""

    id: str
    title: str
    description: str = ""
    parent: str | None = None
    match: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: str | None = None
    min_score: int = 1


@dataclass(frozen=True)
class Override:
    """A curator's correction for one paper."""

    paper: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    primary: str | None = None
    hide: str | None = None
    title: str | None = None
    line: int = 0


@dataclass(frozen=True)
class DigestConfig:
    """The whole digest.yml."""

    title: str
    path: Path
    description: str = ""
    sources: tuple[Source, ...] = (Source("data/sources/*"),)
    output: str = DEFAULT_OUTPUT
    topics: tuple[Topic, ...] = ()
    overrides: tuple[Override, ...] = ()
    related: int = 5
    page_size: int = 150

    @property
    def root(self) -> Path:
        return self.path.parent

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


# name: (type, required, doc). The docs feed `digest check` messages and README.
TOP_LEVEL: dict[str, tuple[type | tuple[type, ...], bool, str]] = {
    "title": (str, True, "the digest's name, shown in the site header and home page"),
    "description": (str, False, "what the digest covers, one paragraph for the home page"),
    "sources": (list, False, "listing file globs, or {path, year} mappings"),
    "output": (str, False, "folder under docs/ for generated pages (git-ignored)"),
    "topics": (list, False, "the topic taxonomy"),
    "overrides": (list, False, "per-paper corrections by the curator"),
    "related": (int, False, "how many related papers each entry lists"),
    "page_size": (int, False, "full entries per topic page; larger topics split by year"),
}
TOPIC_KEYS: dict[str, tuple[type | tuple[type, ...], bool, str]] = {
    "id": (str, True, "a short slug used in URLs"),
    "title": (str, True, "the name shown on the site"),
    "description": (str, False, "one line saying what belongs here"),
    "parent": (str, False, "id of the topic this one sits under"),
    "match": (list, False, "phrases that put a paper here (title counts 3, abstract 1)"),
    "exclude": (list, False, "phrases that keep a paper out"),
    "regex": (str, False, "a regular expression that counts as a match"),
    "min_score": (int, False, "the score a paper needs to be placed here"),
}
OVERRIDE_KEYS: dict[str, tuple[type | tuple[type, ...], bool, str]] = {
    "paper": (str, True, "the paper id"),
    "add": (list, False, "topic ids to add"),
    "remove": (list, False, "topic ids to remove"),
    "primary": (str, False, "the topic where the full entry lives"),
    "hide": (str, False, "leave the paper out of the site, for this reason"),
    "title": (str, False, "the title to show instead of the scraped one"),
}
_TOPIC_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# A folder name in a URL and on any file system; dot-led ones MkDocs leaves out.
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
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
# Generated pages that share the topic pages' folder.
RESERVED_TOPIC_IDS = frozenset(
    {UNSORTED_ID, WITH_CODE_PAGE.removesuffix(".md"), PAPERS_JSON.removesuffix(".json"), "index", NEW_PAGE.removesuffix(".md")}
)


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        str(key.value): key.start_mark.line + 1 for key, _ in node.value
    }
    return mapping


class _Mapping(dict):  # type: ignore[type-arg]
    line: int = 0
    key_lines: dict[str, int] = {}


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def load_config(path: Path) -> DigestConfig:
    """Read digest.yml, raising ConfigError that lists every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"Could not find '{display_path(path)}'. Run the command in a digest folder, "
            "or create one with `digest new DIR`."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Could not read '{display_path(path)}': {error}.") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as error:
        raise ConfigError(_yaml_message(error, text, display_path(path))) from None
    return parse_config(data, path)


def display_path(path: Path) -> str:
    """Return path as the user would type it: relative to the working folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _yaml_message(error: yaml.YAMLError, text: str, where: str) -> str:
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


def parse_config(data: Any, path: Path) -> DigestConfig:
    """Validate parsed YAML into a DigestConfig, collecting every problem."""
    problems: list[str] = []
    where = display_path(path)
    if not isinstance(data, dict):
        raise ConfigError(f"'{where}' must be a mapping with at least `title:`.")
    _check_keys(data, TOP_LEVEL, where, "top level", problems)
    page_size = data.get("page_size", 150)
    if isinstance(page_size, int) and not isinstance(page_size, bool) and page_size < 1:
        problems.append(
            f"{where} line {_line(data, 'page_size')}: `page_size` must be at least 1, not {page_size}. "
            "It is how many full entries a topic page holds (default 150)."
        )
    related = data.get("related", 5)
    if isinstance(related, int) and not isinstance(related, bool) and not 0 <= related <= MAX_RELATED:
        problems.append(
            f"{where} line {_line(data, 'related')}: `related` must be from 0 to {MAX_RELATED}, not {related}. "
            "It is how many related papers each entry lists (default 5; 0 lists none)."
        )
    sources = _parse_sources(data.get("sources"), where, problems)
    topics = _parse_topics(data.get("topics") or [], where, problems)
    overrides = _parse_overrides(data.get("overrides") or [], where, topics, problems)
    output = data.get("output", DEFAULT_OUTPUT)
    if isinstance(output, str):
        output, problem = check_output(output)
        if problem:
            problems.append(f"{where} line {_line(data, 'output')}: {problem}")
    if problems:
        raise ConfigError("\n".join(problems))
    return DigestConfig(
        title=data["title"],
        path=path,
        description=data.get("description", ""),
        sources=sources,
        output=output,
        topics=topics,
        overrides=overrides,
        related=data.get("related", 5),
        page_size=data.get("page_size", 150),
    )


def check_output(value: str) -> tuple[str, str | None]:
    """Return `output` spelled plainly (``docs/digest``) and what is wrong with it, if anything.

    The output folder belongs to topic-digest, which deletes the files it
    wrote there when they are no longer generated: it must be a folder of
    its own below docs/, never docs/ itself, however it is spelled.
    """
    instead = f"Use a folder below docs/ that holds nothing else, such as `{DEFAULT_OUTPUT}`."
    parts = [part for part in value.split("/") if part not in ("", ".")]
    plain = "/".join(parts)
    if value.startswith("/") or "\\" in value or ":" in value:
        return plain, f"`output: {value}` must be a relative path with '/' between folders. {instead}"
    if ".." in parts:
        return plain, f"`output: {value}` must not use '..'. {instead}"
    if not parts or parts[0] != "docs":
        return plain, f"`output: {value}` is not inside docs/. {instead}"
    if len(parts) == 1:
        return plain, (
            f"`output: {value}` is docs/ itself, where the hand-written pages live; topic-digest deletes "
            f"the files it wrote in its output folder once they are no longer generated, so it needs a "
            f"folder of its own. {instead}"
        )
    bad = next((part for part in parts[1:] if not _FOLDER_NAME.fullmatch(part)), None)
    if bad is not None:
        return plain, (
            f"`output: {value}` has the folder name '{bad}': use letters, digits, '-', '_' and '.', "
            f"not starting with '.'. {instead}"
        )
    if parts[1] in RESERVED_SITE_NAMES:
        return plain, (
            f"`output: {value}` would put generated pages at '{parts[1]}/' in the built site: "
            f"{RESERVED_SITE_NAMES[parts[1]]}. {instead}"
        )
    return plain, None


def _line(mapping: Any, key: str | None = None) -> int:
    if key is not None and isinstance(mapping, _Mapping) and key in mapping.key_lines:
        return mapping.key_lines[key]
    return getattr(mapping, "line", 0)


def _check_keys(
    mapping: dict[str, Any],
    schema: dict[str, tuple[type | tuple[type, ...], bool, str]],
    where: str,
    what: str,
    problems: list[str],
) -> bool:
    ok = True
    for key in mapping:
        if key not in schema:
            problems.append(
                f"{where} line {_line(mapping, key)}: unknown key `{key}` in {what}. "
                f"Known keys: {', '.join(schema)}."
            )
            ok = False
    for key, (kind, required, _) in schema.items():
        if key not in mapping:
            if required:
                problems.append(f"{where} line {_line(mapping)}: {what} needs `{key}`.")
                ok = False
            continue
        value = mapping[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            problems.append(
                f"{where} line {_line(mapping, key)}: `{key}` in {what} must be "
                f"{_article(expected)}, not {_article(_type_name(value))}."
            )
            ok = False
        elif kind is list and not all(isinstance(item, (str, dict)) for item in value):
            problems.append(
                f"{where} line {_line(mapping, key)}: `{key}` in {what} must be a list of text."
            )
            ok = False
    return ok


def _type_name(value: Any) -> str:
    return "dict" if isinstance(value, dict) else type(value).__name__


def _article(type_name: str) -> str:
    names = {"str": "text", "int": "a whole number", "list": "a list", "dict": "a mapping",
             "NoneType": "empty", "float": "a number", "bool": "true/false"}
    return names.get(type_name, type_name)


def _parse_sources(value: Any, where: str, problems: list[str]) -> tuple[Source, ...]:
    if value is None:
        return (Source("data/sources/*"),)
    sources: list[Source] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            sources.append(Source(item))
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            year = item.get("year")
            if year is not None and not isinstance(year, int):
                problems.append(f"{where} line {_line(item)}: source `year` must be a whole number.")
                year = None
            unknown = set(item) - {"path", "year"}
            if unknown:
                problems.append(
                    f"{where} line {_line(item)}: unknown key `{sorted(unknown)[0]}` in a source. "
                    "Known keys: path, year."
                )
            sources.append(Source(item["path"], year))
        else:
            problems.append(
                f"{where} line {_line(item) or _line(value)}: each source must be a glob "
                "such as `data/sources/*.txt` or a mapping with `path:`."
            )
    return tuple(sources)


def _phrases(topic: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(item) for item in topic.get(key) or [] if isinstance(item, str))


def _parse_topics(value: Any, where: str, problems: list[str]) -> tuple[Topic, ...]:
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    invalid: set[str] = set()
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            problems.append(f"{where}: each topic must be a mapping with `id` and `title`.")
            continue
        if not _check_keys(item, TOPIC_KEYS, where, f"topic '{item.get('id', '?')}'", problems):
            # Still a topic id, so its children do not also report a missing parent.
            if isinstance(item.get("id"), str):
                seen.setdefault(item["id"], _line(item))
                invalid.add(item["id"])
            continue
        topic_id = item["id"]
        line = _line(item)
        if not _TOPIC_ID.fullmatch(topic_id):
            problems.append(
                f"{where} line {line}: topic id '{topic_id}' must be lower-case letters, "
                "digits and dashes."
            )
        if topic_id in RESERVED_TOPIC_IDS:
            problems.append(
                f"{where} line {line}: topic id '{topic_id}' is reserved for a generated page. "
                "Choose another id."
            )
        if topic_id in seen:
            problems.append(
                f"{where} line {line}: topic id '{topic_id}' is used twice "
                f"(first at line {seen[topic_id]}). Give each topic its own id."
            )
            continue
        seen[topic_id] = line
        regex = item.get("regex")
        if regex is not None:
            try:
                re.compile(regex)
            except re.error as error:
                problems.append(
                    f"{where} line {_line(item, 'regex')}: the regex of topic '{topic_id}' "
                    f"does not compile: {error}."
                )
        topics.append(
            Topic(
                id=topic_id,
                title=item["title"],
                description=item.get("description", ""),
                parent=item.get("parent"),
                match=_phrases(item, "match"),
                exclude=_phrases(item, "exclude"),
                regex=regex,
                min_score=item.get("min_score", 1),
            )
        )
    parents = {t.id: t.parent for t in topics}
    for topic in topics:
        if topic.parent is None or topic.parent in invalid:
            continue
        if topic.parent not in parents:
            problems.append(
                f"{where} line {seen[topic.id]}: topic '{topic.id}' has parent "
                f"'{topic.parent}', which is not a topic id."
            )
            continue
        chain, current = [topic.id], topic.parent
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current == topic.id:
            problems.append(
                f"{where} line {seen[topic.id]}: topic '{topic.id}' is its own ancestor "
                f"({' -> '.join(chain + [topic.id])}). Break the parent cycle."
            )
    return tuple(topics)


def _parse_overrides(
    value: Any, where: str, topics: tuple[Topic, ...], problems: list[str]
) -> tuple[Override, ...]:
    known = {t.id for t in topics}
    overrides: list[Override] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            problems.append(f"{where}: each override must be a mapping with `paper:`.")
            continue
        if not _check_keys(item, OVERRIDE_KEYS, where, f"override '{item.get('paper', '?')}'", problems):
            continue
        for key in ("add", "remove", "primary"):
            for topic_id in [item[key]] if key == "primary" and key in item else _phrases(item, key):
                if topic_id not in known:
                    problems.append(
                        f"{where} line {_line(item, key)}: override for '{item['paper']}' "
                        f"names topic '{topic_id}', which is not a topic id."
                    )
        for key, what in (("hide", "the reason the paper is left out (the report keeps it)"), ("title", "the title to show")):
            if isinstance(item.get(key), str) and not item[key].strip():
                problems.append(
                    f"{where} line {_line(item, key)}: override for '{item['paper']}' has an empty `{key}`; "
                    f"give {what}, or remove the key."
                )
        overrides.append(
            Override(
                paper=item["paper"],
                add=_phrases(item, "add"),
                remove=_phrases(item, "remove"),
                primary=item.get("primary"),
                hide=item.get("hide"),
                title=item.get("title"),
                line=_line(item),
            )
        )
    return tuple(overrides)
