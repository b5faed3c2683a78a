"""digest.bib: one entry per paper, unique stable keys, fields a BibTeX parser reads back as the text."""

from __future__ import annotations

import datetime as dt

import bibtexparser
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from generator.models import Paper
from generator.site.bibtex import bib_keys, bibtex_by_paper, digest_bib

HOSTILE = "Braces {x} and }{, 100% @home & $5 #1 a_b ~c ^d \\emph{no} \\"


def paper(pid: str, title: str, **fields) -> Paper:
    return Paper(key=pid, id=pid, title=title, abstract="", origins=(), **fields)


PAPERS = [
    paper("pi0", "π₀: A Vision-Language-Action Flow Model", authors=("Kevin Black", "Jörg Müller"),
          published=dt.date(2024, 10, 31), arxiv_id="2410.24164", paper_url="https://arxiv.org/abs/2410.24164"),
    paper("hostile", HOSTILE, authors=("R and D Lab", "O'Neil, Jr., Pat"), listed=dt.date(2023, 1, 2),
          paper_url="https://doi.org/10.1145/1.2?a=%7B{x}"),
    paper("old", "An Old-Style Identifier", published=dt.date(1999, 1, 1), arxiv_id="hep-th/9901001",
          paper_url="https://arxiv.org/abs/hep-th/9901001"),
    paper("bare", "Unknown Everything"),
]


