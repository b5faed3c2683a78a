"""Measure related-paper lists against hand-made groups, and time them at 50,000 papers.

Run from the repository root: ``.venv/bin/python benchmarks/related_eval.py``.
Options: ``--skip-scale`` leaves out the 50,000-paper timing, ``--show ID...``
prints the lists of the given papers (a piece of the id is enough).

Quality: for each paper of each group in benchmarks/related_groups.yml,
precision@5 is the share of its five related papers that are in its group and
recall is the share of the rest of its group found among them, averaged over
all (group, paper) pairs. Uses topics from digest.yml when it loads, and says
so when it does not.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tfidf_baseline import tfidf_baseline  # noqa: E402

from generator.enrich.dedup import merge_records  # noqa: E402
from generator.enrich.mentions import find_mentions  # noqa: E402
from generator.enrich.related import relate  # noqa: E402
from generator.models import Paper  # noqa: E402
from generator.sources import decode_listing, read_listing  # noqa: E402

GROUPS = Path(__file__).resolve().parent / "related_groups.yml"
K = 5
SCALE = 50_000

Relater = Callable[[Sequence[Paper], int], dict[str, tuple[str, ...]]]


def load_papers() -> tuple[list[Paper], str]:
    """Read the bundled corpus and enrich it as the pipeline does, as far as it can."""
    records = []
    for path in sorted((ROOT / "data" / "sources").glob("*.txt")):
        text, _ = decode_listing(path.read_bytes(), path.name)
        records += read_listing(text, path.name).records
    papers = merge_records(records)
    notes = []
    try:
        from generator.enrich.links import extract_links

        papers = [
            dataclasses.replace(p, links=tuple(extract_links(f"{p.title} {p.abstract}")))
            for p in papers
        ]
        notes.append("links")
    except ImportError as error:
        notes.append(f"no links ({error})")
    mentions = find_mentions(papers)
    papers = [dataclasses.replace(p, mentions=mentions.get(p.id, ())) for p in papers]
    notes.append("mentions")
    try:
        from generator.config import load_config
        from generator.enrich.topics import classify

        config = load_config(ROOT / "digest.yml")
        assignments = classify(papers, config.topics)
        papers = [dataclasses.replace(p, topics=assignments[p.id].topics) for p in papers]
        notes.append(f"topics ({len(config.topics)} in digest.yml)")
    except Exception as error:  # any failure just means: evaluate without topics
        notes.append(f"no topics ({type(error).__name__}: {str(error).splitlines()[0][:80]})")
    return papers, ", ".join(notes)


def load_groups(papers: Sequence[Paper]) -> dict[str, list[str]]:
    """Resolve each group's title pieces to paper ids, failing on any piece not matching one."""
    groups = yaml.safe_load(GROUPS.read_text(encoding="utf-8"))
    resolved: dict[str, list[str]] = {}
    problems = []
    for name, pieces in groups.items():
        ids = []
        for piece in pieces:
            hits = [p.id for p in papers if piece.casefold() in p.title.casefold()]
            if len(hits) != 1:
                problems.append(f"{name}: {piece!r} matches {len(hits)} papers")
            else:
                ids.append(hits[0])
        resolved[name] = ids
    if problems:
        raise SystemExit("Bad groups in related_groups.yml:\n  " + "\n  ".join(problems))
    return resolved


