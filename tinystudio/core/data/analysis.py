"""Read a data file once, keep the two useful columns, and describe what was found.

:func:`inspect_data` is what the GUI calls before training: it never raises for a content
problem (they become :class:`Problem` objects, fatal ones included); it raises
:class:`DataError` only when the file cannot be read at all. :func:`analyse` does the same
work and also hands back the texts, labels and splits to :func:`load_dataset`.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tinystudio.core.data import checks
from tinystudio.core.data.columns import ColumnChoice, detect_columns
from tinystudio.core.data.formats import FileFormat, sniff_format
from tinystudio.core.data.reading import ColumnReader, read_columns, read_head
from tinystudio.core.data.report import MAX_PROBLEM_ROWS, DataReport, Problem, sort_problems
from tinystudio.core.data.splits import Splits, check_fractions, contiguous_split, stratified_split
from tinystudio.core.errors import CancelledError, ConfigError, DataError
from tinystudio.i18n import tr

#: Label values that mean "no label" (compared after stripping, ignoring case).
MISSING_LABELS = frozenset({"", "n/a", "na", "nan", "null", "none", "-"})
#: Rows read up front to choose the columns.
DETECTION_ROWS = 2000
#: The tasks we know.
TASKS = ("classify", "generate")
#: Progress is reported, and the stop flag checked, every this many rows (a power of two).
PROGRESS_EVERY = 1 << 15
_NO_SPLITS = Splits((), (), ())

#: ``on_progress(fraction)`` receives how much of the file has been read, from 0 to 1.
ProgressCallback = Callable[[float], None]
#: ``should_stop()`` returns True when the user asked to stop.
StopCallback = Callable[[], bool]


@dataclass
class Analysis:
    """The report plus the data it describes (what :func:`load_dataset` needs)."""

    report: DataReport
    texts: list[str]
    labels: list[int] | None  # index into label_names
    label_names: list[str]
    splits: Splits
    row_numbers: np.ndarray  # file row number of each text (1-based data row)
    unlabelled: list[str] = field(default_factory=list)  # texts whose label is missing


def inspect_data(
    path: str | os.PathLike[str],
    task: str = "classify",
    text_col: str | int | None = None,
    label_col: str | int | None = None,
    seed: int = 0,
    *,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
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
    on_progress, should_stop
        Optional: called every few ten thousand rows with the fraction of the file read /
        asked whether to give up (then :class:`CancelledError` is raised). For the GUI's
        worker; the callbacks run in the reading thread.
    encoding, sheet
        The user's choice of text encoding, and of a workbook's sheet (name or 0-based
        index); None to detect the encoding / take the first sheet with data.

    Returns
    -------
    DataReport
        Problems sorted fatal first. ``report.fatal`` is empty when training can start.

    Raises
    ------
    DataError
        Only when the file cannot be read at all (missing, empty, binary), or a chosen
        column does not exist (``unknown_column``, ``same_column``).
    ConfigError
        For an unknown task or impossible split fractions.
    CancelledError
        When ``should_stop()`` returned True.
    """
    return analyse(path, task, text_col, label_col, seed, val_fraction, test_fraction,
                   on_progress=on_progress, should_stop=should_stop, encoding=encoding,
                   sheet=sheet).report  # fmt: skip


@dataclass
class _Plan:
    """Which columns to stream (``wanted`` is empty when there is nothing to read)."""

    columns: list[str]
    width: int
    choice: ColumnChoice
    wanted: list[int]


def _plan(
    name: str,
    fmt: FileFormat,
    task: str,
    text_col: str | int | None,
    label_col: str | int | None,
    problems: list[Problem],
) -> _Plan:
    if fmt.kind == "sheet" and len(fmt.sheets) > 1:
        problems.append(checks.several_sheets(fmt.sheet or "", fmt.sheets))
    if fmt.kind == "text":
        if task == "classify":
            problems.append(checks.plain_text_cannot_classify())
        reason = tr("This is a plain text file: every non-blank line is one example.")
        return _Plan(["text"], 1, ColumnChoice("text", None, (reason,)), [0])
    head = read_head(name, fmt, DETECTION_ROWS)
    columns = head.columns
    problems += checks.head_problems(fmt.has_header, columns, head.renamed)
    if not head.rows:
        problems.append(checks.header_only(columns))
        return _Plan(columns, head.width, ColumnChoice("", None, ()), [])
    try:
        choice = detect_columns(columns, head.rows, task, text_col=text_col, label_col=label_col)
    except DataError as exc:
        if exc.code != "no_text_column":
            raise  # a column the user named does not exist: their mistake, not the file's
        problems.append(Problem("no_text_column", "fatal", exc.message))
        return _Plan(columns, head.width, ColumnChoice("", None, (exc.message,)), [])
    wanted = [columns.index(choice.text_column)]
    if choice.label_column is not None:
        wanted.append(columns.index(choice.label_column))
    elif task == "classify":
        problems.append(checks.no_label_column(columns, choice.text_column))
    return _Plan(columns, head.width, choice, wanted)


