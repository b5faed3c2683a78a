"""The baseline related papers are measured against: plain TF-IDF cosine of title and abstract.

Only benchmarks/related_eval.py (and its test) use it, so it is not part of
the package, and scikit-learn is imported only here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from generator.enrich.related import Retrieval
from generator.models import Paper


def tfidf_baseline(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[str, ...]]:
    """Return up to k related ids per paper by plain TF-IDF cosine of title and abstract."""
    ordered = sorted(papers, key=lambda paper: paper.id)
    ids = [paper.id for paper in ordered]
    texts = [f"{paper.title} {paper.abstract}" for paper in ordered]
    vectorizer = TfidfVectorizer(stop_words="english", dtype=np.float32)
    analyze = vectorizer.build_analyzer()
    if k <= 0 or len(ordered) < 2 or not any(analyze(text) for text in texts):
        return {pid: () for pid in ids}
    retrieval = Retrieval(vectorizer.fit_transform(texts).tocsr(), k, max_df=None)
    related: dict[str, tuple[str, ...]] = {}
    for start, stop in retrieval.chunks:
        rows, lists = retrieval.shortlists(start, stop)
        related.update((ids[row], tuple(ids[col] for col in cols.tolist())) for row, cols in zip(rows, lists))
    return related
