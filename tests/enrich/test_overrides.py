from __future__ import annotations

from pathlib import Path

from generator.config import DigestConfig, Override, Topic
from generator.enrich.overrides import apply_overrides
from generator.enrich.topics import Assignment, Match
from generator.models import Origin, Paper

TOPICS = (Topic("a", "A"), Topic("b", "B"), Topic("c", "C"))


def setup(*overrides: Override):
    papers = [
        Paper(key="p", id="p", title="Old title", abstract="X.", origins=(Origin("f.txt", 1), Origin("g.txt", 4))),
        Paper(key="q", id="q", title="Q", abstract="Y.", origins=(Origin("f.txt", 3),)),
    ]
    assignments = {
        "p": Assignment(("a", "b"), (Match("a", "x", "title"), Match("b", "y", "abstract"))),
        "q": Assignment(("a",), (Match("a", "x", "title"),)),
    }
    config = DigestConfig(title="T", path=Path("digest.yml"), topics=TOPICS, overrides=overrides)
    return apply_overrides(papers, assignments, config)


def test_add_remove_and_primary():
    _, assignments, hidden, warnings = setup(Override("p", add=("c",), remove=("a",), primary="c", line=7))
    assert assignments["p"].topics == ("c", "b")
    assert assignments["p"].matches == (Match("b", "y", "abstract"),)
    assert hidden == [] and warnings == []


def test_fix_a_title():
    papers, *_ = setup(Override("p", title="New title", line=3))
    assert [p.title for p in papers] == ["New title", "Q"]


def test_hide_keeps_the_reason_for_every_origin():
    papers, assignments, hidden, _ = setup(Override("p", hide="off topic", line=3))
    assert [p.id for p in papers] == ["q"] and "p" not in assignments
    assert [(str(r.origin), r.reason) for r in hidden] == [
        ("f.txt:1", "hidden by the curator: off topic"),
        ("g.txt:4", "hidden by the curator: off topic"),
    ]


def test_override_for_unknown_paper_warns_with_its_line():
    papers, _, _, warnings = setup(Override("nope", add=("a",), line=12))
    assert len(papers) == 2
    assert warnings == [
        "digest.yml line 12: override for paper 'nope', which is not in the digest. "
        "Check the id in papers.json."
    ]


def test_corrections_and_the_curators_word_reach_the_paper():
    import datetime as dt

    from generator.enrich.overrides import correct_papers

    papers = [
        Paper(key="p", id="p", title="P", abstract="X.", origins=(), arxiv_id="2401.00001"),
        Paper(key="q", id="q", title="Q", abstract="Y.", origins=()),
    ]
    config = DigestConfig(title="T", path=Path("digest.yml"), overrides=(
        Override("p", arxiv="2402.02750", published=dt.date(2024, 2, 5), note="Read\x1b[31m <this>.", pick=True, line=3),
        Override("p", pick=False, line=9),
        Override("missing", note="x", line=12),
    ))
    p, q = correct_papers(papers, config)
    # Later overrides win; a note is cleaned like every input (the site escapes it).
    assert (p.arxiv_id, p.published, p.note, p.pick) == ("2402.02750", dt.date(2024, 2, 5), "Read [31m <this>.", False)
    assert q is papers[1]


def test_a_corrected_arxiv_id_gives_the_paper_its_page_and_link(tree):
    from generator.config import load_config
    from generator.pipeline import build_digest
    from generator.sources import load_sources

    root = tree({
        "digest.yml": "title: T\noverrides:\n  - paper: a-paper\n    arxiv: 2402.02750\n    pick: true\n    note: Why it matters.\n",
        "data/sources/x.jsonl": '{"title": "A Paper", "abstract": "About things."}\n',
    })
    config = load_config(root / "digest.yml")
    (paper,) = build_digest(config, load_sources(config)[0]).papers
    assert paper.paper_url == "https://arxiv.org/abs/2402.02750"
    assert [link.url for link in paper.links] == ["https://arxiv.org/abs/2402.02750"]
    assert (paper.pick, paper.note) == (True, "Why it matters.")


def test_a_corrected_arxiv_id_that_another_paper_has_is_warned_about(tree):
    from generator.config import load_config
    from generator.pipeline import build_digest
    from generator.sources import load_sources

    # A typo in `arxiv:` made two entries, two Cite keys and two feed entries for one paper, without a word.
    root = tree({
        "digest.yml": "title: T\noverrides:\n  - paper: a-paper\n    arxiv: 2402.02750\n",
        "data/sources/x.jsonl": '{"title": "A Paper", "abstract": "About things."}\n'
                                '{"title": "Other Paper", "abstract": "Else.", "arxiv_id": "2402.02750"}\n',
    })
    config = load_config(root / "digest.yml")
    digest = build_digest(config, load_sources(config)[0])
    assert [p.arxiv_id for p in digest.papers] == ["2402.02750", "2402.02750"]
    assert [w for w in digest.report.warnings if "arXiv id" in w] == [
        f"{root / 'digest.yml'} line 3: override gives 'a-paper' the arXiv id 2402.02750, which 'other-paper' has "
        "too, so the site shows one paper twice. Check the id, or hide one of the two."
    ]
