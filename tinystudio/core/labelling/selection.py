"""Which rows to ask about next: the ones the model is least sure of, spread out.

:func:`choose_rows` implements the three orders of the Label tab:

- ``"smart"`` (the default): plain random picks until every label has a few examples (a
  model of three labelled rows is too unsure of everything for its doubts to mean much),
  then the rows whose two most likely labels are closest (smallest margin), taken greedily
  so that each new pick is also unlike the ones already in the batch (uncertainty plus
  diversity: ten near-copies of one puzzling text teach no more than one);
- ``"order"``: the next rows in file order;
- ``"random"``: random rows.

Every pick comes with a short reason in plain words ("why this row"), which never names the
model's guess: the guess is shown only after the user answers, so as not to anchor them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ...i18n import tr
from .features import Rows

MODES = ("smart", "order", "random")
#: Examples of each label wanted before the model's doubts are trusted.
WARMUP_PER_LABEL = 3
#: ... but after this many labels per known label, the rare ones are not waited for any more.
WARMUP_LIMIT_PER_LABEL = 10
#: Below this cross-validated accuracy the model's doubts say little (it is wrong most of the
#: time anyway): rows are picked at random. On en_quote_author_gcide (12 authors, the quick
#: model ~20% right at 200 labels) picking by doubt lost 4 points to random without this.
MIN_ACCURACY = 0.5
#: The most doubtful rows considered for a batch: this many times the batch size.
POOL_FACTOR = 10


@dataclass(frozen=True)
class Pick:
    row: int  # index into the texts of the session (file data row, 0-based)
    reason: str  # "why this row", in plain words
    guess: int | None = None  # the model's label id for this row, shown after the answer
    confidence: float | None = None  # the model's probability of that guess


def in_warmup(counts: Mapping[int, int], n_labels: int) -> bool:
    """Still in the random start: fewer than two labels seen, or one with too few examples."""
    seen = [counts.get(k, 0) for k in range(n_labels)]
    have = [c for c in seen if c > 0]
    if len(have) < 2:
        return True
    total = sum(seen)
    if total >= WARMUP_LIMIT_PER_LABEL * max(len(have), 1):
        return False
    return min(have) < WARMUP_PER_LABEL


def margins(proba: np.ndarray) -> np.ndarray:
    """Top-1 minus top-2 probability of each row (0: torn between two labels)."""
    if proba.shape[1] < 2:
        return np.ones(len(proba))
    top2 = np.sort(proba, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def choose_rows(
    candidates: Sequence[int],
    n: int,
    *,
    mode: str = "smart",
    proba: np.ndarray | None = None,
    features: Rows | None = None,
    counts: Mapping[int, int] | None = None,
    n_labels: int = 0,
    seed: int = 0,
    accuracy: float | None = None,
) -> list[Pick]:
    """Up to ``n`` rows of ``candidates`` to ask about, best first.

    Parameters
    ----------
    candidates
        Row indices that have no label yet (and were not skipped).
    proba
        The current model's probabilities for each candidate, ``(len(candidates), n_labels)``;
        None when there is no model yet.
    features
        The candidates' n-gram rows (same order), for diversity.
    counts
        Labelled examples per label id so far.
    accuracy
        The model's cross-validated accuracy, if known: below :data:`MIN_ACCURACY` the
        picks are random.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    cand = np.asarray(candidates, dtype=np.int64)
    n = min(n, len(cand))
    if n <= 0:
        return []
    guesses = proba.argmax(axis=1) if proba is not None and proba.shape[1] else None

    def pick(i: int, reason: str) -> Pick:
        if guesses is None:
            return Pick(int(cand[i]), reason)
        return Pick(int(cand[i]), reason, int(guesses[i]), float(proba[i, guesses[i]]))

    if mode == "order":
        order = np.argsort(cand, kind="stable")[:n]
        return [pick(i, tr("The next row in file order.")) for i in order]
    rng = np.random.default_rng(seed)
    if mode == "random":
        return [pick(i, tr("Picked at random.")) for i in rng.choice(len(cand), n, replace=False)]
    if proba is None or in_warmup(counts or {}, n_labels):
        why = tr("Picked at random: the model needs a few examples of every label before its "
                 "doubts mean much.")  # fmt: skip
        return [pick(i, why) for i in rng.choice(len(cand), n, replace=False)]
    if accuracy is not None and accuracy < MIN_ACCURACY:
        why = tr("Picked at random: the model is still wrong more often than right, so its doubts "
                 "say little yet.")  # fmt: skip
        return [pick(i, why) for i in rng.choice(len(cand), n, replace=False)]
    return [pick(i, why) for i, why in _uncertain_and_diverse(proba, features, n, rng)]


