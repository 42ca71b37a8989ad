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

import platform

import torch
from torch import nn

from tinystudio.i18n import tr

from ..inference import TrainedModel
from .common import CompressError, copy_model, quiet_deprecations

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


def bf16_compute_supported() -> bool:
    """True when the processor does bf16 arithmetic natively (AVX512-BF16 / AMX, Apple M2+)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


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
