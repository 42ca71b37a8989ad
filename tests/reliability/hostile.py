"""A corpus of hostile data files, generated on demand (nothing big is committed).

Each :class:`Case` says what a user would feed TinyStudio and what they must get back:
``exit_code`` 2 and a specific plain-language ``message`` substring for a file that cannot be
used, or 0 for one that is legitimately usable (then ``check`` asserts the values read).

``build(directory, names)`` writes the files of the named cases and returns name -> path.
Cases marked ``heavy`` (1M rows, one 50 MB field) are run through the CLI and the core only.
"""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_FOOD = ["a warm bowl of onion soup", "fresh bread with butter", "a slice of apple pie",
         "grilled fish with lemon", "rice with green beans"]  # fmt: skip
_TRAVEL = ["the night train to Vienna", "a cancelled flight at dawn", "a small hotel by the sea",
           "a guided tour of the castle", "a return ticket to Nice"]  # fmt: skip


def pairs(n: int = 40) -> list[tuple[str, str]]:
    """``n`` (text, label) rows, two labels, nothing wrong."""
    out = []
    for i in range(n):
        pool, label = (_FOOD, "food") if i % 2 == 0 else (_TRAVEL, "travel")
        out.append((f"{pool[i % len(pool)]} number {i}", label))
    return out


def table(rows, sep: str = ",", header=("text", "label"), eol: str = "\n") -> str:
    lines = [sep.join(header)] if header else []
    lines += [sep.join(r) for r in rows]
    return eol.join(lines) + eol


