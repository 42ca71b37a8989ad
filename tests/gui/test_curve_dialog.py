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


def _open_curve_dialog(person, qtbot, win):
    """Train ▸ Learning curve…; returns the window that opens."""
    from tinystudio.gui.curve_dialog import CurveDialog

    person.menu(win, "trainMenu", "action_curve")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in win.findChildren(CurveDialog)), timeout=5_000)
    return next(d for d in win.findChildren(CurveDialog) if d.isVisible())


def test_curve_dialog_draws_both_curves(window, qtbot, person, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    dialog = _open_curve_dialog(person, qtbot, window)
    person.type_into(person.find(dialog, "curveSizes"), "3, 6")
    person.set_number(person.find(dialog, "curveReadingTime"), 5)
    person.set_number(person.find(dialog, "curvePasses"), 2)
    person.click(person.find(dialog, "augment_word_dropout"))
    with qtbot.waitSignal(dialog.finished_curve, timeout=WAIT_MS) as blocker:
        person.click(person.find(dialog, "runCurve"))
    result = blocker.args[0]
    assert [p["per_class"] for p in result["points"]] == [3, 6]
    assert result["augment"] == ["word_dropout"]
    assert person.find(dialog, "curveTable").rowCount() == 2
    xs, ys = dialog.pre_curve.getData()
    assert list(xs) == [p["n_labels"] for p in result["points"]]
    assert all(0 <= y <= 1 for y in ys)
    dialog.close()


def test_curve_needs_labelled_data(window, qtbot, person, load_data, small_corpus):
    load_data(window, small_corpus, "generate")
    person.menu(window, "trainMenu", "action_curve")
    title, message, _details = person.read_and_close_message()
    assert "labels" in message
