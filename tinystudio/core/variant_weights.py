"""How a compressed variant's weights are saved and loaded (safetensors + JSON, never pickle).

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

The int8 arithmetic that file format needs (per-row scales, PyTorch's dynamic-int8 layers) lives
here too, below both ``modelio`` (which saves and loads every model folder) and ``compress``
(which makes the variants): neither imports the other through this module.
"""

from __future__ import annotations

import platform
import warnings
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import nn

from tinystudio.i18n import tr

from .errors import CompressError, ModelFileError
from .inference import TrainedModel
from .models import ModelConfig, build_model
from .weights import read_weights

QMAX = 127


# -- the engine ---------------------------------------------------------------------------------
def pick_engine() -> str:
    """The int8 kernel library for this processor: qnnpack on ARM (Apple Silicon), x86 else."""
    engines = list(torch.backends.quantized.supported_engines)
    arm = platform.machine().lower() in ("arm64", "aarch64")
    order = ("qnnpack", "x86", "fbgemm") if arm else ("x86", "fbgemm", "qnnpack")
    for name in order:
        if name in engines:
            return name
    raise CompressError(
        tr("This copy of PyTorch has no 8-bit (int8) kernels for this processor, so an int8 model "
        "cannot run here. Use half precision (fp16), pruning or distillation instead, or export "
        "to ONNX int8, which runs with ONNX Runtime."),
        details=tr("supported quantized engines: {engines}").format(engines=engines or 'none'),
        code="no_int8_backend",
    )


def use_engine(name: str | None = None) -> str:
    name = name or pick_engine()
    if torch.backends.quantized.engine != name:
        torch.backends.quantized.engine = name
    return name


