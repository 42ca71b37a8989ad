"""8-bit and 16-bit variants of a trained model.

int8
    Every ``nn.Linear`` and ``nn.LSTM`` weight becomes 8-bit integers with one scale per output
    row (symmetric: ``w ≈ q * scale``, q in -127..127), and runs on PyTorch's dynamic-int8
    kernels (activations are quantized on the fly). Embedding tables are stored in 8 bits the
    same way and widened back to float32 when loaded: a table lookup costs nothing, so only the
    file shrinks. We quantize ourselves and build the int8 modules from exactly those integers,
    so the model in memory and the model re-loaded from its folder are bit-identical.

    Why ``torch.ao.nn.quantized.dynamic``, which warns that it is deprecated: its successor
    ``torchao`` (0.18, checked on this torch 2.13 CPU build) runs dynamic int8 matmuls 20× *slower*
    than float32 without ``torch.compile``, and its weight-only int8 gives no speed-up. The
    deprecated kernels (fbgemm/x86, qnnpack) are the ones that are really faster on a CPU today.
    For devices, ``export.py`` writes an ONNX int8 model with ONNX Runtime instead.

fp16 / bf16
    Weights stored in 16 bits (half the file). Most CPUs compute in 16 bits *slower* than in 32
    (measured here: 2× slower on AVX2), so unless the processor has native bf16 arithmetic the
    weights are widened to float32 when loaded; ``variant["compute_dtype"]`` says which.
"""

from __future__ import annotations

import torch
from torch import nn

from tinystudio.i18n import tr

from ..inference import TrainedModel
from ..variant_weights import (
    build_int8_module,
    lstm_weight_names,
    pick_engine,
    quantize_rows,
)
from .common import CompressError, copy_model


# -- the engine ---------------------------------------------------------------------------------
def bf16_compute_supported() -> bool:
    """True when the processor does bf16 arithmetic natively (AVX512-BF16 / AMX, Apple M2+)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


# -- whole models -------------------------------------------------------------------------------
def int8_plan(module: nn.Module) -> dict[str, list[str]]:
    """Which sub-modules an int8 variant quantizes, by kind (names as in ``named_modules``)."""
    plan: dict[str, list[str]] = {"linear": [], "lstm": [], "embedding": []}
    for name, mod in module.named_modules():
        if isinstance(mod, nn.Linear):
            plan["linear"].append(name)
        elif isinstance(mod, nn.LSTM):
            plan["lstm"].append(name)
        elif isinstance(mod, nn.Embedding):
            plan["embedding"].append(name)
    return plan


def int8_tensors(module: nn.Module, plan: dict[str, list[str]]) -> dict[str, torch.Tensor]:
    """The int8 integers and scales of a float model, as flat safetensors-ready tensors.

    Quantized weights are stored under their own name (int8) plus ``<name>_scale`` (float32);
    every other tensor stays as it is.
    """
    state = {k: v.detach().float().contiguous() for k, v in module.state_dict().items()}
    weight_names = [f"{m}.weight" for m in plan["linear"] + plan["embedding"]]
    lstms = dict(module.named_modules())
    for m in plan["lstm"]:
        for w_ih, w_hh, _, _ in lstm_weight_names(lstms[m]):
            weight_names += [f"{m}.{w_ih}", f"{m}.{w_hh}"]
    for name in weight_names:
        q, scale = quantize_rows(state[name])
        state[name] = q.contiguous()
        state[f"{name}_scale"] = scale.contiguous()
    return state


def quantize_int8(trained: TrainedModel) -> TrainedModel:
    """An int8 copy of ``trained`` (float32 weights in, dynamic-int8 model out; CPU only)."""
    if trained.variant.get("storage") == "int8":
        raise CompressError(tr("This model is already quantized to int8."), code="already_int8")
    engine = pick_engine()
    src = trained.module.float().cpu().eval()
    plan = int8_plan(src)
    tensors = int8_tensors(src, plan)
    new = copy_model(trained, step={"method": "int8", "engine": engine})
    new.module = build_int8_module(new.module.float().cpu(), tensors, plan)
    new.variant.update(
        storage="int8",
        compute_dtype="int8",
        quantization={
            "scheme": "symmetric per-row int8 (q in -127..127, w = q * scale)",
            "engine": engine,
            **plan,
        },
    )
    return new


def to_half(trained: TrainedModel, dtype: str) -> TrainedModel:
    """A copy stored in ``"float16"`` or ``"bfloat16"``; computes in bf16 only where native."""
    if dtype not in ("float16", "bfloat16"):
        raise CompressError(tr("Unknown half precision {dtype!r}.").format(dtype=dtype))
    if trained.variant.get("storage") == "int8":
        raise CompressError(
            tr("An int8 model cannot be turned into half precision; apply fp16/bf16 to the "
            "original instead."),
            code="already_int8",
        )
    compute = "bfloat16" if dtype == "bfloat16" and bf16_compute_supported() else "float32"
    method = "fp16" if dtype == "float16" else "bf16"
    new = copy_model(trained, step={"method": method})
    torch_dtype = getattr(torch, dtype)
    # Round the weights to 16 bits now, so the model in memory equals the re-loaded one.
    new.module = new.module.to(torch_dtype)
    if compute == "float32":
        new.module = new.module.float()
    new.variant.update(storage=dtype, compute_dtype=compute)
    return new
