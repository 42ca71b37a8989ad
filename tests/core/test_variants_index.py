"""Where variants live and what applies to a model: plain JSON, no torch (core/variants.py)."""

from __future__ import annotations

import json

from tinystudio.core.variants import (
    format_availability,
    list_variants,
    method_availability,
    next_folder,
    variants_dir,
)


def _model(folder, saved_at="2026-11-29T10:00:00", kind="transformer", variant=None):
    folder.mkdir(parents=True, exist_ok=True)
    config = {"architecture": {"kind": kind}, "saved_at": saved_at, "variant": variant}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_variants_are_numbered_after_those_already_there(tmp_path):
    out = variants_dir(tmp_path / "m")
    assert next_folder(out, "int8").name == "01-int8"
    (out / "01-int8").mkdir(parents=True)
    (out / "07-prune50").mkdir()
    assert next_folder(out, "int8").name == "08-int8"  # an earlier run's folders are kept


def test_listing_keeps_this_models_variants_oldest_first(tmp_path):
    model = _model(tmp_path / "m")
    out = variants_dir(model)
    steps = {"steps": [{"method": "prune", "sparsity": 0.5}, {"method": "int8"}], "storage": "int8",
             "parent_saved_at": "2026-11-29T10:00:00"}
    _model(out / "02-prune50-int8", variant=steps)
    _model(out / "01-fp16", variant={"steps": [{"method": "fp16"}], "storage": "float16"})
    (out / "03-int8").mkdir()  # a run stopped while saving: no config.json
    # Made from the model that was in this folder before it was retrained:
    _model(out / "04-int8", variant={"steps": [{"method": "int8"}], "storage": "int8",
                                     "parent_saved_at": "2026-11-28T09:00:00"})
    found = list_variants(model)
    assert [v.name for v in found] == ["fp16", "prune 50% → int8"]
    assert [v.storage for v in found] == ["float16", "int8"]


def test_only_what_applies_is_offered_with_a_reason():
    ft = method_availability({"architecture": {"kind": "fasttext"}})
    assert "fastText" in ft["prune"] and ft["prune-units"] and not ft["int8"] and not ft["distill"]
    tf = method_availability({"architecture": {"kind": "transformer"}})
    assert not any(tf.values())
    lstm = method_availability({"architecture": {"kind": "lstm"}})
    assert not lstm["prune"] and "Transformer" in lstm["prune-units"]
    int8 = {"architecture": {"kind": "transformer"}, "variant": {"storage": "int8"}}
    assert all(method_availability(int8).values())
    fmts = format_availability(int8)
    assert not fmts["safetensors"] and fmts["onnx"] and fmts["onnx-int8"]
    assert not any(format_availability({"architecture": {"kind": "lstm"}}).values())
