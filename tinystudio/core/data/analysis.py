"""Read a data file once, keep the two useful columns, and describe what was found.

:func:`inspect_data` is what the GUI calls before training: it never raises for a content
problem (they become :class:`Problem` objects, fatal ones included); it raises
:class:`DataError` only when the file cannot be read at all. :func:`analyse` does the same
work and also hands back the texts, labels and splits to :func:`load_dataset`.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass

import numpy as np

from tinystudio.core.data import checks
from tinystudio.core.data.columns import ColumnChoice, detect_columns
from tinystudio.core.data.formats import FileFormat, sniff_format
from tinystudio.core.data.reading import ColumnReader, read_columns, read_head
from tinystudio.core.data.report import DataReport, Problem, sort_problems
from tinystudio.core.data.splits import (
    Splits,
    _check_fractions,
    contiguous_split,
    stratified_split,
)
from tinystudio.core.errors import ConfigError, DataError

#: Label values that mean "no label" (compared after stripping, ignoring case).
MISSING_LABELS = frozenset({"", "n/a", "na", "nan", "null", "none", "-"})
#: Rows read up front to choose the columns.
DETECTION_ROWS = 2000
TASKS = ("classify", "generate")
_MAX_ROWS = 1000
_NO_SPLITS = Splits((), (), ())


@dataclass
class Analysis:
    """The report plus the data it describes (what :func:`load_dataset` needs)."""

    report: DataReport
    texts: list[str]
    labels: list[int] | None  # index into label_names
    label_names: list[str]
    splits: Splits
    row_numbers: np.ndarray  # file row number of each text (1-based)


def inspect_data(
    path: str | os.PathLike[str],
    task: str = "classify",
    text_col: str | int | None = None,
    label_col: str | int | None = None,
    seed: int = 0,
    *,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
) -> DataReport:
    """Read the whole file and report what would be used for training, and what is wrong.

    Parameters
    ----------
    path
        CSV/TSV/TXT file.
    task
        ``"classify"`` (text + label columns) or ``"generate"`` (text only).
    text_col, label_col
        Column names (case-insensitive) or 0-based indices; None to guess.
    seed, val_fraction, test_fraction
        The split to check for texts repeated between train and test.

    Returns
    -------
    DataReport
        Problems sorted fatal first. ``report.fatal`` is empty when training can start.

    Raises
    ------
    DataError
        Only when the file cannot be read at all (missing, empty, binary), or a chosen
        column does not exist (``unknown_column``).
    ConfigError
        For an unknown task or impossible split fractions.
    """
    return analyse(path, task, text_col, label_col, seed, val_fraction, test_fraction).report


def analyse(
    path: str | os.PathLike[str],
    task: str = "classify",
    text_col: str | int | None = None,
    label_col: str | int | None = None,
    seed: int = 0,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
) -> Analysis:
    """Do the work of :func:`inspect_data` and keep the texts, labels and splits."""
    if task not in TASKS:
        raise ConfigError(
            f"Unknown task '{task}'; choose 'classify' or 'generate'.", code="unknown_task"
        )
    _check_fractions(val_fraction, test_fraction)
    name = os.fspath(path)
    fmt = sniff_format(name, task=task)
    problems: list[Problem] = []
    if fmt.kind == "text":
        columns, width = ["text"], 1
        choice = ColumnChoice(
            "text", None, ("This is a plain text file: every non-blank line is one example.",)
        )
        if task == "classify":
            problems.append(
                Problem(
                    "no_label_column",
                    "fatal",
                    "This is a plain text file, with one text per line and no labels. To train "
                    "a classifier, use a table (CSV) with a column of texts and a column of "
                    "labels; plain text files are for the 'generate' task.",
                )
            )
        wanted = [0]
    else:
        head = read_head(name, fmt, DETECTION_ROWS)
        columns, width = head.columns, head.width
        if not fmt.has_header:
            problems.append(
                Problem(
                    "no_header",
                    "info",
                    "The first row looks like data, not column names, so the columns are called "
                    + ", ".join(f"'{c}'" for c in columns[:6])
                    + (" …" if width > 6 else "")
                    + ".",
                )
            )
        if head.renamed:
            problems.append(
                Problem(
                    "renamed_columns",
                    "info",
                    "Column names were changed: " + "; ".join(head.renamed) + ".",
                )
            )
        if not head.rows:
            problems.append(
                Problem(
                    "header_only",
                    "fatal",
                    f"The file has column names ({', '.join(columns)}) but no rows of data below "
                    "them.",
                )
            )
            return _early(name, fmt, columns, ColumnChoice("", None, ()), problems)
        try:
            choice = detect_columns(
                columns, head.rows, task, text_col=text_col, label_col=label_col
            )
        except DataError as exc:
            if exc.code != "no_text_column":
                raise
            problems.append(Problem("no_text_column", "fatal", exc.message))
            return _early(name, fmt, columns, ColumnChoice("", None, (exc.message,)), problems)
        wanted = [columns.index(choice.text_column)]
        if choice.label_column is not None:
            wanted.append(columns.index(choice.label_column))
        elif task == "classify":
            where = (
                f"The file has a single column ('{columns[0]}')"
                if width == 1
                else f"Apart from '{choice.text_column}', the columns are empty"
            )
            problems.append(
                Problem(
                    "no_label_column",
                    "fatal",
                    f"{where}, so there is no column for labels. A classifier needs a column of "
                    "texts and a column of labels.",
                )
            )
    reader = read_columns(name, fmt, wanted, width=width, join_extra_into=wanted[0])
    return _collect_and_check(
        name, fmt, columns, choice, reader, problems, task, seed, val_fraction, test_fraction
    )


def _early(
    name: str, fmt: FileFormat, columns: list[str], choice: ColumnChoice, problems: list[Problem]
) -> Analysis:
    report = DataReport(name, fmt, columns, choice, 0, 0, {}, {}, sort_problems(problems))
    return Analysis(report, [], None, [], _NO_SPLITS, np.zeros(0, dtype=np.int64))


class _Labels:
    """Maps raw label cells to label ids, stripping spaces and spotting missing values."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # raw cell -> id (-1: missing)
        self.names: list[str] = []  # id -> stripped label
        self._by_name: dict[str, int] = {}
        self.stripped: list[str] = []  # raw cells that had spaces around them

    def add(self, raw: str) -> int:
        label = raw.strip()
        if label.casefold() in MISSING_LABELS:
            lid = -1
        else:
            if label != raw and len(self.stripped) < 20:
                self.stripped.append(raw)
            lid = self._by_name.setdefault(label, len(self.names))
            if lid == len(self.names):
                self.names.append(label)
        self.ids[raw] = lid
        return lid


