"""Find each paper's most related papers (sparse top-k, never an n-by-n matrix).

Two stages. Retrieval: each paper is one sparse vector made of three
L2-normalised blocks (title words, abstract words, method names), each scaled
by the square root of its weight, so that the dot product of two papers is the
weighted sum of their three cosines. The product with the corpus is taken a
few rows at a time, each chunk sized to a fixed budget of nonzeros, and each
paper keeps its best CANDIDATES. Terms found in more than RETRIEVAL_MAX_DF
papers score but do not propose candidates, which bounds the work by
RETRIEVAL_MAX_DF times the number of nonzeros: linear in the corpus.

Rerank: the candidates, plus papers tied by a mention or a shared code
repository, get their exact text score (all terms) plus bonuses for what the
digest knows beyond the text, and the best k with a positive score are kept,
ties broken by id.

Words and method names are cut by ``tokens.words`` and ``tokens.method_names``.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

import numpy as np
from scipy import sparse

from ..executor import SERIAL, Executor, split
from ..models import Paper
from .tokens import name_presence, word_counts

Text = TypeVar("Text")

# Weights of the three cosines; they sum to 1 so the text score is in [0, 1].
# Measured with benchmarks/related_eval.py on the bundled corpus (precision@5
# over hand-made groups): abstract alone 0.49, plus title 0.56, plus method
# names 0.56-0.57, plus topics 0.61. A title is a dozen chosen words, so each of
# its words weighs far more than one of the abstract's two hundred even at
# half the abstract's weight. Method names (SnapKV, RepVGG, MoE) tie papers of
# one family when their prose differs. Bigrams and sublinear tf were tried and
# cost 2-5 points, so words are plain unigram counts.
TITLE_WEIGHT = 0.3
ABSTRACT_WEIGHT = 0.6
NAME_WEIGHT = 0.1
# Bonuses added to the text score. Topics are broad (a catch-all such as
# "benchmarks" holds a tenth of the corpus), so they only reorder papers whose
# text is already close, and sharing the whole topic set says more than sharing
# the primary topic alone.
SHARED_TOPIC_BONUS = 0.10  # times the Jaccard overlap of the two topic sets
PRIMARY_TOPIC_BONUS = 0.03  # both papers have the same primary topic
# A mention or a shared repository is a link an author made on purpose, so it
# counts as much as a fair text match. A mention is divided by the square root
# of how many papers mention the same target, so a library everyone cites
# (PyTorch) does not crowd every list; likewise a repository by the square root
# of how many other papers link it, and one linked by more than MAX_REPO_PAPERS
# papers is a tool, not kin.
MENTION_BONUS = 0.20
REPO_BONUS = 0.20
MAX_REPO_PAPERS = 50

CANDIDATES = 30  # per paper, from retrieval, before the rerank
RETRIEVAL_MAX_DF = 500
CHUNK_NONZEROS = 4_000_000  # about 32 MB of float32 values and int32 indices
PAIR_BATCH = 10_000
# Runs of chunks handed to the workers: more than there are cores, so one
# slow run does not leave the other cores idle.
RELATE_PARTS = 8
# Scores are rounded before sorting so ties, and near-ties that differ only in
# float noise, are broken by id.
DECIMALS = 6


def relate(papers: Sequence[Paper], k: int = 5, executor: Executor = SERIAL) -> dict[str, tuple[str, ...]]:
    """Return up to k related paper ids for each paper, best first."""
    ordered = sorted(papers, key=lambda paper: paper.id)
    ids = [paper.id for paper in ordered]
    if k <= 0 or len(ordered) < 2:
        return {pid: () for pid in ids}
    matrix = _text_matrix(ordered, executor)
    retrieval = Retrieval(matrix, max(CANDIDATES, 2 * k), RETRIEVAL_MAX_DF)
    links = _link_bonuses(ordered)
    topics = _TopicBonus(ordered)

    def relate_rows(chunks: Sequence[tuple[int, int]]) -> dict[str, tuple[str, ...]]:
        related: dict[str, tuple[str, ...]] = {}
        for start, stop in chunks:
            # Every (row, candidate) pair of the chunk at once, sorted: the
            # shortlists, and the papers linked to each row even when their
            # text shares nothing.
            rows, shortlists = retrieval.shortlists(start, stop)
            linked = links[start:stop].tocoo()
            left = np.concatenate([np.repeat(np.array(rows, dtype=np.int64), [c.size for c in shortlists]), linked.row + start])
            right = np.concatenate([*shortlists, linked.col.astype(np.int64)])
            pairs = np.unique(left * len(ordered) + right)
            left, right = pairs // len(ordered), pairs % len(ordered)
            scores = _pair_dots(matrix, left, right) + topics.bonus(left, right)
            scores = scores + np.asarray(links[left, right]).ravel()
            best = _best_per_row(left, right, scores, k)
            for row in rows:
                related[ids[row]] = tuple(ids[col] for col in best.get(row, ()))
        return related

    # Rows are independent: runs of chunks go to the workers, in order.
    parts = executor.map(relate_rows, split(retrieval.chunks, RELATE_PARTS))
    return {pid: ids for part in parts for pid, ids in part.items()}


def _text_matrix(papers: Sequence[Paper], executor: Executor) -> sparse.csr_matrix:
    """Stack the weighted title, abstract and name blocks into one row per paper."""
    titles = [paper.title for paper in papers]
    abstracts = [paper.abstract for paper in papers]
    both = [f"{paper.title} {paper.abstract}" for paper in papers]
    specs: list[tuple[list[str], Callable[[str], dict[str, int]], float]] = [
        (titles, word_counts, TITLE_WEIGHT),
        (abstracts, word_counts, ABSTRACT_WEIGHT),
        # A name counts once however often the abstract repeats it.
        (both, name_presence, NAME_WEIGHT),
    ]
    # The abstracts take the longest: one worker counts them while another
    # does the rest. Workers get the number of a spec, not the spec: they
    # already hold the texts, which would take long to pickle.
    blocks = executor.map(lambda number: _tfidf(*specs[number]), range(len(specs)))
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


def _tfidf(
    texts: list[str], count: Callable[[str], dict[str, int]], weight: float
) -> sparse.csr_matrix:
    """Return L2-normalised TF-IDF rows scaled by the square root of weight."""
    counts, _ = term_counts(texts, count)
    if counts.shape[1] == 0:
        return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
    return _tf_idf(counts) * np.float32(math.sqrt(weight))


def _tf_idf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Weight float32 counts by smoothed idf and L2-normalise each row, in place.

    These are the steps of scikit-learn's TfidfTransformer with its defaults,
    in the same float32 and float64 arithmetic, so the result is the same bit
    for bit; importing scikit-learn took longer than this whole stage.
    """
    n, terms = counts.shape
    df = np.bincount(counts.indices, minlength=terms).astype(np.float32)
    df += 1.0
    idf = np.full_like(df, n + 1)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    counts.data *= idf[counts.indices]
    # Each row's squares summed one after another in float64, as scikit-learn's
    # normalize() does (bincount adds its weights in order).
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    squares = np.square(counts.data).astype(np.float64)
    norms = np.sqrt(np.bincount(rows, weights=squares, minlength=n))
    norms[norms == 0.0] = 1.0  # an empty row stays empty
    counts.data[:] = counts.data / norms[rows]
    return counts


