"""Exports: each format is written, re-loaded and checked against PyTorch on held-out inputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from tinystudio.core import export as export_mod
from tinystudio.core.compress.quantize import quantize_int8
from tinystudio.core.export import ExportError, export_model
from tinystudio.core.modelio import load_model, save_model

try:
    from tests.core.test_compress_fixtures import lstm_classify, tf_classify, tf_generate  # noqa: F401
except ImportError:  # pytest imported the test modules without the "tests" package on sys.path
    from test_compress_fixtures import lstm_classify, tf_classify, tf_generate  # noqa: F401


@pytest.mark.parametrize("fmt", ["safetensors", "safetensors-fp16", "onnx", "onnx-int8"])
def test_classifier_exports_are_verified(fmt, tf_classify, tmp_path):
    result = export_model(tf_classify[0], fmt, tmp_path / "out")
    assert result.verified
    assert result.n_checked == 100
    assert result.agreement >= (0.99 if fmt != "onnx" else 1.0)
    if result.tolerance is not None:
        assert result.max_abs_diff <= result.tolerance
    assert "USAGE.md" in result.files
    assert (tmp_path / "out" / ("model.onnx" if fmt.startswith("onnx") else "model.safetensors")).is_file()


@pytest.mark.parametrize("fmt", ["onnx", "onnx-int8"])
def test_language_model_onnx_exports(fmt, tf_generate, tmp_path):
    result = export_model(tf_generate[0], fmt, tmp_path / "out")
    assert result.verified and result.agreement >= result.min_agreement
    info = json.loads((tmp_path / "out" / "export.json").read_text())
    assert info["task"] == "generate" and info["inputs"] == ["ids"]


def test_onnx_int8_is_smaller(tf_classify, tmp_path):
    fp32 = export_model(tf_classify[0], "onnx", tmp_path / "a")
    int8 = export_model(tf_classify[0], "onnx-int8", tmp_path / "b")
    assert int8.size_bytes < 0.5 * fp32.size_bytes


@pytest.mark.parametrize("fmt", ["onnx", "onnx-int8"])
def test_lstm_classifier_onnx_handles_padding(fmt, lstm_classify, tmp_path):
    result = export_model(lstm_classify[0], fmt, tmp_path / "out")
    assert result.verified
    if fmt == "onnx":
        assert result.max_abs_diff <= 1e-4


def test_the_usage_snippet_runs(tf_classify, tmp_path):
    export_model(tf_classify[0], "onnx", tmp_path / "out")
    usage = (tmp_path / "out" / "USAGE.md").read_text()
    code = re.search(r"```python\n(.*?)```", usage, re.S).group(1)
    labels = load_model(tf_classify[0]).label_names
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "out", capture_output=True,
                         text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() in labels


def test_a_failed_check_leaves_nothing_behind(tf_classify, tmp_path, monkeypatch):
    def bad_verify(*args, **kwargs):
        return {"n_checked": 100, "max_abs_diff": 1.0, "tolerance": 1e-4, "agreement": 0.5,
                "min_agreement": 1.0, "verified": False}

    monkeypatch.setattr(export_mod, "verify", bad_verify)
    with pytest.raises(ExportError, match="not saved"):
        export_model(tf_classify[0], "onnx", tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_existing_folder_and_int8_variants(tf_classify, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep me")
    with pytest.raises(ExportError, match="already exists"):
        export_model(tf_classify[0], "onnx", tmp_path / "full")
    save_model(quantize_int8(load_model(tf_classify[0])), tmp_path / "q")
    with pytest.raises(ExportError, match="onnx-int8"):
        export_model(tmp_path / "q", "onnx", tmp_path / "q_out")


def test_cli_export_json(tf_classify, tmp_path, capsys):
    from tinystudio.cli import main

    code = main(["export", str(tf_classify[0]), "--format", "onnx-int8", "--out", str(tmp_path / "o"), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verified"] and out["format"] == "onnx-int8"
