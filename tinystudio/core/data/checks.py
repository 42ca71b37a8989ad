"""Turn counts into :class:`Problem` objects with specific, plain-language messages.

Each function looks at one aspect (dropped rows, ragged rows, labels, splits, size) and
returns a list of problems; :mod:`analysis` puts them together. The codes are documented
in :mod:`tinystudio.core.data.report`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from tinystudio.core.data.reading import ColumnReader
from tinystudio.core.data.report import Problem
from tinystudio.i18n import tr, tr_n

#: Labels with fewer examples than this get a warning.
SMALL_CLASS = 5
#: Classification with fewer usable rows than this gets a warning.
FEW_ROWS = 50
#: Text generation with fewer characters than this gets a warning.
FEW_CHARACTERS = 20_000
#: Largest/smallest label ratio from which we mention the imbalance.
IMBALANCE = 10


def _first_rows(rows: Sequence[int], total: int) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    if total == 1:
        return tr("row {rows}").format(rows=shown)
    return tr("rows {rows}").format(rows=shown) + (" …" if total > 5 else "")


def _quote_list(names: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    if len(names) > limit:
        return tr("{names} and {n} more").format(names=shown, n=len(names) - limit)
    return shown


def plain_text_cannot_classify() -> Problem:
    """A .txt file (one text per line) was given to the classify task."""
    return Problem(
        "no_label_column",
        "fatal",
        tr("This is a plain text file, with one text per line and no labels. To train a "
           "classifier, use a table (CSV) with a column of texts and a column of labels; plain "
           "text files are for the 'generate' task."),
    )


def head_problems(
    has_header: bool, columns: Sequence[str], renamed: Sequence[str]
) -> list[Problem]:
    """No header row, or column names we had to invent or change."""
    out = []
    if not has_header:
        shown = ", ".join(f"'{c}'" for c in columns[:6]) + (" …" if len(columns) > 6 else "")
        out.append(
            Problem(
                "no_header",
                "info",
                tr("The first row looks like data, not column names, so the columns are called "
                   "{shown}.").format(shown=shown),
            )
        )
    if renamed:
        out.append(
            Problem(
                "renamed_columns", "info",
                tr("Column names were changed: {changes}.").format(changes="; ".join(renamed)),
            )
        )
    return out


def header_only(columns: Sequence[str]) -> Problem:
    """Column names and nothing below them."""
    return Problem(
        "header_only",
        "fatal",
        tr("The file has column names ({columns}) but no rows of data below them.").format(
            columns=", ".join(columns)),
    )


def no_label_column(columns: Sequence[str], text_column: str) -> Problem:
    """Classify, but no column other than the text one has any values."""
    if len(columns) == 1:
        message = tr("The file has a single column ('{column}'), so there is no column for "
                     "labels. A classifier needs a column of texts and a column of labels.")
    else:
        message = tr("Apart from '{column}', the columns are empty, so there is no column for "
                     "labels. A classifier needs a column of texts and a column of labels.")
    return Problem("no_label_column", "fatal",
                   message.format(column=columns[0] if len(columns) == 1 else text_column))


def no_rows_left(n_rows: int, with_labels: bool) -> Problem:
    """Every row was dropped."""
    return Problem(
        "no_rows_left",
        "fatal",
        (tr("No usable rows are left: all {n:,} rows have an empty text or a missing label.")
         if with_labels else tr("No usable rows are left: all {n:,} rows have an empty text.")
         ).format(n=n_rows),
    )


def labels_stripped(examples: Sequence[str]) -> Problem:
    """Labels written with spaces around them (merged with the same label without)."""
    shown = ", ".join(repr(s) for s in examples[:3])
    return Problem(
        "labels_stripped",
        "info",
        tr("Spaces around some labels were removed (for example {shown}), so they count as the "
           "same label as without spaces.").format(shown=shown),
    )


def reader_problems(
    reader: ColumnReader, width: int, columns: Sequence[str], text_column: str
) -> list[Problem]:
    """Ragged rows, an unclosed quote, bytes that did not fit the encoding."""
    out = []
    n_ragged = reader.n_longer + reader.n_shorter
    if n_ragged:
        parts = []
        if reader.n_longer:
            n, rows = reader.n_longer, reader.longer_rows
            parts.append(
                tr_n("{n:,} row ({rows}) has more than {width} values — usually a separator "
                     "inside a text without quotes; the extra pieces were joined back into "
                     "'{column}'",
                     "{n:,} rows ({rows}) have more than {width} values — usually a separator "
                     "inside a text without quotes; the extra pieces were joined back into "
                     "'{column}'", n).format(n=n, rows=_first_rows(rows, n), width=width,
                                              column=text_column)
            )
        if reader.n_shorter:
            n, rows = reader.n_shorter, reader.shorter_rows
            parts.append(
                tr_n("{n:,} row ({rows}) has fewer than {width} values; the missing ones were "
                     "treated as empty",
                     "{n:,} rows ({rows}) have fewer than {width} values; the missing ones were "
                     "treated as empty", n).format(n=n, rows=_first_rows(rows, n), width=width)
            )
        out.append(
            Problem(
                "ragged_rows",
                "warning",
                tr_n("{n:,} row does not have one value per column ({columns}): {details}.",
                     "{n:,} rows do not have one value per column ({columns}): {details}.",
                     n_ragged).format(n=n_ragged, columns=", ".join(columns),
                                      details="; ".join(parts)),
                tuple(sorted(reader.longer_rows + reader.shorter_rows)),
            )
        )
    if reader.unclosed_quote_row is not None:
        r = reader.unclosed_quote_row
        out.append(
            Problem(
                "unclosed_quote",
                "warning",
                tr('Row {row} opens a quote (") that is never closed, so everything after it was '
                   "read as a single value and the rows after it are missing. Check that row in "
                   "the file.").format(row=r),
                (r,),
            )
        )
    if reader.replaced_bytes:
        out.append(
            Problem(
                "encoding_fallback",
                "warning",
                tr_n("{n:,} character did not fit the file's text encoding ({encoding}) and was "
                     "read as Windows-1252; accented letters in those places may look wrong.",
                     "{n:,} characters did not fit the file's text encoding ({encoding}) and "
                     "were read as Windows-1252; accented letters in those places may look wrong.",
                     reader.replaced_bytes).format(n=reader.replaced_bytes,
                                                   encoding=reader.fmt.encoding),
            )
        )
    return out


def drop_problems(
    n_empty: int,
    empty_rows: Sequence[int],
    n_missing: int,
    missing_rows: Sequence[int],
    text_column: str,
    label_column: str | None,
) -> list[Problem]:
    """Rows skipped for an empty text or a missing label."""
    out = []
    if n_empty:
        out.append(
            Problem(
                "rows_dropped_empty_text",
                "warning",
                tr_n("{n:,} row ({rows}) was skipped because the text in '{column}' is empty.",
                     "{n:,} rows ({rows}) were skipped because the text in '{column}' is empty.",
                     n_empty).format(n=n_empty, rows=_first_rows(empty_rows, n_empty),
                                     column=text_column),
                tuple(empty_rows),
            )
        )
    if n_missing:
        out.append(
            Problem(
                "rows_dropped_missing_label",
                "warning",
                tr_n("{n:,} row ({rows}) was skipped because the label in '{column}' is missing "
                     "(empty, or a placeholder such as 'N/A', 'nan' or '-').",
                     "{n:,} rows ({rows}) were skipped because the label in '{column}' is missing "
                     "(empty, or a placeholder such as 'N/A', 'nan' or '-').",
                     n_missing).format(n=n_missing, rows=_first_rows(missing_rows, n_missing),
                                       column=label_column),
                tuple(missing_rows),
            )
        )
    return out


def label_problems(
    class_counts: dict[str, int],
    label_column: str,
    rows_used: int,
    label_of_row: np.ndarray,
    row_numbers: np.ndarray,
    label_names: Sequence[str],
) -> list[Problem]:
    """One label, ID-like labels, labels differing by case, small and unbalanced labels.

    ``label_of_row`` holds the label index of each used row, ``row_numbers`` its row in the
    file; they let the case warning point at the rows with the rarer spelling.
    """
    k = len(class_counts)
    if rows_used == 0:
        return []
    if k == 1:
        only = next(iter(class_counts))
        return [
            Problem(
                "single_class",
                "fatal",
                tr("Every row has the same label, '{label}', in '{column}'. A classifier needs "
                   "at least two different labels to learn the difference; check that this is the "
                   "right column, or add examples of the other labels.").format(
                    label=only, column=label_column),
            )
        ]
    if rows_used >= 3 and (k == rows_used or (rows_used >= 20 and k > 0.5 * rows_used)):
        return [
            Problem(
                "all_labels_distinct",
                "fatal",
                tr("The label column '{column}' looks like an ID: it has {k:,} different "
                   "values for {rows:,} rows, so almost no label repeats. Choose the column "
                   "that holds the categories.").format(column=label_column, k=k, rows=rows_used),
            )
        ]
    out = []
    groups: dict[str, list[str]] = defaultdict(list)
    for name in class_counts:
        groups[name.casefold()].append(name)
    variants = [names for names in groups.values() if len(names) > 1]
    if variants:
        described = "; ".join(
            tr(" and ").join(tr_n("'{label}' ({n:,} row)", "'{label}' ({n:,} rows)",
                                  class_counts[n]).format(label=n, n=class_counts[n])
                             for n in names)
            for names in variants
        )
        rare = [label_names.index(n) for names in variants for n in names[1:]]
        rows = row_numbers[np.isin(label_of_row, rare)][:1000]
        out.append(
            Problem(
                "labels_differ_by_case",
                "warning",
                tr("Some labels in '{column}' differ only in capital letters: {described}. "
                   "They are counted as different labels; if they mean the same thing, write them "
                   "the same way in the file.").format(column=label_column, described=described),
                tuple(int(r) for r in rows),
            )
        )
    small = [n for n, c in class_counts.items() if c < SMALL_CLASS]
    if small:
        listing = ", ".join(f"'{n}' ({class_counts[n]})" for n in small[-8:])
        out.append(
            Problem(
                "small_classes",
                "warning",
                tr_n("{n:,} label has fewer than {min} examples: {listing}. The model will hardly "
                     "learn it; add examples or remove those rows.",
                     "{n:,} labels have fewer than {min} examples: {listing}. The model will "
                     "hardly learn them; add examples or remove those rows.",
                     len(small)).format(n=len(small), min=SMALL_CLASS, listing=listing),
            )
        )
    single = [n for n, c in class_counts.items() if c == 1]
    if single:
        out.append(
            Problem(
                "classes_only_in_train",
                "warning",
                tr_n("{labels} has a single example, which cannot be split between training and "
                     "testing: it is used for training only and never tested.",
                     "{labels} have a single example, which cannot be split between training and "
                     "testing: it is used for training only and never tested.",
                     len(single)).format(labels=_quote_list(single)),
            )
        )
    counts = list(class_counts.values())
    if counts[-1] >= SMALL_CLASS and counts[0] >= IMBALANCE * counts[-1]:
        big, tiny = next(iter(class_counts)), list(class_counts)[-1]
        out.append(
            Problem(
                "imbalanced_classes",
                "info",
                tr("The labels are unbalanced: '{big}' has {n_big:,} examples and '{small}' only "
                   "{n_small:,}. The model may favour '{big}'; look at the per-label scores.").format(
                    big=big, n_big=counts[0], small=tiny, n_small=counts[-1]),
            )
        )
    if rows_used < FEW_ROWS:
        out.append(
            Problem(
                "few_examples",
                "warning",
                tr_n("Only {n:,} usable row. With so few examples the results are mostly luck; "
                     "a few hundred examples per label work much better.",
                     "Only {n:,} usable rows. With so few examples the results are mostly luck; "
                     "a few hundred examples per label work much better.",
                     rows_used).format(n=rows_used),
            )
        )
    return out


def generate_size_problem(n_chars: int, n_docs: int) -> list[Problem]:
    """Too little text to learn to write."""
    if n_docs and n_chars < FEW_CHARACTERS:
        return [
            Problem(
                "few_examples",
                "warning",
                tr_n("There are only {chars:,} characters of text ({n:,} line). A text generator "
                     "needs far more — a short book (about 100,000 characters) is a good start.",
                     "There are only {chars:,} characters of text ({n:,} lines). A text generator "
                     "needs far more — a short book (about 100,000 characters) is a good start.",
                     n_docs).format(chars=n_chars, n=n_docs),
            )
        ]
    return []


def duplicate_problem(
    texts: Sequence[str],
    train: Sequence[int],
    val: Sequence[int],
    test: Sequence[int],
    row_numbers: np.ndarray,
) -> list[Problem]:
    """Texts of validation/test that also appear in train (they inflate the scores)."""
    seen = {texts[i] for i in train}
    dup_test = [i for i in test if texts[i] in seen]
    dup_val = [i for i in val if texts[i] in seen]
    if not dup_test and not dup_val:
        return []
    rows = sorted(int(row_numbers[i]) for i in dup_test + dup_val)
    return [
        Problem(
            "duplicates_across_splits",
            "warning",
            tr_n("{n:,} text of the test set and {n_val:,} of the validation set also appear in "
                 "the training set, so the scores will look better than they really are. Remove "
                 "repeated rows from the file for an honest score.",
                 "{n:,} texts of the test set and {n_val:,} of the validation set also appear in "
                 "the training set, so the scores will look better than they really are. Remove "
                 "repeated rows from the file for an honest score.",
                 len(dup_test)).format(n=len(dup_test), n_val=len(dup_val)),
            tuple(rows),
        )
    ]


#: Examples a label needs at the least: one to learn from, one to check progress during
#: training (validation) and one for the final test.
MIN_PER_LABEL = 3


def too_few_to_split(
    class_counts: dict[str, int], val_fraction: float, test_fraction: float
) -> list[Problem]:
    """Fatal when fewer than two labels can be split into train, validation and test.

    A label with fewer than :data:`MIN_PER_LABEL` examples stays in train only; with fewer
    than two labels that can be tested, a score would say nothing (a 2-row file would
    otherwise "train" and be scored on one example). The message says how many more
    examples each short label needs.
    """
    if not class_counts or (val_fraction <= 0 and test_fraction <= 0):
        return []
    testable = [n for n, c in class_counts.items() if c >= MIN_PER_LABEL]
    if len(testable) >= 2:
        return []
    short = [(n, MIN_PER_LABEL - c) for n, c in class_counts.items() if c < MIN_PER_LABEL]
    parts = [
        tr_n("'{label}' needs {n} more example", "'{label}' needs {n} more examples", k).format(
            label=n, n=k)  # fmt: skip
        for n, k in short[:8]
    ]
    if len(short) > 8:
        parts.append(tr("{n} more labels need more too").format(n=len(short) - 8))
    total = sum(class_counts.values())
    return [
        Problem(
            "too_few_examples",
            "fatal",
            tr("There are too few examples to train and test a model ({n} rows). Each label "
               "needs at least {min}: one to learn from, one to check progress during training "
               "and one for the final test, and at least two labels need that many. Add rows: "
               "{listing}. A few hundred examples per label work much better.").format(
                n=total, min=MIN_PER_LABEL, listing=", ".join(parts)),  # fmt: skip
        )
    ]


def too_few_documents(n_docs: int, val_fraction: float, test_fraction: float) -> list[Problem]:
    """Fatal when a text cannot be split into training, validation and test parts."""
    if n_docs >= MIN_PER_LABEL or (val_fraction <= 0 and test_fraction <= 0):
        return []
    more = MIN_PER_LABEL - n_docs
    return [
        Problem(
            "too_few_examples",
            "fatal",
            tr_n("There is only {n} non-blank line of text.",
                 "There are only {n} non-blank lines of text.", n_docs).format(n=n_docs)
            + " "
            + tr_n("TinyStudio needs at least {min}: the last lines are kept apart to check "
                   "progress and to test the model. Add {more} more line (a short book, about "
                   "100,000 characters, is a good start).",
                   "TinyStudio needs at least {min}: the last lines are kept apart to check "
                   "progress and to test the model. Add {more} more lines (a short book, about "
                   "100,000 characters, is a good start).", more).format(
                min=MIN_PER_LABEL, more=more),  # fmt: skip
        )
    ]


def several_sheets(chosen: str, names: Sequence[str]) -> Problem:
    """A workbook with several sheets: say which one is read and how to choose another."""
    return Problem(
        "several_sheets",
        "info",
        tr("This workbook has {n} sheets ({sheets}); TinyStudio is reading '{sheet}'. If your "
           "data is on another sheet, choose it in the Sheet list (or with --sheet on the "
           "command line).").format(
            n=len(names), sheets=", ".join(f"'{n}'" for n in names), sheet=chosen),  # fmt: skip
    )
