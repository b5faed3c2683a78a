"""Every reader, driven by generated input of its own shape, never fails and loses nothing.

The strategies build each format from its parts (JSON values of every type and
size, Atom elements, JSONL lines, the text layouts with their headers and
metadata), so the readers meet what random bytes would almost never reach. Each
property checks what every listing must satisfy (see ``check``) and, where the
input's shape says it independently, that every record is accounted for: one
record or rejection per list item, JSONL line, top-level <entry> or paper.

The example counts suit CI; hunt with more: ``READER_EXAMPLES=2000 pytest tests/test_read_properties.py``.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.enrich.text import clean_text
from generator.sources import ListingError, decode_listing, read_file
from generator.enrich.latex import readable_text
from generator.sources.common import BUG, MAX_JSON_DEPTH, ListingResult

NAME = "listing.x"
EXAMPLES = int(os.environ.get("READER_EXAMPLES", "100"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# What a person reading a listing calls metadata, written down apart from the readers.
MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
METADATA = re.compile(rf"[•·*-]?\s*\d+ authors?|[·•]|{MONTH} \d{{1,2}}(?:, \d{{4}})?(?: \d+)?", re.ASCII)
HEADERS = [
    "new",
    "Get trending papers in your email inbox!",
    "Get trending papers in your email inbox once a day!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
]


def lines_of(data: bytes) -> int:
    """Return how many lines the decoded listing has (1 for a file refused whole)."""
    try:
        text, _ = decode_listing(data, NAME)
    except ListingError:
        return 1
    return text.count("\n") + 1


def check(data: bytes) -> ListingResult:
    """Read data as a listing and check what every listing must satisfy; return the result."""
    result = read_file(data, NAME)
    lines = lines_of(data)
    for record in result.records:
        assert record.origin.file == NAME and 1 <= record.origin.line <= lines, record.origin
        assert record.title and record.title == clean_text(record.title)
        assert record.abstract == clean_text(record.abstract)
    for rejection in result.rejected:
        assert rejection.origin.file == NAME and 1 <= rejection.origin.line <= lines, rejection
        # The last-resort guard must never be what caught a problem: every cause gets its own message.
        assert BUG not in rejection.reason, rejection.reason
    for message in result.warnings:
        assert f"'{NAME}'" in message, message
        assert BUG not in message, message
    for text in result.warnings + [r.reason for r in result.rejected] + [r.title + r.abstract for r in result.records]:
        text.encode("utf-8")  # no lone surrogate: it can be written and printed
        assert not any(unicodedata.category(ch) == "Cc" for ch in text), text  # no terminal escapes
    return result


def outcome_lines(result: ListingResult) -> list[int]:
    return sorted(item.origin.line for item in [*result.records, *result.rejected])


def refused_whole(result: ListingResult, *reasons: str) -> bool:
    """Tell a file rejected as a whole, for one of the reasons."""
    return (
        not result.records
        and len(result.rejected) == 1
        and any(reason in result.rejected[0].reason for reason in reasons)
    )


def nesting(text: str) -> int:
    """Return how deep JSON text nests, reading it character by character."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


# ---------------------------------------------------------------- JSON values

@dataclass(frozen=True)
class Raw:
    """A JSON token written as is: integers too long for Python, NaN, deep nesting."""

    token: str


@dataclass(frozen=True)
class Obj:
    """A JSON object whose keys may repeat."""

    pairs: tuple[tuple[str, object], ...]


