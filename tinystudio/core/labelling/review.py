"""Label review: find the rows whose given label is probably a mistake (confident learning).

Each labelled row is predicted by a model that never saw it (cross-validation, see
:func:`~.model.cross_val_proba`). For each label ``j`` the *threshold* ``t_j`` is the model's
average confidence in ``j`` on the rows labelled ``j``. A row labelled ``y`` is a suspect when
the model's probability of another label ``j`` reaches ``t_j`` (the confident-joint rule of
Northcutt et al., "Confident learning", JAIR 2021) and exceeds its probability of ``y``.
Suspects come most suspicious first: by how much more likely the suggested label is than
the given one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Suspect:
    row: int  # position among the rows given (the caller maps it to a file row)
    label: int  # the given label id
    suggested: int  # the label the model believes in
    confidence: float  # the model's probability of the suggested label
    given_probability: float  # ... and of the given one


def find_suspects(proba: np.ndarray, y: Sequence[int]) -> list[Suspect]:
    """Rows whose label the out-of-fold probabilities ``proba`` (n, k) strongly dispute."""
    y = np.asarray(y, dtype=np.int64)
    n, k = proba.shape
    if n == 0:
        return []
    thresholds = np.full(k, np.inf)
    for j in range(k):
        mine = proba[y == j, j]
        if len(mine):
            thresholds[j] = mine.mean()
    given = proba[np.arange(n), y]
    above = proba >= thresholds[None, :]
    above[np.arange(n), y] = False
    above &= proba > given[:, None]
    masked = np.where(above, proba, -1.0)
    suggested = masked.argmax(axis=1)
    rows = np.flatnonzero(masked.max(axis=1) >= 0)
    gap = proba[rows, suggested[rows]] - given[rows]
    order = rows[np.argsort(-gap, kind="stable")]
    return [
        Suspect(int(i), int(y[i]), int(suggested[i]), float(proba[i, suggested[i]]), float(given[i]))
        for i in order
    ]