@dataclass(frozen=True)
class Case:
    """One hostile input and what the user must see."""

    name: str  # also the file name
    what: str  # in plain words, for the table in docs/reliability.md
    make: Callable[[Path], None]  # writes the file at the given path
    exit_code: int  # CLI ``inspect``: 2 refused, 0 usable
    message: str = ""  # a substring of the plain message (CLI stderr/JSON and data panel)
    code: str = ""  # the problem / error code
    heavy: bool = False  # CLI and core only (big files)
    gui: bool = True  # also opened in the data panel
    check: Callable[[dict], None] | None = None  # on the ``inspect --json`` report


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data)


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda p: p.write_bytes(text.encode(encoding))


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def _million_rows(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("text,label\n")
        block = "".join(f"message {i} about {'ab'[i % 2]},{'ab'[i % 2]}\n" for i in range(10_000))
        for _ in range(100):
            f.write(block)


def _huge_field(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("text,label\n")
        f.write('"' + "lorem ipsum " * (50 * 1024 * 1024 // 12) + '",food\n')
        f.write(table(pairs(), header=None))


def _wide(path: Path) -> None:
    header = ["text", "label"] + [f"c{i}" for i in range(9_998)]
    rows = [[t, lab] + ["1"] * 9_998 for t, lab in pairs(30)]
    path.write_text(table(rows, header=header), encoding="utf-8")


def _invalid_utf8(path: Path) -> None:
    rnd = random.Random(1)
    rows = []
    for t, lab in pairs():
        bad = bytes([rnd.choice([0xC3, 0xE2, 0xFF, 0xFE, 0x80])])  # lone lead/continuation bytes
        rows.append(t.encode() + bad + b"," + lab.encode())
    path.write_bytes(b"text,label\n" + b"\n".join(rows) + b"\n")


def _mixed(path: Path) -> None:
    utf8 = table([("caf\u00e9 cr\u00e8me au lait", "food")] * 20, header=None).encode("utf-8")
    cp = table([("cr\u00eape \u00e0 2\u20ac", "food"), ("h\u00f4tel \u00e0 Nice", "travel")] * 10,
               header=None).encode("cp1252")  # fmt: skip
    rest = table(pairs(), header=None).encode("utf-8")
    path.write_bytes(b"text,label\n" + utf8 + cp + rest)


def _nul(path: Path) -> None:
    path.write_bytes(b"text,label\n" + b"hello\x00\x00\x00world,a\n" * 50)


def _labels(labels: list[str]) -> Callable[[Path], None]:
    return _text(table([(t, lab) for (t, _), lab in zip(pairs(len(labels)), labels)]))


def _semicolon_check(report: dict) -> None:
    assert report["format"]["delimiter"] == ";"
    assert report["columns"] == ["text", "label", "price"]
    assert report["rows_used"] == 40 and set(report["class_counts"]) == {"food", "travel"}


def _utf16_check(report: dict) -> None:
    assert report["format"]["encoding"].startswith("utf-16")
    assert report["rows_used"] == 40 and report["choice"]["text_column"] == "text"


def _rows(n: int, labels: set[str] | None = None) -> Callable[[dict], None]:
    def check(report: dict) -> None:
        assert report["rows_used"] == n, report["rows_used"]
        if labels is not None:
            assert set(report["class_counts"]) == labels, report["class_counts"]

    return check


def _codes(*codes: str, rows: int | None = None) -> Callable[[dict], None]:
    def check(report: dict) -> None:
        found = {p["code"] for p in report["problems"]}
        assert set(codes) <= found, found
        if rows is not None:
            assert report["rows_used"] == rows, report["rows_used"]

    return check


_SEMI = [(t, lab, f"{i},5") for i, (t, lab) in enumerate(pairs())]
_CJK_DIR = Path(__file__).resolve().parent.parent / "data" / "cjk"
_CJK_CASES = [
    ("Simplified Chinese", "zh_hans.txt", "gb18030", "Chinese Windows"),
    ("Simplified Chinese", "zh_hans.txt", "gbk", "Chinese Windows"),
    ("Traditional Chinese", "zh_hant.txt", "big5", "Taiwanese Windows"),
    ("Japanese", "ja.txt", "shift_jis", "Japanese Windows"),
    ("Japanese", "ja.txt", "euc_jp", "old Unix systems"),
    ("Korean", "ko.txt", "cp949", "Korean Windows"),
]
_RUSSIAN = ("текст,метка\n" + "".join(
    f"{t},{lab}\n" for t, lab in [("Привет, как дела у тебя сегодня?", "да"),
                                  ("Это очень плохой день для прогулки", "нет")] * 3))  # fmt: skip


def _cjk_rows(lang_file: str, codec: str) -> list[tuple[str, str]]:
    lines = []
    for line in (_CJK_DIR / lang_file).read_text(encoding="utf-8").splitlines():
        line = line.strip().replace('"', "").replace(",", "，")
        try:
            if line and line.encode(codec).decode(codec) == line:
                lines.append(line)
        except UnicodeError:
            continue
    return [(line, "甲" if i % 2 else "乙") for i, line in enumerate(lines * 3)]


def _cjk(lang_file: str, codec: str) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(table(_cjk_rows(lang_file, codec),
                                         header=("text", "label")).encode(codec))  # fmt: skip


def _cjk_check(lang_file: str, codec: str) -> Callable[[dict], None]:
    rows = _cjk_rows(lang_file, codec)

    def check(report: dict) -> None:
        assert report["columns"] == ["text", "label"], report["format"]
        assert report["rows_used"] == len(rows) and set(report["class_counts"]) == {"甲", "乙"}

    return check


def _workbook_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    data = wb.create_sheet("Data")
    data.append(["text", "label"])
    for i, (t, _lab) in enumerate(pairs()):
        data.append([t, float(1 + i % 2)])  # numbers as labels, stored as 1.0 / 2.0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _workbook(path: Path, kind: str) -> None:
    rows = [["text", "label"]] + [[t, float(1 + i % 2)] for i, (t, _lab) in enumerate(pairs())]
    if kind == "xlsx":
        path.write_bytes(_workbook_bytes())
    elif kind == "xls":
        import xlwt

        wb = xlwt.Workbook()
        ws = wb.add_sheet("Data")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write(r, c, value)
        wb.save(str(path))
    else:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableCell, TableRow
        from odf.text import P

        doc = OpenDocumentSpreadsheet()
        sheet = Table(name="Data")
        for row in rows:
            tr = TableRow()
            for value in row:
                kind_of = {"valuetype": "float", "value": value} if isinstance(value, float) else {
                    "valuetype": "string"}  # fmt: skip
                cell = TableCell(**kind_of)
                cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            sheet.addElement(tr)
        doc.spreadsheet.addElement(sheet)
        doc.save(str(path))


def _protected(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(path, "wb") as out:
        OOXMLFile(io.BytesIO(_workbook_bytes())).encrypt("secret", out)
_XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
              "xl/worksheets/sheet1.xml": "<worksheet/>"})  # fmt: skip
_DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"})
_RND = random.Random(0)

CASES: list[Case] = [
    # --- encodings (real prose from CPython's codec tests, tests/data/cjk) -------------------
    *[Case(f"cjk_{codec}.csv", f"{lang} saved as {codec.upper()} (as Excel does on {where})",
           _cjk(lang_file, codec), 0, check=_cjk_check(lang_file, codec))
      for lang, lang_file, codec, where in _CJK_CASES],
    Case("koi8r.csv", "Russian saved as KOI8-R", _text(_RUSSIAN, "koi8_r"), 0, check=_rows(6, {"да", "нет"})),
    Case("cp1251.csv", "Russian saved as Windows-1251", _text(_RUSSIAN, "cp1251"), 0,
         check=_rows(6, {"да", "нет"})),
    Case("utf32le_nobom.csv", "Chinese in UTF-32 without a byte-order mark",
         _cjk("zh_hans.txt", "utf-32-le"), 0, check=_cjk_check("zh_hans.txt", "utf-32-le")),
    # --- encodings -------------------------------------------------------------------------
    Case("utf16le_nobom.csv", "UTF-16 (little-endian) without a byte-order mark",
         _text(table(pairs()), "utf-16-le"), 0, check=_utf16_check),
    Case("utf16be_nobom.csv", "UTF-16 (big-endian) without a byte-order mark",
         _text(table(pairs()), "utf-16-be"), 0, check=_utf16_check),
    Case("utf32_bom.csv", "UTF-32 with a byte-order mark",
         lambda p: p.write_bytes(codecs.BOM_UTF32_LE + table(pairs()).encode("utf-32-le")), 0,
         check=_rows(40)),
    Case("mixed_encoding.csv", "UTF-8 and Windows-1252 lines in one file",
         _mixed, 0, check=_codes("encoding_fallback", rows=80)),
    Case("invalid_utf8.csv", "invalid UTF-8 bytes in every row",
         _invalid_utf8, 0, check=_rows(40)),
    Case("nul_bytes.csv", "NUL bytes inside the text", _nul, 2, "binary data", "binary_file"),
    Case("bom_only.csv", "a UTF-8 byte-order mark and nothing else",
         _bytes(codecs.BOM_UTF8), 2, "is empty", "empty_file"),
    # --- dialects --------------------------------------------------------------------------
    Case("semicolon_decimal_comma.csv", "semicolons as separators, decimal commas in values",
         _text(table(_SEMI, ";", ("text", "label", "price"))), 0, check=_semicolon_check),
    Case("unbalanced_quote.csv", "a quote that opens and never closes",
         _text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in pairs()[:30])
               + '"this quote never closes,food\n'
               + "".join(f"{t},{lab}\n" for t, lab in pairs()[30:])), 0,
         check=_codes("unclosed_quote")),
    Case("quoted_newlines.csv", "texts with line breaks inside quotes",
         _text(table([(f'"line one of {i}\nline two, with ""quotes"""', lab)
                      for i, (_, lab) in enumerate(pairs())])), 0,
         check=_rows(40, {"food", "travel"})),
    Case("ragged_rows.csv", "rows with too many and too few values",
         _text("text,label\n" + "\n".join(
             "no label here" if i == 9 else f"{t}, really, a lot,{lab}" if i == 4 else f"{t},{lab}"
             for i, (t, lab) in enumerate(pairs())) + "\n"), 0,
         check=_codes("ragged_rows")),
    Case("cr_line_endings.csv", "old Mac line endings (CR only)",
         _text(table(pairs(), eol="\r")), 0, check=_rows(40)),
    Case("ten_thousand_columns.csv", "10 000 columns", _wide, 0, check=_rows(30, {"food", "travel"})),
    Case("one_50mb_field.csv", "one value of 50 MB", _huge_field, 0, heavy=True, gui=False,
         check=_rows(41)),
    Case("million_rows.csv", "1 000 000 rows", _million_rows, 0, heavy=True, gui=False,
         check=_rows(1_000_000, {"a", "b"})),
    # --- empty -------------------------------------------------------------------------------
    Case("empty.csv", "an empty file (0 bytes)", _bytes(b""), 2, "is empty", "empty_file"),
    Case("header_only.csv", "column names and no rows", _text("text,label\n"), 2,
         "no rows of data", "header_only"),
    Case("whitespace_only.csv", "only spaces and blank lines", _bytes(b"  \n\n \r\n\t\n"), 2,
         "is empty", "empty_file"),
    Case("separators_only.csv", "only commas", _text(",,,\n,,,\n,,,\n"), 2,
         "None of the columns contains any text", "no_text_column"),
    # --- not a text file ---------------------------------------------------------------------
    Case("random_binary.csv", "random bytes named .csv",
         _bytes(bytes(_RND.randrange(256) for _ in range(8192))), 2, "binary data", "binary_file"),
    Case("archive.csv", "a ZIP archive named .csv",
         _bytes(_zip({"inside.csv": table(pairs())})), 2, "ZIP archive", "binary_file"),
    Case("workbook.xlsx", "a damaged Excel workbook (.xlsx, the skeleton of a zip)", _bytes(_XLSX),
         2, "the file is damaged", "broken_workbook"),
    Case("workbook_renamed.csv", "a damaged Excel workbook renamed to .csv", _bytes(_XLSX), 2,
         "the file is damaged", "broken_workbook"),
    Case("old_excel.xls", "an old Excel .xls file that is only a header",
         _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)), 2, "the file is damaged",
         "broken_workbook"),
    # --- workbooks (written with openpyxl / xlwt / odfpy / msoffcrypto-tool) -----------------
    Case("real_workbook.xlsx", "an Excel workbook with a notes sheet first and numbers as labels",
         lambda p: _workbook(p, "xlsx"), 0, check=_rows(40, {"1", "2"})),
    Case("real_workbook.xls", "an Excel 97-2003 workbook", lambda p: _workbook(p, "xls"), 0,
         check=_rows(40, {"1", "2"})),
    Case("real_workbook.ods", "a LibreOffice spreadsheet", lambda p: _workbook(p, "ods"), 0,
         check=_rows(40, {"1", "2"})),
    Case("protected.xlsx", "a workbook protected with a password", _protected, 2,
         "protected with a password", "protected_workbook"),
    Case("truncated.xlsx", "a workbook cut in half (a download that stopped)",
         lambda p: p.write_bytes(_workbook_bytes()[: len(_workbook_bytes()) // 2]), 2,
         "the file is damaged", "broken_workbook"),
    # --- text that is not a table ------------------------------------------------------------
    Case("json_named.csv", "a JSON file named .csv",
         _text('[{"text": "a warm bowl of soup", "label": "food"}]\n'), 2, "JSON", "json_file"),
    Case("web_page.csv", "a saved web page named .csv",
         _text("<!DOCTYPE html>\n<html><body><table><tr><td>soup</td><td>food</td></tr></table>"
               "</body></html>\n"), 2, "web page (HTML)", "html_file"),
    Case("data_xml.csv", "an XML file named .csv",
         _text('<?xml version="1.0"?>\n<rows><row text="soup" label="food"/></rows>\n'), 2,
         "XML file", "xml_file"),
    Case("markdown.csv", "a Markdown table named .csv",
         _text("| text | label |\n|---|---|\n" + "".join(f"| {t} | {lab} |\n" for t, lab in pairs())),
         2, "Markdown table", "markdown_table"),
    # --- too little data -----------------------------------------------------------------------
    Case("two_rows.csv", "a CSV with two rows", _text(table(pairs(2))), 2,
         "needs 2 more examples", "too_few_examples"),
    Case("document.csv", "a Word document named .csv", _bytes(_DOCX), 2, "Word document",
         "binary_file"),
    Case("report.csv", "a PDF named .csv", _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), 2,
         "PDF document", "binary_file"),
    Case("picture.csv", "a PNG picture named .csv",
         _bytes(b"\x89PNG\r\n\x1a\n" + bytes(_RND.randrange(256) for _ in range(256))), 2,
         "PNG picture", "binary_file"),
    Case("compressed.csv", "a gzip file named .csv", _bytes(b"\x1f\x8b\x08\x00" + bytes(64)), 2,
         "compressed (.gz)", "binary_file"),
    Case("control_chars.csv", "terminal escape codes and control characters",
         _text("text,label\n" + "".join(f"\x1b[31m{t}\x07\x08,{lab}\n" for t, lab in pairs())),
         2, "binary data", "binary_file"),
    # --- labels --------------------------------------------------------------------------------
    Case("labels_all_distinct.csv", "every row has its own label",
         _labels([f"L{i:03d}" for i in range(40)]), 2, "looks like an ID", "all_labels_distinct"),
    Case("labels_all_identical.csv", "every row has the same label", _labels(["food"] * 40), 2,
         "same label", "single_class"),
    Case("labels_numeric.csv", "labels that are numbers (0/1)",
         _labels([str(i % 2) for i in range(40)]), 0, check=_rows(40, {"0", "1"})),
    Case("labels_nan_like.csv", "every label missing ('N/A', 'NA', 'nan', '', 'null', '-')",
         _labels([["N/A", "NA", "nan", "", "null", "-"][i % 6] for i in range(40)]), 2,
         "No usable rows are left", "no_rows_left"),
    Case("labels_some_missing.csv", "some labels missing ('N/A', '')",
         _labels(["N/A" if i % 10 == 3 else "" if i % 10 == 7 else lab
                  for i, (_, lab) in enumerate(pairs())]), 0,
         check=_codes("rows_dropped_missing_label", rows=32)),
    Case("only_numbers.csv", "a table of numbers only",
         _text("a,b\n" + "".join(f"{i},{i * 2}.5\n" for i in range(40))), 2,
         "Every column holds numbers", "no_text_column"),
    Case("one_column.csv", "one column of texts (no labels)",
         _text("text\n" + "".join(f"{t}\n" for t, _ in pairs())), 2, "no column for labels",
         "no_label_column"),
    Case("duplicate_headers.csv", "empty and repeated column names",
         _text(table(pairs(), header=("text", ""))), 0, check=_codes("renamed_columns", rows=40)),
]

BY_NAME = {c.name: c for c in CASES}


def build(directory: Path, names=None) -> dict[str, Path]:
    """Write the named cases (all when ``names`` is None) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in CASES:
        if names is not None and case.name not in names:
            continue
        path = directory / case.name
        if not path.exists():
            case.make(path)
        out[case.name] = path
    return out
