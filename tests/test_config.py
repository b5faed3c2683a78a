from __future__ import annotations

import datetime as dt

from pathlib import Path

import pytest

from generator.config import ConfigError, load_config

from .conftest import PROJECT


def problems(tree, text: str) -> list[str]:
    root = tree({"digest.yml": text})
    with pytest.raises(ConfigError) as caught:
        load_config(root / "digest.yml")
    return [line.replace(str(root / "digest.yml"), "digest.yml") for line in str(caught.value).splitlines()]


def test_bundled_config_loads():
    config = load_config(PROJECT / "digest.yml")
    assert config.title == "Efficient ML Systems Digest"
    assert len(config.topics) >= 10


def test_minimal_config_gets_defaults(tree):
    root = tree({"digest.yml": "title: T\n"})
    config = load_config(root / "digest.yml")
    assert (config.output, [s.pattern for s in config.sources], config.topics) == (
        "docs/digest", ["data/sources/*"], ()
    )


def test_every_problem_is_reported_at_once_with_lines(tree):
    text = (
        "title: T\n"
        "colour: blue\n"
        "topics:\n"
        "  - id: a\n"
        "    title: A\n"
        "    regex: '(unclosed'\n"
        "  - id: a\n"
        "    title: Again\n"
        "  - id: b\n"
        "    title: B\n"
        "    parent: nowhere\n"
        "  - id: c\n"
        "    title: C\n"
        "    parent: d\n"
        "  - id: d\n"
        "    title: D\n"
        "    parent: c\n"
        "  - id: e\n"
        "    title: E\n"
        "    weight: 3\n"
        "overrides:\n"
        "  - paper: some-paper\n"
        "    add: [zzz]\n"
    )
    assert problems(tree, text) == [
        "digest.yml line 2: unknown key `colour` in top level. Known keys: title, description, "
        "sources, output, topics, overrides, related, page_size.",
        "digest.yml line 6: the regex of topic 'a' does not compile: missing ), unterminated "
        "subpattern at position 0.",
        "digest.yml line 7: topic id 'a' is used twice (first at line 4). Give each topic its own id.",
        "digest.yml line 20: unknown key `weight` in topic 'e'. Known keys: id, title, description, "
        "parent, match, exclude, regex, min_score.",
        "digest.yml line 9: topic 'b' has parent 'nowhere', which is not a topic id.",
        "digest.yml line 12: topic 'c' is its own ancestor (c -> d -> c). Break the parent cycle.",
        "digest.yml line 15: topic 'd' is its own ancestor (d -> c -> d). Break the parent cycle.",
        "digest.yml line 23: override for 'some-paper' names topic 'zzz', which is not a topic id.",
        "digest.yml line 9: topic 'b' has no `match` phrases, no `regex` and no sub-topics, so its page "
        "would stay empty. Add phrases (`match: [...]`; `digest topics suggest` proposes some), give it "
        "sub-topics (`parent: b`), or remove it.",
    ]


def test_wrong_types_and_missing_title(tree):
    assert problems(tree, "topics: 3\nrelated: many\n") == [
        "digest.yml line 1: top level needs `title`.",
        "digest.yml line 1: `topics` in top level must be a list, not a whole number.",
        "digest.yml line 2: `related` in top level must be a whole number, not text.",
    ]


def test_bad_yaml_names_the_line(tree):
    assert problems(tree, "title: T\ntopics: [a\n")[0] == (
        "Could not read 'digest.yml' line 3, column 1: expected ',' or ']', but got '<stream end>'. "
        "Fix the YAML syntax there."
    )


INSTEAD = "Use a folder below docs/ that holds nothing else, such as `docs/digest`."


@pytest.mark.parametrize("spelling", ["docs", "docs/", "docs/.", "docs//", "./docs", "./docs/./"])
def test_output_is_never_docs_itself(tree, spelling: str):
    assert problems(tree, f"title: T\noutput: '{spelling}'\n") == [
        f"digest.yml line 2: `output: {spelling}` is docs/ itself, where the hand-written pages live; topic-digest "
        "deletes the files it wrote in its output folder once they are no longer generated, so it needs a folder "
        f"of its own. {INSTEAD}"
    ]


