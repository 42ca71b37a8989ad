"""How far the window tells a person to trust a model: calibrated confidence in Try it, and
plain words on the Evaluate tab about labels never predicted, imbalance and bits per character."""

from __future__ import annotations

import json
import re

import torch
from PySide6.QtCore import Qt

WAIT_MS = 90_000


def click_tab(qtbot, win, index: int) -> None:
    bar = win.tabs.tabBar()
    assert bar.isTabEnabled(index) and bar.isVisible()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert win.tabs.currentIndex() == index


def type_and_wait(qtbot, panel, text: str):
    panel.input.setFocus()
    with qtbot.waitSignal(panel.prediction_shown, timeout=WAIT_MS) as blocker:
        qtbot.keyClicks(panel.input, text)
    return blocker.args[0]


def test_try_it_says_sure_only_as_far_as_calibration_supports(
    window, qtbot, person, load_data, train_short, small_classify_csv, tmp_path
):
    load_data(window, small_classify_csv, "classify")
    result = train_short(window, seconds=3)
    model = result["model"]
    assert model.calibrated, "training fits the confidence calibration on validation texts"
    saved = json.loads((tmp_path / "workspace" / "models").glob("*/config.json").__next__().read_text())
    assert saved["calibration"]["temperature"] == model.temperature

    click_tab(qtbot, window, 3)
    panel = window.try_panel
    text = "a large wild cat with a striped coat"
    pred = type_and_wait(qtbot, panel, text)
    shown = panel.answer.text()
    # The number shown is the calibrated probability, and the word follows from it.
    expected = torch.softmax(model.predict_logits([text])[0] / model.temperature, 0).max().item()
    assert abs(pred.confidence - expected) < 1e-5
    assert f"{expected:.0%}" in shown
    word = "very sure" if expected >= 0.9 else "fairly sure" if expected >= 0.7 else "unsure" if expected >= 0.45 else "a guess"
    assert f"{word}: {expected:.0%}" in shown
    assert not re.search(r"\(\d+% sure\)", shown)  # the old, unchecked "(100% sure)"
    assert "never trained on" in panel.answer.toolTip()

    # A model saved before calibration existed: its score is shown as unchecked, never "sure".
    folder = tmp_path / "old-model"
    import shutil

    shutil.copytree(result["model_dir"], folder)
    config = json.loads((folder / "config.json").read_text())
    del config["calibration"]
    (folder / "config.json").write_text(json.dumps(config))
    person.will_choose_file(folder)  # typed into the real folder dialog
    with qtbot.waitSignal(window.model_ready, timeout=WAIT_MS):
        person.menu(window, "fileMenu", "action_open_model")
    click_tab(qtbot, window, 3)
    panel.input.clear()
    type_and_wait(qtbot, panel, text)
    shown = panel.answer.text()
    assert "not checked" in shown and "sure" not in shown


def _imbalanced_csv(path):
    """300 'animal' rows, 60 'food', 20 'rare' whose texts read exactly like animal texts: a
    short run cannot tell 'rare' apart, so it is never predicted; 300/20 is badly imbalanced."""
    import random

    rnd = random.Random(0)
    animals = ["cat", "dog", "horse", "wolf", "bear", "tiger", "lion", "fox", "deer", "owl"]
    foods = ["bread", "cheese", "apple", "soup", "rice", "cake", "honey", "pear", "bean", "milk"]
    rows = ["text,label"]
    for label, words, n in (("animal", animals, 300), ("food", foods, 60), ("rare", animals, 20)):
        rows += [f"{' '.join(rnd.choices(words, k=6))},{label}" for _ in range(n)]
    rnd.shuffle(rows[1:])
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_evaluate_says_when_a_label_is_never_predicted_and_labels_are_imbalanced(
    window, qtbot, load_data, train_short, tmp_path
):
    load_data(window, _imbalanced_csv(tmp_path / "imbalanced.csv"), "classify")
    result = train_short(window, seconds=3)
    m = result["metrics"]
    assert "rare" in m["never_predicted"] and m["imbalanced"]
    click_tab(qtbot, window, 2)
    notes = window.evaluate_panel.notes
    assert notes.isVisible()
    text = notes.text()
    assert "never answered 'rare'" in text
    assert "badly imbalanced" in text and "'animal'" in text and f"{m['majority_share']:.0%}" in text


def test_bits_per_char_reference_fits_chinese_text(window, qtbot, load_data, train_short, tmp_path):
    from pathlib import Path

    zh = (Path(__file__).parents[1] / "data" / "cjk" / "zh_hans.txt").read_text(encoding="utf-8")
    corpus = tmp_path / "zh.txt"
    corpus.write_text(zh * 30, encoding="utf-8")
    load_data(window, corpus, "generate")
    result = train_short(window, seconds=3)
    m = result["metrics"]
    assert m["script"] == "cjk" and m["frequency_bits_per_char"] > 0
    click_tab(qtbot, window, 2)
    head = window.evaluate_panel.headline.text()
    assert "English" not in head and "1.5" not in head
    assert f"{m['frequency_bits_per_char']:.2f}" in head and f"{m['bits_per_char']:.2f}" in head
    assert not window.evaluate_panel.notes.isVisible()
