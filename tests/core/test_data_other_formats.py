"""Text files that are not tables say what they are; too little data says what to add."""

from __future__ import annotations

import pytest

from tinystudio.core.data import inspect_data, load_dataset
from tinystudio.core.errors import DataError

OTHER = {
    "json_file": '[{"text": "a small cat", "label": "animal"}, {"text": "rye bread", "label": "food"}]',
    "json lines": '{"text": "a small cat", "label": "animal"}\n{"text": "rye bread", "label": "food"}\n',
    "html_file": "<!DOCTYPE html>\n<html><head><title>x</title></head><body><table><tr><td>a</td>"
    "<td>b</td></tr></table></body></html>\n",
    "saved table": "<table>\n<tr><th>text</th><th>label</th></tr>\n<tr><td>a cat</td><td>x</td></tr>\n</table>\n",
    "xml_file": '<?xml version="1.0" encoding="UTF-8"?>\n<rows><row text="a cat" label="x"/></rows>\n',
    "excel xml": '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
    "<Worksheet/></Workbook>\n",
    "markdown_table": "| text | label |\n|------|-------|\n| a cat | animal |\n| rye bread | food |\n",
}
CODES = {"json lines": "json_file", "saved table": "html_file", "excel xml": "xml_file"}
WORDS = {"json_file": "JSON", "html_file": "web page", "xml_file": "XML", "markdown_table": "Markdown"}


@pytest.mark.parametrize("kind", sorted(OTHER))
def test_a_non_table_named_csv_says_what_it_is_and_what_to_do(tmp_path, kind):
    path = tmp_path / "data.csv"
    path.write_text(OTHER[kind], encoding="utf-8")
    with pytest.raises(DataError) as err:
        inspect_data(path)
    code = CODES.get(kind, kind)
    assert err.value.code == code
    assert WORDS[code] in err.value.message
    assert "save it as CSV" in err.value.message or "Save As" in err.value.message


def test_csv_whose_texts_hold_brackets_and_tags_is_still_a_csv(tmp_path):
    path = tmp_path / "data.csv"
    rows = "".join(f'"[{i}] see <b>this</b> | or that",{"ab"[i % 2]}\n' for i in range(20))
    path.write_text("text,label\n" + rows, encoding="utf-8")
    assert inspect_data(path).rows_used == 20


def test_csv_whose_first_text_quotes_a_web_page_is_still_a_csv(tmp_path):
    path = tmp_path / "data.csv"
    rows = "".join(f'"page {i}: <html><body><table><tr><td>cell</td></tr></table>",{"ab"[i % 2]}\n' for i in range(20))
    path.write_text("text,label\n" + rows, encoding="utf-8")
    assert inspect_data(path).rows_used == 20


def test_a_two_row_csv_cannot_train_and_says_how_many_more_each_label_needs(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("text,label\nI loved it,pos\nI hated it,neg\n", encoding="utf-8")
    report = inspect_data(path)
    problem = report.problem("too_few_examples")
    assert problem is not None and problem.severity == "fatal"
    assert "'pos' needs 2 more examples" in problem.message
    assert "'neg' needs 2 more examples" in problem.message
    with pytest.raises(DataError) as err:
        load_dataset(path)
    assert err.value.code == "too_few_examples"


def test_enough_examples_for_two_labels_is_enough_to_start(tmp_path):
    path = tmp_path / "six.csv"
    rows = "".join(f"text number {i},{'pos' if i % 2 else 'neg'}\n" for i in range(6))
    path.write_text("text,label\n" + rows + "one more,rare\n", encoding="utf-8")
    data = load_dataset(path)
    assert data.splits.test and data.splits.val
    assert data.report.problem("too_few_examples") is None


def test_a_two_line_text_cannot_train_a_generator(tmp_path):
    path = tmp_path / "two.txt"
    path.write_text("In the beginning.\nAnd the earth.\n", encoding="utf-8")
    report = inspect_data(path, task="generate")
    problem = report.problem("too_few_examples")
    assert problem is not None and problem.severity == "fatal" and "1 more line" in problem.message
