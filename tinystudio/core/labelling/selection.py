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
from .features import Rows, cosine_matrix

MODES = ("smart", "order", "random")
#: Examples of each label wanted before the model's doubts are trusted.
WARMUP_PER_LABEL = 3
#: ... but after this many labels per known label, the rare ones are not waited for any more.
WARMUP_LIMIT_PER_LABEL = 10
#: The most uncertain rows considered for a batch: this many times the batch size.
POOL_FACTOR = 10
#: How much a pick's resemblance to the batch so far costs it (margin units).
DIVERSITY_WEIGHT = 0.5


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
    return [pick(i, why) for i, why in _uncertain_and_diverse(margins(proba), features, n, rng)]


def _uncertain_and_diverse(
    margin: np.ndarray, features: Rows | None, n: int, rng: np.random.Generator
) -> list[tuple[int, str]]:
    # Ties (common at the start) are broken at random, not by file position.
    jitter = rng.random(len(margin)) * 1e-6
    pool = np.argsort(margin + jitter)[: max(n * POOL_FACTOR, n)]
    sims = cosine_matrix(features.take(pool)) if features is not None else None
    chosen: list[int] = []
    closest = np.zeros(len(pool))  # each pool row's highest similarity to a chosen one
    out = []
    for _ in range(n):
        score = margin[pool] + DIVERSITY_WEIGHT * closest
        if chosen:
            score[chosen] = np.inf
        k = int(np.argmin(score))
        chosen.append(k)
        if sims is not None:
            closest = np.maximum(closest, sims[k])
        m = margin[pool[k]]
        if m < 0.1:
            why = tr("The model is torn between two labels for texts like this one.")
        elif m < 0.4:
            why = tr("The model is unsure about texts like this one.")
        else:
            why = tr("The model is fairly sure about the rest; this is among its least sure rows.")
        if len(chosen) > 1 and sims is not None:
            why += tr(" It is also unlike the other rows picked just now.")
        out.append((int(pool[k]), why))
    return out
