"""What kind of file is this? Encoding, separator, quotes, header — :func:`sniff_format`.

The separator is found by clevercsv on the first ~64 KB of decoded text (cut at a line
boundary), restricted to comma, semicolon, tab and pipe; when clevercsv has no answer we
try each separator and keep the one that gives the most regular rows. The header is
detected by a small vote over the first rows (see :func:`looks_like_header`) because the
classic type-based heuristic fails on the most common file of all: ``text,label`` where
every value is a string.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass

from tinystudio.core.data import sheets
from tinystudio.core.data.columns import ID_NAMES, LABEL_NAMES, TEXT_NAMES, name_matches
from tinystudio.core.data.encoding import read_sample
from tinystudio.core.data.other_formats import refuse_other_formats
from tinystudio.core.errors import DataError
from tinystudio.i18n import tr, tr_noop

#: Characters of decoded text given to the dialect detector.
DIALECT_SAMPLE_CHARS = 64 * 1024
#: Separators we recognise, in order of preference when tied.
DELIMITERS = (",", ";", "\t", "|")
#: A table is "structured" when at least this share of rows has the usual number of fields.
MIN_CONSISTENCY = 0.8
#: Rows looked at by the header vote.
HEADER_ROWS = 50

_DELIMITER_WORDS = {",": tr_noop("commas"), ";": tr_noop("semicolons"), "\t": tr_noop("tabs"),
                    "|": tr_noop("vertical bars (|)")}
_ENCODING_WORDS = {
    "utf-8": tr_noop("UTF-8"),
    "utf-8-sig": tr_noop("UTF-8 (with BOM)"),
    "utf-16": tr_noop("UTF-16"),
    "utf-16-le": tr_noop("UTF-16 (little-endian, no BOM)"),
    "utf-16-be": tr_noop("UTF-16 (big-endian, no BOM)"),
    "utf-32": tr_noop("UTF-32"),
    "utf-32-le": tr_noop("UTF-32 (little-endian, no BOM)"),
    "utf-32-be": tr_noop("UTF-32 (big-endian, no BOM)"),
    "cp1252": tr_noop("Windows-1252 (Western European)"),
    "cp1250": tr_noop("Windows-1250 (Central European)"),
    "cp1251": tr_noop("Windows-1251 (Cyrillic)"),
    "cp1253": tr_noop("Windows-1253 (Greek)"),
    "cp1254": tr_noop("Windows-1254 (Turkish)"),
    "cp1255": tr_noop("Windows-1255 (Hebrew)"),
    "cp1256": tr_noop("Windows-1256 (Arabic)"),
    "cp1257": tr_noop("Windows-1257 (Baltic)"),
    "cp1258": tr_noop("Windows-1258 (Vietnamese)"),
    "koi8-r": tr_noop("KOI8-R (Russian)"),
    "koi8-u": tr_noop("KOI8-U (Ukrainian)"),
    "gb18030": tr_noop("GB18030 (Simplified Chinese, includes GBK)"),
    "gbk": tr_noop("GBK (Simplified Chinese)"),
    "cp950": tr_noop("Big5 (Traditional Chinese)"),
    "big5": tr_noop("Big5 (Traditional Chinese)"),
    "big5hkscs": tr_noop("Big5-HKSCS (Traditional Chinese, Hong Kong)"),
    "cp932": tr_noop("Shift-JIS (Japanese)"),
    "shift_jis": tr_noop("Shift-JIS (Japanese)"),
    "euc_jp": tr_noop("EUC-JP (Japanese)"),
    "iso2022_jp": tr_noop("ISO-2022-JP (Japanese)"),
    "cp949": tr_noop("EUC-KR / CP949 (Korean)"),
    "euc_kr": tr_noop("EUC-KR (Korean)"),
    "iso2022_kr": tr_noop("ISO-2022-KR (Korean)"),
    "hz": tr_noop("HZ (Simplified Chinese)"),
}

#: The encodings offered in the app's list, most used first (Python codec, words to show
#: through ``tr``).
ENCODING_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (codec, _ENCODING_WORDS[codec])
    for codec in (
        "utf-8", "utf-8-sig", "gb18030", "cp950", "cp932", "euc_jp", "cp949", "cp1252",
        "cp1250", "cp1251", "koi8-r", "koi8-u", "cp1253", "cp1254", "cp1255", "cp1256",
        "cp1257", "cp1258", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
        "utf-32-be", "iso2022_jp", "big5hkscs",
    )
)
_KNOWN_NAMES = TEXT_NAMES | LABEL_NAMES | ID_NAMES


@dataclass(frozen=True)
class FileFormat:
    """What we detected about a file."""

    kind: str  # "csv", "text" (one example per line, to generate) or "sheet" (a workbook)
    encoding: str  # Python codec actually used: "utf-8", "utf-8-sig", "cp1252", ...; "" for a sheet
    delimiter: str | None  # ",", ";", "\t", "|"; None for text, sheets and a single column
    quotechar: str | None  # usually '"'; None for text and sheets
    has_header: bool  # first row holds column names
    sheet: str | None = None  # the sheet read, for a workbook
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in order
    workbook: str = ""  # "Excel workbook", "OpenDocument spreadsheet", ...

    def describe(self) -> str:
        """Plain words, e.g. "UTF-8 text, values separated by semicolons, first row is a header"."""
        head = (
            tr_noop("first row is a header")
            if self.has_header
            else tr_noop("no header row (columns are numbered)")
        )
        if self.kind == "sheet":
            if len(self.sheets) > 1:
                which = tr("sheet '{sheet}' ({i} of {n})").format(
                    sheet=self.sheet, i=self.sheets.index(self.sheet) + 1, n=len(self.sheets))
            else:
                which = tr("sheet '{sheet}'").format(sheet=self.sheet)
            return f"{self.workbook or tr('spreadsheet')}, {which}, {tr(head)}"
        enc = describe_encoding(self.encoding)
        if self.kind == "text":
            return tr("{encoding} plain text, one example per line").format(encoding=enc)
        if self.delimiter is None:
            return tr("{encoding} text, a single column (no commas, semicolons or tabs found), "
                      "{header}").format(encoding=enc, header=tr(head))
        sep = _DELIMITER_WORDS.get(self.delimiter or ",")
        sep = tr(sep) if sep else repr(self.delimiter)
        return tr("{encoding} text, values separated by {separator}, {header}").format(
            encoding=enc, separator=sep, header=tr(head))

    def csv_options(self) -> dict[str, object]:
        """Keyword arguments for :func:`csv.reader` matching this format."""
        return {
            "delimiter": self.delimiter or ",",
            "quotechar": self.quotechar or '"',
            "doublequote": True,
            "strict": False,
        }


def describe_encoding(codec: str) -> str:
    """"GB18030 (Simplified Chinese, includes GBK)" for "gb18030"; the codec name otherwise."""
    words = _ENCODING_WORDS.get(codec, _ENCODING_WORDS.get(codec.replace("-", "_")))
    return tr(words) if words else codec.upper()


def sniff_format(
    path: str | os.PathLike[str],
    *,
    task: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> FileFormat:
    """Detect encoding, separator, quote character and header of a data file.

    Parameters
    ----------
    path
        A CSV/TSV/TXT file.
    task
        Optional. With ``"generate"``, a ``.txt`` file, or a file without any separator
        structure, is read as plain text (one example per line). Without a task, a ``.txt``
        file is plain text unless it is clearly a table (e.g. Excel's tab-separated export).
    encoding
        The user's choice of text encoding; None to detect it.
    sheet
        For a workbook: the sheet's name or 0-based index; None for the first with data.

    Returns
    -------
    FileFormat

    Raises
    ------
    DataError
        When the file cannot be read at all: ``file_not_found``, ``empty_file``,
        ``binary_file``, ``json_file``, ``html_file``, ``xml_file``, ``markdown_table``,
        ``protected_workbook``, ``broken_workbook``, ``unknown_sheet``, ...
    """
    if sheets.is_spreadsheet(path):
        return _sniff_sheet(path, sheet)
    sample = read_sample(path, encoding=encoding)
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    refuse_other_formats(sample.text, os.fspath(path), markdown=task != "generate")
    text = sample.text
    truncated = not sample.complete or len(text) > DIALECT_SAMPLE_CHARS
    if len(text) > DIALECT_SAMPLE_CHARS:
        text = text[:DIALECT_SAMPLE_CHARS]
        cut = text.rfind("\n")
        if cut > 0:
            text = text[: cut + 1]
    as_text = FileFormat("text", sample.encoding, None, None, False)
    if suffix == ".txt" and task == "generate":
        return as_text
    delimiter, quotechar, width, consistency = detect_dialect(
        text, truncated=truncated, preferred="\t" if suffix == ".tsv" else None
    )
    structured = width >= 2 and consistency >= MIN_CONSISTENCY
    rows = _parse(text, delimiter or ",", quotechar, truncated, limit=HEADER_ROWS + 1)
    if not structured and (
        suffix == ".txt" or (task == "generate" and not _single_column_header(rows))
    ):
        return as_text
    # One column (no separator anywhere): read with "," but never described as "separated by".
    separator = (delimiter or ",") if width >= 2 else None
    return FileFormat("csv", sample.encoding, separator, quotechar, looks_like_header(rows))


def _sniff_sheet(path: str | os.PathLike[str], sheet: str | int | None) -> FileFormat:
    data = sheets.read_sheet(path, sheet)
    if not data.rows:
        message = tr("The sheet '{sheet}' of '{name}' is empty: there is nothing to learn from.")
        if len(data.names) > 1:
            message += " " + tr("Choose another sheet.")
        raise DataError(
            message.format(sheet=data.name, name=os.path.basename(os.fspath(path))),
            code="empty_file",
        )
    return FileFormat(
        "sheet", "", None, None, looks_like_header(data.rows[: HEADER_ROWS + 1]),
        sheet=data.name, sheets=data.names, workbook=sheets.kind_of(path),
    )  # fmt: skip


def detect_dialect(
    text: str, *, truncated: bool = True, preferred: str | None = None
) -> tuple[str | None, str, int, float]:
    """Find the separator of a decoded sample.

    Returns
    -------
    delimiter, quotechar, width, consistency
        ``delimiter`` is None when no separator gives regular rows; ``width`` is the usual
        number of fields per row and ``consistency`` the share of rows that have it.
    """
    if preferred:
        width, share = _consistency(text, preferred, '"', truncated)
        if width >= 2 and share >= MIN_CONSISTENCY:
            return preferred, '"', width, share
    from clevercsv import Detector  # imported here: ~0.2 s the window need not wait for

    try:
        found = Detector().detect(text, delimiters=list(DELIMITERS))
    except Exception:  # clevercsv can fail on odd input; we have our own fallback below
        found = None
    if found is not None and found.delimiter in DELIMITERS:
        # No quotes in the sample does not mean none later in the file: keep '"' as default.
        quote = found.quotechar if found.quotechar in ('"', "'") else '"'
        width, share = _consistency(text, found.delimiter, quote, truncated)
        if width >= 2:
            return found.delimiter, quote, width, share
    best: tuple[float, int, str] | None = None
    for delim in DELIMITERS:
        width, share = _consistency(text, delim, '"', truncated)
        if width >= 2 and (best is None or (share, width) > best[:2]):
            best = (share, width, delim)
    if best is not None and best[0] >= MIN_CONSISTENCY:
        return best[2], '"', best[1], best[0]
    if found is not None and found.delimiter in DELIMITERS:
        return found.delimiter, '"', 1, 1.0
    return None, '"', 1, 1.0


def _parse(
    text: str, delimiter: str, quotechar: str, truncated: bool, limit: int | None = None
) -> list[list[str]]:
    """Rows of a sample, blank lines skipped, last (maybe cut) row dropped if truncated."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar, strict=False
    )
    rows = []
    for row in reader:
        if row:
            rows.append(row)
            if limit is not None and len(rows) > limit:
                return rows[:limit]
    if truncated and len(rows) > 1:
        rows.pop()
    return rows


