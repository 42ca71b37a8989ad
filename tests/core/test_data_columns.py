"""Choosing the text and label columns, and the user's overrides."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tinystudio.core.data import detect_columns, inspect_data, load_dataset, preview
from tinystudio.core.errors import DataError

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"

_WORDS = ["dog", "cat", "oak", "rose", "car", "bus", "tea", "jam", "red", "blue"]
_CATEGORIES = ["animal", "plant", "vehicle", "food"]


def _realistic_rows(n: int = 300, seed: int = 0) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        words = " ".join(rnd.sample(_WORDS, rnd.randint(3, 8)))
        text = f"A longer description number {i} that mentions {words} and then some more words"
        rows.append([str(1000 + i), rnd.choice(_WORDS), text, rnd.choice(_CATEGORIES)])
    return rows


@pytest.fixture
def realistic(tmp_path) -> Path:
    path = tmp_path / "table.csv"
    lines = ["id,words,text,category"] + [",".join(r) for r in _realistic_rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_detect_picks_long_text_and_category():
    choice = detect_columns(["id", "words", "text", "category"], _realistic_rows(), "classify")
    assert (choice.text_column, choice.label_column) == ("text", "category")
    assert any(r.startswith("'text' has the longest texts (avg ") for r in choice.reasons)
    assert any("'category' has 4 different values repeated many times" in r for r in choice.reasons)


def test_detect_for_generate_has_no_label():
    choice = detect_columns(["id", "words", "text", "category"], _realistic_rows(), "generate")
    assert (choice.text_column, choice.label_column) == ("text", None)


def test_without_telling_names_the_rightmost_repeating_column_is_the_label():
    rows = [[r[0], r[2], r[1], r[3]] for r in _realistic_rows()]  # c3: 10 words, c4: 4 values
    choice = detect_columns(["c1", "c2", "c3", "c4"], rows, "classify")
    assert (choice.text_column, choice.label_column) == ("c2", "c4")


def test_links_are_not_taken_as_text():
    rows = [
        [
            f"https://example.com/articles/{i}/a-rather-long-slug-for-the-page",
            f"Title {i} here",
            "ab"[i % 2],
        ]
        for i in range(60)
    ]
    choice = detect_columns(["url", "title", "label"], rows, "classify")
    assert choice.text_column == "title"
    assert "'url' was not used as text because it holds links." in choice.reasons


def test_numeric_labels_are_fine():
    rows = [[f"some review text {i} with words", str(i % 2)] for i in range(90)]
    choice = detect_columns(["review", "sentiment"], rows, "classify")
    assert (choice.text_column, choice.label_column) == ("review", "sentiment")


def test_overrides_by_name_and_index(realistic):
    report = inspect_data(realistic, text_col="TEXT", label_col="Words")
    assert (report.choice.text_column, report.choice.label_column) == ("text", "words")
    assert "You chose 'words' as the label column." in report.choice.reasons
    assert len(report.class_counts) == 10
    report = inspect_data(realistic, text_col=2, label_col=3)
    assert (report.choice.text_column, report.choice.label_column) == ("text", "category")
    report = inspect_data(realistic, label_col="1")  # a digit string that is not a name
    assert report.choice.label_column == "words"


def test_unknown_column_lists_the_columns(realistic):
    with pytest.raises(DataError) as err:
        load_dataset(realistic, label_col="topic")
    assert err.value.code == "unknown_column"
    assert "There is no label column 'topic'" in err.value.message
    assert "'id', 'words', 'text', 'category'" in err.value.message
    with pytest.raises(DataError) as err:
        inspect_data(realistic, text_col=7)
    assert err.value.code == "unknown_column"


def test_same_column_twice_is_refused(realistic):
    with pytest.raises(DataError) as err:
        inspect_data(realistic, text_col="text", label_col=2)
    assert err.value.code == "same_column"


def test_file_sorted_by_label_still_finds_all_labels(tmp_path):
    # The first 3000 rows (more than the detection sample) all have the same label.
    path = tmp_path / "sorted.csv"
    rows = [f"great movie number {i},pos" for i in range(3000)]
    rows += [f"awful movie number {i},neg" for i in range(3000)]
    path.write_text("review,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = load_dataset(path)
    assert data.report.choice.label_column == "label"
    assert data.report.class_counts == {"neg": 3000, "pos": 3000}


def test_preview_gives_the_table(realistic):
    fmt, columns, rows = preview(realistic, n_rows=5)
    assert columns == ["id", "words", "text", "category"]
    assert len(rows) == 5 and rows[0][0] == "1000"
    assert fmt.describe() == "UTF-8 text, values separated by commas, first row is a header"


def test_duplicate_and_empty_header_names_are_made_unique(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        ",text,text\n" + "".join(f"{i},hello number {i},{'ab'[i % 2]}\n" for i in range(30))
    )
    report = inspect_data(path)
    assert report.columns == ["column 1", "text", "text (2)"]
    assert report.problem("renamed_columns").severity == "info"


@pytest.mark.skipif(not (SAMPLES / "wordnet_topics.csv").exists(), reason="sample not built yet")
def test_wordnet_sample_uses_gloss_and_category():
    data = load_dataset(SAMPLES / "wordnet_topics.csv")
    assert data.report.columns[:4] == ["synset_id", "words", "gloss", "category"]
    assert (data.report.choice.text_column, data.report.choice.label_column) == (
        "gloss",
        "category",
    )
    assert len(data.label_names) >= 2
    assert not data.report.fatal