@pytest.mark.parametrize(
    ("spelling", "problem"),
    [
        ("../elsewhere", "must not use '..'"),
        ("docs/x/..", "must not use '..'"),
        ("docs/../docs/digest", "must not use '..'"),
        ("/abs/docs/digest", "must be a relative path with '/' between folders"),
        ("docs\\digest", "must be a relative path with '/' between folders"),
        ("C:/docs/digest", "must be a relative path with '/' between folders"),
        ("digest", "is not inside docs/"),
        ("site/digest", "is not inside docs/"),
        ("docs/.digest", "has the folder name '.digest': use letters, digits, '-', '_' and '.', not starting with '.'"),
        ("docs/my digest", "has the folder name 'my digest'"),
        ("docs/a#b", "has the folder name 'a#b'"),
        ("docs/search", "would put generated pages at 'search/' in the built site: the search indexes are there"),
        ("docs/search/digest", "would put generated pages at 'search/' in the built site"),
        ("docs/assets", "would put generated pages at 'assets/' in the built site: the theme's and topic-digest's"),
        ("docs/templates", "would put generated pages at 'templates/' in the built site: MkDocs leaves docs/templates/ out"),
        ("docs/papers.json", "would put generated pages at 'papers.json/' in the built site: the digest's data file has"),
        ("docs/404.html", "would put generated pages at '404.html/' in the built site: the page for missing addresses"),
    ],
)
def test_output_must_be_a_folder_of_its_own_below_docs(tree, spelling: str, problem: str):
    [message] = problems(tree, f"title: T\noutput: '{spelling}'\n")
    assert message.startswith(f"digest.yml line 2: `output: {spelling}` {problem}")
    assert message.endswith(INSTEAD)


@pytest.mark.parametrize(
    ("spelling", "plain"),
    [("docs/digest", "docs/digest"), ("./docs//digest/", "docs/digest"), ("docs/notes/v2", "docs/notes/v2"), ("docs/x.y", "docs/x.y")],
)
def test_output_is_kept_plainly_spelled(tree, spelling: str, plain: str):
    root = tree({"digest.yml": f"title: T\noutput: '{spelling}'\n"})
    assert load_config(root / "digest.yml").output == plain


def test_missing_file_says_what_to_do(tmp_path: Path):
    with pytest.raises(ConfigError, match="create one with `digest new DIR`"):
        load_config(tmp_path / "digest.yml")


def test_yaml_errors_show_the_line_and_a_hint(tree):
    text = "title: T\ntopics:\n  - id: a\n    title: A\n     match: [x]\n"
    assert problems(tree, text) == [
        "Could not read 'digest.yml' line 5, column 11: mapping values are not allowed here. "
        "Check the indentation: keys of one mapping line up, list items start with '- '.",
        "         match: [x]",
        "              ^",
    ]


def test_tabs_get_their_own_hint(tree):
    assert problems(tree, "title: T\ntopics:\n\t- id: a\n")[0].endswith(
        "YAML does not allow tabs for indentation; use spaces."
    )


def test_an_invalid_parent_topic_is_not_also_called_missing(tree):
    text = (
        "title: T\ntopics:\n  - id: inference\n    title: I\n    min_score: two\n"
        "  - id: kv\n    title: KV\n    parent: inference\n    match: [kv]\n"
    )
    assert problems(tree, text) == [
        "digest.yml line 5: `min_score` in topic 'inference' must be a whole number, not text."
    ]


def test_a_topic_cannot_take_the_new_pages_name_and_page_size_is_positive(tree):
    text = "title: T\npage_size: 0\ntopics:\n  - {id: new, title: New, match: [new]}\n"
    assert problems(tree, text) == [
        "digest.yml line 2: `page_size` must be at least 1, not 0. It is how many full entries a topic page holds (default 150).",
        "digest.yml line 4: topic id 'new' is reserved for a generated page. Choose another id.",
    ]


