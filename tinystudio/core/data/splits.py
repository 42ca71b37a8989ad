"""Train / validation / test splits that are seeded, deterministic and fair to every class.

Classification uses :func:`stratified_split`: each label keeps (about) its share in every
split, the totals match the requested fractions exactly, and every label keeps at least
one example in train. A label with a single example cannot be split and stays in train.

Text generation uses :func:`contiguous_split`: the first 80 % of the documents train, the
next 10 % validate and the last 10 % test, in file order. Shuffling the lines of a book
would leak neighbouring sentences into the test set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tinystudio.core.errors import ConfigError
from tinystudio.i18n import tr


@dataclass(frozen=True)
class Splits:
    """Indices into ``Dataset.texts`` (sorted, disjoint, together covering every row)."""

    train: tuple[int, ...]
    val: tuple[int, ...]
    test: tuple[int, ...]


def check_fractions(val_fraction: float, test_fraction: float) -> None:
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ConfigError(
            tr("The validation and test shares ({val_fraction:g} and {test_fraction:g}) must be between 0 and 1 and leave something for training.").format(val_fraction=val_fraction, test_fraction=test_fraction),
            code="bad_split_fractions",
        )


def _target(n: int, fraction: float) -> int:
    """How many rows a split gets: rounded, but at least one when there is room."""
    if fraction <= 0 or n == 0:
        return 0
    return max(1, round(n * fraction)) if n >= 3 else 0


def contiguous_split(n: int, val_fraction: float = 0.1, test_fraction: float = 0.1) -> Splits:
    """Split ``n`` documents in file order: train first, then validation, then test."""
    check_fractions(val_fraction, test_fraction)
    n_val, n_test = _target(n, val_fraction), _target(n, test_fraction)
    n_train = n - n_val - n_test
    return Splits(
        tuple(range(n_train)),
        tuple(range(n_train, n_train + n_val)),
        tuple(range(n_train + n_val, n)),
    )


def _allocate(
    exact: np.ndarray, room: np.ndarray, total: int, rng: np.random.Generator
) -> np.ndarray:
    """Largest-remainder rounding of ``exact`` per-class quotas to an integer ``total``.

    Never gives a class more than ``room``; ties between equal remainders are broken at
    random (seeded) so that no class is always the one rounded down.
    """
    quota = np.minimum(np.floor(exact).astype(np.int64), room)
    missing = total - int(quota.sum())
    if missing > 0:
        remainder = exact - quota
        order = np.lexsort((rng.random(len(exact)), -remainder))
        for c in order:
            if missing == 0:
                break
            if quota[c] < room[c]:
                quota[c] += 1
                missing -= 1
    return quota


def stratified_split(
    labels: Sequence[int], seed: int, val_fraction: float = 0.1, test_fraction: float = 0.1
) -> Splits:
    """Split rows so that every label keeps its share in train, validation and test.

    Parameters
    ----------
    labels
        One label index per row.
    seed
        The same seed and labels always give the same split.
    val_fraction, test_fraction
        Shares of all rows for validation and test (0.1 each by default).

    Returns
    -------
    Splits
        Sorted indices. Every label with at least 2 examples keeps at least one in train
        (so every label with >= 3 examples is trained on); labels with one example are in
        train only.

    Raises
    ------
    ConfigError
        ``bad_split_fractions`` when the fractions leave nothing for training.
    """
    check_fractions(val_fraction, test_fraction)
    y = np.asarray(labels, dtype=np.int64)
    n = len(y)
    if n == 0:
        return Splits((), (), ())
    rng = np.random.default_rng(seed)
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    room = np.maximum(counts - 1, 0)  # one example per class always stays in train
    n_test = _allocate(
        counts * test_fraction, room, min(_target(n, test_fraction), int(room.sum())), rng
    )
    room_val = room - n_test
    n_val = _allocate(
        counts * val_fraction, room_val, min(_target(n, val_fraction), int(room_val.sum())), rng
    )
    # Shuffle rows within each class: a random permutation, then a stable sort by class.
    perm = rng.permutation(n)
    by_class = perm[np.argsort(inverse[perm], kind="stable")]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for c in range(len(classes)):
        rows = by_class[starts[c] : starts[c] + counts[c]]
        t, v = int(n_test[c]), int(n_val[c])
        parts["test"].append(rows[:t])
        parts["val"].append(rows[t : t + v])
        parts["train"].append(rows[t + v :])

    def done(key: str) -> tuple[int, ...]:
        return tuple(np.sort(np.concatenate(parts[key])).tolist())

    return Splits(done("train"), done("val"), done("test"))
