"""How compressed variants sit in an ordinary model folder (safetensors + JSON, never pickle).

``config.json``'s ``variant`` section says what was done:

* ``steps``: the compression steps in order, e.g. ``[{"method": "prune", "sparsity": 0.5},
  {"method": "int8", "engine": "x86"}]``;
* ``storage``: ``"float32"`` (absent), ``"float16"``, ``"bfloat16"`` or ``"int8"``;
* ``compute_dtype``: what the loaded model computes in (``"float32"`` for a 16-bit file on a
  processor without fast 16-bit arithmetic);
* ``quantization`` (int8): which Linear / LSTM / Embedding modules hold 8-bit weights.

An int8 ``model.safetensors`` holds, for each quantized weight ``W``, ``W`` as int8 and
``W_scale`` (float32, one per row); everything else in float32. Loading checks every name,
shape and dtype against what the config describes, then rebuilds the int8 layers from the
stored integers (no re-quantization, so the model equals the one that was measured).
"""

from __future__ import annotations

from pathlib import Path

import torch

from tinystudio.i18n import tr

from ..errors import ModelFileError
from ..inference import TrainedModel
from ..modelio import read_weights
from ..models import ModelConfig, build_model
from .quantize import build_int8_module, int8_layout, int8_state

_PLAN_KEYS = ("linear", "lstm", "embedding")


def weights_for_saving(trained: TrainedModel) -> dict[str, torch.Tensor]:
    """The tensors ``save_model`` writes for ``trained``, whatever its variant."""
    variant = trained.variant or {}
    storage = variant.get("storage", "float32")
    if storage == "int8":
        shapes = {k: v.shape for k, v in build_model(trained.config).state_dict().items()}
        return int8_state(trained.module, shapes, _plan(variant))
    weights = {k: v.detach().cpu().contiguous() for k, v in trained.module.state_dict().items()}
    if storage in ("float16", "bfloat16"):
        dtype = getattr(torch, storage)
        weights = {k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}
    return weights


def is_int8(variant: dict | None) -> bool:
    return (variant or {}).get("storage") == "int8"


def load_int8_module(cfg: ModelConfig, weights_path: Path, variant: dict) -> torch.nn.Module:
    """Read and validate an int8 ``model.safetensors``; return the runnable int8 module (CPU)."""

    plan = _plan(variant)
    module = build_model(cfg)
    shapes = {k: v.shape for k, v in module.state_dict().items()}
    known = {name for name, _ in module.named_modules()}
    if any(name not in known for names in plan.values() for name in names):
        raise ModelFileError(
            tr("The model's int8 description names layers this model does not have."),
            code="bad_config",
        )
    tensors = read_weights(weights_path, int8_layout(shapes, plan), tr("int8 weights"))
    for name, t in tensors.items():
        if name.endswith("_scale") and not bool(torch.isfinite(t).all() and (t > 0).all()):
            raise ModelFileError(
                tr("The int8 scales '{name}' are damaged (not positive numbers).").format(name=name), code="bad_weights"
            )
    try:
        return build_int8_module(module, tensors, plan)
    except RuntimeError as exc:
        raise ModelFileError(
            tr("This computer's PyTorch cannot run the int8 model (no int8 kernels). Open the "
            "original model, or its ONNX export, instead."),
            details=str(exc),
            code="no_int8_backend",
        ) from exc


def _plan(variant: dict) -> dict[str, list[str]]:
    quant = variant.get("quantization")
    if not isinstance(quant, dict):
        raise ModelFileError(tr("The int8 model has no valid 'quantization' section."), code="bad_config")
    plan = {}
    for key in _PLAN_KEYS:
        names = quant.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ModelFileError(tr("The int8 model's 'quantization' section is damaged."), code="bad_config")
        plan[key] = names
    return plan
