"""Facts the Evaluate tab turns into plain words: labels never predicted, imbalance, scripts."""

import math

import pytest

from tinystudio.core.evaluate import character_baseline, classification_metrics, script_of


def test_never_predicted_and_imbalance():
    y_true = [0] * 50 + [1] * 8 + [2] * 2
    y_pred = [0] * 50 + [0] * 3 + [1] * 5 + [0, 0]
    m = classification_metrics(y_true, y_pred, ["a", "b", "c"])
    assert m["never_predicted"] == ["c"]
    assert m["majority_label"] == "a" and m["majority_share"] == pytest.approx(50 / 60)
    assert m["minority_label"] == "c" and m["imbalance_ratio"] == pytest.approx(25)
    assert m["imbalanced"]


def test_balanced_labels_all_predicted_say_nothing():
    m = classification_metrics([0, 1, 2, 0, 1, 2], [0, 1, 2, 1, 1, 2], ["a", "b", "c"])
    assert m["never_predicted"] == [] and not m["imbalanced"]
    absent = classification_metrics([0, 1, 0, 1], [0, 1, 0, 0], ["a", "b", "never-in-data"])
    assert absent["never_predicted"] == []  # a label absent from the data is not "never predicted"


def test_script_and_character_baseline():
    assert script_of(["Python（派森）语言是一种功能强大的语言"]) == "cjk"
    assert script_of(["In the beginning God created the heaven"]) == "latin"
    assert script_of(["Привет, как дела"]) == "other"
    b = character_baseline(["abab"])
    assert b["uniform_bits_per_char"] == pytest.approx(1.0) and b["frequency_bits_per_char"] == pytest.approx(1.0)
    b = character_baseline(["aaab"])
    assert b["frequency_bits_per_char"] == pytest.approx(-(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)))
