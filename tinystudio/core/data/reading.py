"""Stream rows out of a data file without ever holding the whole file.

:func:`read_columns` returns a :class:`ColumnReader`: iterate it to get, for each data row,
a tuple of just the wanted cells. It never builds a list of rows and never reads the file
into one string, so a 500 MB CSV costs only the memory of the cells the caller keeps.
While it streams it notes what was odd (rows with too many or too few values, a quote that
is never closed, bytes that did not fit the encoding) for the data report.

Row numbers: the first data row (after the header) is row 1; completely blank lines are
skipped and not counted. For plain text files, a row is a line, blank lines included.

:func:`read_table` is the one entry to the rows of a table, header included, whether it is
a CSV file (streamed) or a sheet of a workbook (see :mod:`.sheets`).
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter

from tinystudio.core.data import sheets
from tinystudio.core.data.encoding import FALLBACK_ERRORS, fallback_count, reset_fallback_count
from tinystudio.core.data.formats import FileFormat, sniff_format
from tinystudio.i18n import tr

#: Largest field we accept. 2**31 - 1 fits a C long everywhere (Windows included) and is far
#: above the 50 MB a single quoted text can reasonably reach.
FIELD_SIZE_LIMIT = 2**31 - 1
#: At most this many row numbers are remembered per kind of oddity.
MAX_ROWS_KEPT = 1000


def _open_text(path: str, fmt: FileFormat, newline: str | None):
    return open(path, encoding=fmt.encoding, errors=FALLBACK_ERRORS, newline=newline)


class Table:
    """The rows of an open table (``rows``: an iterator of lists of strings, header first)."""

    def __init__(self, rows: Iterator[list[str]], file: io.TextIOWrapper | None = None,
                 total: int = 0) -> None:  # fmt: skip
        self.rows = rows
        self.file = file  # CSV: the open text file (for progress by bytes)
        self.total = total  # sheet: number of rows
        self.done = 0  # sheet: rows handed out so far

    def fraction_done(self) -> float:
        """How far through the table the iteration is, from 0 to 1."""
        if self.file is None:
            return min(1.0, self.done / self.total) if self.total else 1.0
        f = self.file
        if f.closed:
            return 1.0
        try:
            size = os.fstat(f.fileno()).st_size
            return min(1.0, f.buffer.tell() / size) if size else 1.0
        except (OSError, ValueError):
            return 0.0


@contextmanager
def read_table(path: str | os.PathLike[str], fmt: FileFormat) -> Iterator[Table]:
    """Open a CSV file or a workbook's sheet and hand out its rows (header included).

    CSV rows come straight from :func:`csv.reader` (no extra layer in the hot loop); blank
    lines come out as ``[]`` and so do a sheet's rows without any value.
    """
    name = os.fspath(path)
    if fmt.kind == "sheet":
        data = sheets.read_sheet(name, fmt.sheet)
        table = Table(iter(()), total=len(data.rows))

        def counted() -> Iterator[list[str]]:
            for row in data.rows:
                table.done += 1
                yield list(row)

        table.rows = counted()
        yield table
        return
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    with _open_text(name, fmt, "") as f:
        yield Table(csv.reader(f, **fmt.csv_options()), f)


@dataclass
class Head:
    """The column names and the first data rows of a file."""

    columns: list[str]
    rows: list[list[str]]  # each padded to ``width``; longer (ragged) rows kept as they are
    width: int  # number of columns
    renamed: list[str] = field(default_factory=list)  # notes on names we had to invent


def column_names(header: Sequence[str] | None, width: int) -> tuple[list[str], list[str]]:
    """Usable, unique column names; invented ones are "column 1", "column 2", ...

    Returns
    -------
    names, notes
        ``notes`` explains, in plain words, every name we had to invent or change.
    """
    if header is None:
        return [f"column {j + 1}" for j in range(width)], []
    names: list[str] = []
    notes: list[str] = []
    seen: Counter[str] = Counter()
    for j in range(width):
        name = header[j].strip() if j < len(header) else ""
        if not name:
            name = f"column {j + 1}"
            notes.append(tr("column {number} has no name in the header").format(number=j + 1))
        seen[name.casefold()] += 1
        if seen[name.casefold()] > 1:
            new = f"{name} ({seen[name.casefold()]})"
            notes.append(
                tr("'{name}' appears more than once in the header; the copy is called '{new}'").format(name=name, new=new)
            )
            name = new
        names.append(name)
    return names, notes


def read_head(path: str | os.PathLike[str], fmt: FileFormat, n_rows: int = 200) -> Head:
    """Read the header and the first ``n_rows`` data rows (blank lines skipped)."""
    name = os.fspath(path)
    if fmt.kind == "text":
        rows: list[list[str]] = []
        with _open_text(name, fmt, None) as f:
            for line in f:
                line = line.rstrip("\n")
                if line.strip():
                    rows.append([line])
                    if len(rows) >= n_rows:
                        break
        return Head(["text"], rows, 1)
    header: list[str] | None = None
    rows = []
    with read_table(name, fmt) as table:
        for row in table.rows:
            if not row:
                continue
            if fmt.has_header and header is None:
                header = row
                continue
            rows.append(row)
            if len(rows) >= n_rows:
                break
    usual = Counter(len(r) for r in rows).most_common(1)[0][0] if rows else 1
    if header is not None:
        # A header with trailing empty names ("text,label,,") over narrower rows: the empty
        # names are leftovers of a spreadsheet's formatted cells, not columns.
        while len(header) > max(usual, 1) and not header[-1].strip():
            header = header[:-1]
        width = len(header)
    else:
        width = usual
    columns, notes = column_names(header, width)
    rows = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    return Head(columns, rows, width, notes)


def preview(
    path: str | os.PathLike[str],
    n_rows: int = 200,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> tuple[FileFormat, list[str], list[list[str]]]:
    """Format, column names and first rows, for the GUI's table.

    Rows are padded with "" to the number of columns; a row with too many values keeps
    its extra cells. A plain text file shows one column, "text", one non-blank line a row.
    ``encoding`` and ``sheet`` are the user's choices (None: detect / the first sheet).

    Raises
    ------
    DataError
        When the file cannot be read at all (see :func:`sniff_format`).
    """
    fmt = sniff_format(path, encoding=encoding, sheet=sheet)
    head = read_head(path, fmt, n_rows)
    return fmt, head.columns, head.rows


class ColumnReader:
    """Iterate the wanted cells of every data row; see :func:`read_columns`.

    Attributes (final once an iteration ends; each new iteration starts them again)
    -----------------------------------------------------------------------------
    rows_read : int
        Data rows seen (lines, for a text file).
    longer_rows, shorter_rows : list[int]
        Row numbers (at most :data:`MAX_ROWS_KEPT`) with more / fewer values than columns;
        ``n_longer`` / ``n_shorter`` are the full counts.
    unclosed_quote_row : int or None
        The row where a quote opened and never closed (it swallowed the rest of the file).
    replaced_bytes : int
        Bytes that did not fit the encoding and were read as Windows-1252.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fmt: FileFormat,
        wanted: Sequence[int],
        *,
        width: int | None = None,
        join_extra_into: int | None = None,
    ) -> None:
        if not wanted:
            raise ValueError("wanted must name at least one column")
        self.path = os.fspath(path)
        self.fmt = fmt
        self.wanted = tuple(wanted)
        self.width = width
        self.join_extra_into = join_extra_into
        self._reset()

    def _reset(self) -> None:
        self.rows_read = 0
        self.longer_rows: list[int] = []
        self.shorter_rows: list[int] = []
        self.n_longer = 0
        self.n_shorter = 0
        self.unclosed_quote_row: int | None = None
        self.replaced_bytes = 0
        self._file: io.TextIOWrapper | None = None
        self._table: Table | None = None

    def fraction_done(self) -> float:
        """How far through the file the iteration is, from 0 to 1 (by bytes or rows)."""
        if self._table is not None:
            return self._table.fraction_done()
        f = self._file
        if f is None or f.closed:
            return 1.0 if self.rows_read else 0.0
        return Table(iter(()), f).fraction_done()

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        self._reset()
        return self._iter_text() if self.fmt.kind == "text" else self._iter_csv()

    def _iter_text(self) -> Iterator[tuple[str, ...]]:
        n = 0
        reset_fallback_count()
        try:
            with _open_text(self.path, self.fmt, None) as f:
                self._file = f
                for line in f:
                    n += 1
                    yield (line.rstrip("\n"),)
        finally:
            self.rows_read = n
            self.replaced_bytes = fallback_count()

    def _getter(self) -> Callable[[list[str]], tuple[str, ...]]:
        if len(self.wanted) > 1:
            return itemgetter(*self.wanted)
        only = self.wanted[0]
        return lambda row: (row[only],)

    def _iter_csv(self) -> Iterator[tuple[str, ...]]:
        get = self._getter()
        width = self.width
        n = 0
        reset_fallback_count()
        try:
            with read_table(self.path, self.fmt) as table:
                self._table = table
                reader = table.rows
                if self.fmt.has_header:
                    for row in reader:
                        if row:
                            width = width or len(row)
                            break
                row: list[str] = []
                # The hot loop: a length check, a counter and one itemgetter call per row.
                for row in reader:
                    if len(row) == width:
                        n += 1
                        yield get(row)
                    elif row:
                        if width is None:
                            width = len(row)
                        n += 1
                        yield get(self._fit(row, width, n))
                last = row[-1] if row and self.fmt.kind == "csv" else ""
                if "\n" in last and last.endswith(("\n", "\r")):
                    self.unclosed_quote_row = n
        finally:
            self.rows_read = n
            self.replaced_bytes = fallback_count()

    def _fit(self, row: list[str], width: int, n: int) -> list[str]:
        """Make a ragged row ``width`` long.

        Extra values are most often a separator typed inside a text that is not quoted, so
        they are joined back into the text column; missing values become "". Extra values
        that are all empty (a trailing separator, as some exports write) are simply dropped.
        """
        if len(row) > width:
            if not any(row[width:]):
                return row[:width]
            self.n_longer += 1
            if len(self.longer_rows) < MAX_ROWS_KEPT:
                self.longer_rows.append(n)
            j = self.join_extra_into
            if j is not None and j < width:
                extra = len(row) - width
                sep = self.fmt.delimiter or ","
                row = row[:j] + [sep.join(row[j : j + extra + 1])] + row[j + extra + 1 :]
            return row
        self.n_shorter += 1
        if len(self.shorter_rows) < MAX_ROWS_KEPT:
            self.shorter_rows.append(n)
        return row + [""] * (width - len(row))


def read_columns(
    path: str | os.PathLike[str],
    fmt: FileFormat,
    wanted: list[int],
    *,
    width: int | None = None,
    join_extra_into: int | None = None,
) -> ColumnReader:
    """Stream only some columns of a file.

    Parameters
    ----------
    path
        The data file.
    fmt
        Its format, from :func:`sniff_format`.
    wanted
        0-based column indices; each item of the iteration is a tuple of these cells, in
        this order. For a plain text file use ``[0]`` (one line per item, newline removed).
    width
        Expected number of columns (default: the header's length, else the first row's).
    join_extra_into
        Column index that receives the surplus values of a row that has too many (usually
        the text column: an unquoted comma inside a text splits it).

    Returns
    -------
    ColumnReader
        Iterable (re-iterable: each iteration reads the file again) with statistics about
        ragged rows, see its docstring.

    Examples
    --------
    >>> reader = read_columns("reviews.csv", fmt, [2, 0])       # doctest: +SKIP
    >>> for row_number, (text, label) in enumerate(reader, start=1):  # doctest: +SKIP
    ...     ...
    """
    return ColumnReader(path, fmt, wanted, width=width, join_extra_into=join_extra_into)
