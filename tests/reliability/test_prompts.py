"""Prompts a user may type or paste: all handled by predict and generate, core and GUI."""

from __future__ import annotations

import pytest

from tinystudio.core.modelio import load_model

PROMPTS = {
    "empty": "",
    "spaces": "   \n\t ",
    "long_100k": "the cat sat on the mat " * 4_348,  # 100 000 characters
    "emoji": "😀🐈‍⬛👍🏽 🇫🇷",
    "right_to_left": "مرحبا بالعالم שלום עולם",
    "control_chars": "a\x00b\x1b[31mc\x07\x08\r\n\x7f",
    "unseen_chars": "中文字符 ΩΣΔ ЖЩ ∑∫√ ﬁ",
    "lone_surrogate_free_combining": "e\u0301\u0301\u0301 \u200b\u200d\ufeff",
}


@pytest.fixture(scope="module")
def classifier(model_folder):
    return load_model(model_folder)


@pytest.fixture(scope="module")
def generator(gen_folder):
    return load_model(gen_folder)


@pytest.mark.parametrize("name", PROMPTS)
def test_predict_handles_any_prompt(classifier, name):
    (pred,) = classifier.predict([PROMPTS[name]])
    assert pred.label in classifier.label_names
    assert abs(sum(pred.probabilities.values()) - 1.0) < 1e-4


@pytest.mark.parametrize("name", PROMPTS)
def test_generate_handles_any_prompt(generator, name):
    pieces = list(generator.generate(PROMPTS[name], max_tokens=20, seed=0))
    text = "".join(pieces)
    # It writes (about the 20 pieces asked for: one less only when the model ends the text),
    # whole characters only: no piece ends in half a character.
    assert 19 <= len(pieces) <= 20 and all(isinstance(p, str) and p for p in pieces), pieces
    assert text.strip() and "\ufffd" not in text


@pytest.mark.parametrize("name", ["emoji", "long_100k", "control_chars"])
def test_cli_predict_and_generate(run_cli, model_folder, gen_folder, name):
    code, obj, err = run_cli("predict", model_folder, PROMPTS[name].replace("\x00", ""), "--json")
    assert code == 0, err
    code, obj, err = run_cli("generate", gen_folder, "--prompt", PROMPTS[name].replace("\x00", ""),
                             "--max-tokens", "10", "--seed", "1", "--json")  # fmt: skip
    assert code == 0, err


def test_try_panel_with_a_weird_prompt(window, qtbot, person, model_folder, classifier):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    person.will_choose_file(model_folder)
    with qtbot.waitSignal(window.model_ready, timeout=90_000):
        person.menu(window, "fileMenu", "action_open_model")
    person.click_tab(window.tabs, 3)
    box = person.find(window, "tryInput")
    person.click(box)
    # Pasted (Ctrl+V), as such text arrives: control characters cannot be typed.
    QApplication.clipboard().setText(PROMPTS["emoji"] + PROMPTS["right_to_left"] + PROMPTS["control_chars"])
    with qtbot.waitSignal(window.try_panel.prediction_shown, timeout=90_000) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0].label in classifier.label_names
    assert blocker.args[0].label in person.find(window, "tryAnswer").text()
    assert not window.errors
