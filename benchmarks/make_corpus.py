"""Write a synthetic digest folder of N distinct papers for benchmarks.

    python benchmarks/make_corpus.py N OUTDIR [--undated SHARE]

OUTDIR gets mkdocs.yml, digest.yml and docs/index.md copied from the repository
root and data/sources/ with listing files of 50-100 records each, in the
Hugging Face "blocks with metadata" layout. The papers are recombined from the
bundled listings (data/sources/): every paper gets its own method name, a title
with a few words swapped in from another title, and a ~1.5 KB abstract of
shuffled sentences, so deduplication never merges two of them. About 10 % of
the records list an earlier paper again in a later file, as real listings do.
Dates spread over three years. The same N always gives the same bytes, and
paper i is the same paper whatever N is (only its date depends on N).

With ``--undated SHARE`` (0 to 1) that share of the papers is undated: they go
into listings of the blocks layout without metadata and without a listing day
(layout 3), as saved pages often are, so they have no date at all. Which papers
are undated depends only on their index and the share; SHARE 0 (the default)
gives the same bytes as before the option existed.

:func:`extra_listing` writes one more listing of new papers (the newest ones),
for the incremental and live-preview measurements.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.sources import decode_listing, read_listing  # noqa: E402

SEED = 20240107
FIRST_DAY = dt.date(2022, 1, 3)
DAYS = 3 * 365
REPEAT_SHARE = 0.10
ABSTRACT_MIN = 1350
ABSTRACT_MAX = 1750
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# 64 syllables: a paper's index written in base 64 gives its unique method name.
SYLLABLES = [
    c + v
    for c in ["B", "D", "F", "G", "K", "L", "M", "N", "P", "R", "S", "T", "V", "Z", "Sh", "Tr"]
    for v in ["a", "e", "o", "u"]
]
SUFFIXES = ["Net", "Former", "KV", "LM", "Opt", "Flow", "Quant", "Serve", "GPT", "Diff", "Bench", "MoE"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_METHOD = re.compile(r"^([A-Za-z0-9][\w$^{}\-+.]*?)\s*:\s+(.+)$")
_GITHUB = re.compile(r"(?:https?://)?github\.com/[\w.-]+/[\w.-]+")


@dataclass(frozen=True)
class Base:
    """A bundled paper the synthetic ones are made from."""

    title: str
    method: str
    rest: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Synthetic:
    """One synthetic paper: what a listing block shows."""

    index: int
    title: str
    abstract: str
    published: dt.date
    authors: int
    upvotes: int | None


def load_bases(sources: Path = REPO / "data" / "sources") -> list[Base]:
    """Read the bundled listings into distinct base papers, in a stable order."""
    seen: dict[str, Base] = {}
    for path in sorted(sources.glob("*.txt")):
        text, _ = decode_listing(path.read_bytes(), path.name)
        for record in read_listing(text, path.name).records:
            if record.title in seen or len(record.abstract) < 200:
                continue
            match = _METHOD.match(record.title)
            method, rest = (match.group(1), match.group(2)) if match else ("", record.title)
            sentences = tuple(s for s in _SENTENCE.split(record.abstract) if s.strip())
            seen[record.title] = Base(record.title, method, rest, sentences)
    return [seen[title] for title in sorted(seen)]


def method_name(index: int) -> str:
    """Return the unique method name of paper `index` (base-64 syllables, at least 3)."""
    digits: list[int] = []
    value = index
    while value or len(digits) < 3:
        digits.append(value % 64)
        value //= 64
    # Scramble the digit order so neighbours do not share a prefix; still injective.
    word = "".join(SYLLABLES[(d * 37 + position * 11) % 64] for position, d in enumerate(digits))
    word = word[0] + word[1:].lower()
    return word + SUFFIXES[index % len(SUFFIXES)]


def make_paper(index: int, bases: list[Base], published: dt.date) -> Synthetic:
    """Build paper `index` deterministically from the base papers."""
    rng = random.Random(f"{SEED}-{index}")
    base = bases[index % len(bases)]
    other = bases[rng.randrange(len(bases))]
    method = method_name(index)
    words = base.rest.split()
    donor = other.rest.split()
    for _ in range(min(2, len(words) // 4)):
        words[rng.randrange(len(words))] = donor[rng.randrange(len(donor))]
    title = f"{method}: {' '.join(words)}"

    def adapt(sentence: str) -> str:
        if base.method:
            sentence = sentence.replace(base.method, method)
        return _GITHUB.sub(f"https://github.com/{method.lower()[:6]}-lab/{method.lower()}", sentence)

    first, *rest = [adapt(s) for s in base.sentences]
    rng.shuffle(rest)
    sentences = [first] + rest
    extra = [s for s in other.sentences if not _GITHUB.search(s)]
    rng.shuffle(extra)
    while sum(len(s) + 1 for s in sentences) < ABSTRACT_MIN and extra:
        sentences.append(extra.pop())
    while len(sentences) > 2 and sum(len(s) + 1 for s in sentences) > ABSTRACT_MAX:
        sentences.pop(rng.randrange(1, len(sentences)))
    if index > 10 and rng.random() < 0.25:
        # Cite earlier papers by method name, as abstracts do ("we outperform X").
        cited = sorted({rng.randrange(index) for _ in range(2)})
        sentences.append(f"We compare against {' and '.join(method_name(i) for i in cited)}.")
    if not any("github.com" in s for s in sentences) and rng.random() < 0.3:
        sentences.append(f"Code is available at https://github.com/{method.lower()[:6]}-lab/{method.lower()}.")
    upvotes = rng.randrange(0, 60) if rng.random() < 0.85 else None
    return Synthetic(index, title, " ".join(sentences), published, rng.randrange(1, 25), upvotes)


def _date_line(date: dt.date, upvotes: int | None) -> str:
    line = f"{MONTHS[date.month - 1]} {date.day}, {date.year}"
    return f"{line} {upvotes}" if upvotes is not None else line


def listing_text(day: dt.date | None, papers: list[Synthetic]) -> str:
    """Render one listing in the blocks-with-metadata layout, or without any date when day is None."""
    head = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
            "byAK and the research community"]
    blocks = head + ([_date_line(day, None)] if day else [])
    for paper in papers:
        blocks += [paper.title, paper.abstract]
        if day:
            blocks.append(f"  • {paper.authors} authors\n·\n{_date_line(paper.published, paper.upvotes)}")
    return "\n\n".join(blocks) + "\n"


def _file_name(number: int, text: str) -> str:
    return f"{number:05d}_{hashlib.sha1(text.encode()).hexdigest()[:16]}.txt"


def is_undated(index: int, share: float) -> bool:
    """Return whether paper `index` is undated in a corpus with that share of undated papers."""
    return share > 0 and random.Random(f"{SEED}-undated-{index}").random() < share


def make_listings(n: int, bases: list[Base], undated_share: float = 0.0) -> dict[str, str]:
    """Return {file name: listing text} for n distinct papers plus ~10 % repeats."""
    rng = random.Random(f"{SEED}-layout-{n}")
    dates = sorted(FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)) for _ in range(n))
    papers = [make_paper(i, bases, dates[i]) for i in range(n)]
    undated = [paper for paper in papers if is_undated(paper.index, undated_share)]
    dated = [paper for paper in papers if not is_undated(paper.index, undated_share)]
    files: dict[str, str] = {}
    number = 0
    # Repeats come from the same kind of listing, so an undated paper never gains a date.
    for group, has_dates in ((dated, True), (undated, False)):
        start = 0
        while start < len(group):
            size = rng.randint(45, 90)
            new = group[start : start + size]
            repeats = int(round(len(new) * REPEAT_SHARE)) if start else 0
            again = [group[rng.randrange(start)] for _ in range(repeats)]
            records = new + again
            rng.shuffle(records)
            day = max(p.published for p in records) if has_dates else None
            text = listing_text(day, records)
            files[_file_name(number, text)] = text
            start += size
            number += 1
    return files


def extra_listing(n: int, batch: int = 1, count: int = 50) -> tuple[str, str, list[str]]:
    """Return (file name, text, titles) of a new listing of `count` new, newest papers.

    Its papers have indices past every corpus paper, so they are distinct from
    the corpus and from other batches.
    """
    bases = load_bases()
    last = FIRST_DAY + dt.timedelta(days=DAYS)
    papers = [
        make_paper(n + 10_000_000 * batch + j, bases, last + dt.timedelta(days=batch))
        for j in range(count)
    ]
    text = listing_text(last + dt.timedelta(days=batch), papers)
    return f"99999_extra_{batch}.txt", text, [p.title for p in papers]


def make_corpus(n: int, outdir: Path, undated_share: float = 0.0) -> int:
    """Write the digest folder for n papers into outdir; return the number of listing files."""
    bases = load_bases()
    listings = make_listings(n, bases, undated_share)
    outdir.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "digest.yml"):
        shutil.copyfile(REPO / name, outdir / name)
    (outdir / "docs").mkdir(exist_ok=True)
    shutil.copyfile(REPO / "docs" / "index.md", outdir / "docs" / "index.md")
    sources = outdir / "data" / "sources"
    if sources.exists():
        shutil.rmtree(sources)
    sources.mkdir(parents=True)
    for name, text in listings.items():
        (sources / name).write_text(text, encoding="utf-8")
    return len(listings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many distinct papers")
    parser.add_argument("outdir", type=Path, help="the digest folder to write")
    parser.add_argument("--undated", type=float, default=0.0, help="the share of papers without any date (0 to 1)")
    args = parser.parse_args(argv)
    if not 0 <= args.undated <= 1:
        parser.error("--undated must be between 0 and 1")
    count = make_corpus(args.n, args.outdir, args.undated)
    print(f"Wrote {args.n} papers in {count} listings to '{args.outdir}'.")


if __name__ == "__main__":
    main()
