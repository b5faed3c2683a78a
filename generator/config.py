"""Load and validate digest.yml: every problem found at once, with its line.

The keys, their types and docs are declared in schema.py; here they become
the typed config the pipeline reads.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .enrich.tokens import TOPIC_WORD
from .errors import DigestError
from .schema import (
    FOLDER_NAME,
    OVERRIDE_KEYS,
    RESERVED_SITE_NAMES,
    RESERVED_TOPIC_IDS,
    TOP_LEVEL,
    TOPIC_ID,
    TOPIC_KEYS,
    check_keys,
    line_of,
    parse_corrections,
    read_yaml,
    yaml_message,
)

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
    note: str | None = None
    pick: bool | None = None
    arxiv: str | None = None
    published: dt.date | None = None
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
        data = read_yaml(text)
    except yaml.YAMLError as error:
        raise ConfigError(yaml_message(error, text, display_path(path))) from None
    return parse_config(data, path)


def display_path(path: Path) -> str:
    """Return path as the user would type it: relative to the working folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def parse_config(data: Any, path: Path) -> DigestConfig:
    """Validate parsed YAML into a DigestConfig, collecting every problem."""
    problems: list[str] = []
    where = display_path(path)
    if not isinstance(data, dict):
        raise ConfigError(f"'{where}' must be a mapping with at least `title:`.")
    check_keys(data, TOP_LEVEL, where, "top level", problems)
    page_size = data.get("page_size", 150)
    if isinstance(page_size, int) and not isinstance(page_size, bool) and page_size < 1:
        problems.append(
            f"{where} line {line_of(data, 'page_size')}: `page_size` must be at least 1, not {page_size}. "
            "It is how many full entries a topic page holds (default 150)."
        )
    related = data.get("related", 5)
    if isinstance(related, int) and not isinstance(related, bool) and not 0 <= related <= MAX_RELATED:
        problems.append(
            f"{where} line {line_of(data, 'related')}: `related` must be from 0 to {MAX_RELATED}, not {related}. "
            "It is how many related papers each entry lists (default 5; 0 lists none)."
        )
    title = data.get("title")
    if isinstance(title, str) and not title.strip():
        problems.append(
            f"{where} line {line_of(data, 'title')}: `title` is empty. Give the digest its name, "
            "such as `title: Our Lab's Reading List`."
        )
    sources = _parse_sources(data.get("sources"), where, problems)
    topics = _parse_topics(data.get("topics") or [], where, problems)
    overrides = _parse_overrides(data.get("overrides") or [], where, topics, problems)
    _check_reachable(topics, overrides, data.get("topics"), where, problems)
    output = data.get("output", DEFAULT_OUTPUT)
    if isinstance(output, str):
        output, problem = check_output(output)
        if problem:
            problems.append(f"{where} line {line_of(data, 'output')}: {problem}")
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
    bad = next((part for part in parts[1:] if not FOLDER_NAME.fullmatch(part)), None)
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
                problems.append(
                    f"{where} line {line_of(item)}: source `year` must be a whole number, "
                    "the year of the listing's dates without one, such as `year: 2025`."
                )
                year = None
            unknown = set(item) - {"path", "year"}
            if unknown:
                problems.append(
                    f"{where} line {line_of(item)}: unknown key `{sorted(unknown)[0]}` in a source. "
                    "Known keys: path, year."
                )
            sources.append(Source(item["path"], year))
        else:
            problems.append(
                f"{where} line {line_of(item) or line_of(value)}: each source must be a glob "
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
        if not check_keys(item, TOPIC_KEYS, where, f"topic '{item.get('id', '?')}'", problems):
            # Still a topic id, so its children do not also report a missing parent.
            if isinstance(item.get("id"), str):
                seen.setdefault(item["id"], line_of(item))
                invalid.add(item["id"])
            continue
        topic_id = item["id"]
        line = line_of(item)
        if not TOPIC_ID.fullmatch(topic_id):
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
                    f"{where} line {line_of(item, 'regex')}: the regex of topic '{topic_id}' "
                    f"does not compile: {error}."
                )
        for key in ("match", "exclude"):
            for phrase in _phrases(item, key):
                if not TOPIC_WORD.search(phrase):
                    problems.append(
                        f"{where} line {line_of(item, key)}: topic '{topic_id}' has the `{key}` phrase "
                        f"'{phrase}', which holds no letter or digit and so matches nothing. Remove it, "
                        f"or write words (`{key}: [tactile sensing]`)."
                    )
        topics.append(
            Topic(
                id=topic_id,
                title=item["title"],
                description=item.get("description", ""),
                parent=item.get("parent"),
                match=tuple(p for p in _phrases(item, "match") if TOPIC_WORD.search(p)),
                exclude=tuple(p for p in _phrases(item, "exclude") if TOPIC_WORD.search(p)),
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


def _check_reachable(
    topics: tuple[Topic, ...], overrides: tuple[Override, ...], value: Any, where: str, problems: list[str]
) -> None:
    """Add a problem for each topic no paper can reach: no phrase, no regex, no sub-topic, no override; or a min_score no paper can score."""
    # Imported here: enrich.topics reads this module's Topic.
    from .enrich.topics import ABSTRACT_WEIGHT, TITLE_WEIGHT

    parents = {t.parent for t in topics}
    placed = {topic_id for o in overrides for topic_id in (*o.add, o.primary)}
    items = [item for item in value if isinstance(item, dict) and "id" in item] if isinstance(value, list) else []
    lines = {item["id"]: line_of(item) for item in items}
    score_lines = {item["id"]: line_of(item, "min_score") for item in items}
    # Topics whose every `match` phrase was refused (reported already) are not also called phrase-less.
    written = {item["id"] for item in items if item.get("match")}
    for topic in topics:
        rules = len(topic.match) + (1 if topic.regex else 0)
        best = rules * (TITLE_WEIGHT + ABSTRACT_WEIGHT)
        if rules and isinstance(topic.min_score, int) and topic.min_score > best and topic.id not in placed:
            problems.append(
                f"{where} line {score_lines.get(topic.id, 0)}: topic '{topic.id}' needs `min_score: {topic.min_score}`, "
                f"more than a paper can score with its {rules} rule{'s' if rules != 1 else ''} (at most {best}: "
                f"{TITLE_WEIGHT} in the title and {ABSTRACT_WEIGHT} in the abstract for each), so its page would "
                f"stay empty. Lower `min_score` or add phrases."
            )
        if not topic.match and topic.id in written:
            continue
        if not topic.match and not topic.regex and topic.id not in parents and topic.id not in placed:
            problems.append(
                f"{where} line {lines.get(topic.id, 0)}: topic '{topic.id}' has no `match` phrases, no `regex` "
                f"and no sub-topics, so its page would stay empty. Add phrases (`match: [...]`; "
                f"`digest topics suggest` proposes some), give it sub-topics (`parent: {topic.id}`), or remove it."
            )


def _parse_overrides(
    value: Any, where: str, topics: tuple[Topic, ...], problems: list[str]
) -> tuple[Override, ...]:
    known = {t.id for t in topics}
    overrides: list[Override] = []
    seen: dict[str, int] = {}
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            problems.append(f"{where}: each override must be a mapping with `paper:`.")
            continue
        valid = check_keys(item, OVERRIDE_KEYS, where, f"override '{item.get('paper', '?')}'", problems)
        # Its other keys are still checked, so every problem is reported at once.
        if not isinstance(item.get("paper"), str):
            continue
        if item["paper"] in seen:
            # Two would both apply, in an order nobody sees; a second `hide` would call the paper missing.
            problems.append(
                f"{where} line {line_of(item)}: paper '{item['paper']}' has a second override "
                f"(the first is at line {seen[item['paper']]}). Merge them into one."
            )
            valid = False
        seen.setdefault(item["paper"], line_of(item))
        for key in ("add", "remove", "primary"):
            primary = [item[key]] if isinstance(item.get(key), str) else []
            for topic_id in primary if key == "primary" else _phrases(item, key):
                if topic_id not in known:
                    problems.append(
                        f"{where} line {line_of(item, key)}: override for '{item['paper']}' "
                        f"names topic '{topic_id}', which is not a topic id."
                    )
        corrections = parse_corrections(item, where, problems)
        for key, what in (
            ("hide", "the reason the paper is left out (the report keeps it)"),
            ("title", "the title to show"),
            ("note", "the note to show on the entry"),
        ):
            if isinstance(item.get(key), str) and not item[key].strip():
                problems.append(
                    f"{where} line {line_of(item, key)}: override for '{item['paper']}' has an empty `{key}`; "
                    f"give {what}, or remove the key."
                )
        if item.get("pick") is True and isinstance(item.get("hide"), str):
            problems.append(
                f"{where} line {line_of(item, 'pick')}: override for '{item['paper']}' has `pick: true` and `hide`, "
                "so the pick would never show. Remove one of them."
            )
        if not valid:
            continue
        overrides.append(
            Override(
                paper=item["paper"],
                add=_phrases(item, "add"),
                remove=_phrases(item, "remove"),
                primary=item.get("primary"),
                hide=item.get("hide"),
                title=item.get("title"),
                note=item.get("note"),
                pick=item.get("pick"),
                line=line_of(item),
                **corrections,
            )
        )
    return tuple(overrides)
