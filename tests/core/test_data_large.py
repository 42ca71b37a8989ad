"""A modest large file: 200k rows load quickly and completely."""

from __future__ import annotations

import time

import pytest

from tinystudio.core.data import inspect_data, load_dataset
from tinystudio.core.errors import CancelledError

N_ROWS = 200_000


def test_200k_rows_load(tmp_path):
    path = tmp_path / "large.csv"
    labels = ("pos", "neg", "neutral")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,text,label\n")
        for i in range(N_ROWS):
            f.write(
                f'{i},"review {i}: the plot was fine, the actors were {i % 97}",{labels[i % 3]}\n'
            )
    start = time.perf_counter()
    data = load_dataset(path)
    seconds = time.perf_counter() - start
    assert data.report.rows_used == N_ROWS
    assert data.report.class_counts == {"neg": 66667, "pos": 66667, "neutral": 66666}
    assert list(data.report.class_counts) == ["neg", "pos", "neutral"]  # largest first
    assert data.texts[12345] == "review 12345: the plot was fine, the actors were 26"
    assert (len(data.splits.train), len(data.splits.val), len(data.splits.test)) == (
        160_000,
        20_000,
        20_000,
    )
    # The target is >= 200k rows/s; allow a slow, busy CI machine a wide margin.
    assert N_ROWS / seconds > 40_000, f"only {N_ROWS / seconds:,.0f} rows/s"


def test_progress_is_reported_and_stop_is_honoured(tmp_path):
    path = tmp_path / "progress.csv"
    path.write_text("text,label\n" + "".join(f"row {i},{'ab'[i % 2]}\n" for i in range(100_000)))
    seen: list[float] = []
    load_dataset(path, on_progress=seen.append)
    assert len(seen) >= 3 and seen[-1] == 1.0
    assert seen == sorted(seen) and 0 < seen[0] < 1

    with pytest.raises(CancelledError):
        inspect_data(path, should_stop=lambda: len(seen) > 3, on_progress=seen.append)