def analyse(
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
) -> Analysis:
    """Do the work of :func:`inspect_data` and keep the texts, labels and splits."""
    try:
        return _analyse(path, task, text_col, label_col, seed, val_fraction, test_fraction,
                        on_progress=on_progress, should_stop=should_stop, encoding=encoding,
                        sheet=sheet)  # fmt: skip
    except OSError as exc:  # the file vanished or became unreadable after it was opened
        raise read_failed(os.fspath(path), exc) from exc


def read_failed(name: str, exc: OSError) -> DataError:
    """The file could be opened but not read to the end (deleted, moved, drive unplugged)."""
    return DataError(
        tr("TinyStudio could not finish reading '{file}': the file was moved, deleted or became unreadable while it was being read (for example a USB stick or network drive that was disconnected). Check the file and open it again.").format(file=os.path.basename(name)),
        details=str(exc),
        code="read_failed",
    )


def _analyse(
    path: str | os.PathLike[str],
    task: str,
    text_col: str | int | None,
    label_col: str | int | None,
    seed: int,
    val_fraction: float,
    test_fraction: float,
    *,
    on_progress: ProgressCallback | None,
    should_stop: StopCallback | None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Analysis:
    if task not in TASKS:
        raise ConfigError(
            tr("Unknown task '{task}'; choose 'classify' or 'generate'.").format(task=task), code="unknown_task"
        )
    check_fractions(val_fraction, test_fraction)
    name = os.fspath(path)
    fmt = sniff_format(name, task=task, encoding=encoding, sheet=sheet)
    problems: list[Problem] = []
    plan = _plan(name, fmt, task, text_col, label_col, problems)
    if not plan.wanted:
        report = DataReport(name, fmt, plan.columns, plan.choice, 0, 0, {}, {},
                            sort_problems(problems))  # fmt: skip
        return Analysis(report, [], None, [], _NO_SPLITS, np.zeros(0, dtype=np.int64))

    reader = read_columns(name, fmt, plan.wanted, width=plan.width, join_extra_into=plan.wanted[0])
    watch = _watcher(reader, on_progress, should_stop)
    got = _collect(reader, is_text_file=fmt.kind == "text", with_labels=len(plan.wanted) > 1,
                   watch=watch)  # fmt: skip
    if on_progress is not None:
        on_progress(1.0)
    choice = plan.choice
    problems += checks.reader_problems(reader, plan.width, plan.columns, choice.text_column)
    if fmt.kind == "text":
        dropped = {"empty_line": got.n_empty} if got.n_empty else {}
    else:
        dropped = {k: v for k, v in (("empty_text", got.n_empty),
                                     ("missing_label", got.n_missing)) if v}  # fmt: skip
        problems += checks.drop_problems(got.n_empty, got.empty_rows, got.n_missing,
                                         got.missing_rows, choice.text_column,
                                         choice.label_column)  # fmt: skip
    texts = got.texts
    row_numbers = np.frombuffer(got.rows, dtype=np.int64) if got.rows else np.zeros(0, np.int64)
    if not texts and not any(p.severity == "fatal" for p in problems):
        problems.append(checks.no_rows_left(got.n, choice.label_column is not None))

    y: np.ndarray | None = None
    label_names: list[str] = []
    class_counts: dict[str, int] = {}
    if choice.label_column is not None:
        y, label_names, class_counts = _finish_labels(got.label_ids, got.labels.names)
        if got.labels.stripped:
            problems.append(checks.labels_stripped(got.labels.stripped))
        problems += checks.label_problems(class_counts, choice.label_column, len(texts), y,
                                          row_numbers, label_names)  # fmt: skip
        if not any(p.severity == "fatal" for p in problems):
            too_few = checks.too_few_to_split(class_counts, val_fraction, test_fraction)
            if too_few:  # it says all there is to say about the small labels
                small = ("small_classes", "classes_only_in_train", "few_examples")
                problems[:] = [p for p in problems if p.code not in small] + too_few
    elif task == "generate":
        problems += checks.generate_size_problem(sum(map(len, texts)), len(texts))
        if texts and not any(p.severity == "fatal" for p in problems):
            problems += checks.too_few_documents(len(texts), val_fraction, test_fraction)

    splits = _NO_SPLITS
    if not any(p.severity == "fatal" for p in problems):
        if y is not None:
            splits = stratified_split(y, seed, val_fraction, test_fraction)
            problems += checks.duplicate_problem(texts, splits.train, splits.val, splits.test,
                                                 row_numbers)  # fmt: skip
        else:
            splits = contiguous_split(len(texts), val_fraction, test_fraction)
    report = DataReport(name, fmt, plan.columns, choice, rows_read=got.n, rows_used=len(texts),
                        dropped=dropped, class_counts=class_counts,
                        problems=sort_problems(problems))  # fmt: skip
    labels = y.tolist() if y is not None else None
    return Analysis(report, texts, labels, label_names, splits, row_numbers, got.unlabelled)


class _Labels:
    """Maps raw label cells to label ids, stripping spaces and spotting missing values."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # raw cell -> id (-1: missing)
        self.names: list[str] = []  # id -> stripped label
        self._by_name: dict[str, int] = {}
        self.stripped: list[str] = []  # a few raw cells that had spaces around them

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


@dataclass
class _Collected:
    texts: list[str] = field(default_factory=list)
    rows: array = field(default_factory=lambda: array("q"))  # file row of each kept text
    label_ids: array = field(default_factory=lambda: array("i"))
    labels: _Labels = field(default_factory=_Labels)
    n: int = 0  # rows read
    n_empty: int = 0
    n_missing: int = 0
    empty_rows: list[int] = field(default_factory=list)
    missing_rows: list[int] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # texts of the missing-label rows


def _watcher(
    reader: ColumnReader, on_progress: ProgressCallback | None, should_stop: StopCallback | None
) -> Callable[[], None] | None:
    """One function for the hot loop to call now and then: report progress, honour stop."""
    if on_progress is None and should_stop is None:
        return None

    def watch() -> None:
        if should_stop is not None and should_stop():
            raise CancelledError(tr("Reading the file was stopped."), code="cancelled")
        if on_progress is not None:
            on_progress(reader.fraction_done())

    return watch


def _collect(
    reader: ColumnReader,
    *,
    is_text_file: bool,
    with_labels: bool,
    watch: Callable[[], None] | None = None,
) -> _Collected:
    """Stream the rows, keeping texts (stripped, except plain-text lines) and label ids."""
    got = _Collected()
    add_text, add_row, add_id = got.texts.append, got.rows.append, got.label_ids.append
    known, new_label = got.labels.ids, got.labels.add
    empty_rows, missing_rows = got.empty_rows, got.missing_rows
    n = n_empty = n_missing = 0
    every = PROGRESS_EVERY - 1
    # The hot loop (a million rows): local names only, one dict lookup per label.
    for cells in reader:
        n += 1
        if not n & every and watch is not None:
            watch()
        text = cells[0] if is_text_file else cells[0].strip()
        if not text or (is_text_file and text.isspace()):
            n_empty += 1
            if len(empty_rows) < MAX_PROBLEM_ROWS:
                empty_rows.append(n)
            continue
        if with_labels:
            lid = known.get(cells[1])
            if lid is None:
                lid = new_label(cells[1])
            if lid < 0:
                n_missing += 1
                if len(missing_rows) < MAX_PROBLEM_ROWS:
                    missing_rows.append(n)
                got.unlabelled.append(text)  # still good text for pre-training
                continue
            add_id(lid)
        add_text(text)
        add_row(n)
    got.n, got.n_empty, got.n_missing = n, n_empty, n_missing
    return got


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
