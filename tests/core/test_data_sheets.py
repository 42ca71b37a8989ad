"""Workbooks (.xlsx, .xlsm, .xls, .ods) are read directly, generated here with real writers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tinystudio.core.data import inspect_data, load_dataset, preview, sniff_format
from tinystudio.core.errors import DataError

TEXTS = ["a small furry animal", "a sweet baked food", "a large wild cat", "bread made of rye",
         "a bird that sings", "soup with noodles", "a tiny insect", "rice cooked in milk"]  # fmt: skip
LABELS = [1.0, 2.0] * 4  # numbers as labels: Excel stores them as floats


def _rows(header=("text", "label")):
    return ([list(header)] if header else []) + [[t, y] for t, y in zip(TEXTS * 3, LABELS * 3)]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merge: str | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    if merge:
        wb[next(iter(sheets))].merge_cells(merge)
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list]) -> Path:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    wb.save(str(path))
    return path


def write_ods(path: Path, rows: list[list]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Data")
    for row in rows:
        tr = TableRow()
        for value in row:
            if isinstance(value, float):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".xls", ".ods"])
def test_each_workbook_format_trains_with_numbers_as_labels(tmp_path, suffix):
    path = tmp_path / f"book{suffix}"
    if suffix in (".xlsx", ".xlsm"):
        write_xlsx(path, {"Data": _rows()})
    elif suffix == ".xls":
        write_xls(path, _rows())
    else:
        write_ods(path, _rows())
    fmt = sniff_format(path)
    assert fmt.kind == "sheet" and fmt.has_header and fmt.sheet in ("Data", "Sheet1")
    data = load_dataset(path)
    assert data.label_names == ["1", "2"]  # 1.0 -> "1"
    assert data.texts[:2] == TEXTS[:2]
    assert data.report.choice.text_column == "text"
    assert "workbook" in fmt.describe().lower() or "spreadsheet" in fmt.describe().lower()


def test_several_sheets_the_first_with_data_is_read_and_any_can_be_chosen(tmp_path):
    other = [["review", "stars"]] + [[f"{t} again", "good" if i % 2 else "bad"] for i, t in
                                      enumerate(TEXTS * 2)]  # fmt: skip
    path = write_xlsx(tmp_path / "book.xlsx", {"Notes": [], "Data": _rows(), "Other": other})
    fmt = sniff_format(path)
    assert fmt.sheet == "Data" and fmt.sheets == ("Notes", "Data", "Other")
    report = inspect_data(path)
    assert report.problem("several_sheets") is not None
    assert "'Data'" in report.problem("several_sheets").message
    for choice in ("Other", "other", 2, "2"):
        _fmt, columns, rows = preview(path, sheet=choice)
        assert columns == ["review", "stars"], choice
    assert set(load_dataset(path, sheet="Other").label_names) == {"good", "bad"}
    with pytest.raises(DataError) as err:
        inspect_data(path, sheet="Nope")
    assert err.value.code == "unknown_sheet" and "'Notes', 'Data', 'Other'" in err.value.message


def test_offset_table_merged_labels_and_empty_cells(tmp_path):
    rows = [[None, None, None], [None, "text", "label"]]
    rows += [[None, t, "animal" if i % 4 == 0 else None] for i, t in enumerate(TEXTS * 2)]
    rows += [[None, None, None], [None, "trailing text", "food"]]
    path = write_xlsx(tmp_path / "book.xlsx", {"Data": rows}, merge="C3:C6")
    _fmt, columns, head = preview(path)
    assert columns == ["text", "label"]
    assert [r[1] for r in head[:4]] == ["animal"] * 4  # the merged cell fills its range
    report = inspect_data(path)
    assert report.rows_read == len(TEXTS) * 2 + 1  # the empty row is skipped
    assert report.class_counts["animal"] == 4 + 3  # 4 merged rows, 3 more "animal" rows below


def test_a_protected_workbook_gets_a_plain_message(tmp_path):
    """Office writes a password-protected workbook as an OLE2 file with an EncryptedPackage
    stream; msoffcrypto-tool (test-only) makes a real one."""
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", {"Data": _rows()})
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as src, open(locked, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    assert msoffcrypto is not None
    with pytest.raises(DataError) as err:
        inspect_data(locked)
    assert err.value.code == "protected_workbook"
    assert "password" in err.value.message


def test_a_truncated_workbook_gets_a_plain_message(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"Data": _rows()})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DataError) as err:
        preview(broken)
    assert err.value.code == "broken_workbook" and "damaged" in err.value.message


def test_an_empty_workbook_says_so(tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", {"Sheet1": []})
    with pytest.raises(DataError) as err:
        inspect_data(path)
    assert err.value.code == "empty_file"
