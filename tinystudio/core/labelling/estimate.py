"""How good is the model on the labels so far, and do more labels still pay off?

The accuracy is cross-validated on the labelled rows. To judge whether labelling more still
helps, the same cross-validation is run with each fold trained on half of its rows: the gain
from half the labels to all of them is what the next doubling may be expected to bring (a
learning curve measured on the user's own labels, not a guess).

When the app picks the rows it is least sure of, the labelled rows are harder than average,
so this estimate is on the low side; the sentence says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ...i18n import tr
from .features import Rows
from .model import cross_val_proba

#: Labels needed before an estimate is shown at all.
MIN_LABELS = 10
#: Larger sets are sub-sampled for the estimate (it is redone every few answers).
MAX_ROWS = 3000


@dataclass(frozen=True)
class Estimate:
    n_labels: int  # labelled rows used
    accuracy: float | None  # cross-validated accuracy (None: too few labels)
    half_accuracy: float | None  # the same with each fold trained on half of its rows
    margin: float | None  # ~95% interval half-width of ``accuracy``
    sentence: str  # plain words: is it worth labelling more?

    def to_dict(self) -> dict:
        return {
            "n_labels": self.n_labels,
            "accuracy": self.accuracy,
            "half_accuracy": self.half_accuracy,
            "margin": self.margin,
            "sentence": self.sentence,
        }


def estimate_accuracy(
    rows: Rows,
    y: Sequence[int],
    n_labels: int,
    *,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> Estimate:
    """Cross-validated accuracy of the quick model on ``rows`` labelled ``y``, with advice."""
    y = np.asarray(y, dtype=np.int64)
    n = len(y)
    counts = np.bincount(y, minlength=n_labels) if n else np.zeros(n_labels, int)
    if n < MIN_LABELS or (counts > 0).sum() < 2:
        return Estimate(n, None, None, None,
                        tr("Label at least {n} rows, with two labels or more, to see an estimate "
                           "of how good a model would be.").format(n=MIN_LABELS))  # fmt: skip
    if n > MAX_ROWS:
        keep = np.sort(np.random.default_rng(seed).choice(n, MAX_ROWS, replace=False))
        rows, y, n = rows.take(keep), y[keep], MAX_ROWS
    full = _accuracy(cross_val_proba(rows, y, n_labels, seed=seed, should_stop=should_stop), y)
    half = _accuracy(
        cross_val_proba(rows, y, n_labels, seed=seed, train_fraction=0.5, should_stop=should_stop), y
    )
    margin = 1.96 * math.sqrt(max(full * (1 - full), 1e-4) / n)
    return Estimate(n, full, half, margin, advice(n, full, half, margin))


def _accuracy(proba: np.ndarray, y: np.ndarray) -> float:
    return float((proba.argmax(axis=1) == y).mean())


def advice(n: int, full: float, half: float, margin: float) -> str:
    """One plain sentence on whether more labels still pay off."""
    gain = (full - half) * 100
    head = tr("About {accuracy:.0%} right (±{margin:.0f} points) on the {n} rows labelled so far. ")
    head = head.format(accuracy=full, margin=margin * 100, n=n)
    if gain >= 3:
        tail = tr("Going from {half} to {n} labels added {gain:.0f} points: more labels are still "
                  "paying off.")  # fmt: skip
    elif gain >= 1:
        tail = tr("Going from {half} to {n} labels added {gain:.0f} points: more labels still help, "
                  "but less each time.")  # fmt: skip
    else:
        tail = tr("Going from {half} to {n} labels changed little ({gain:+.0f} points): more labels "
                  "of the same kind add little now — train a model with these labels, or label a "
                  "new kind of text.")  # fmt: skip
    return head + tail.format(half=n // 2, n=n, gain=gain)
