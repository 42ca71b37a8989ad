"""Compress and Export by clicks: every variant of the session is kept (in the model's own folder),
only the methods that apply are offered, and any variant can be exported, saying which."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton

from tinystudio.core.pipeline import train_on_file
from tinystudio.core.training.config import TrainConfig

try:
    from tests.core.test_compress_fixtures import tf_classify  # noqa: F401
except ImportError:  # pytest imported the test modules without the "tests" package on sys.path
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "core"))
    from test_compress_fixtures import tf_classify  # noqa: F401

WAIT_MS = 120_000


def _click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


@pytest.fixture
def model_copy(tf_classify, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(tf_classify[0], folder, ignore=shutil.ignore_patterns("variants"))
    return folder


@pytest.fixture(scope="session")
def fasttext_model(tmp_path_factory, small_classify_csv):
    out = tmp_path_factory.mktemp("ft") / "ft_model"
    config = TrainConfig(task="classify", model_kind="fasttext", preset="tiny", epochs=1, threads=1,
                         checkpoint_every=0, sample_every=0, patience=0)
    return out, train_on_file(small_classify_csv, config, out_dir=out).dataset


@pytest.fixture
def compress(qtbot, tf_classify, model_copy):
    from tinystudio.gui.compress_panel import CompressPanel

    panel = CompressPanel()
    qtbot.addWidget(panel)
    panel.set_model(str(model_copy), tf_classify[1])
    panel.show()
    qtbot.waitExposed(panel)
    yield panel
    qtbot.waitUntil(lambda: not panel.running, timeout=WAIT_MS)


def _run(qtbot, panel):
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS):
        _click(qtbot, panel.findChild(QPushButton, "compressRunButton"))


def test_running_again_keeps_the_earlier_variants_in_the_models_folder(qtbot, compress, model_copy):
    int8 = compress.findChild(QCheckBox, "compressInt8")
    assert int8.isChecked()
    _run(qtbot, compress)
    assert compress.table.rowCount() == 2
    _run(qtbot, compress)  # the same method again: both results stay, to compare
    assert compress.table.rowCount() == 3
    names = [compress.table.item(r, 0).text() for r in range(3)]
    assert names == ["original", "int8", "int8 (2)"]
    saved = sorted(p.name for p in (model_copy / "variants").iterdir())
    assert saved == ["01-int8", "02-int8"]  # beside the model, not in a temporary folder
    saved_at = json.loads((model_copy / "config.json").read_text())["saved_at"]
    for folder in saved:  # each knows which training of the original it was made from
        config = json.loads((model_copy / "variants" / folder / "config.json").read_text())
        assert config["variant"]["parent_saved_at"] == saved_at


def test_prune_is_offered_only_where_it_applies(qtbot, fasttext_model, tf_classify):
    from tinystudio.gui.compress_panel import CompressPanel

    panel = CompressPanel()
    qtbot.addWidget(panel)
    panel.set_model(str(fasttext_model[0]), fasttext_model[1])
    panel.show()
    qtbot.waitExposed(panel)
    prune = panel.findChild(QCheckBox, "compressPrune")
    units = panel.findChild(QCheckBox, "compressUnits")
    assert not prune.isEnabled() and not units.isEnabled()
    qtbot.mouseClick(prune, Qt.MouseButton.LeftButton)  # a person clicking the greyed box
    assert not prune.isChecked()
    why = panel.findChild(QLabel, "compressWhyOff")
    assert why.isVisible()
    assert "fastText" in why.text() and "fastText" in prune.toolTip()
    assert "Transformer" in units.toolTip()
    # A transformer model offers both again.
    panel.set_model(str(tf_classify[0]), tf_classify[1])
    assert prune.isEnabled() and units.isEnabled() and not why.isVisible()
    _click(qtbot, prune)
    assert prune.isChecked()


def test_export_lets_the_person_pick_a_variant_and_says_which(qtbot, model_copy, tf_classify, tmp_path):
    from tinystudio.core.compress.quantize import quantize_int8
    from tinystudio.core.modelio import load_model, save_model
    from tinystudio.gui.export_panel import ExportPanel

    # A variant made earlier (another session): it is on disk in the model's folder.
    save_model(quantize_int8(load_model(model_copy)), model_copy / "variants" / "01-int8")
    panel = ExportPanel()
    qtbot.addWidget(panel)
    panel.set_model(str(model_copy), tf_classify[1])
    panel.show()
    qtbot.waitExposed(panel)
    choice = panel.findChild(QComboBox, "exportModelChoice")
    assert [choice.itemText(i).split(" (")[0] for i in range(choice.count())] == [
        "The original model", "Variant: int8"]
    assert "The original model" in panel.findChild(QLabel, "exportWhat").text()
    choice.setFocus()
    qtbot.keyClick(choice, Qt.Key.Key_Down)  # the person picks the int8 variant
    what = panel.findChild(QLabel, "exportWhat").text()
    assert "Variant: int8" in what
    fmt = panel.findChild(QComboBox, "exportFormat")
    # Other programs cannot read PyTorch's int8 layers: only the model-folder format is on.
    assert fmt.currentData() == "safetensors"
    assert not fmt.model().item(fmt.findData("onnx")).isEnabled()
    assert panel.findChild(QLabel, "exportWhyOff").isVisible()
    out = panel.out_path.text()
    assert out.endswith("model-01-int8-export")
    panel.out_path.clear()
    qtbot.keyClicks(panel.out_path, str(tmp_path / "int8-export"))
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as done:
        _click(qtbot, panel.findChild(QPushButton, "exportButton"))
    result = done.args[0]
    config = json.loads((tmp_path / "int8-export" / "config.json").read_text())
    assert config["variant"]["storage"] == "int8"  # the variant, not the original
    assert result.verified
    status = panel.findChild(QLabel, "exportStatus").text()
    assert "Variant: int8" in status and "USAGE.md" in status
    assert "e-0" not in status  # "0.000001", not "1e-06"
    usage = (tmp_path / "int8-export" / "USAGE.md").read_text()
    assert usage.index("Without writing code") < usage.index("From code")