def score(related: dict[str, tuple[str, ...]], groups: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """Return (precision@K, recall) per group and overall, averaged over its papers."""
    table: dict[str, tuple[float, float]] = {}
    all_p: list[float] = []
    all_r: list[float] = []
    for name, ids in groups.items():
        members = set(ids)
        ps, rs = [], []
        for pid in ids:
            hits = len(members.intersection(related.get(pid, ())))
            ps.append(hits / K)
            rs.append(hits / (len(members) - 1))
        table[name] = (sum(ps) / len(ps), sum(rs) / len(rs))
        all_p += ps
        all_r += rs
    table["ALL (per paper)"] = (sum(all_p) / len(all_p), sum(all_r) / len(all_r))
    return table


def print_table(results: dict[str, dict[str, tuple[float, float]]], groups: dict[str, list[str]]) -> None:
    """Print one row per group with precision and recall of each method."""
    methods = list(results)
    header = f"{'group':36} {'n':>3}" + "".join(f" {m + ' P@5':>14} {m + ' R':>12}" for m in methods)
    print(header)
    print("-" * len(header))
    for name in [*groups, "ALL (per paper)"]:
        size = len(groups[name]) if name in groups else sum(len(g) for g in groups.values())
        cells = "".join(f" {results[m][name][0]:14.3f} {results[m][name][1]:12.3f}" for m in methods)
        print(f"{name:36} {size:3}{cells}")


def show(papers: Sequence[Paper], related: dict[str, tuple[str, ...]], pieces: Sequence[str]) -> None:
    """Print the related titles of the papers whose id contains any of the pieces."""
    titles = {p.id: p.title for p in papers}
    for paper in papers:
        if any(piece in paper.id for piece in pieces):
            print(f"\n{paper.title}  [{', '.join(paper.topics) or 'no topics'}]")
            for rid in related.get(paper.id, ()):
                print(f"    -> {titles[rid]}")


def synthetic(papers: Sequence[Paper], size: int, seed: int = 0) -> list[Paper]:
    """Return size distinct papers: bundled ones copied with suffixed ids and shuffled, thinned words."""
    rng = random.Random(seed)
    out = []
    for i in range(size):
        base = papers[i % len(papers)]
        copy = i // len(papers)
        title, abstract = base.title.split(), base.abstract.split()
        rng.shuffle(title)
        # Dropping a fifth of the words, and shuffling, makes each copy's bag of
        # words and bigrams its own rather than a clone of the original.
        abstract = [w for w in abstract if rng.random() > 0.2]
        rng.shuffle(abstract)
        out.append(
            dataclasses.replace(
                base,
                key=f"{base.key}-{copy}",
                id=f"{base.id}-{copy}",
                title=" ".join(title),
                abstract=" ".join(abstract),
                mentions=tuple(f"{m}-{copy}" for m in base.mentions),
            )
        )
    return out


def peak_mb() -> float:
    """Return this process's peak resident memory in MB (ru_maxrss is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_scale(papers: Sequence[Paper], method: Relater, size: int) -> None:
    """Time one method on a synthetic corpus and report its peak memory."""
    corpus = synthetic(papers, size)
    before = peak_mb()
    start = time.perf_counter()
    related = method(corpus, K)
    seconds = time.perf_counter() - start
    after = peak_mb()
    full = sum(len(v) == K for v in related.values())
    # Copies of one bundled paper share its words, so a sound list is all copies.
    base = {p.id: p.id.rsplit("-", 1)[0] for p in corpus}
    kin = sum(base[r] == base[pid] for pid, ids in related.items() for r in ids)
    print(
        f"{method.__name__} on {size:,} synthetic papers: {seconds:.1f} s, peak RSS "
        f"{after:,.0f} MB ({before:,.0f} MB before the call); {full:,} papers have {K} "
        f"related, {kin / max(1, sum(map(len, related.values()))):.1%} of them copies of the same paper"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-scale", action="store_true", help="skip the 50,000-paper timing")
    parser.add_argument("--show", nargs="*", default=[], help="print lists of papers whose id contains these")
    parser.add_argument("--scale", type=int, default=SCALE, help="size of the synthetic corpus")
    args = parser.parse_args()

    papers, notes = load_papers()
    groups = load_groups(papers)
    print(f"{len(papers)} bundled papers; enriched with {notes}")
    print(f"{len(groups)} groups, {sum(len(g) for g in groups.values())} (group, paper) pairs\n")
    results = {}
    for label, method in (("ours", relate), ("tfidf", tfidf_baseline)):
        start = time.perf_counter()
        related = method(papers, K)
        print(f"{label}: {time.perf_counter() - start:.2f} s on the bundled corpus")
        results[label] = score(related, groups)
        if label == "ours" and args.show:
            show(papers, related, args.show)
    print()
    print_table(results, groups)
    if not args.skip_scale:
        print()
        # relate first: the baseline's memory would otherwise set the peak.
        time_scale(papers, relate, args.scale)


if __name__ == "__main__":
    main()