def dumps(value: object, pretty: bool = False) -> str:
    """Write a generated value as JSON, over several lines when pretty."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, Obj):
        if not value.pairs:
            return "{}"
        members = [f"{json.dumps(key)}: {dumps(item, pretty)}" for key, item in value.pairs]
        return "{\n  " + ",\n  ".join(members) + "\n}" if pretty else "{" + ", ".join(members) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(item, pretty) for item in value) + "]"
    return json.dumps(value)  # surrogates become "\ud800" escapes, NaN and Infinity their tokens


any_text = st.text(st.characters(exclude_categories=()), max_size=30)
huge_ints = st.integers(4290, 6000).map(lambda n: Raw("9" * n)) | st.integers(20, 400).map(lambda n: Raw("-" + "7" * n))
deep = st.integers(1, 300).map(lambda n: Raw("[" * n + "]" * n) if n % 2 else Raw('{"a": ' * n + "1" + "}" * n))
odd_numbers = st.sampled_from([Raw("1e999"), Raw("-1e999"), Raw("-0"), Raw("NaN"), Raw("Infinity"), Raw("1.5e-400")])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text | huge_ints | odd_numbers
json_values = deep | st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.lists(st.tuples(any_text, children), max_size=4).map(lambda pairs: Obj(tuple(pairs))),
    max_leaves=10,
)

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
)
iso_dates = st.builds(
    lambda y, mo, d, h, mi, s, zone: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{zone}",
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["", "Z", ".123Z", "+0530"]) | offsets,
)
extreme_dates = st.sampled_from(
    ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+05:00", "2024-02-30", "2024-01-01", "", " ",
     "２０２４-０１-０１", "2024-01-01T24:00:00Z", "2024-01-01 10:00", "99999-01-01"]
)  # fmt: skip
arxiv_ids = st.sampled_from(
    ["2404.14469", "http://arxiv.org/abs/2404.14469v2", "hep-th/9901001", "２４０４.１４４６９",
     "arXiv:MATH.gt/0309136v1", "not-an-id", "https://arxiv.org/pdf/2404.14469.pdf"]
)  # fmt: skip
urls = st.sampled_from(
    ["https://github.com/a/b", "javascript:alert(1)", "https://x.org/\x1b[31m", "http://", " ", "https://a.b/c d"]
)
counts = st.integers(-5, 10**12) | huge_ints | odd_numbers | st.floats()
titles = st.sampled_from(["A Real Title", "", "   ", "\u200b", "Title\x00With\x1bControls"]) | any_text
abstracts = st.sampled_from(["An abstract.", "", " \n ", None]) | any_text


def some(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """A field's value: mostly of its kind, sometimes any JSON value at all."""
    return st.one_of(values, values, json_values)


def fields(names: dict[str, st.SearchStrategy[object]], required: tuple[str, ...] = ()) -> st.SearchStrategy[Obj]:
    """Objects with some of the named fields (the required ones always), and a repeated key now and then."""
    optional = {key: some(value) for key, value in names.items() if key not in required}
    return st.tuples(
        st.fixed_dictionaries({key: some(names[key]) for key in required}, optional=optional),
        st.lists(st.tuples(st.sampled_from(sorted(names)), json_values), max_size=1),
    ).map(lambda parts: Obj((*parts[0].items(), *parts[1])))


API_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "id": arxiv_ids,
    "title": titles,
    "summary": abstracts,
    "abstract": abstracts,
    "authors": st.lists(st.builds(lambda name: Obj((("name", name),)), any_text) | json_values, max_size=4),
    "publishedAt": iso_dates | extreme_dates,
    "upvotes": counts,
    "githubRepo": urls,
    "projectPage": urls,
}
papers = fields(API_FIELDS, required=("title",))
wrapped = st.builds(
    lambda paper, extra: Obj((("paper", paper), *extra)),
    fields(API_FIELDS) | json_values,
    st.lists(st.tuples(st.sampled_from(["title", "publishedAt", "numComments"]), json_values), max_size=2),
)
# Anything that claims to be an item: the `paper` wrapper or a `title` of its own.
items = wrapped | papers


@st.composite
def api_documents(draw: st.DrawFn) -> tuple[str, list[int]]:
    """A daily-papers JSON document and the line each of its items starts on."""
    shape = draw(st.sampled_from(["list", "list", "object", "single"]))
    chosen = draw(st.lists(items | json_values if shape == "list" else items, max_size=6))
    if shape == "single":
        item = draw(items)
        return dumps(item, draw(st.booleans())), [1]
    dumped = [dumps(item, draw(st.booleans())) for item in chosen]
    opening = "[" if shape == "list" else '{"count": 3, "papers": ['
    lines, line = [], 2
    for text in dumped:
        lines.append(line)
        line += text.count("\n") + 1
    closing = "]" if shape == "list" else '], "next": null}'
    return opening + "\n" + ",\n".join(dumped) + "\n" + closing, lines


@SETTINGS
@given(api_documents())
def test_api_json_accounts_for_every_item(document: tuple[str, list[int]]):
    text, lines = document
    result = check(text.encode("utf-8", "surrogatepass"))
    if nesting(text) > MAX_JSON_DEPTH:
        assert refused_whole(result, "nested too deeply")
    else:
        assert outcome_lines(result) == lines


# ---------------------------------------------------------------- JSONL

JSONL_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "title": titles,
    "abstract": abstracts,
    "summary": abstracts,
    "published": iso_dates | extreme_dates,
    "authors": st.lists(any_text, max_size=3) | counts,
    "upvotes": counts,
    "arxiv_id": arxiv_ids,
    "url": urls,
    "urls": st.lists(urls | json_values, max_size=3),
}
broken_lines = st.sampled_from(
    ["not json", "{'title': 'single quotes'}", '{"title": "x",}', '{"title": "unclosed', "{} {}", '{"a": 1}}']
)
objects = fields(JSONL_FIELDS).map(dumps)
jsonl_lines = st.one_of(objects, objects, broken_lines, json_values.map(dumps), objects.map(lambda line: "\ufeff" + line))