def term_counts(texts: Sequence[Text], count: Callable[[Text], Mapping[str, float]]) -> tuple[sparse.csr_matrix, list[str]]:
    """Return the term counts of each text, one column per term in sorted order, and the terms.

    ``count`` gives a text's terms and counts in order of first appearance.
    The matrix is exactly the one sklearn's CountVectorizer builds, down to
    the order of the entries within a row (which the float sums of the
    scores follow), but a text's terms are counted in C rather than one at
    a time in Python.
    """
    # Texts are tokenised one at a time: token lists for 50,000 abstracts
    # would take more memory than the whole matrix.
    # Each new term gets the next number, in order of first appearance.
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    # Typed arrays take millions of numbers without making an object of each.
    indices = array("i")
    values = array("f")
    indptr = [0]
    for text in texts:
        counts = count(text)
        indices.extend(map(vocabulary.__getitem__, counts))
        values.extend(counts.values())
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (
            np.frombuffer(values, dtype=np.float32),
            np.frombuffer(indices, dtype=np.int32),
            np.array(indptr, dtype=np.int32),
        ),
        shape=(len(texts), len(vocabulary)),
    )
    matrix.sort_indices()
    # Renumber the terms in sorted order, keeping each row's entries in the
    # order of first appearance, as CountVectorizer does.
    terms = sorted(vocabulary)
    renumber = np.empty(len(vocabulary), dtype=np.int32)
    for new, term in enumerate(terms):
        renumber[vocabulary[term]] = new
    matrix.indices = renumber[matrix.indices]
    return matrix, terms


