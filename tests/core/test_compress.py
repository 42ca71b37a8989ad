"""The compression lab on small trained models: each method, the variant folders, measurement."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file, save_file

from tinystudio.core.compress import CompressError, parse_method, run_lab
from tinystudio.core.compress.distill import distill
from tinystudio.core.compress.prune import magnitude_prune, prunable_weights, prune_units
from tinystudio.core.compress.quantize import quantize_int8, to_half
from tinystudio.core.errors import ConfigError, ModelFileError
from tinystudio.core.inference import TrainedModel
from tinystudio.core.modelio import load_model, save_model
from tinystudio.core.models import build_model, preset_config
from tinystudio.core.training.events import EvalEvent, StepEvent

try:
    from tests.core.test_compress_fixtures import lstm_classify, tf_classify, tf_generate  # noqa: F401
except ImportError:  # pytest imported the test modules without the "tests" package on sys.path
    from test_compress_fixtures import lstm_classify, tf_classify, tf_generate  # noqa: F401

TEXTS = ["a small furry animal that lives in trees", "a sweet food made from flour", "a tool"] * 4


def test_core_does_not_import_qt():
    code = (
        "import sys, tinystudio.core.compress, tinystudio.core.export; "
        "sys.exit('PySide6' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_int8_folder_roundtrip_is_exact_and_small(tf_classify, tmp_path):
    model = load_model(tf_classify[0])
    q = quantize_int8(model)
    save_model(q, tmp_path / "q")
    back = load_model(tmp_path / "q")
    assert back.variant["storage"] == "int8"
    # The re-loaded model is the very model that was measured: same integers, same answers.
    assert torch.equal(q.predict_proba(TEXTS), back.predict_proba(TEXTS))
    agree = (model.predict_proba(TEXTS).argmax(1) == back.predict_proba(TEXTS).argmax(1)).float().mean()
    assert agree >= 0.9
    w_fp32 = (tf_classify[0] / "model.safetensors").stat().st_size
    w_int8 = (tmp_path / "q" / "model.safetensors").stat().st_size
    assert w_int8 < 0.4 * w_fp32
    tensors = load_file(tmp_path / "q" / "model.safetensors")
    assert tensors["blocks.0.mlp.0.weight"].dtype == torch.int8
    assert tensors["blocks.0.mlp.0.weight_scale"].dtype == torch.float32


def test_int8_load_refuses_tampered_weights(tf_classify, tmp_path):
    save_model(quantize_int8(load_model(tf_classify[0])), tmp_path / "q")
    path = tmp_path / "q" / "model.safetensors"
    tensors = load_file(path)
    tensors["blocks.0.mlp.0.weight"] = tensors["blocks.0.mlp.0.weight"].float()  # wrong dtype
    save_file(tensors, path)
    with pytest.raises(ModelFileError, match="int8"):
        load_model(tmp_path / "q")
    del tensors["blocks.0.mlp.0.weight"]
    save_file(tensors, path)
    with pytest.raises(ModelFileError, match="missing"):
        load_model(tmp_path / "q")


@pytest.mark.parametrize(("kind", "task"), [("lstm", "classify"), ("lstm", "generate"), ("fasttext", "classify")])
def test_int8_other_model_kinds_roundtrip(kind, task, tf_classify, tmp_path):
    tok = load_model(tf_classify[0]).tokenizer
    cfg = preset_config(task, kind, "tiny", vocab_size=tok.vocab_size, n_classes=3 if task == "classify" else 0)
    torch.manual_seed(0)
    module = build_model(cfg).eval()
    trained = TrainedModel(config=cfg, tokenizer=tok, module=module, label_names=["a", "b", "c"][: cfg.n_classes])
    q = quantize_int8(trained)
    save_model(q, tmp_path / "m")
    back = load_model(tmp_path / "m")
    ids = torch.tensor([tok.encode(TEXTS[0])])
    with torch.no_grad():
        assert torch.equal(q.module(ids), back.module(ids))
        assert torch.allclose(trained.module(ids), back.module(ids), atol=0.2)


def test_fp16_halves_the_file_and_keeps_answers(tf_classify, tmp_path):
    model = load_model(tf_classify[0])
    save_model(to_half(model, "float16"), tmp_path / "h")
    back = load_model(tmp_path / "h")
    size = (tmp_path / "h" / "model.safetensors").stat().st_size
    assert size < 0.55 * (tf_classify[0] / "model.safetensors").stat().st_size
    assert back.variant["storage"] == "float16"
    assert torch.allclose(back.predict_proba(TEXTS), model.predict_proba(TEXTS), atol=1e-2)


def test_magnitude_pruning_reaches_the_sparsity(tf_classify, tmp_path):
    model = load_model(tf_classify[0])
    pruned, masks = magnitude_prune(model, 0.5)
    weights = prunable_weights(pruned.module)
    total = sum(w.numel() for w in weights.values())
    zeros = sum(int((w == 0).sum()) for w in weights.values())
    assert zeros / total == pytest.approx(0.5, abs=0.01)
    assert set(masks) == set(weights)
    # The original is untouched.
    assert all(int((w == 0).sum()) == 0 for w in prunable_weights(model.module).values())
    save_model(pruned, tmp_path / "p")
    assert load_model(tmp_path / "p").variant["steps"][0] == {"method": "prune", "sparsity": 0.5}


def test_fine_tune_after_pruning_keeps_the_zeros(tf_classify):
    from tinystudio.core.compress import Step
    from tinystudio.core.compress.lab import apply_step

    model_dir, data = tf_classify
    events = []
    tuned = apply_step(load_model(model_dir), Step("prune", amount=0.5, finetune_seconds=1.0), data,
                       on_event=events.append)
    weights = prunable_weights(tuned.module)
    zeros = sum(int((w == 0).sum()) for w in weights.values())
    assert zeros / sum(w.numel() for w in weights.values()) >= 0.5 - 0.01
    assert tuned.variant["steps"][-1]["finetune_seconds"] == 1.0
    assert any(isinstance(e, StepEvent) for e in events)


def test_unit_pruning_really_shrinks_the_matrices(tf_classify, tmp_path):
    model = load_model(tf_classify[0])
    small = prune_units(model, 0.5)
    assert small.config.d_ff == model.config.d_ff // 2
    assert small.module.blocks[0].mlp[0].weight.shape == (model.config.d_ff // 2, model.config.d_model)
    save_model(small, tmp_path / "u")
    back = load_model(tmp_path / "u")
    assert back.config.d_ff == model.config.d_ff // 2
    assert torch.allclose(back.predict_proba(TEXTS), small.predict_proba(TEXTS))


def test_unit_pruning_explains_other_kinds(lstm_classify):
    with pytest.raises(CompressError, match="transformer"):
        prune_units(load_model(lstm_classify[0]), 0.5)


def test_distillation_trains_a_student_with_live_events(tf_classify, tmp_path):
    model_dir, data = tf_classify
    teacher = load_model(model_dir)
    events = []
    student = distill(teacher, data, "tiny", kind="fasttext", max_time=2, on_event=events.append)
    assert student.config.kind == "fasttext"
    assert any(isinstance(e, StepEvent) for e in events)
    assert any(isinstance(e, EvalEvent) for e in events)
    save_model(student, tmp_path / "s")
    back = load_model(tmp_path / "s")
    assert back.variant["steps"][-1]["method"] == "distill"
    assert back.predict_proba(TEXTS).shape == (len(TEXTS), teacher.config.n_classes)


def test_parse_method():
    assert parse_method("prune:50%").amount == pytest.approx(0.5)
    assert parse_method("prune:0.3").amount == pytest.approx(0.3)
    assert parse_method("distill:tiny").preset == "tiny"
    assert parse_method("INT8").method == "int8"
    for bad in ("prune:abc", "prune:150%", "zip", "int8:2", "distill:huge"):
        with pytest.raises(ConfigError):
            parse_method(bad)


def test_lab_stacks_variants_and_measures_them(tf_classify, tmp_path):
    model_dir, data = tf_classify
    stages = []
    result = run_lab(
        model_dir, [parse_method("int8"), parse_method("prune:0.5")], tmp_path / "v", data=data,
        on_progress=stages.append, timing_rounds=1,
    )
    # Stacked in the order prune -> int8, each a model folder of its own.
    assert [v.name for v in result.variants] == ["prune 50%", "prune 50% → int8"]
    for v in result.variants:
        assert load_model(v.folder).variant["steps"]
        assert load_model(v.folder).calibrated  # refitted for each variant on the validation texts
    base, pruned, q = result.original, *result.variants
    assert stages[-1].fraction == 1.0
    assert base.params == pruned.params == q.params
    assert pruned.nonzero_params < 0.8 * base.nonzero_params
    assert pruned.size_bytes == base.size_bytes  # zeros are still stored...
    assert pruned.compressed_bytes < base.compressed_bytes  # ...but compress well
    assert q.size_bytes < 0.4 * base.size_bytes
    assert base.embedding_bytes + base.other_bytes == base.size_bytes
    for m in (base, pruned, q):
        assert m.latency_ms_p50 > 0 and m.latency_ms_p95 >= m.latency_ms_p50
        assert m.throughput > 0
        assert 0.0 <= m.quality["accuracy"] <= 1.0 and 0.0 <= m.quality["macro_f1"] <= 1.0
    assert 0.0 <= q.agreement <= 1.0
    assert len(q.flips) == min(q.n_flips, 50)
    for flip in q.flips:
        assert flip["original"] != flip["variant"]
    assert any("zeros" in note for note in pruned.notes)


def test_lab_on_a_language_model(tf_generate, tmp_path):
    model_dir, data = tf_generate
    result = run_lab(model_dir, [parse_method("fp16")], tmp_path / "v", data=data, stack=False, timing_rounds=1)
    base, half = result.original, result.variants[0]
    assert base.throughput_unit == "tokens/s"
    assert half.quality["bits_per_char"] == pytest.approx(base.quality["bits_per_char"], abs=0.02)
    assert half.size_bytes < 0.55 * base.size_bytes
    assert any("16 bits" in note for note in half.notes)


def test_cli_compress_json(tf_classify, tmp_path, capsys):
    from tinystudio.cli import main

    model_dir, data = tf_classify
    code = main(["compress", str(model_dir), "--method", "int8", "--data", data.path,
                 "--out", str(tmp_path / "v"), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    for side in ("original", "variant"):
        for key in ("size_bytes", "params", "nonzero_params", "latency_ms_p50", "latency_ms_p95",
                    "throughput", "accuracy", "macro_f1"):
            assert key in out[side], key
        assert 0.0 <= out[side]["accuracy"] <= 1.0
    assert out["variant"]["size_bytes"] < out["original"]["size_bytes"]


def test_cli_compress_refuses_unknown_method(tf_classify, tmp_path, capsys):
    from tinystudio.cli import main

    assert main(["compress", str(tf_classify[0]), "--method", "zip", "--out", str(tmp_path / "v")]) == 2
    assert "Unknown compression method" in capsys.readouterr().err
