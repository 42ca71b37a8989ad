"""Spreadsheets (.xlsx, .xlsm, .xlsb, .xls, .ods) read with python-calamine.

A sheet becomes rows of strings, as a CSV export of it would: numbers as Excel shows them
(``1.0`` → ``"1"``, so that numeric labels stay labels), dates as ISO dates, TRUE/FALSE,
empty cells as ``""``. A merged cell's value fills every cell of the merged range (a label
merged over the rows of its group belongs to each of them); rows with no value at all are
skipped like blank lines. Workbooks that cannot be read get a plain message: protected by a
password, broken, or not a workbook after all.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

from tinystudio.core.errors import DataError
from tinystudio.i18n import tr, tr_noop

#: File name endings read as workbooks.
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_KINDS = {
    ".xlsx": tr_noop("Excel workbook"),
    ".xlsm": tr_noop("Excel workbook (with macros)"),
    ".xlsb": tr_noop("Excel binary workbook"),
    ".xls": tr_noop("Excel 97-2003 workbook"),
    ".ods": tr_noop("OpenDocument spreadsheet"),
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office writes a password-protected .xlsx as an OLE2 container holding these streams.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def is_spreadsheet(path: str | os.PathLike[str]) -> bool:
    """By its name, or by its first bytes (a workbook renamed to .csv is still one)."""
    name = os.fspath(path)
    if name.lower().endswith(SHEET_SUFFIXES):
        return True
    try:
        with open(name, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return b"xl/" in head or b"opendocument.spreadsheet" in head
    return head.startswith(_OLE2) and b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in _read_some(name)


def kind_of(path: str | os.PathLike[str]) -> str:
    """"Excel workbook", "OpenDocument spreadsheet", ... for messages and the header."""
    name = os.fspath(path)
    kind = _KINDS.get(os.path.splitext(name)[1].lower())
    if kind:
        return tr(kind)
    try:
        head = _read_some(name, 4096)
    except OSError:
        return tr("spreadsheet")
    if head.startswith(_OLE2):
        return tr(_KINDS[".xls"])
    return tr(_KINDS[".ods"] if b"opendocument.spreadsheet" in head else _KINDS[".xlsx"])


def _read_some(name: str, limit: int = 4 << 20) -> bytes:
    with open(name, "rb") as f:
        return f.read(limit)


def cell_text(value: object) -> str:
    """A cell as the text a person sees in the spreadsheet."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class Sheet:
    """One sheet's rows (strings, blank rows dropped) and the workbook's sheet names."""

    name: str
    names: tuple[str, ...]
    rows: list[list[str]]


_cache_lock = threading.Lock()
_cache: dict[tuple, Sheet] = {}


def read_sheet(path: str | os.PathLike[str], sheet: str | int | None = None) -> Sheet:
    """Read one sheet (by name, 0-based index, or None: the first sheet with data).

    The last sheet read is kept in memory (keyed by file, size, time and sheet), because
    the format sniffer, the column detector and the reader each go through it once.

    Raises
    ------
    DataError
        ``protected_workbook``, ``broken_workbook``, ``unknown_sheet``, ``empty_file``.
    """
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except OSError as exc:
        raise DataError(
            tr("We cannot find the file '{name}'. Was it moved or renamed?").format(name=name),
            code="file_not_found", details=str(exc),
        ) from exc  # fmt: skip
    key = (os.path.abspath(name), st.st_size, st.st_mtime_ns, sheet)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    result = _read(name, sheet)
    with _cache_lock:
        _cache.clear()
        _cache[key] = result
    return result


def _open_workbook(name: str):
    from python_calamine import CalamineWorkbook, PasswordError

    base = os.path.basename(name)
    raw = _read_some(name)
    if raw.startswith(_OLE2) and _ENCRYPTED in raw:
        raise _protected(base)
    try:
        return CalamineWorkbook.from_path(name)
    except PasswordError as exc:
        raise _protected(base) from exc
    except Exception as exc:  # calamine raises several types for damaged files
        raise DataError(
            tr("TinyStudio could not read '{name}' ({kind}): the file is damaged or is not "
               "really a spreadsheet. Open it in Excel or LibreOffice; if it opens there, save "
               "it again (or as CSV UTF-8) and choose the new file.").format(
                name=base, kind=kind_of(name)),  # fmt: skip
            code="broken_workbook",
            details=f"{type(exc).__name__}: {exc}",
        ) from exc


def _protected(base: str) -> DataError:
    return DataError(
        tr("'{name}' is protected with a password, so TinyStudio cannot read it. Open it in "
           "Excel or LibreOffice, remove the password (File ▸ Info ▸ Protect Workbook, or save "
           "a copy without one) and choose the new file.").format(name=base),
        code="protected_workbook",
    )


def _read(name: str, sheet: str | int | None) -> Sheet:
    book = _open_workbook(name)
    try:
        names = tuple(
            m.name for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")
        ) or tuple(book.sheet_names)
        chosen = choose_sheet(names, sheet, os.path.basename(name))
        try:
            data = book.get_sheet_by_name(chosen)
            values = data.to_python()
            merged = data.merged_cell_ranges or []
            start = data.start or (0, 0)
        except Exception as exc:
            raise DataError(
                tr("The sheet '{sheet}' of '{name}' could not be read: the workbook is "
                   "damaged. Open it in Excel or LibreOffice and save it again.").format(
                    sheet=chosen, name=os.path.basename(name)),  # fmt: skip
                code="broken_workbook",
                details=f"{type(exc).__name__}: {exc}",
            ) from exc
        rows = _to_rows(values, merged, start)
        if sheet is None and not rows:
            for other in names:  # the first sheet is empty: take the first one with data
                if other != chosen:
                    again = book.get_sheet_by_name(other)
                    more = _to_rows(again.to_python(), again.merged_cell_ranges or [],
                                    again.start or (0, 0))  # fmt: skip
                    if more:
                        chosen, rows = other, more
                        break
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()
    return Sheet(chosen, names, rows)


def choose_sheet(names: tuple[str, ...], sheet: str | int | None, base: str) -> str:
    """The sheet asked for: a name (case-insensitive), a 0-based index or its digits."""
    if not names:
        raise DataError(
            tr("The workbook '{name}' has no sheets with data.").format(name=base),
            code="empty_file",
        )
    if sheet is None:
        return names[0]
    if isinstance(sheet, str):
        for n in names:
            if n == sheet or n.casefold() == sheet.strip().casefold():
                return n
        if sheet.strip().isdigit():
            sheet = int(sheet.strip())
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return names[sheet]
    listed = ", ".join(f"'{n}'" for n in names)
    raise DataError(
        tr("The workbook '{name}' has no sheet '{sheet}'. Its sheets are: {sheets} (or give "
           "their number, 0 to {last}).").format(
            name=base, sheet=sheet, sheets=listed, last=len(names) - 1),  # fmt: skip
        code="unknown_sheet",
    )


def _to_rows(values: list[list[object]], merged: list, start: tuple[int, int]) -> list[list[str]]:
    rows = [[cell_text(v) for v in row] for row in values]
    r0, c0 = start
    for (top, left), (bottom, right) in merged:
        top, bottom, left, right = top - r0, bottom - r0, left - c0, right - c0
        if not (0 <= top < len(rows)) or left < 0:
            continue
        value = rows[top][left] if left < len(rows[top]) else ""
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, right + 1):
                if c < len(row) and not row[c]:
                    row[c] = value
    width = max((max((j + 1 for j, v in enumerate(r) if v), default=0) for r in rows), default=0)
    return [r[:width] for r in rows if any(r)]