@SETTINGS
@given(
    st.one_of(objects, broken_lines.filter(lambda line: line.startswith("{"))),
    st.lists(st.tuples(st.sampled_from(["", " ", "\t"]), jsonl_lines), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_jsonl_accounts_for_every_line(first: str, rest: list[tuple[str, str]], newline: str):
    lines = [first]
    for blank, line in rest:
        lines += [blank, line] if blank else [line]
    result = check(newline.join(lines).encode("utf-8", "surrogatepass"))
    assert outcome_lines(result) == [number for number, line in enumerate(lines, 1) if line.strip()]


# ---------------------------------------------------------------- Atom

ATOM = "http://www.w3.org/2005/Atom"
XML_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\ufffe\uffff").filter(
    lambda ch: ch in "\t\n" or ord(ch) >= 0x20
)
xml_text = st.text(XML_CHARS, max_size=30)


@st.composite
def contents(draw: st.DrawFn, prefix: str) -> str:
    """What goes inside a text element: text, CDATA, markup, deep markup, comments."""
    kind = draw(st.sampled_from(["text", "text", "cdata", "markup", "deep", "html", "raw html", "empty", "comment"]))
    words = draw(xml_text)
    if kind == "cdata":
        return "<![CDATA[" + words.replace("]]>", "").replace("<!", "") + "]]>"
    if kind == "markup":
        return f"{escape(words)}<b xmlns='http://www.w3.org/1999/xhtml'>{escape(words)}</b><{prefix}entry/>"
    if kind == "deep":
        depth = draw(st.integers(1, 3000))
        return "<i>" * depth + escape(words) + "</i>" * depth
    if kind == "html":
        return escape(f"<p>{escape(words)}</p><script>x()</script>")
    if kind == "raw html":  # HTML source of any characters: tags, declarations, entities cut short
        return escape(draw(st.text(st.sampled_from("<>![]/-?&#;x0aA =\"'"), max_size=30)))
    if kind == "comment":
        return f"<!-- {words.replace('-', '').replace('<!', '')} -->{escape(words)}<?pi data?>"
    return "" if kind == "empty" else escape(words)


@st.composite
def atom_elements(draw: st.DrawFn, prefix: str) -> str:
    """One child of an <entry>: known elements with odd content and attributes, or others."""
    tag = draw(st.sampled_from(["title", "summary", "content", "id", "published", "author", "link", "other", "entry"]))
    if tag == "author":
        return f"<{prefix}author><{prefix}name>{escape(draw(xml_text))}</{prefix}name></{prefix}author>"
    if tag == "link":
        href = draw(urls.filter(str.isprintable) | xml_text)
        rel = draw(st.sampled_from(["", " rel='alternate'", " rel='related'", " rel=' alternate '"]))
        return f"<{prefix}link href={quoteattr(href)}{rel}/>"
    if tag == "other":
        return f"<x:thing xmlns:x='urn:other' a={quoteattr(draw(xml_text))}>{draw(contents(prefix))}</x:thing>"
    if tag == "entry":
        return f"<{prefix}entry><{prefix}title>Nested</{prefix}title></{prefix}entry>"
    if tag in ("id", "published") and draw(st.booleans()):
        value = draw(arxiv_ids | st.sampled_from(["tag:example.org,2024:1", "urn:uuid:1", "http://arxiv.org/api/errors#x"]))
        value = draw(iso_dates | extreme_dates) if tag == "published" else value
        return f"<{prefix}{tag}>{escape(value)}</{prefix}{tag}>"
    attribute = draw(st.sampled_from(["", " type='html'", " type='xhtml'", " type='text'", " xml:lang='en'", " type=' HTML '"]))
    if draw(st.integers(0, 5)) == 0:
        return f"<{prefix}{tag}{attribute}/>"
    return f"<{prefix}{tag}{attribute}>{draw(contents(prefix))}</{prefix}{tag}>"


@st.composite
def atom_documents(draw: st.DrawFn) -> tuple[str, list[int]]:
    """An Atom feed built from elements, and the line each top-level entry starts on."""
    prefix = draw(st.sampled_from(["", "a:"]))
    namespace = f"xmlns{':a' if prefix else ''}='{ATOM}'"
    space = st.sampled_from(["", "\n", "\r\n", "  ", "\n\n"])
    text = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n', "<?xml version='1.0'?>"]))
    text += f"<{prefix}feed {namespace}>" + draw(space)
    starts = []
    for _ in range(draw(st.integers(0, 6))):
        text += draw(st.sampled_from(["", f"<{prefix}title>Feed</{prefix}title>", "<x:entry xmlns:x='urn:other'/>"]))
        text += draw(space)
        starts.append(len(text))
        children = draw(st.lists(atom_elements(prefix), max_size=8))
        if not children and draw(st.booleans()):
            text += f"<{prefix}entry/>"
        else:
            text += f"<{prefix}entry>" + "".join(child + draw(space) for child in children) + f"</{prefix}entry>"
        text += draw(space)
    text += f"</{prefix}feed>"
    lines = [text[:start].replace("\r\n", "\n").count("\n") + 1 for start in starts]
    return text, lines


@SETTINGS
@given(atom_documents())
def test_atom_accounts_for_every_entry(document: tuple[str, list[int]]):
    text, lines = document
    result = check(text.encode("utf-8"))
    assert outcome_lines(result) == lines


# ---------------------------------------------------------------- text layouts

word = st.from_regex(r"[A-Za-z][a-z]{1,8}", fullmatch=True)
unicode_word = st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=8)
sentence = (
    st.lists(word | unicode_word, min_size=3, max_size=12)
    .map(" ".join)
    .filter(lambda text: not METADATA.fullmatch(text) and text.lower() not in {h.lower() for h in HEADERS})
)
# Titles a careless reading takes for header or glue: the first title starting with "Subscribe".
plain_titles = sentence | sentence.map(lambda text: "Subscriber " + text) | sentence.map(lambda text: "Subscribed" + text)
metadata_blocks = st.lists(
    st.sampled_from(["  • 5 authors", "• 1 author", "·", "Jan 7, 2022", "Mar 19", "Jun 12, 2023 1", "Mar 19 3"]),
    min_size=1,
    max_size=3,
).map(lambda lines: "\n".join(dict.fromkeys(lines)))