# -- int8 maths ---------------------------------------------------------------------------------
def quantize_rows(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-row int8: ``(q int8 (R, C), scale float32 (R,))`` with ``w ≈ q * scale``."""
    w = w.detach().float()
    flat = w.reshape(w.shape[0], -1)
    scale = flat.abs().amax(dim=1) / QMAX
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero (pruned) row
    q = torch.round(flat / scale[:, None]).clamp(-QMAX, QMAX).to(torch.int8)
    return q.reshape(w.shape), scale.float()


def dequantize_rows(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return (q.float().reshape(q.shape[0], -1) * scale[:, None]).reshape(q.shape)


def _qtensor(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    zero = torch.zeros(scale.shape[0], dtype=torch.long)
    return torch._make_per_channel_quantized_tensor(q, scale.double(), zero, 0)


def int8_linear(q: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor | None) -> nn.Module:
    """A dynamic-int8 Linear built from exactly these integers and scales."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    out_f, in_f = q.shape
    mod = DynamicLinear(in_f, out_f, bias_=bias is not None, dtype=torch.qint8)
    mod.set_weight_bias(_qtensor(q, scale), None if bias is None else bias.detach().float())
    return mod


def lstm_weight_names(lstm: nn.LSTM) -> list[tuple[str, str, str, str]]:
    """(weight_ih, weight_hh, bias_ih, bias_hh) names per layer and direction, in packing order."""
    out = []
    for layer in range(lstm.num_layers):
        for suffix in ([""] + (["_reverse"] if lstm.bidirectional else [])):
            out.append(
                (
                    f"weight_ih_l{layer}{suffix}",
                    f"weight_hh_l{layer}{suffix}",
                    f"bias_ih_l{layer}{suffix}",
                    f"bias_hh_l{layer}{suffix}",
                )
            )
    return out


def int8_lstm(lstm: nn.LSTM, qweights: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> nn.Module:
    """A dynamic-int8 LSTM with the same shape as ``lstm``, using the given int8 weights.

    ``qweights`` maps ``weight_ih_l0`` (etc.) to ``(q, scale)``; biases come from ``lstm``.
    """
    from torch.ao.nn.quantized.dynamic.modules.rnn import LSTM as DynamicLSTM
    from torch.ao.nn.quantized.dynamic.modules.rnn import PackedParameter

    mod = DynamicLSTM(
        lstm.input_size,
        lstm.hidden_size,
        lstm.num_layers,
        True,
        lstm.batch_first,
        lstm.dropout,
        lstm.bidirectional,
        torch.qint8,
    )
    packed = []
    for w_ih, w_hh, b_ih, b_hh in lstm_weight_names(lstm):
        bias_ih = getattr(lstm, b_ih).detach().float()
        bias_hh = getattr(lstm, b_hh).detach().float()
        p_ih = torch.ops.quantized.linear_prepack(_qtensor(*qweights[w_ih]), bias_ih)
        p_hh = torch.ops.quantized.linear_prepack(_qtensor(*qweights[w_hh]), bias_hh)
        cell = torch.ops.quantized.make_quantized_cell_params_dynamic(
            p_ih, p_hh, bias_ih, bias_hh, True
        )
        packed.append(PackedParameter(cell))
    mod._all_weight_values = nn.ModuleList(packed)
    return mod


# -- an int8 model from its stored integers ------------------------------------------------------
def build_int8_module(float_module: nn.Module, tensors: dict[str, torch.Tensor], plan: dict) -> nn.Module:
    """Turn a float model into the int8 model that ``tensors`` (from :func:`int8_tensors`) describe.

    ``float_module`` is changed in place and returned: embeddings get the 8-bit values widened
    to float32, Linear and LSTM layers are replaced by int8 ones built from the stored integers.
    """
    with quiet_deprecations():
        use_engine()
        dense = {}
        for name, t in tensors.items():
            if name.endswith("_scale"):
                continue
            if t.dtype == torch.int8:
                dense[name] = dequantize_rows(t, tensors[f"{name}_scale"])
            else:
                dense[name] = t.float()
        float_module.load_state_dict(dense)
        modules = dict(float_module.named_modules())
        for name in plan["linear"]:
            lin = modules[name]
            w = tensors[f"{name}.weight"]
            _replace(
                float_module,
                name,
                int8_linear(w, tensors[f"{name}.weight_scale"], lin.bias),
            )
        for name in plan["lstm"]:
            lstm = modules[name]
            qweights = {}
            for w_ih, w_hh, _, _ in lstm_weight_names(lstm):
                for w in (w_ih, w_hh):
                    qweights[w] = (tensors[f"{name}.{w}"], tensors[f"{name}.{w}_scale"])
            _replace(float_module, name, int8_lstm(lstm, qweights))
    return float_module.eval()


def int8_state(module: nn.Module, float_shapes: dict[str, torch.Size], plan: dict) -> dict:
    """The tensors to save for a live int8 model: exactly its integers and scales.

    ``float_shapes`` is the state dict layout of the float model (names in save order).
    """
    mods = dict(module.named_modules())
    state = module.state_dict()
    lstm_weights = {name: mods[name].get_weight() for name in plan["lstm"]}
    lstm_biases = {name: mods[name].get_bias() for name in plan["lstm"]}
    out: dict[str, torch.Tensor] = {}
    for name in float_shapes:
        prefix, _, leaf = name.rpartition(".")
        if prefix in plan["linear"]:
            lin = mods[prefix]
            if leaf == "weight":
                qw = lin.weight()
                out[name] = qw.int_repr().contiguous()
                out[f"{name}_scale"] = qw.q_per_channel_scales().float().contiguous()
            else:
                out[name] = lin.bias().detach().float().contiguous()
        elif prefix in plan["lstm"]:
            if leaf.startswith("weight"):
                qw = lstm_weights[prefix][leaf]
                out[name] = qw.int_repr().contiguous()
                out[f"{name}_scale"] = qw.q_per_channel_scales().float().contiguous()
            else:
                out[name] = lstm_biases[prefix][leaf].detach().float().contiguous()
        elif prefix in plan["embedding"] and leaf == "weight":
            # Widened from 8 bits at load: quantizing again gives back the same integers.
            q, scale = quantize_rows(mods[prefix].weight)
            out[name], out[f"{name}_scale"] = q.contiguous(), scale.contiguous()
        else:
            out[name] = state[name].detach().float().contiguous()
    return out


def int8_layout(float_shapes: dict[str, torch.Size], plan: dict) -> dict[str, tuple[tuple, str]]:
    """Every tensor an int8 model folder must hold: name -> (shape, safetensors dtype)."""
    quantized = {f"{m}.weight" for m in plan["linear"] + plan["embedding"]}
    for m in plan["lstm"]:
        quantized |= {n for n in float_shapes if n.startswith(f"{m}.weight_")}
    layout: dict[str, tuple[tuple, str]] = {}
    for name, shape in float_shapes.items():
        if name in quantized:
            layout[name] = (tuple(shape), "I8")
            layout[f"{name}_scale"] = ((shape[0],), "F32")
        else:
            layout[name] = (tuple(shape), "F32")
    return layout


def _replace(root: nn.Module, dotted: str, new: nn.Module) -> None:
    parent_name, _, child = dotted.rpartition(".")
    parent = root.get_submodule(parent_name) if parent_name else root
    setattr(parent, child, new)


# -- saving and loading variants -----------------------------------------------------------------
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


@contextmanager
def quiet_deprecations():
    """``torch.ao.quantization`` still works but warns on every call that it is deprecated.

    We use it on purpose (see ``quantize.py``); the warning would only confuse a user.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        yield
