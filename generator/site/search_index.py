"""A lean, sharded search index that the browser loads piece by piece.

Material's own index is one JSON file of every page's text: at 20,000 papers
it is 8 MB gzipped and takes the browser 13 s to index. This index is split so
that a query fetches only what it needs:

- ``meta.json``: counts, the first term of every term shard, the size of every
  document bucket, the pages results are grouped under, and which of those
  pages are documents themselves.
- ``terms/N.json``: a run of sorted terms, each with its postings (document
  numbers as gaps, and a small weight from where the term occurs).
- ``vocab/N.json`` and ``backward/N.json``: the terms of four or more
  characters that hold a letter, sorted, without postings, and the same terms
  spelt backwards, sorted. The worker looks a misspelt word's first and last
  letters up in them to find the closest terms (meta.json has each shard's
  first entry).
- ``docs/N.json``: the title, page, anchor and abstract of the papers in one
  bucket. A paper's bucket comes from a hash of its id, so adding papers
  leaves the other buckets' files unchanged (unless it adds a page before
  theirs, or doubles the number of buckets).

``meta.json`` also names the build (a hash of every other file), which the
worker adds to each URL so that a browser cache never mixes two builds.

Documents are the papers, in bucket order, followed by the findable pages. Terms are runs of two or more
letters, digits or underscores of the NFKC, lowercased text (tokens.SEARCH_TERM),
the rule the browser's worker (assets/search-worker.js) applies to queries.
A hyphenated compound is also a term written as one word (tokens.search_compounds).
The worker also stems words (search_stems.py); ``meta.json`` lists the terms
its prefix rule for stems would miss.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..constants import SEARCH_FOLDER as FOLDER
from ..enrich.related import term_counts
from ..enrich.tokens import SEARCH_TERM, search_compounds, search_terms
from ..models import Paper
from .paging import output_url, page_url
from .search_stems import prefix_exceptions
from .views import Site, SiteViews

_TERM = re.compile(SEARCH_TERM)
# Where a term occurs decides its weight: the title counts 3 times, names of
# code repositories and authors twice, the abstract once. Weights are capped so one
# repeated word cannot outweigh the title.
TITLE_WEIGHT = 3
REPO_WEIGHT = 2  # authors too
MAX_WEIGHT = 15
PAPERS_PER_BUCKET = 16
SHARD_BYTES = 48_000
VOCAB_SHARD_BYTES = 8_000
# Misspelt words of five letters or more are corrected, to terms of four or more.
TYPO_TERM_LENGTH = 4
FORMAT_VERSION = 2


@dataclass(frozen=True)
class SearchPage:
    """A page results are grouped under: its URL from the site root, title and text.

    Only pages with ``findable`` set are documents of their own (topic pages,
    not the year or month parts of one).
    """

    url: str
    title: str
    text: str = ""
    findable: bool = True


@dataclass(frozen=True)
class SearchPaper:
    """One paper as the index sees it: its words, the page its entry is on and its anchor there.

    Only what the index reads, so that a build can hand it to a worker process cheaply.
    """

    id: str
    title: str
    abstract: str
    names: str
    """The words of its code repositories' names and its authors' names."""
    page: int
    anchor: str

    @classmethod
    def of(cls, paper: Paper, page: int, anchor: str) -> SearchPaper:
        return cls(paper.id, paper.title, paper.abstract, f"{_repo_text(paper)} {_author_text(paper)}", page, anchor)


def search_entries(site: Site, views: SiteViews) -> tuple[list[SearchPage], list[SearchPaper]]:
    """Return the pages search results are grouped under, and every paper on them."""
    folder = output_url(site.config.output)
    pages = views.topic_pages()
    groups = [
        SearchPage(
            f"{folder}{page_url(str(view.page), site.use_directory_urls)}",
            view.title,
            view.description if view.main is None else "",
            findable=view.main is None,
        )
        for view in pages
    ]
    number = {str(view.page): index for index, view in enumerate(pages)}
    papers = [SearchPaper.of(paper, number[site.paging.page_of[paper.id]], paper.id) for paper in site.papers]
    return groups, papers


def build_search_index(pages: Sequence[SearchPage], papers: Sequence[SearchPaper]) -> dict[str, str]:
    """Return the index files, keyed by path relative to the site root."""
    buckets = _bucket_count(len(papers))
    ordered = sorted(papers, key=lambda p: (_bucket(p.id, buckets), p.id))
    findable = [index for index, page in enumerate(pages) if page.findable]
    titles = [_with_compounds(p.title) for p in ordered] + [pages[i].title for i in findable]
    bodies = [_with_compounds(p.abstract) for p in ordered] + [pages[i].text for i in findable]
    names = [p.names for p in ordered] + ["" for _ in findable]
    terms, weights = _weights(titles, bodies, names)
    shards = _term_shards(terms, weights)
    files = {f"{FOLDER}/terms/{i}.json": content for i, (_, content) in enumerate(shards)}
    typo_terms = [term for term in terms if len(term) >= TYPO_TERM_LENGTH and not term.isdigit()]
    vocab = _word_shards(typo_terms)
    backward = _word_shards(sorted(term[::-1] for term in typo_terms))
    files |= {f"{FOLDER}/vocab/{i}.json": content for i, (_, content) in enumerate(vocab)}
    files |= {f"{FOLDER}/backward/{i}.json": content for i, (_, content) in enumerate(backward)}
    sizes = [0] * buckets
    contents: list[list[list[object]]] = [[] for _ in range(buckets)]
    for item in ordered:
        bucket = _bucket(item.id, buckets)
        sizes[bucket] += 1
        contents[bucket].append([item.title, item.page, item.anchor, item.abstract])
    for bucket, docs in enumerate(contents):
        if docs:
            files[f"{FOLDER}/docs/{bucket}.json"] = _json(docs)
    build = hashlib.blake2b(digest_size=8)
    for path in sorted(files):
        build.update(f"{path}\0{files[path]}\0".encode())
    files[f"{FOLDER}/meta.json"] = _json(
        {
            "version": FORMAT_VERSION,
            "build": build.hexdigest(),
            "papers": len(ordered),
            "buckets": sizes,
            "shards": [first for first, _ in shards],
            "vocab": [first for first, _ in vocab],
            "backward": [first for first, _ in backward],
            "stem_exceptions": prefix_exceptions(terms),
            "pages": [[page.url, page.title, page.text] for page in pages],
            "page_docs": findable,
        }
    )
    return files


def _repo_text(paper: Paper) -> str:
    """Return the words of a paper's repository names, and the parts of snake_case ones, once each."""
    words = {word for link in paper.links if link.repo for word in _TERM.findall(link.repo)}
    words |= {part for word in words if "_" in word for part in word.split("_")}
    return " ".join(sorted(words))


