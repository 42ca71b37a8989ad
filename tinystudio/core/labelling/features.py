"""Texts as sparse bags of n-grams: the input of the quick labelling model.

Like fastText, a text is described by its words, its word pairs and the character n-grams
of its words (so "labelled" and "labelling" share pieces). In Chinese and Japanese each
character counts as a word, so the "word pairs" are character bigrams. Each text becomes a row of
counts, damped (1 + log count) and scaled to length 1, stored as CSR arrays (``indptr``,
``indices``, ``values``) in numpy: thousands of texts cost a few MB, and no other library
is needed.

The vocabulary grows as texts are added (:meth:`Featurizer.transform`), so the same
featurizer serves the rows read at the start and those added later.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tinystudio.core.words import words as split_words
from tinystudio.i18n import tr

#: Character n-gram lengths inside "<word>" (fastText uses 3-6; 3-4 is twice as quick here
#: and measured no worse on the benchmark sets).
CHAR_NGRAMS = (3, 4)
#: Characters of a text looked at: labels are decided long before 2,000 characters.
MAX_CHARS = 2000


@dataclass
class Rows:
    """A CSR matrix of L2-normalised n-gram weights: row ``i`` is ``indices[indptr[i]:indptr[i+1]]``."""

    indptr: np.ndarray  # (n + 1,) int64
    indices: np.ndarray  # (nnz,) int64, feature ids
    values: np.ndarray  # (nnz,) float32

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def take(self, rows: Sequence[int] | np.ndarray) -> Rows:
        """The sub-matrix of these rows, in this order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        if indptr[-1] == 0:
            return Rows(indptr, np.zeros(0, np.int64), np.zeros(0, np.float32))
        # Positions of every kept entry: start of its row + offset inside the row.
        offsets = np.arange(indptr[-1]) - np.repeat(indptr[:-1], lengths)
        pos = np.repeat(starts, lengths) + offsets
        return Rows(indptr, self.indices[pos], self.values[pos])

    def row_ids(self) -> np.ndarray:
        """The row of each stored entry (for scatter-adds)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))


def text_grams(text: str) -> Counter:
    """Words, word pairs and character n-grams of the words of ``text`` (lower-cased)."""
    words = split_words(text[:MAX_CHARS].lower())  # each Chinese/Japanese character a word
    grams: Counter = Counter(words)
    grams.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    for w in words:
        padded = f"<{w}>"
        for n in CHAR_NGRAMS:
            if len(padded) > n:
                grams.update("#" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class Featurizer:
    """Maps texts to :class:`Rows`, giving each new n-gram the next free feature id."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    @property
    def n_features(self) -> int:
        return len(self.vocab)

    def transform(self, texts: Sequence[str], should_stop=None) -> Rows:
        vocab = self.vocab
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for k, text in enumerate(texts):
            if should_stop is not None and k % 2048 == 0 and should_stop():
                from ..errors import CancelledError

                raise CancelledError(tr("Stopped."), code="cancelled")
            grams = text_grams(text)
            weights = [1.0 + math.log(c) for c in grams.values()]
            norm = math.sqrt(sum(w * w for w in weights)) or 1.0
            for g, w in zip(grams, weights):
                fid = vocab.get(g)
                if fid is None:
                    fid = vocab[g] = len(vocab)
                indices.append(fid)
                values.append(w / norm)
            indptr.append(len(indices))
        return Rows(
            np.asarray(indptr, dtype=np.int64),
            np.asarray(indices, dtype=np.int64),
            np.asarray(values, dtype=np.float32),
        )


def cosine_matrix(rows: Rows) -> np.ndarray:
    """Cosine similarity between every pair of (already normalised) rows, as a dense array."""
    n = len(rows)
    if n == 0:
        return np.zeros((0, 0), np.float32)
    used, compact = np.unique(rows.indices, return_inverse=True)
    dense = np.zeros((n, len(used)), dtype=np.float32)
    dense[rows.row_ids(), compact] = rows.values
    return dense @ dense.T