@dataclass(frozen=True)
class Paper:
    title: str
    abstract: str
    metadata: str | None


listing_papers = st.lists(st.builds(Paper, plain_titles, sentence, st.none() | metadata_blocks), max_size=6)


@st.composite
def blocks_listings(draw: st.DrawFn) -> tuple[str, list[tuple[str, int]]]:
    """A blocks listing, maybe with a second page pasted after it, and each paper's (title, line)."""
    gap = st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n\t\n"])
    header = draw(st.lists(st.sampled_from(HEADERS + ["May 7", "Aug 5, 2023"]), min_size=1, max_size=6))
    text, expected = "", []
    for page in range(draw(st.integers(1, 2))):
        if page:
            # A pasted page's header: its lines, then the day, at least two blocks.
            header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5)) + ["May 8"]
        # Header lines are known whatever their case; days are not.
        for line in header:
            text += draw(st.sampled_from([line, line.upper(), f"  {line} "] if line in HEADERS else [line]))
            text += draw(gap)
        for paper in draw(listing_papers):
            expected.append((paper.title, text.count("\n") + 1))
            text += paper.title + draw(gap) + paper.abstract + draw(gap)
            if paper.metadata:
                text += paper.metadata + draw(gap)
    return text, expected


@st.composite
def lines_listings(draw: st.DrawFn) -> tuple[str, list[tuple[str, int]]]:
    """A lines listing (Subscribe glued to the first title or on the line before), maybe two pasted together."""
    text, expected = "", []
    for _ in range(draw(st.integers(1, 2))):
        header = draw(st.lists(st.sampled_from(HEADERS[1:3]), min_size=0 if not text else 1, max_size=2))
        text += "".join(line + "\n" for line in header) + draw(st.sampled_from(["Subscribe", "Subscribe\n"]))
        for paper in draw(listing_papers.filter(bool)):
            expected.append((paper.title, text.count("\n") + 1))
            text += paper.title + "\n" + paper.abstract + "\n"
    return text, expected


@SETTINGS
@given(blocks_listings() | lines_listings(), st.sampled_from(["\n", "\r\n", "\r"]))
def test_text_layouts_read_every_paper(listing: tuple[str, list[tuple[str, int]]], newline: str):
    text, expected = listing
    result = check(text.replace("\n", newline).encode("utf-8"))
    # A title is read as text, its LaTeX too (enrich.latex): "$A$" is "A".
    assert [(r.title, r.origin.line) for r in result.records] == [(readable_text(t), n) for t, n in expected]
    assert result.rejected == []


