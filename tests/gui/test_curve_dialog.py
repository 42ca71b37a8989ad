"""The learning-curve window: points arrive one by one, from scratch and pre-trained."""

from __future__ import annotations

import pytest

from tinystudio.gui.curve_dialog import parse_sizes

WAIT_MS = 180_000


def test_parse_sizes():
    assert parse_sizes("10, 20; all") == [10, 20, None]
    for bad in ("", "ten", "0", "-3"):
        with pytest.raises(ValueError):
            parse_sizes(bad)


def test_curve_dialog_draws_both_curves(window, qtbot, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    dialog = window.show_learning_curve()
    assert dialog is not None
    dialog.sizes.setText("3, 6")
    dialog.pretrain.setValue(5)
    dialog.epochs.setValue(2)
    dialog.augment["word_dropout"].setChecked(True)
    with qtbot.waitSignal(dialog.finished_curve, timeout=WAIT_MS) as blocker:
        dialog.run()
    result = blocker.args[0]
    assert [p["per_class"] for p in result["points"]] == [3, 6]
    assert result["augment"] == ["word_dropout"]
    assert dialog.table.rowCount() == 2
    xs, ys = dialog.pre_curve.getData()
    assert list(xs) == [p["n_labels"] for p in result["points"]]
    assert all(0 <= y <= 1 for y in ys)
    dialog.close()


def test_curve_needs_labelled_data(window, qtbot, load_data, small_corpus):
    load_data(window, small_corpus, "generate")
    assert window.show_learning_curve() is None
    assert "labels" in window.errors[-1][0]