class Retrieval:
    """Find each row's best m other rows by dot product, a chunk of rows at a time."""

    def __init__(self, matrix: sparse.csr_matrix, m: int, max_df: int | None) -> None:
        n = matrix.shape[0]
        df = matrix.getnnz(axis=0)
        if max_df is not None and n > max_df:
            # Common terms still count in the exact score; they just propose no pairs.
            matrix = matrix[:, np.flatnonzero(df <= max_df)].tocsr()
            df = df[df <= max_df]
        self.matrix = matrix
        self.transposed = matrix.T.tocsr()
        self.m = m
        # A row's product has at most the summed df of its terms as nonzeros, and at
        # most n; chunks are cut so those bounds fit CHUNK_NONZEROS.
        ones = np.ones(matrix.nnz, dtype=np.float32)
        binary = sparse.csr_matrix((ones, matrix.indices, matrix.indptr), shape=matrix.shape)
        bound = np.minimum(binary @ df.astype(np.float64), n)
        self.chunks = list(_chunks(bound, CHUNK_NONZEROS))

    def shortlists(self, start: int, stop: int) -> tuple[list[int], list[np.ndarray]]:
        """Return the rows from start to stop, each with its best m other rows."""
        product = (self.matrix[start:stop] @ self.transposed).tocsr()
        rows, lists = [], []
        for offset in range(stop - start):
            lo, hi = product.indptr[offset], product.indptr[offset + 1]
            cols = product.indices[lo:hi].astype(np.int64)
            keep = cols != start + offset
            rows.append(start + offset)
            lists.append(np.array(_best(cols[keep], product.data[lo:hi][keep], self.m), dtype=np.int64))
        return rows, lists


