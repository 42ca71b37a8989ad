"""Reading files as users really make them: encodings, separators, broken rows, non-text files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tinystudio.core.data import (
    FileFormat,
    inspect_data,
    load_dataset,
    preview,
    read_columns,
    sniff_format,
)
from tinystudio.core.errors import DataError

try:
    from tests.core.malformed import build_malformed_set
except ImportError:  # pytest imported the test modules without the "tests" package on sys.path
    from malformed import build_malformed_set


@pytest.fixture(scope="session")
def files() -> dict[str, Path]:
    return build_malformed_set()


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("cp1252.csv", "cp1252"),
        ("utf16_bom.csv", "utf-16"),
        ("utf16le_nobom.csv", "utf-16-le"),
        ("utf8_bom.csv", "utf-8-sig"),
        ("utf8.csv", "utf-8"),
    ],
)
def test_encodings_are_detected_and_accents_survive(files, name, encoding):
    fmt = sniff_format(files[name])
    assert fmt.encoding == encoding
    data = load_dataset(files[name])
    # The BOM must not leak into the first column name.
    assert data.report.columns == ["text", "label"]
    assert data.texts[0] == "Café crème à 3€ le matin n°0"
    assert "Le train pour Zürich part à 8h n°5" in data.texts
    assert data.label_names == ["food", "travel"]


def test_describe_names_the_encoding_and_separator(files):
    assert sniff_format(files["cp1252.csv"]).describe() == (
        "Windows-1252 (Western European) text, values separated by commas, first row is a header"
    )
    assert sniff_format(files["utf8_bom.csv"]).describe().startswith("UTF-8 (with BOM) text")


def test_bytes_that_do_not_fit_the_encoding_are_read_as_cp1252_and_reported(files):
    # ASCII for the whole 1 MB sample, then a Windows-1252 "é" and "€" near the end.
    data = load_dataset(files["mixed_encoding.csv"])
    assert data.report.format.encoding == "utf-8"
    assert "Café à 5€" in data.texts
    problem = data.report.problem("encoding_fallback")
    assert problem is not None and problem.severity == "warning"
    assert problem.message.startswith("3 characters did not fit")  # é, à and €


# --- separators and structure ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "delimiter", "words"),
    [
        ("semicolon.csv", ";", "semicolons"),
        ("tabs.tsv", "\t", "tabs"),
        ("tabs.csv", "\t", "tabs"),
        ("pipe.csv", "|", "vertical bars"),
    ],
)
def test_separators(files, name, delimiter, words):
    fmt = sniff_format(files[name])
    assert (fmt.kind, fmt.delimiter, fmt.has_header) == ("csv", delimiter, True)
    assert f"separated by {words}" in fmt.describe()
    data = load_dataset(files[name])
    assert data.report.choice.text_column == "text"
    assert data.report.choice.label_column == "label"
    assert data.report.class_counts == {"food": 20, "travel": 20}


def test_semicolon_file_keeps_decimal_commas_inside_values(files):
    _, columns, rows = preview(files["semicolon.csv"])
    assert columns == ["text", "label", "price"]
    assert rows[3][2] == "3,5"


def test_quoted_fields_keep_their_newlines_and_quotes(files):
    data = load_dataset(files["quoted_newlines.csv"])
    assert data.report.rows_read == 40
    assert data.texts[0] == 'Line one of 0\nline two with "quotes", commas'
    assert not data.report.problem("ragged_rows")


def test_ragged_rows_are_reported_with_row_numbers_and_repaired(files):
    report = inspect_data(files["ragged.csv"])
    ragged = report.problem("ragged_rows")
    assert ragged is not None and ragged.severity == "warning"
    assert ragged.rows == (5, 10, 15)
    assert "2 rows (rows 5, 15) have more than 2 values" in ragged.message
    assert "1 row (row 10) has fewer than 2 values" in ragged.message
    missing = report.problem("rows_dropped_missing_label")
    assert missing is not None and missing.rows == (10,)
    data = load_dataset(files["ragged.csv"])
    # The unquoted commas were joined back into the text, the label stays right.
    assert "I liked it, really, a lot" in data.texts
    i = data.texts.index("I liked it, really, a lot")
    assert data.label_names[data.labels[i]] == "food"


def test_file_without_header_gets_numbered_columns(files):
    fmt, columns, rows = preview(files["no_header.csv"])
    assert not fmt.has_header
    assert columns == ["column 1", "column 2"]
    assert rows[0] == ["Café crème à 3€ le matin n°0", "food"]
    report = inspect_data(files["no_header.csv"])
    assert report.rows_read == 40  # the first row is data, not lost as a header
    assert (report.choice.text_column, report.choice.label_column) == ("column 1", "column 2")
    assert report.problem("no_header").severity == "info"


def test_unclosed_quote_is_reported(files):
    report = inspect_data(files["unclosed_quote.csv"])
    problem = report.problem("unclosed_quote")
    assert problem is not None and problem.rows == (31,)
    assert "never closed" in problem.message
    assert report.rows_read == 31


def test_field_larger_than_the_csv_default_limit(files):
    data = load_dataset(files["huge_field.csv"])
    assert len(max(data.texts, key=len)) > 1_900_000


def test_blank_lines_are_skipped_and_not_counted(files):
    report = inspect_data(files["blank_lines.csv"])
    assert (report.rows_read, report.rows_used) == (40, 40)
    assert report.dropped == {}


# --- empty and non-text files ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.csv", "whitespace.csv"])
def test_empty_file(files, name):
    with pytest.raises(DataError) as err:
        inspect_data(files[name])
    assert err.value.code == "empty_file"
    assert "is empty" in err.value.message


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("binary.csv", "contains binary data"),
        ("png.csv", "PNG picture"),
        ("pdf.csv", "PDF document"),
        ("archive.csv", "ZIP archive"),
    ],
)
def test_binary_files_are_refused_with_a_specific_message(files, name, words):
    for call in (sniff_format, preview, inspect_data, load_dataset):
        with pytest.raises(DataError) as err:
            call(files[name])
        assert err.value.code == "binary_file"
        assert words in err.value.message


@pytest.mark.parametrize("name", ["workbook.xlsx", "workbook_renamed.csv"])
def test_a_damaged_workbook_is_read_as_a_workbook_and_says_it_is_damaged(files, name):
    """Workbooks are read directly now (tests/core/test_data_sheets.py); this one is only
    the skeleton of a zip, so it gets the plain "damaged" message, whatever its name."""
    for call in (sniff_format, preview, inspect_data, load_dataset):
        with pytest.raises(DataError) as err:
            call(files[name])
        assert err.value.code == "broken_workbook"
        assert "damaged" in err.value.message and "Excel workbook" in err.value.message


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path / "nope.csv")
    assert err.value.code == "file_not_found"
    assert "nope.csv" in err.value.message


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(DataError) as err:
        sniff_format(tmp_path)
    assert err.value.code == "not_a_file"


# --- plain text ------------------------------------------------------------------------------


def test_txt_corpus_for_generation_keeps_non_blank_lines_in_order(files):
    data = load_dataset(files["corpus.txt"], task="generate")
    assert data.report.format == FileFormat("text", "utf-8", None, None, False)
    assert data.texts == [
        "In the beginning was the word.",
        "And the word was short.",
        "Then came a second, longer line, with commas; and a semicolon.",
        "The end.",
    ]
    assert data.labels is None and data.label_names == []
    assert (data.report.choice.text_column, data.report.choice.label_column) == ("text", None)
    assert data.report.dropped == {"empty_line": 2}
    assert data.report.rows_read == 6


def test_txt_with_windows_line_endings(files):
    data = load_dataset(files["corpus_crlf.txt"], task="generate")
    assert data.texts[0] == "In the beginning was the word."
    assert all("\r" not in t for t in data.texts)


def test_tab_separated_txt_is_a_table_for_classification(files):
    fmt = sniff_format(files["excel_tabs.txt"])
    assert (fmt.kind, fmt.delimiter) == ("csv", "\t")
    assert load_dataset(files["excel_tabs.txt"]).label_names == ["food", "travel"]
    assert sniff_format(files["excel_tabs.txt"], task="generate").kind == "text"


def test_csv_without_separators_is_text_for_generation(tmp_path):
    path = tmp_path / "story.csv"
    path.write_text("Once upon a time, a fox.\nIt ran, and ran.\nThe end, finally, came.\n")
    assert sniff_format(path, task="generate").kind == "text"
    assert load_dataset(path, task="generate").texts[1] == "It ran, and ran."


# --- streaming API -------------------------------------------------------------------------


def test_read_columns_streams_the_wanted_columns_in_order(files):
    fmt = sniff_format(files["semicolon.csv"])
    reader = read_columns(files["semicolon.csv"], fmt, [2, 0])
    rows = list(reader)
    assert rows[0] == ("0,5", "Café crème à 3€ le matin n°0")
    assert reader.rows_read == 40
    assert list(reader) == rows  # iterating again reads the file again


def test_preview_pads_short_rows_and_limits_rows(files):
    fmt, columns, rows = preview(files["ragged.csv"], n_rows=12)
    assert fmt.delimiter == ","
    assert len(rows) == 12
    assert rows[9] == ["no label here", ""]
    assert rows[4] == ["I liked it", " really", " a lot", "food"]


def test_preview_of_text_file(files):
    fmt, columns, rows = preview(files["corpus.txt"])
    assert fmt.kind == "text" and columns == ["text"]
    assert rows[1] == ["And the word was short."]


def test_csv_module_round_trip_of_awkward_values(tmp_path):
    # Whatever csv.writer produces (quotes, separators, newlines), we read back unchanged.
    values = [('say "hi", ok', "a"), ("multi\nline", "b"), ("semi;colon", "a"), ("plain", "b")]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["text", "label"])
    writer.writerows(values * 5)
    path = tmp_path / "round.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    data = load_dataset(path)
    assert data.texts[:4] == [v[0] for v in values]


def test_trailing_separators_are_not_columns(tmp_path):
    rows = "".join(f"text {i},{'ab'[i % 2]},\n" for i in range(30))
    path = tmp_path / "trailing.csv"
    path.write_text("text,label\n" + rows)
    report = inspect_data(path)
    assert not report.problem("ragged_rows")
    assert report.class_counts == {"a": 15, "b": 15}
    path.write_text("text,label,,\n" + rows.replace(",\n", "\n"))
    report = inspect_data(path)
    assert report.columns == ["text", "label"]
    assert not report.problem("ragged_rows")


def test_excel_unicode_text_export(files):
    fmt = sniff_format(files["excel_unicode.txt"])
    assert (fmt.kind, fmt.encoding, fmt.delimiter, fmt.has_header) == ("csv", "utf-16", "\t", True)
    data = load_dataset(files["excel_unicode.txt"])
    assert data.texts[0] == "Café crème à 3€ le matin n°0"