def test_related_is_bounded_and_overrides_never_take_an_empty_hide_or_title(tmp_path):
    path = tmp_path / "digest.yml"
    path.write_text(
        "title: T\nrelated: 100000\noverrides:\n  - paper: p\n    hide: ''\n  - paper: q\n    title: '  '\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "digest.yml line 2: `related` must be from 0 to 20, not 100000." in message
    assert "digest.yml line 5: override for 'p' has an empty `hide`; give the reason" in message
    assert "digest.yml line 7: override for 'q' has an empty `title`; give the title to show" in message
    path.write_text("title: T\nrelated: 0\n", encoding="utf-8")
    assert load_config(path).related == 0


def test_a_topic_no_paper_can_reach_is_an_error_naming_it(tree):
    text = (
        "title: T\n"
        "topics:\n"
        "  - id: empty\n"
        "    title: Nothing matches here\n"
        "    match: []\n"
        "  - id: group\n"
        "    title: A parent needs no phrases\n"
        "  - id: child\n"
        "    title: Child\n"
        "    parent: group\n"
        "    regex: 'child\\w+'\n"
        "  - id: favourites\n"
        "    title: Filled by overrides\n"
        "overrides:\n"
        "  - paper: some-paper\n"
        "    add: [favourites]\n"
    )
    assert problems(tree, text) == [
        "digest.yml line 3: topic 'empty' has no `match` phrases, no `regex` and no sub-topics, so its page "
        "would stay empty. Add phrases (`match: [...]`; `digest topics suggest` proposes some), give it "
        "sub-topics (`parent: empty`), or remove it."
    ]


def test_a_phrase_without_a_word_is_an_error_not_a_traceback(tree):
    text = "title: T\ntopics:\n  - id: blank\n    title: B\n    match: ['', ok]\n    exclude: ['--']\n"
    assert problems(tree, text) == [
        "digest.yml line 5: topic 'blank' has the `match` phrase '', which holds no letter or digit and so "
        "matches nothing. Remove it, or write words (`match: [tactile sensing]`).",
        "digest.yml line 6: topic 'blank' has the `exclude` phrase '--', which holds no letter or digit and so "
        "matches nothing. Remove it, or write words (`exclude: [tactile sensing]`).",
    ]


def test_a_min_score_no_paper_can_reach_is_an_error(tree):
    text = (
        "title: T\ntopics:\n"
        "  - {id: picky, title: P, match: [a, b], min_score: 9}\n"
        "  - {id: fine, title: F, match: [a, b], regex: 'c+', min_score: 12}\n"
    )
    assert problems(tree, text) == [
        "digest.yml line 3: topic 'picky' needs `min_score: 9`, more than a paper can score with its 2 rules "
        "(at most 8: 3 in the title and 1 in the abstract for each), so its page would stay empty. Lower "
        "`min_score` or add phrases."
    ]


def test_an_empty_title_is_an_error(tree):
    assert problems(tree, "title: '  '\n") == [
        "digest.yml line 1: `title` is empty. Give the digest its name, such as `title: Our Lab's Reading List`."
    ]


def test_override_note_pick_and_corrections_are_read_and_checked_with_lines(tree):
    good = (
        "title: T\n"
        "overrides:\n"
        "  - paper: a\n"
        "    arxiv: 2401.10000\n"  # YAML would read the number 2401.1
        "    published: 2024-05-01\n"
        "    pick: true\n"
        "    note: 'Read this <first> & fast.'\n"
        "  - paper: b\n"
        "    arxiv: 'arXiv:hep-th/9901001v2'\n"
    )
    root = tree({"digest.yml": good})
    first, second = load_config(root / "digest.yml").overrides
    assert (first.arxiv, first.published, first.pick, first.note) == (
        "2401.10000", dt.date(2024, 5, 1), True, "Read this <first> & fast."
    )
    assert (second.arxiv, second.published, second.pick, second.note) == ("hep-th/9901001", None, None, None)
    bad = (
        "title: T\n"
        "overrides:\n"
        "  - paper: a\n"
        "    arxiv: nope\n"
        "    published: 2024-13-01\n"
        "    note: ''\n"
        "  - paper: b\n"
        "    pick: 'yes please'\n"
        "    published: 5 May 2024\n"
    )
    assert problems(tree, bad) == [
        "digest.yml line 4: override for 'a' has `arxiv: nope`, which is not an arXiv id; write it like "
        "'2404.14469' (or 'hep-th/9901001').",
        "digest.yml line 5: override for 'a' has `published: 2024-13-01`, which is not a real date; write it "
        "as YYYY-MM-DD, like 2024-05-01.",
        "digest.yml line 6: override for 'a' has an empty `note`; give the note to show on the entry, or remove the key.",
        "digest.yml line 8: `pick` in override 'b' must be true/false, not text.",
        "digest.yml line 9: override for 'b' has `published: 5 May 2024`, which is not a real date; write it "
        "as YYYY-MM-DD, like 2024-05-01.",
    ]


def test_a_paper_with_two_overrides_is_an_error(tree):
    # Both applied silently, the later note winning; a second `hide` called the paper missing.
    text = (
        "title: T\n"
        "overrides:\n"
        "  - paper: a\n"
        "    note: first\n"
        "  - paper: b\n"
        "    pick: true\n"
        "  - paper: a\n"
        "    note: second\n"
    )
    assert problems(tree, text) == [
        "digest.yml line 7: paper 'a' has a second override (the first is at line 3). Merge them into one."
    ]


def test_a_hidden_paper_cannot_be_a_pick(tree):
    # The pick was dropped without a word: the paper is left out of the site.
    text = "title: T\noverrides:\n  - paper: a\n    hide: off topic\n    pick: true\n"
    assert problems(tree, text) == [
        "digest.yml line 5: override for 'a' has `pick: true` and `hide`, so the pick would never show. "
        "Remove one of them."
    ]
    root = tree({"digest.yml": text.replace("pick: true", "pick: false")})
    assert load_config(root / "digest.yml").overrides[0].hide == "off topic"


def test_an_override_with_a_key_of_the_wrong_type_still_has_its_other_keys_checked(tree):
    # The wrong `note` used to hide every other problem of its override until it was fixed.
    bad = (
        "title: T\n"
        "overrides:\n"
        "  - paper: a\n"
        "    note: 42\n"
        "    primary: [nowhere]\n"
        "    add: [nowhere]\n"
        "    arxiv: nope\n"
        "    title: ' '\n"
        "  - note: orphan\n"
    )
    assert problems(tree, bad) == [
        "digest.yml line 5: `primary` in override 'a' must be text, not a list.",
        "digest.yml line 4: `note` in override 'a' must be text, not a whole number.",
        "digest.yml line 6: override for 'a' names topic 'nowhere', which is not a topic id.",
        "digest.yml line 7: override for 'a' has `arxiv: nope`, which is not an arXiv id; write it like "
        "'2404.14469' (or 'hep-th/9901001').",
        "digest.yml line 8: override for 'a' has an empty `title`; give the title to show, or remove the key.",
        "digest.yml line 9: override '?' needs `paper`.",
    ]


def test_an_impossible_date_anywhere_is_a_message_not_a_traceback(tree):
    # YAML reads 2024-13-01 as a date and raised a bare ValueError.
    assert problems(tree, "title: T\nrelated: 2024-13-01\n") == [
        "digest.yml line 2: `related` in top level must be a whole number, not text."
    ]


def test_topics_cannot_take_the_names_of_the_digest_feeds(tree):
    for topic_id in ("all", "picks"):
        found = problems(tree, f"title: T\ntopics:\n  - id: {topic_id}\n    title: X\n    match: [x]\n")
        assert found == [f"digest.yml line 3: topic id '{topic_id}' is reserved for a generated page. Choose another id."]