def _pair_dots(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Return the dot product of each pair of rows (left[i], right[i])."""
    dots = np.zeros(left.size)
    # Batches keep the two gathered copies of the rows small.
    for lo in range(0, left.size, PAIR_BATCH):
        hi = lo + PAIR_BATCH
        product = matrix[left[lo:hi]].multiply(matrix[right[lo:hi]])
        dots[lo:hi] = np.asarray(product.sum(axis=1)).ravel()
    return dots


def _chunks(estimate: np.ndarray, budget: int) -> Iterator[tuple[int, int]]:
    """Yield row ranges whose summed estimates stay within budget, at least one row each."""
    start, total = 0, 0.0
    for row, size in enumerate(estimate.tolist()):
        if row > start and total + size > budget:
            yield start, row
            start, total = row, 0.0
        total += size
    if start < len(estimate):
        yield start, len(estimate)


def _best(cols: np.ndarray, scores: np.ndarray, k: int) -> list[int]:
    """Return the k columns with the highest positive scores, ties by column (= id) order."""
    scores = np.round(np.asarray(scores, dtype=np.float64), DECIMALS)
    keep = scores > 0
    cols, scores = cols[keep], scores[keep]
    if cols.size > k:
        # Everything tied with the k-th best stays, so the id order decides among them.
        threshold = np.partition(scores, cols.size - k)[cols.size - k]
        keep = scores >= threshold
        cols, scores = cols[keep], scores[keep]
    order = np.lexsort((cols, -scores))[:k]
    return cols[order].tolist()


def _best_per_row(left: np.ndarray, right: np.ndarray, scores: np.ndarray, k: int) -> dict[int, list[int]]:
    """Return each left row's k right rows with the highest positive scores, ties by column (= id) order.

    The pairs' rows and scores are flat arrays: this is _best for every row at once.
    """
    scores = np.round(np.asarray(scores, dtype=np.float64), DECIMALS)
    keep = scores > 0
    left, right, scores = left[keep], right[keep], scores[keep]
    order = np.lexsort((right, -scores, left))
    left, right = left[order], right[order]
    # Each pair's place within its row: keep the first k.
    starts = np.flatnonzero(np.diff(left, prepend=-1))
    place = np.arange(left.size) - np.repeat(starts, np.diff(np.append(starts, left.size)))
    left, right = left[place < k], right[place < k]
    bounds = np.flatnonzero(np.diff(left, prepend=-1)).tolist() + [left.size]
    columns = right.tolist()
    return {int(left[lo]): columns[lo:hi] for lo, hi in zip(bounds, bounds[1:])}


def _link_bonuses(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """Return the bonus of each pair of rows tied by a mention or a shared code repository."""
    index = {paper.id: row for row, paper in enumerate(papers)}
    bonuses: dict[int, dict[int, float]] = defaultdict(dict)

    def add(a: int, b: int, value: float) -> None:
        if a != b:
            bonuses[a][b] = bonuses[a].get(b, 0.0) + value
            bonuses[b][a] = bonuses[b].get(a, 0.0) + value

    mentioned = Counter(
        target for paper in papers for target in set(paper.mentions) if target in index
    )
    for row, paper in enumerate(papers):
        for target in sorted(set(paper.mentions)):
            if target in index:
                add(row, index[target], MENTION_BONUS / math.sqrt(mentioned[target]))
    by_repo: dict[str, set[int]] = defaultdict(set)
    for row, paper in enumerate(papers):
        for link in paper.links:
            if link.kind == "code" and link.repo:
                by_repo[link.repo.lower()].add(row)
    for rows in by_repo.values():
        if 2 <= len(rows) <= MAX_REPO_PAPERS:
            value = REPO_BONUS / math.sqrt(len(rows) - 1)
            members = sorted(rows)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    add(a, b, value)
    pairs = [(a, b, value) for a, row in bonuses.items() for b, value in row.items()]
    a, b, values = zip(*pairs) if pairs else ((), (), ())
    return sparse.csr_matrix((values, (a, b)), shape=(len(papers), len(papers)), dtype=np.float64)


class _TopicBonus:
    """Score shared topics between pairs of papers."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        names = sorted({topic for paper in papers for topic in paper.topics})
        code = {name: i for i, name in enumerate(names)}
        self.primary = np.array(
            [code[paper.topics[0]] if paper.topics else -1 for paper in papers], dtype=np.int64
        )
        # One row per paper, one column per topic: is the paper in it.
        self.member = np.zeros((len(papers), len(names)), dtype=bool)
        rows = np.repeat(np.arange(len(papers)), [len(paper.topics) for paper in papers])
        self.member[rows, [code[topic] for paper in papers for topic in paper.topics]] = True

    def bonus(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Return the topic bonus of each right row as a candidate for its left row."""
        mine, theirs = self.member[left], self.member[right]
        shared = np.count_nonzero(mine & theirs, axis=1)
        either = np.count_nonzero(mine | theirs, axis=1)
        has_topics = self.primary[left] >= 0
        jaccard = np.divide(shared, either, out=np.zeros(left.size), where=has_topics)
        same = self.primary[right] == self.primary[left]
        return np.where(has_topics, PRIMARY_TOPIC_BONUS * same + SHARED_TOPIC_BONUS * jaccard, 0.0)
