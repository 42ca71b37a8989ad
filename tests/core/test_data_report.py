"""The data report: each problem a user can make, detected and explained specifically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tinystudio.core.data import DataReport, Problem, inspect_data, load_dataset
from tinystudio.core.errors import ConfigError, DataError

try:
    from tests.core.malformed import build_malformed_set
except ImportError:  # pytest imported the test modules without the "tests" package on sys.path
    from malformed import build_malformed_set


@pytest.fixture(scope="session")
def files() -> dict[str, Path]:
    return build_malformed_set()


def _write(path: Path, rows: list[tuple[str, str]], header: str = "text,label") -> Path:
    path.write_text(header + "\n" + "".join(f"{t},{lab}\n" for t, lab in rows), encoding="utf-8")
    return path


def _codes(report: DataReport) -> list[str]:
    return [p.code for p in report.problems]


def test_clean_file_has_no_warnings(tmp_path):
    rows = [
        (f"text number {i} about {'cats' if i % 2 else 'dogs'}", "ab"[i % 2]) for i in range(200)
    ]
    report = inspect_data(_write(tmp_path / "clean.csv", rows))
    assert report.problems == []
    assert (report.rows_read, report.rows_used, report.dropped) == (200, 200, {})
    assert report.class_counts == {"a": 100, "b": 100}


def test_single_class_is_fatal(files):
    report = inspect_data(files["one_class.csv"])
    assert [p.code for p in report.fatal] == ["single_class"]
    assert "needs at least two different labels" in report.fatal[0].message
    assert "'food'" in report.fatal[0].message
    with pytest.raises(DataError) as err:
        load_dataset(files["one_class.csv"])
    assert err.value.code == "single_class"
    assert err.value.report is not None and err.value.report.class_counts == {"food": 40}


def test_every_label_distinct_is_fatal(files):
    report = inspect_data(files["distinct_labels.csv"])
    assert [p.code for p in report.fatal] == ["all_labels_distinct"]
    assert "The label column 'label' looks like an ID" in report.fatal[0].message
    assert "40 different values for 40 rows" in report.fatal[0].message


def test_missing_labels_and_empty_texts_are_dropped_with_row_numbers(files):
    report = inspect_data(files["missing_labels.csv"])
    assert report.dropped == {"empty_text": 1, "missing_label": 7}
    assert (report.rows_read, report.rows_used) == (40, 32)
    missing = report.problem("rows_dropped_missing_label")
    # "", "N/A", "NA", "nan", "null", "None", "-" on data rows 3, 6, 9, 12, 18, 24, 30
    assert missing.rows == (3, 6, 9, 12, 18, 24, 30)
    assert missing.message.startswith("7 rows (rows 3, 6, 9, 12, 18 …) were skipped")
    empty = report.problem("rows_dropped_empty_text")
    assert empty.rows == (21,)
    assert "1 row (row 21) was skipped because the text in 'text' is empty" in empty.message
    assert not report.fatal


def test_labels_differing_by_case_are_named_and_spaces_are_stripped(files):
    data = load_dataset(files["case_labels.csv"])
    problem = data.report.problem("labels_differ_by_case")
    assert problem.severity == "warning"
    assert "'Spam' (19 rows) and 'spam' (2 rows)" in problem.message
    assert problem.rows == (4, 8)  # the rows with the rarer spelling
    # " ham " counts as "ham": three labels, not four.
    assert data.label_names == ["Spam", "ham", "spam"]
    assert data.report.class_counts == {"Spam": 19, "ham": 19, "spam": 2}
    assert data.report.problem("labels_stripped").severity == "info"


def test_small_classes_warn_and_singletons_stay_in_train(files):
    data = load_dataset(files["small_classes.csv"])
    small = data.report.problem("small_classes")
    assert "2 labels have fewer than 5 examples: 'rare' (2), 'lonely' (1)" in small.message
    only_train = data.report.problem("classes_only_in_train")
    assert only_train.message.startswith("'lonely' has a single example")
    lonely = data.label_names.index("lonely")
    (i,) = [i for i, y in enumerate(data.labels) if y == lonely]
    assert i in data.splits.train


def test_no_rows_left_is_fatal(files):
    report = inspect_data(files["all_empty_text.csv"], text_col="text")
    assert [p.code for p in report.fatal] == ["no_rows_left"]
    assert "all 40 rows have an empty text" in report.fatal[0].message
    assert report.dropped == {"empty_text": 40}


def test_header_only_is_fatal_but_not_an_exception_for_inspect(files):
    report = inspect_data(files["header_only.csv"])
    assert _codes(report) == ["header_only"]
    assert "column names (text, label) but no rows" in report.fatal[0].message
    with pytest.raises(DataError) as err:
        load_dataset(files["header_only.csv"])
    assert err.value.code == "header_only"
    assert err.value.report.rows_read == 0
    assert err.value.report.columns == ["text", "label"]


def test_plain_text_file_cannot_be_classified(files):
    report = inspect_data(files["corpus.txt"], task="classify")
    assert report.fatal[0].code == "no_label_column"
    assert "plain text file" in report.fatal[0].message


def test_one_column_csv_has_no_label_column(files):
    report = inspect_data(files["one_column.csv"])
    assert report.fatal[0].code == "no_label_column"
    assert "single column ('text')" in report.fatal[0].message


def test_only_numbers_means_no_text_column(files):
    report = inspect_data(files["numbers.csv"])
    assert report.fatal[0].code == "no_text_column"
    assert "Every column holds numbers ('a', 'b')" in report.fatal[0].message


def test_duplicates_across_splits_are_counted(tmp_path):
    rows = [(f"unique text {i}", "ab"[i % 2]) for i in range(100)]
    rows += [("the same text again", "a")] * 30
    data = load_dataset(_write(tmp_path / "dups.csv", rows), seed=3)
    problem = data.report.problem("duplicates_across_splits")
    assert problem.severity == "warning"
    test_dups = sum(data.texts[i] == "the same text again" for i in data.splits.test)
    val_dups = sum(data.texts[i] == "the same text again" for i in data.splits.val)
    assert test_dups + val_dups > 0
    assert problem.message.startswith(f"{test_dups} text")
    assert f"and {val_dups} of the validation set" in problem.message
    assert len(problem.rows) == test_dups + val_dups
    assert all(r > 100 for r in problem.rows)  # the repeated rows are at the end of the file


def test_few_examples_warning(tmp_path):
    report = inspect_data(
        _write(tmp_path / "tiny.csv", [("hello there", "a"), ("bye now", "b")] * 5)
    )
    assert report.problem("few_examples").message.startswith("Only 10 usable rows")


def test_imbalance_is_mentioned(tmp_path):
    rows = [(f"common {i}", "common") for i in range(200)] + [
        (f"rare {i}", "rare") for i in range(6)
    ]
    report = inspect_data(_write(tmp_path / "imb.csv", rows))
    assert (
        "'common' has 200 examples and 'rare' only 6"
        in report.problem("imbalanced_classes").message
    )


def test_report_is_json_and_fatal_first(files):
    report = inspect_data(files["missing_labels.csv"])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["format"]["description"].startswith("UTF-8 text")
    assert data["choice"]["text_column"] == "text"
    assert data["problems"][0]["rows"] == [21]
    report = inspect_data(files["unclosed_quote.csv"])
    severities = [p.severity for p in report.problems]
    assert severities == sorted(severities, key=["fatal", "warning", "info"].index)


def test_problem_rows_are_capped():
    problem = Problem("x", "warning", "many", tuple(range(5000)))
    assert len(problem.rows) == 1000
    with pytest.raises(ValueError):
        Problem("x", "bad", "no such severity")


def test_many_dropped_rows_keep_at_most_1000_row_numbers(tmp_path):
    rows = [(f"t{i}", "a" if i % 2 else "") for i in range(3000)] + [("x", "b")] * 10
    report = inspect_data(_write(tmp_path / "drops.csv", rows))
    problem = report.problem("rows_dropped_missing_label")
    assert report.dropped["missing_label"] == 1500
    assert len(problem.rows) == 1000 and problem.rows[:2] == (1, 3)
    assert problem.message.startswith("1,500 rows")


def test_bad_task_and_fractions(files):
    with pytest.raises(ConfigError):
        inspect_data(files["utf8.csv"], task="translate")
    with pytest.raises(ConfigError):
        load_dataset(files["utf8.csv"], val_fraction=0.6, test_fraction=0.5)


def test_fingerprint_is_the_sha256_of_the_bytes(files):
    import hashlib

    data = load_dataset(files["utf8.csv"])
    assert data.fingerprint == hashlib.sha256(files["utf8.csv"].read_bytes()).hexdigest()
    assert data.seed == 0 and data.task == "classify"