def _with_compounds(text: str) -> str:
    """Return text followed by its hyphenated compounds written as one word ("re-rank" also as "rerank")."""
    compounds = search_compounds(text)
    return f"{text} {compounds}" if compounds else text


def _author_text(paper: Paper) -> str:
    """Return the authors' names of a paper ("" when the listing gave none)."""
    return " ".join(paper.authors)


def _bucket_count(papers: int) -> int:
    """Return a power of two that leaves about PAPERS_PER_BUCKET papers per bucket."""
    count = 1
    while count * PAPERS_PER_BUCKET < papers:
        count *= 2
    return count


def _bucket(paper_id: str, buckets: int) -> int:
    return zlib.crc32(paper_id.encode("utf-8")) % buckets


def _weights(titles: list[str], bodies: list[str], names: list[str]) -> tuple[list[str], sparse.csc_matrix]:
    """Return the sorted vocabulary and a documents × terms matrix of weights.

    A term counts once for each time a document's title, abstract or names
    hold it, and TITLE_WEIGHT or REPO_WEIGHT times in the title and the names
    (tests/site/test_search_index.py checks this against scikit-learn's
    CountVectorizer, whose import alone took a third of this stage).
    """

    def weighted(number: int) -> Counter[str]:
        # Each field is cut into terms once; the counts follow the order of
        # first appearance across title, abstract and names, as the joined text's would.
        title, name_terms = search_terms(titles[number]), search_terms(names[number])
        counts = Counter(title)
        counts.update(search_terms(bodies[number]))
        counts.update(name_terms)
        for term in title:
            counts[term] += TITLE_WEIGHT - 1
        for term in name_terms:
            counts[term] += REPO_WEIGHT - 1
        return counts

    counts, terms = term_counts(range(len(titles)), weighted)
    weights = counts.astype(np.int32).tocsc()
    weights.data = np.minimum(weights.data, MAX_WEIGHT)
    weights.sort_indices()
    return terms, weights


def _term_shards(terms: list[str], weights: sparse.csc_matrix) -> list[tuple[str, str]]:
    """Cut the sorted terms into shards of about SHARD_BYTES; return (first term, JSON) pairs.

    A term's entry is ``[term, [gap, weight, gap, weight, ...]]``: its documents
    as gaps from the one before (the first from 0), each with its weight.
    """
    bounds = weights.indptr.tolist()
    docs = weights.indices.astype(np.int64)
    gaps = np.diff(docs, prepend=0)
    firsts = weights.indptr[:-1][np.diff(weights.indptr) > 0]
    gaps[firsts] = docs[firsts]  # each term's first document counts from 0
    pairs = np.empty(2 * len(docs), dtype=np.int64)
    pairs[0::2], pairs[1::2] = gaps, weights.data
    shards: list[tuple[str, str]] = []
    shard: list[str] = []
    first = ""
    size = 0
    for column, term in enumerate(terms):
        if not shard:
            first = term
        postings = ",".join(map(str, pairs[2 * bounds[column] : 2 * bounds[column + 1]].tolist()))
        entry = f"[{_json(term)},[{postings}]]"
        shard.append(entry)
        size += len(entry)
        if size >= SHARD_BYTES:
            shards.append((first, "[" + ",".join(shard) + "]"))
            shard, size = [], 0
    if shard:
        shards.append((first, "[" + ",".join(shard) + "]"))
    return shards


def _word_shards(words: list[str]) -> list[tuple[str, str]]:
    """Cut sorted words into shards of about VOCAB_SHARD_BYTES; return (first word, JSON) pairs."""
    shards: list[tuple[str, str]] = []
    start, size = 0, 0
    for end, word in enumerate(words, 1):
        size += len(word) + 3
        if size >= VOCAB_SHARD_BYTES or end == len(words):
            shards.append((words[start], _json(words[start:end])))
            start, size = end, 0
    return shards


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