def _uncertain_and_diverse(
    proba: np.ndarray, features: Rows | None, n: int, rng: np.random.Generator
) -> list[tuple[int, str]]:
    """BADGE-style picks (Ash et al., ICLR 2020) for the linear model: k-means++ seeding on the
    gradient each row would give if its guess were right, ``g = (p - onehot(guess)) x``.

    The length of ``g`` is the model's doubt (0 when sure); the distance between two rows'
    ``g`` is small when they are alike *and* doubted the same way. Sampling the next pick in
    proportion to its squared distance to the picks so far gives doubtful rows that are not
    near-copies, and keeps some randomness, which guards against asking only odd outliers.
    """
    # Only the most doubtful rows take part: with thousands of sure rows each a little way
    # from every pick, sampling among all of them would be close to random.
    pool = np.argsort(-doubt(proba) - rng.random(len(proba)) * 1e-9)[: max(n * POOL_FACTOR, n)]
    proba = proba[pool]
    features = features.take(pool) if features is not None else None
    return [(int(pool[k]), why) for k, why in _badge(proba, features, n, rng)]


def doubt(proba: np.ndarray) -> np.ndarray:
    """|p - onehot(guess)|^2: 0 when the model is sure, up to 2 when it is lost."""
    pdiff = proba.astype(np.float64).copy()
    pdiff[np.arange(len(proba)), proba.argmax(axis=1)] -= 1.0
    return (pdiff * pdiff).sum(axis=1)


def _badge(proba: np.ndarray, features: Rows | None, n: int, rng: np.random.Generator) -> list[tuple[int, str]]:
    m = len(proba)
    guess = proba.argmax(axis=1)
    pdiff = proba.astype(np.float64).copy()
    pdiff[np.arange(m), guess] -= 1.0
    norms = (pdiff * pdiff).sum(axis=1)  # |g|^2 (the rows x have length 1)
    margin = margins(proba)
    closest = norms.copy()  # squared distance to the nearest pick (none yet: to 0)
    chosen: list[int] = []
    row_ids = features.row_ids() if features is not None else None
    dense = None
    out = []
    for _ in range(n):
        if not chosen:
            k = int(np.argmax(norms + rng.random(m) * 1e-9))
        else:
            weights = closest.copy()
            weights[chosen] = 0.0
            total = weights.sum()
            if total <= 0:
                rest = np.setdiff1d(np.arange(m), chosen)
                k = int(rng.choice(rest))
            else:
                k = int(rng.choice(m, p=weights / total))
        chosen.append(k)
        if features is not None:
            # <x_i, x_k> for every candidate: a sparse product through a dense copy of x_k.
            start, end = features.indptr[k], features.indptr[k + 1]
            if dense is None:
                dense = np.zeros(int(features.indices.max()) + 1 if len(features.indices) else 1)
            dense[features.indices[start:end]] = features.values[start:end]
            sims = np.bincount(row_ids, weights=features.values * dense[features.indices], minlength=m)
            dense[features.indices[start:end]] = 0.0
        else:
            sims = (np.arange(m) == k).astype(float)
        dist = norms + norms[k] - 2.0 * (pdiff * pdiff[k]).sum(axis=1) * sims  # no BLAS threads
        closest = np.minimum(closest, np.maximum(dist, 0.0))
        mk = margin[k]
        if mk < 0.1:
            why = tr("The model is torn between two labels for texts like this one.")
        elif mk < 0.4:
            why = tr("The model is unsure about texts like this one.")
        else:
            why = tr("The model is fairly sure about the rest; this is among its least sure rows.")
        if len(chosen) > 1 and features is not None:
            why += tr(" It is also unlike the other rows picked just now.")
        out.append((k, why))
    return out