def _collect_and_check(
    name: str,
    fmt: FileFormat,
    columns: list[str],
    choice: ColumnChoice,
    reader: ColumnReader,
    problems: list[Problem],
    task: str,
    seed: int,
    val_fraction: float,
    test_fraction: float,
) -> Analysis:
    texts: list[str] = []
    rows = array("q")
    ids = array("i")
    labels = _Labels()
    empty_rows: list[int] = []
    missing_rows: list[int] = []
    n_empty = n_missing = n = 0
    is_text_file = fmt.kind == "text"
    add_text, add_row, add_id = texts.append, rows.append, ids.append
    known, new_label = labels.ids, labels.add
    with_labels = choice.label_column is not None
    # Hot loop (a million rows): local names only, one dict lookup per label.
    for cells in reader:
        n += 1
        text = cells[0] if is_text_file else cells[0].strip()
        if not text or (is_text_file and text.isspace()):
            n_empty += 1
            if len(empty_rows) < _MAX_ROWS:
                empty_rows.append(n)
            continue
        if with_labels:
            lid = known.get(cells[1])
            if lid is None:
                lid = new_label(cells[1])
            if lid < 0:
                n_missing += 1
                if len(missing_rows) < _MAX_ROWS:
                    missing_rows.append(n)
                continue
            add_id(lid)
        add_text(text)
        add_row(n)
    row_numbers = np.frombuffer(rows, dtype=np.int64) if rows else np.zeros(0, np.int64)
    problems += checks.reader_problems(reader, len(columns), columns, choice.text_column)
    dropped: dict[str, int] = {}
    if is_text_file:
        if n_empty:
            dropped["empty_line"] = n_empty
    else:
        dropped.update(
            {k: v for k, v in (("empty_text", n_empty), ("missing_label", n_missing)) if v}
        )
        problems += checks.drop_problems(
            n_empty, empty_rows, n_missing, missing_rows, choice.text_column, choice.label_column
        )
    if not texts and not any(p.severity == "fatal" for p in problems):
        problems.append(
            Problem(
                "no_rows_left",
                "fatal",
                f"No usable rows are left: all {n:,} rows have an empty text"
                + (" or a missing label." if with_labels else "."),
            )
        )
    y: list[int] | None = None
    label_names: list[str] = []
    class_counts: dict[str, int] = {}
    if with_labels:
        y_arr, label_names, class_counts = _finish_labels(ids, labels.names)
        y = y_arr.tolist()
        if labels.stripped:
            problems.append(
                Problem(
                    "labels_stripped",
                    "info",
                    "Spaces around some labels were removed (for example "
                    + ", ".join(repr(s) for s in labels.stripped[:3])
                    + "), so they count as the "
                    "same label as without spaces.",
                )
            )
        problems += checks.label_problems(
            class_counts, choice.label_column or "", len(texts), y_arr, row_numbers, label_names
        )
    elif task == "generate":
        problems += checks.generate_size_problem(sum(map(len, texts)), len(texts))
    splits = _NO_SPLITS
    if not any(p.severity == "fatal" for p in problems):
        if y is not None:
            splits = stratified_split(y, seed, val_fraction, test_fraction)
            problems += checks.duplicate_problem(
                texts, splits.train, splits.val, splits.test, row_numbers
            )
        else:
            splits = contiguous_split(len(texts), val_fraction, test_fraction)
    report = DataReport(
        name,
        fmt,
        columns,
        choice,
        rows_read=n,
        rows_used=len(texts),
        dropped=dropped,
        class_counts=class_counts,
        problems=sort_problems(problems),
    )
    return Analysis(report, texts, y, label_names, splits, row_numbers)


def _finish_labels(ids: array, names: list[str]) -> tuple[np.ndarray, list[str], dict[str, int]]:
    """Renumber label ids in sorted-name order; count them, largest first."""
    raw = np.frombuffer(ids, dtype=np.int32) if ids else np.zeros(0, np.int32)
    counts = np.bincount(raw, minlength=len(names))
    used = [i for i in range(len(names)) if counts[i] > 0]  # labels seen on kept rows only
    order = sorted(used, key=lambda i: names[i])
    remap = np.full(len(names), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    y = remap[raw] if len(raw) else np.zeros(0, np.int64)
    label_names = [names[i] for i in order]
    by_count = sorted(order, key=lambda i: (-counts[i], names[i]))
    return y, label_names, {names[i]: int(counts[i]) for i in by_count}