def parse(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {entry.key: entry for entry in library.entries}


def decoded(value: str) -> str:
    """Read a field as LaTeX would typeset it (the independent check of the escaping)."""
    # pylatexenc spells \textasciicircum as the modifier letter; LaTeX prints a caret.
    # It does not know the LaTeX kernel's \textbraceleft and \textbraceright: teach it.
    context = get_default_latex_context_db().filter_context()  # a copy: the shared default stays as it is
    braces = [MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")]
    context.add_context_category("braces", macros=braces, prepend=True)
    return LatexNodes2Text(latex_context=context).latex_to_text(value).replace("\u02c6", "^")


def bibtex_balanced(value: str) -> bool:
    """Tell a field value whose braces balance as BibTeX and biber count them: every brace, escaped or not."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_every_paper_has_exactly_one_entry_with_its_fields():
    entries = parse(digest_bib(PAPERS))
    keys = dict((p.id, k) for p, k in bib_keys(PAPERS))
    assert sorted(entries) == sorted(keys.values()) and len(entries) == len(PAPERS)
    pi0 = entries[keys["pi0"]]
    assert keys["pi0"] == "black2024pi0" and pi0.entry_type == "misc"
    fields = {f.key: f.value for f in pi0.fields}
    assert fields == {
        "title": "{π₀: A Vision-Language-Action Flow Model}",
        "author": "Kevin Black and Jörg Müller",
        "year": "2024",
        "eprint": "2410.24164",
        "archivePrefix": "arXiv",
        "url": "https://arxiv.org/abs/2410.24164",
    }
    old = {f.key: f.value for f in entries[keys["old"]].fields}
    assert old["eprint"] == "hep-th/9901001" and old["archivePrefix"] == "arXiv"
    bare = {f.key: f.value for f in entries[keys["bare"]].fields}
    assert bare == {"title": "{Unknown Everything}"} and keys["bare"] == "unknown"  # "everything" is a stop word


def test_hostile_titles_names_and_urls_are_escaped_and_read_back_as_written():
    entries = parse(digest_bib(PAPERS))
    key = dict((p.id, k) for p, k in bib_keys(PAPERS))["hostile"]
    assert key == "lab2023braces"
    fields = {f.key: f.value for f in entries[key].fields}
    assert decoded(fields["title"][1:-1]) == HOSTILE
    assert bibtex_balanced(fields["title"])
    # "and" inside a name is braced so it stays one author.
    assert fields["author"] == "{R and D Lab} and O'Neil, Jr., Pat"
    assert fields["url"] == "https://doi.org/10.1145/1.2?a=%7B%7Bx%7D" and "year" in fields


def test_a_lone_brace_never_closes_a_field_as_bibtex_reads_it():
    # BibTeX counts "\\}" as a closing brace: written so, a title "}" would end its field early.
    lone = [paper("close", "}", authors=("}x",), published=dt.date(2024, 1, 1)),
            paper("open", "{ Open", authors=("Ann {B", "C}"), published=dt.date(2024, 1, 1))]
    text = digest_bib(lone)
    for entry in parse(text).values():
        for field in entry.fields:
            assert bibtex_balanced(field.value), (entry.key, field.key, field.value)
    fields = {entry.key: {f.key: f.value for f in entry.fields} for entry in parse(text).values()}
    assert decoded(fields["x2024"]["title"][1:-1]) == "}"
    assert [decoded(name) for name in fields["b2024open"]["author"].split(" and ")] == ["Ann {B", "C}"]


def test_authors_counted_but_not_named_are_others():
    # Three names of a paper a listing counts seven authors for: the entry said the three were all.
    counted = paper("c", "Counted Crowd", authors=("Ada Lovelace", "Alan Turing"), authors_count=7)
    exact = paper("e", "Exact Pair", authors=("Ada Lovelace", "Alan Turing"), authors_count=2)
    entries = parse(digest_bib([counted, exact]))
    authors = {key: {f.key: f.value for f in entry.fields}["author"] for key, entry in entries.items()}
    assert authors == {"lovelacecounted": "Ada Lovelace and Alan Turing and others",
                       "lovelaceexact": "Ada Lovelace and Alan Turing"}


def test_keys_are_unique_and_stable_as_the_digest_grows():
    same = [paper(f"p{n}", "Scaling Laws", authors=("Ada Lovelace",), published=dt.date(2024, 1, 1 + n)) for n in range(3)]
    keys = dict((p.id, k) for p, k in bib_keys(same))
    assert keys == {"p0": "lovelace2024scaling", "p1": "lovelace2024scalingb", "p2": "lovelace2024scalingc"}
    # A newer paper with the same key, and an unrelated one, leave every key as it was.
    newer = paper("p9", "Scaling Laws", authors=("Ada Lovelace",), published=dt.date(2024, 6, 1))
    grown = dict((p.id, k) for p, k in bib_keys(same + [newer, *PAPERS]))
    assert {pid: grown[pid] for pid in keys} == keys and grown["p9"] == "lovelace2024scalingd"
    assert len(set(grown.values())) == len(grown)
    # A bare key already spelled like a suffixed one is not taken twice.
    clash = [paper("x1", "Vision", authors=("Smith",), published=dt.date(2024, 1, 1)),
             paper("x2", "Vision", authors=("Smith",), published=dt.date(2024, 1, 2)),
             paper("x3", "Visionb", authors=("Smith",), published=dt.date(2024, 1, 3))]
    assert sorted(k for _, k in bib_keys(clash)) == ["smith2024vision", "smith2024visionb", "smith2024visionc"]
    assert digest_bib(list(reversed(same))) == digest_bib(same)


def test_each_papers_cite_text_is_its_entry_in_digest_bib():
    by_id = bibtex_by_paper(PAPERS)
    assert sorted(by_id) == sorted(p.id for p in PAPERS)
    assert "\n".join(sorted(by_id.values(), key=lambda text: text.split(",", 1)[0])) == digest_bib(PAPERS)
    assert by_id["pi0"].startswith("@misc{black2024pi0,\n")


def test_the_site_makes_digest_bib_from_each_papers_entry_in_the_same_order():
    from generator.site.bibtex import bib_file, bibtex_by_paper, digest_bib

    papers = [paper(f"v{i}", "Vision Models" if i % 3 else f"Vision {i}") for i in range(30)]
    papers += [paper("z", "Zebra"), paper("a", "Alpha", authors=("Ada Lovelace",))]
    assert bib_file(bibtex_by_paper(papers).values()) == digest_bib(papers)