def _consistency(text: str, delimiter: str, quotechar: str, truncated: bool) -> tuple[int, float]:
    rows = _parse(text, delimiter, quotechar, truncated)
    if not rows:
        return 0, 0.0
    width, count = Counter(len(r) for r in rows).most_common(1)[0]
    return width, count / len(rows)


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", ".", 1))
    except ValueError:
        return False
    return True


def _single_column_header(rows: list[list[str]]) -> bool:
    """A one-column file whose first line is a column name such as "text"."""
    if not rows or len(rows[0]) != 1:
        return False
    first = rows[0][0].strip()
    return 0 < len(first) <= 30 and name_matches(first, TEXT_NAMES)


def looks_like_header(rows: list[list[str]]) -> bool:
    """Vote on whether the first row holds column names.

    Each column votes: a numeric column under a non-numeric first cell, a first cell that is
    a known column name ("text", "label", "id", ...), a first cell that never reappears in a
    column of repeating values, or a short first cell above long texts all vote "header";
    a first cell that reappears below (strongly so in a column of repeating values), or a
    number above numbers, vote "data". A tie goes
    to "header" when the first row is short, non-numeric and without duplicates, because
    files exported from spreadsheets nearly always have one.
    """
    if not rows:
        return False
    first = [c.strip() for c in rows[0]]
    while len(first) > 1 and not first[-1]:  # "text,label,," — trailing empty names
        first.pop()
    plausible = (
        all(first)
        and len(set(first)) == len(first)
        and not any(_is_number(c) for c in first)
        and all(len(c) <= 40 and "\n" not in c for c in first)
    )
    if any(len(c) > 60 for c in first):
        return False
    rest = [r for r in rows[1 : HEADER_ROWS + 1] if len(r) >= len(first)]
    if not rest:
        return plausible
    score = 0
    for j, head in enumerate(first):
        filled = [v for v in (r[j].strip() for r in rest) if v]
        if not filled:
            continue
        head_is_number = bool(head) and _is_number(head)
        if head and not head_is_number and "\n" not in head and name_matches(head, _KNOWN_NAMES):
            score += 2
        repeating = len(set(filled)) <= len(filled) / 2
        if sum(map(_is_number, filled)) >= 0.9 * len(filled):
            score += -2 if head_is_number else 2
        elif head in filled:
            # "pos" above a column of pos/neg is data; a text seen twice is weaker evidence.
            score -= 2 if repeating else 1
        elif head_is_number:
            score -= 1
        else:
            if repeating:
                score += 1
            avg = sum(map(len, filled)) / len(filled)
            if head and avg >= 15 and avg >= 3 * len(head):
                score += 1
    if len(set(first)) < len(first):
        score -= 1
    return plausible if score == 0 else score > 0
