"""The data report: what we read, what we used, and what is wrong, in plain words.

Problem codes (stable identifiers; the message is for people, the code is for programs)
--------------------------------------------------------------------------------------
Fatal — training cannot start:

``header_only``            the file has column names but no data rows.
``no_rows_left``           every row was dropped (empty texts, missing labels).
``no_text_column``         no column holds text (all numbers, or all empty).
``no_label_column``        classify was asked but there is no column for labels (a one-column
                           file, or a plain text file).
``single_class``           every row has the same label: needs at least two different labels.
``all_labels_distinct``    (almost) every row has its own label: the label column looks like
                           an ID.
``too_few_examples``       fewer than two labels have the 3 examples a train / validation /
                           test split needs (the message says how many more each label
                           needs); to generate, fewer than 3 non-blank lines.

Warnings — training can go on, but the user should know:

``ragged_rows``            rows with more or fewer values than there are columns.
``unclosed_quote``         a quote opened and never closed; the rest of the file was read as
                           one value.
``encoding_fallback``      some bytes did not fit the detected encoding and were read as
                           Windows-1252.
``rows_dropped_empty_text``    rows skipped because their text is empty.
``rows_dropped_missing_label`` rows skipped because their label is empty or "N/A", "NA",
                           "nan", "null", "None", "-".
``labels_differ_by_case``  labels that differ only in capital letters ("Spam" / "spam").
``small_classes``          labels with fewer than 5 examples.
``classes_only_in_train``  labels with a single example: kept for training, cannot be tested.
``duplicates_across_splits``   texts of the validation/test set that also appear in train.
``few_examples``           so little data that results will be mostly luck.

Information:

``several_sheets``         a workbook with several sheets: which one is read, how to choose.
``no_header``              the first row is data; columns were named "column 1", ...
``renamed_columns``        empty or repeated column names were given new names.
``labels_stripped``        spaces around labels were removed (" pos" counts as "pos").
``imbalanced_classes``     the largest label has 10 times more examples than the smallest.

Not problems but errors (raised, because there is no content to report on)
---------------------------------------------------------------------------
:class:`~tinystudio.core.errors.DataError` codes: ``file_not_found``, ``not_a_file``,
``cannot_open``, ``read_failed`` (it vanished or became unreadable while being read),
``empty_file``, ``binary_file`` (with a message saying what the file is: ZIP, PDF,
picture...), ``json_file``, ``html_file``, ``xml_file``, ``markdown_table`` (text, but not a
table: says what to do), ``protected_workbook``, ``broken_workbook``, ``unknown_sheet``,
``unknown_encoding``, ``unknown_column`` and ``same_column`` (a column override that does
not fit the file). :func:`load_dataset` also raises ``DataError`` with
the code of the first fatal problem. :class:`~tinystudio.core.errors.ConfigError` codes:
``unknown_task``, ``bad_split_fractions``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tinystudio.core.data.columns import ColumnChoice
from tinystudio.core.data.formats import FileFormat

#: Problem severities, most serious first.
SEVERITIES = ("fatal", "warning", "info")
#: At most this many row numbers are attached to one problem.
MAX_PROBLEM_ROWS = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing) about the data."""

    code: str  # stable id, see the module docstring
    severity: str  # "fatal" | "warning" | "info"
    message: str  # plain words: names the column, the count, the labels
    rows: tuple[int, ...] = ()  # 1-based data-row numbers (first row after the header = 1)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if len(self.rows) > MAX_PROBLEM_ROWS:
            object.__setattr__(self, "rows", tuple(self.rows[:MAX_PROBLEM_ROWS]))

    def to_dict(self) -> dict:
        """Plain JSON-able dict."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "rows": list(self.rows),
        }


@dataclass
class DataReport:
    """Everything the user should know about their file before training."""

    path: str
    format: FileFormat
    columns: list[str]
    choice: ColumnChoice
    rows_read: int  # data rows in the file (lines for a text file)
    rows_used: int  # rows kept for training, validation and test
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> count
    class_counts: dict[str, int] = field(default_factory=dict)  # label -> count, largest first
    problems: list[Problem] = field(default_factory=list)  # fatal first

    @property
    def fatal(self) -> list[Problem]:
        """The problems that stop training."""
        return [p for p in self.problems if p.severity == "fatal"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems the user should read but that do not stop training."""
        return [p for p in self.problems if p.severity == "warning"]

    def problem(self, code: str) -> Problem | None:
        """The problem with this code, if any."""
        return next((p for p in self.problems if p.code == code), None)

    def to_dict(self) -> dict:
        """Plain JSON-able dict (for the CLI's ``--json`` and saved run folders)."""
        return {
            "path": self.path,
            "format": {**asdict(self.format), "description": self.format.describe()},
            "columns": list(self.columns),
            "choice": {
                "text_column": self.choice.text_column,
                "label_column": self.choice.label_column,
                "reasons": list(self.choice.reasons),
            },
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "dropped": dict(self.dropped),
            "class_counts": dict(self.class_counts),
            "problems": [p.to_dict() for p in self.problems],
        }


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Fatal first, then warnings, then information; stable otherwise."""
    return sorted(problems, key=lambda p: SEVERITIES.index(p.severity))
