"""The training data, ready to use: texts, label indices, splits and the report.

:func:`load_dataset` refuses (with :class:`DataError`) a file whose report has a fatal
problem; the error carries the report so the GUI can show everything at once.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from tinystudio.core.data.analysis import (
    ProgressCallback,
    StopCallback,
    analyse,
    read_failed,
)
from tinystudio.core.data.report import DataReport
from tinystudio.core.data.splits import Splits
from tinystudio.core.errors import DataError

_HASH_CHUNK = 1 << 20


@dataclass
class Dataset:
    """Texts (and labels) from the user's file, split for training."""

    path: str
    task: str  # "classify" | "generate"
    texts: list[str]
    labels: list[int] | None  # index into label_names; None for generate
    label_names: list[str]  # sorted; [] for generate
    splits: Splits
    report: DataReport
    fingerprint: str  # sha256 hex of the file bytes
    seed: int
    #: File row of each text (1-based data row, as in the report), e.g. to show a mistake in
    #: its context. A numpy int64 array: 8 bytes a row instead of a list's ~36.
    row_numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Texts of rows whose label is missing (classify): not trained on, but a language
    #: model can be pre-trained on them (see core/fewlabels.py).
    unlabelled: list[str] = field(default_factory=list)

    def subset(self, split: str) -> tuple[list[str], list[int] | None]:
        """Texts and labels of ``"train"``, ``"val"`` or ``"test"``."""
        idx = getattr(self.splits, split)
        texts = [self.texts[i] for i in idx]
        labels = [self.labels[i] for i in idx] if self.labels is not None else None
        return texts, labels


def file_fingerprint(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file's bytes, read in 1 MB chunks (never the whole file at once)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def load_dataset(
    path: str | os.PathLike[str],
    task: str = "classify",
    text_col: str | int | None = None,
    label_col: str | int | None = None,
    seed: int = 0,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    *,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Dataset:
    """Read a data file into a :class:`Dataset`, or explain why it cannot be used.

    Parameters
    ----------
    path
        CSV/TSV/TXT file.
    task
        ``"classify"`` or ``"generate"``.
    text_col, label_col
        Column names (case-insensitive) or 0-based indices; None to guess.
    seed
        Seeds the stratified split (generate splits in file order, no randomness).
    val_fraction, test_fraction
        Shares of the rows held out for validation and test.
    on_progress, should_stop
        Optional progress report (fraction of the file read) and cooperative stop, see
        :func:`inspect_data`.
    encoding, sheet
        The user's choice of text encoding and of a workbook's sheet; None to detect.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        When the file cannot be read, or its report has a fatal problem: then ``code`` and
        ``message`` are those of the first fatal problem and ``report`` is the full report.
    ConfigError
        Unknown task or impossible fractions.
    CancelledError
        When ``should_stop()`` returned True.
    """
    name = os.fspath(path)
    # hashlib releases the GIL on large updates, so the fingerprint costs no wall time
    # while the main thread parses the CSV.
    with ThreadPoolExecutor(max_workers=1) as pool:
        fingerprint = pool.submit(file_fingerprint, name)
        try:
            result = analyse(name, task, text_col, label_col, seed, val_fraction, test_fraction,
                             on_progress=on_progress, should_stop=should_stop,
                             encoding=encoding, sheet=sheet)  # fmt: skip
        except BaseException:
            fingerprint.cancel()
            raise
        try:
            digest = fingerprint.result()
        except OSError as exc:  # deleted or unreadable while we were reading it
            raise read_failed(name, exc) from exc
    report = result.report
    if report.fatal:
        first = report.fatal[0]
        details = "\n".join(f"[{p.severity}] {p.message}" for p in report.problems)
        raise DataError(first.message, code=first.code, details=details, report=report)
    return Dataset(
        path=name,
        task=task,
        texts=result.texts,
        labels=result.labels,
        label_names=result.label_names,
        splits=result.splits,
        report=report,
        fingerprint=digest,
        seed=seed,
        row_numbers=result.row_numbers,
        unlabelled=result.unlabelled,
    )