@SETTINGS
@given(
    blocks_listings() | lines_listings(),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]),
)
def test_any_unicode_encoding_with_a_byte_order_mark_reads_the_same(
    listing: tuple[str, list[tuple[str, int]]], encoding: str
):
    text, _ = listing
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = "\ufeff".encode(encoding) + data
    assert read_file(data, NAME) == read_file(text.encode("utf-8"), NAME)


# Lines a hostile or careless listing holds: every kind of metadata, header and glue, in any place.
odd_lines = st.sampled_from(
    ["• 2 authors", "  • 12 authors", "·", "•", "Jan 2, 2024", "Mar 19", "Jun 12, 2023 1", "Feb 30, 2024",
     "Subscribe", "SubscribeGlued Title", "Subscriber Churn Prediction", "SUBSCRIBEx", " SubscribeIndented",
     "Daily Papers", "new", "NEW", "byAK and the research community", "# Heading", "---", "- item", "  ",
     "• " + "9" * 5000 + " authors", "Jan 2, 2024 " + "9" * 5000, "Jan 99, 2024", "Top 5", "May 7",
     "\u200b", "\x1b[31m", "\ufeff", "‮reversed"]
)  # fmt: skip
text_lines = st.one_of(
    odd_lines,
    sentence,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30).map(
        lambda text: text.replace("\n", " ").replace("\r", " ")
    ),
)


def covered(text: str, result: ListingResult) -> list[tuple[int, str]]:
    """Return the lines of a text listing that no record or rejection accounts for.

    A line is accounted for when its text is in a record, or a rejection
    names it or the title it was paired with (the line or block before it).
    Header and metadata lines are no record's text.
    """
    if any(
        "none of it was read" in rejection.reason or rejection.reason.startswith("Could not read listing")
        for rejection in result.rejected
    ):
        return []
    rejected = {rejection.origin.line for rejection in result.rejected}
    read = " | ".join(f"{record.title} | {record.abstract}" for record in result.records)
    # Lines joined into one title are read as LaTeX together: " --- " between them becomes a dash.
    read += " | " + read.replace("\u2014", "---").replace("\u2013", "--")
    missing = []
    previous_line = previous_block = previous_text = 0
    block_start, blank_before = 0, True
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        if blank_before:
            previous_block, block_start, blank_before = block_start, number, False
        # A line's LaTeX is read as text (enrich.latex): either form accounts for it.
        texts = [clean_text(stripped), readable_text(stripped)]
        if stripped.startswith("Subscribe"):
            texts += [clean_text(stripped.removeprefix("Subscribe")), readable_text(stripped.removeprefix("Subscribe"))]
        header = stripped.lower() in {h.lower() for h in HEADERS}
        # A header line between a title and its abstract (a page pasted in) pairs them across it.
        found = any(t in read for t in texts) or {number, previous_line, previous_text, block_start, previous_block} & rejected
        if not (header or METADATA.fullmatch(stripped) or found):
            missing.append((number, stripped))
        previous_line = number
        if not header:
            previous_text = number
    return missing


@SETTINGS
@given(
    st.lists(st.sampled_from(HEADERS + ["May 7"]), max_size=4),
    st.lists(st.tuples(st.sampled_from(["", "\n", "\n \n"]), text_lines), min_size=1, max_size=14),
)
def test_odd_text_listings_lose_nothing_and_never_take_metadata_for_a_title(
    header: list[str], body: list[tuple[str, str]]
):
    text = "\n".join(header + [gap + line for gap, line in body])
    result = check(text.encode("utf-8"))
    for record in result.records:
        assert not METADATA.fullmatch(record.title) and not METADATA.fullmatch(record.abstract), record
    try:
        decoded, _ = decode_listing(text.encode("utf-8"), NAME)
    except ListingError:
        return  # refused whole, as check() saw
    assert covered(decoded, result) == []


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]))
def test_any_bytes_are_read_or_refused_with_a_reason(data: bytes, start: bytes):
    result = check(start + data)
    assert result.records or result.rejected or result.warnings


@SETTINGS
@given(blocks_listings(), st.integers(4096, 9000), st.integers(1, 3))
def test_nul_bytes_past_the_start_are_replaced_and_warned_about(
    listing: tuple[str, list[tuple[str, int]]], position: int, count: int
):
    text, expected = listing
    data = text.encode("utf-8").ljust(4096, b" ")
    data = data[:position] + b"\x00" * count + data[position:]
    result = check(data)
    assert any("NUL bytes" in warning for warning in result.warnings)
    assume(expected)
    assert len(result.records) + len(result.rejected) >= 1
