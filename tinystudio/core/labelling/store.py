"""The rows to label and the labels file: read the user's file, save answers beside it.

The user's file is never written. Labels go to a new CSV beside it,
``<name>-labels.csv``, with three columns: ``source_row`` (the row number in the original
file, 1 = first data row, as the Data tab counts), the text column and the label column
(same names as in the original, ``label`` when it had none). It holds every labelled row:
the labels the file already had, with the user's answers and corrections on top, so it can
be trained on as it is. A small ``<name>-labels.json`` beside it keeps what a CSV cannot
(labels not used yet, rows skipped) so that reopening the file resumes where the user
stopped. Both are written atomically (a crash never leaves half a file).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...i18n import tr
from ..data import MISSING_LABELS, sniff_format
from ..data.columns import LABEL_NAMES, detect_columns, name_matches
from ..data.reading import read_columns, read_head
from ..errors import DataError
from ..fileio import atomic_write_json, atomic_write_text

STATE_FORMAT = "tinystudio-labels"
STATE_VERSION = 1
ROW_COLUMN = "source_row"


@dataclass
class Source:
    """The texts of a file and the labels it already has (None where a label is missing)."""

    path: str
    text_column: str
    label_column: str | None  # None: the file has no label column
    texts: list[str]  # one per data row (0-based, header excluded); "" for empty texts
    given: list[str | None]


def labels_path_for(path: str | os.PathLike[str]) -> Path:
    """``reviews.csv`` → ``reviews-labels.csv`` (a workbook gets a CSV too)."""
    p = Path(path)
    return p.with_name(f"{p.stem}-labels.csv")


def read_source(path, text_col=None, label_col=None, should_stop: Callable[[], bool] | None = None,
                *, encoding: str | None = None, sheet: str | int | None = None) -> Source:  # fmt: skip
    """Read every row's text and label (if any) from a CSV.

    The label column is the one the user named, else a column whose name says "label"
    (even when it is still empty), else what the data checks would choose.
    """
    name = os.fspath(path)
    fmt = sniff_format(name, encoding=encoding, sheet=sheet)
    if fmt.kind == "text":
        texts = [t for (t,) in read_columns(name, fmt, [0])]
        return Source(name, "text", None, texts, [None] * len(texts))
    head = read_head(name, fmt, 2000)
    columns = head.columns
    choice = detect_columns(columns, head.rows, "generate", text_col=text_col)
    text = choice.text_column
    label = None
    if label_col is not None:
        label = detect_columns(columns, head.rows, "classify", text_col=text, label_col=label_col).label_column
    else:
        named = [c for c in columns if c != text and name_matches(c, LABEL_NAMES)]
        if named:
            label = named[-1]
        elif len(columns) > 1 and head.rows:
            guess = detect_columns(columns, head.rows, "classify", text_col=text)
            # Only a column that looks like labels, not the "best remaining choice".
            if not any("best remaining choice" in r for r in guess.reasons):
                label = guess.label_column
    wanted = [columns.index(text)] + ([columns.index(label)] if label else [])
    texts: list[str] = []
    given: list[str | None] = []
    reader = read_columns(name, fmt, wanted, width=head.width, join_extra_into=wanted[0])
    for k, cells in enumerate(reader):
        if should_stop is not None and k % 50_000 == 0 and should_stop():
            from ..errors import CancelledError

            raise CancelledError(tr("Stopped."), code="cancelled")
        texts.append(cells[0].strip())
        value = cells[1].strip() if label else ""
        given.append(None if value.casefold() in MISSING_LABELS else value)
    if not any(texts):
        raise DataError(tr("'{name}' has no text to label.").format(name=Path(name).name),
                        code="no_rows_left")  # fmt: skip
    return Source(name, text, label, texts, given)


@dataclass
class SavedState:
    """What the labels file and its note hold."""

    labels: dict[int, str] = field(default_factory=dict)  # row -> label
    label_names: list[str] = field(default_factory=list)
    skipped: set[int] = field(default_factory=set)
    mismatched: int = 0  # rows whose text no longer matches the original (ignored)


def save_labels(source: Source, labels: dict[int, str], label_names: list[str],
                skipped: set[int], out: Path | None = None) -> Path:  # fmt: skip
    """Write the labels file (every labelled row, in file order) and its note."""
    out = out or labels_path_for(source.path)
    if out.resolve() == Path(source.path).resolve():
        raise DataError(tr("The labels file would overwrite the original file."), code="same_file")
    label_col = source.label_column or "label"
    text_col = source.text_column if source.text_column != label_col else "text"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([ROW_COLUMN, text_col, label_col])
    for row in sorted(labels):
        w.writerow([row + 1, source.texts[row], labels[row]])
    atomic_write_text(out, buf.getvalue())
    atomic_write_json(out.with_suffix(".json"), {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "source": Path(source.path).name,
        "text_column": source.text_column,
        "label_column": source.label_column,
        "label_names": list(label_names),
        "skipped": sorted(skipped),
        "labelled": len(labels),
    })  # fmt: skip
    return out


def load_labels(source: Source, path: Path | None = None) -> SavedState:
    """Read a labels file written by :func:`save_labels` (nothing if there is none)."""
    path = path or labels_path_for(source.path)
    state = SavedState()
    if not path.is_file():
        return state
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0][:1] != [ROW_COLUMN]:
        raise DataError(
            tr("'{name}' is in the way: it is not a labels file TinyStudio wrote. Rename or move "
               "it, then open the file to label again.").format(name=path.name),
            code="labels_file_foreign",
        )
    for cells in rows[1:]:
        if len(cells) < 3 or not cells[0].isdigit():
            continue
        row = int(cells[0]) - 1
        if 0 <= row < len(source.texts) and source.texts[row] == cells[1]:
            state.labels[row] = cells[2]
        else:
            state.mismatched += 1
    note = path.with_suffix(".json")
    if note.is_file():
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if data.get("format") == STATE_FORMAT and data.get("version") == STATE_VERSION:
            state.label_names = [str(x) for x in data.get("label_names", [])]
            state.skipped = {int(x) for x in data.get("skipped", []) if isinstance(x, int)}
    return state
