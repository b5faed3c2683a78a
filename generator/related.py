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
"""

from __future__ import annotations

import math
import re
from array import array
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from .models import Paper
from .executor import SERIAL, Executor, split
from .stop_words import ENGLISH_STOP_WORDS

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

# LaTeX and markup noise inside names: H$_{2}$O, H_2O and H^2O all mean H2O.
_DROP = str.maketrans("", "", "$_^{}")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_NAME = re.compile(r"\w+(?:[-.]\w+)*")
# ASCII text (nearly every abstract) is cut into chunks by str.translate and
# str.split, which run in C: the tables drop what _DROP drops, keep letters,
# digits and the marks that join parts of a word, and make everything else a
# space. No _WORD or _NAME token spans a space, so a chunk holds whole tokens.
_ASCII_WORD_CHARS = {
    code: None if chr(code) in "$_^{}" else chr(code).lower() if chr(code).isalnum() or chr(code) == "-" else " "
    for code in range(128)
}
_ASCII_NAME_CHARS = {
    code: None if chr(code) in "$_^{}" else chr(code) if chr(code).isalnum() or chr(code) in "-." else " "
    for code in range(128)
}
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
# Words every abstract in the field uses: idf shrinks them, but across two
# hundred words they would still lend every pair of papers a little likeness.
_STOP = ENGLISH_STOP_WORDS | {
    "approach", "based", "demonstrate", "existing", "furthermore", "method",
    "methods", "novel", "paper", "propose", "proposed", "results", "show",
    "shows", "using", "work",
}  # fmt: skip


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


def words(text: str) -> list[str]:
    """Return the lowercased content words of a text, plurals folded, in order."""
    return list(chain.from_iterable(map(_WORDS_IN.__getitem__, _word_chunks(text))))


def method_names(text: str) -> list[str]:
    """Return the method-like tokens of a text and their camel-case pieces, lowercased."""
    return list(chain.from_iterable(map(_NAMES_IN.__getitem__, _name_chunks(text))))


# Counting with map, chain and Counter keeps the loop over a text's two hundred
# chunks in C; only a chunk not seen before is analysed in Python.
def _word_counts(text: str) -> dict[str, int]:
    """Return how often each of words(text) occurs, in order of first appearance."""
    return Counter(chain.from_iterable(map(_WORDS_IN.__getitem__, _word_chunks(text))))


def _name_presence(text: str) -> dict[str, int]:
    """Return each of method_names(text) once (with count 1), in order of first appearance."""
    return dict.fromkeys(chain.from_iterable(map(_NAMES_IN.__getitem__, _name_chunks(text))), 1)


def _word_chunks(text: str) -> list[str]:
    """Return runs of the canonical, lowercased text that hold its _WORD tokens, in order."""
    if text.isascii():
        return text.translate(_ASCII_WORD_CHARS).split()
    return _WORD.findall(_canonical(text).lower())


def _name_chunks(text: str) -> list[str]:
    """Return runs of the canonical text that hold its _NAME tokens, in order."""
    if text.isascii():
        return text.translate(_ASCII_NAME_CHARS).split()
    return _NAME.findall(_canonical(text))


class _Analyses(dict[str, tuple[str, ...]]):
    """Each chunk's words or names, worked out on first sight; all forgotten when the cache is full.

    A corpus repeats the same few hundred thousand chunks; caching their
    analysis makes tokenising 50,000 abstracts several times faster.
    """

    def __init__(self, analyse: Callable[[str], tuple[str, ...]], size: int = 1 << 18) -> None:
        super().__init__()
        self.analyse = analyse
        self.size = size

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if len(self) >= self.size:
            self.clear()
        value = self[chunk] = self.analyse(chunk)
        return value


def _words_of(compound: str) -> tuple[str, ...]:
    """Return the words of one lowercased, maybe hyphenated token."""
    parts = compound.split("-")
    # Auto-regressive is autoregressive and re-parameterization is
    # reparameterization; KV-cache is still KV and cache.
    tokens = parts if len(parts) == 1 else [*parts, "".join(parts)]
    out = []
    for token in tokens:
        if token.isdigit() or len(token) < 2 or token in _STOP:
            continue
        # "caches" and "cache" are one word; "bias" and "process" are not plurals.
        if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
            token = token[:-1]
        out.append(token)
    return tuple(out)


def _names_of(token: str) -> tuple[str, ...]:
    """Return the names one token gives: itself, its method-like parts, their camel pieces."""
    parts = [_singular(part) for part in re.split(r"[-.]", token)]
    if not any(_is_method_like(part) for part in parts):
        return ()
    out = ["-".join(parts).lower()]
    for part in parts:
        if not _is_method_like(part):
            continue
        if len(parts) > 1:
            out.append(part.lower())  # RepViT-M1.5 is also RepViT
        # RepVGG, RepViT and RepNeXt share "rep"; SnapKV and EvolKV share "kv".
        pieces = _CAMEL.findall(part)
        if len(pieces) > 1:
            out += [
                p.lower() for p in pieces
                if not p.isdigit() and (len(p) >= 3 or (len(p) == 2 and p.isupper()))
            ]  # fmt: skip
    return tuple(out)


_WORDS_IN = _Analyses(lambda chunk: tuple(chain.from_iterable(map(_words_of, _WORD.findall(chunk)))))
_NAMES_IN = _Analyses(lambda chunk: tuple(chain.from_iterable(map(_names_of, _NAME.findall(chunk)))))


def _singular(part: str) -> str:
    """Drop the plural s of an acronym: LLMs is LLM, ViTs is ViT."""
    if len(part) > 2 and part.endswith("s") and part[-2].isupper():
        return part[:-1]
    return part


def _canonical(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DROP)


def _is_method_like(part: str) -> bool:
    """Tell whether a token looks coined: inner capitals, letters with digits, or all capitals."""
    if len(part) < 2 or not part[0].isalpha():
        return False
    return (
        any(ch.isupper() for ch in part[1:])
        or (part[0].isupper() and any(ch.isdigit() for ch in part))
        or part.isupper()
    )


def _text_matrix(papers: Sequence[Paper], executor: Executor) -> sparse.csr_matrix:
    """Stack the weighted title, abstract and name blocks into one row per paper."""
    titles = [paper.title for paper in papers]
    abstracts = [paper.abstract for paper in papers]
    both = [f"{paper.title} {paper.abstract}" for paper in papers]
    specs: list[tuple[list[str], Callable[[str], dict[str, int]], float]] = [
        (titles, _word_counts, TITLE_WEIGHT),
        (abstracts, _word_counts, ABSTRACT_WEIGHT),
        # A name counts once however often the abstract repeats it.
        (both, _name_presence, NAME_WEIGHT),
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
    counts = _term_counts(texts, count)
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


def _term_counts(texts: list[str], count: Callable[[str], dict[str, int]]) -> sparse.csr_matrix:
    """Return the term counts of each text, one column per term in sorted order.

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
    renumber = np.empty(len(vocabulary), dtype=np.int32)
    for new, term in enumerate(sorted(vocabulary)):
        renumber[vocabulary[term]] = new
    matrix.indices = renumber[matrix.indices]
    return matrix


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
