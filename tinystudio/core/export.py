"""Exports that run elsewhere: model folder (fp32 / fp16 safetensors), ONNX fp32, ONNX int8.

Every export is checked before it is handed over: it is loaded back (ONNX Runtime for ONNX) and
its answers on 100 held-out inputs are compared with the PyTorch model's. The tolerances:

* safetensors fp32: outputs equal (max difference ≤ 1e-6);
* safetensors fp16: ≥ 99% same top answer, probabilities within 0.01;
* ONNX fp32: logits within 1e-4;
* ONNX int8: ≥ 99% same label (classify) / ≥ 97% same next character or token (generate:
  a language model has many near-ties, so a tiny weight change flips some of them).

Files are written to a temporary folder beside the target and moved into place only when the
check passed, so a failed export leaves nothing half-made. A ``USAGE.md`` is written beside each
export: which program opens it without code first, then a short code snippet.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from tinystudio.i18n import tr, tr_noop

from .errors import TinyStudioError
from .inference import TrainedModel
from .modelio import load_model, save_model
from .training.batches import encode_for_classify, eval_batches, sequential_windows, token_stream

FORMATS = ("safetensors", "safetensors-fp16", "onnx", "onnx-int8")
N_CHECK = 100  # held-out inputs compared
OPSET = 17
TOLERANCE = {"safetensors": 1e-6, "safetensors-fp16": 1e-2, "onnx": 1e-4, "onnx-int8": None}
MIN_AGREEMENT = {"safetensors": 1.0, "safetensors-fp16": 0.99, "onnx": 1.0, "onnx-int8": 0.99}
MIN_AGREEMENT_GENERATE_INT8 = 0.97
INT8_VARIANT_FORMATS = tr_noop(
    "This variant keeps its 8-bit numbers in PyTorch's own layers, which other programs cannot "
    "read: export it as a TinyStudio model folder, or, for other programs, export the model it "
    "was made from with the format 'onnx-int8'."
)


class ExportError(TinyStudioError):
    """An export could not be made, or it did not give the same answers as the model."""


@dataclass
class ExportResult:
    format: str
    path: str  # the export folder
    files: list[str]
    size_bytes: int  # the model file (model.safetensors / model.onnx)
    n_checked: int
    max_abs_diff: float  # probabilities (classify) or logits (generate, ONNX)
    tolerance: float | None
    agreement: float  # share of identical top answers
    min_agreement: float
    verified: bool

    def to_dict(self) -> dict:
        return asdict(self)


def export_model(
    model_dir: str | Path,
    fmt: str,
    out: str | Path,
    *,
    texts: list[str] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """Export the model folder ``model_dir`` as ``fmt`` into the folder ``out``, then verify it.

    ``texts`` are the held-out inputs for the check (default: the test split of the model's
    training file, or sentences made from its vocabulary if that file is gone).
    """
    if fmt not in FORMATS:
        raise ExportError(tr("Unknown export format {fmt!r}: choose one of {choices}.").format(fmt=fmt, choices=', '.join(FORMATS)))
    say = on_progress or (lambda m: None)
    model = load_model(model_dir)
    if (model.variant or {}).get("storage") == "int8" and fmt != "safetensors":
        raise ExportError(tr(INT8_VARIANT_FORMATS), code="export_int8_variant")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(tr("'{out}' already exists and is not an empty folder; choose a new name.").format(out=out), code="exists")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        say(tr("Writing the export…"))
        if fmt.startswith("safetensors"):
            _write_safetensors(model, tmp, fp16=fmt.endswith("fp16"))
            model_file = tmp / "model.safetensors"
        else:
            _write_onnx(model, tmp, int8=fmt == "onnx-int8")
            model_file = tmp / "model.onnx"
        say(tr("Checking the export on {N_CHECK} held-out inputs…").format(N_CHECK=N_CHECK))
        check = verify(model, fmt, tmp, texts if texts is not None else _check_texts(model))
        if not check["verified"]:
            raise ExportError(
                tr("The {fmt} export does not give the same answers as the model (agreement {agreement:.1%}, largest difference {max_abs_diff:.2g}), so it was not saved.").format(fmt=fmt, agreement=check['agreement'], max_abs_diff=check['max_abs_diff']),
                details=json.dumps(check),
                code="export_mismatch",
            )
        (tmp / "USAGE.md").write_text(usage_text(fmt, model), encoding="utf-8")
        size = model_file.stat().st_size
        if out.exists():
            out.rmdir()
        tmp.replace(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportResult(
        format=fmt,
        path=str(out),
        files=sorted(p.name for p in out.iterdir()),
        size_bytes=size,
        **check,
    )


# -- writing ------------------------------------------------------------------------------------
def _write_safetensors(model: TrainedModel, folder: Path, *, fp16: bool) -> None:
    if fp16:
        from .compress.quantize import to_half

        model = to_half(model, "float16")
    save_model(model, folder)


def _write_onnx(model: TrainedModel, folder: Path, *, int8: bool) -> None:
    module = model.module.float().eval()
    ids = torch.tensor([[model.tokenizer.unk_id] * 8, [model.tokenizer.unk_id] * 8])
    fp32 = folder / ("model_fp32.onnx" if int8 else "model.onnx")
    if model.task == "classify":
        mask = torch.ones_like(ids, dtype=torch.bool)
        mask[1, 5:] = False  # a padded row, so the export handles padding
        args, names = (ids, mask), ["ids", "mask"]
        axes = {"ids": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}}
    else:
        args, names = (ids,), ["ids"]
        axes = {"ids": {0: "batch", 1: "tokens"}, "logits": {0: "batch", 1: "tokens"}}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The TorchScript exporter: ~0.2 s, handles the packed LSTM and dynamic lengths.
            # The newer dynamo exporter took 4-8 s here, failed on the packed LSTM and fixed
            # the sequence length of the LSTM language model.
            torch.onnx.export(
                module, args, str(fp32), input_names=names, output_names=["logits"],
                dynamic_axes=axes, opset_version=OPSET, dynamo=False,
            )
    except Exception as exc:  # noqa: BLE001 - any exporter failure is explained the same way
        raise ExportError(
            tr("This model could not be converted to ONNX."), details=f"{type(exc).__name__}: {exc}",
            code="onnx_failed",
        ) from exc
    if int8:
        _quantize_onnx(fp32, folder / "model.onnx")
        fp32.unlink()
    # The plain `tokenizers` file, without TinyStudio's extra key (which other readers refuse).
    plain = json.loads(model.tokenizer.to_json())
    plain.pop("tinystudio_kind", None)
    (folder / "tokenizer.json").write_text(json.dumps(plain, ensure_ascii=False), encoding="utf-8")
    info = {
        "format": "tinystudio-onnx",
        "format_version": 1,
        "task": model.task,
        "labels": list(model.label_names),
        "inputs": names,
        "max_len": model.config.max_len,
        "pad_id": model.tokenizer.pad_id,
        "weights": "int8 (ONNX Runtime dynamic quantization)" if int8 else "float32",
    }
    (folder / "export.json").write_text(json.dumps(info, indent=2), encoding="utf-8")


def _quantize_onnx(src: Path, dst: Path) -> None:
    """int8 ONNX: 8-bit word tables (ours, one scale per row) + ORT dynamic int8 matmuls.

    Measured on the tiny test classifier (100 held-out texts, same labels as PyTorch):
    ORT's defaults 100% but probabilities off by 0.05; per-channel weights without
    ``reduce_range`` 96% (8-bit products saturate in the AVX2 kernels); per-channel with
    ``reduce_range`` and ORT's own per-tensor word table 99%; with our per-row word table 100%.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(src))
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    new_nodes = []
    for node in graph.node:
        table = inits.get(node.input[0]) if node.op_type == "Gather" else None
        if table is None or len(table.dims) != 2 or table.data_type != onnx.TensorProto.FLOAT:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(table).astype(np.float32)
        scale = np.abs(w).max(axis=1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        name, out = table.name, node.output[0]
        graph.initializer.remove(table)
        graph.initializer.extend([
            numpy_helper.from_array(q, f"{name}_int8"),
            numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale"),
        ])
        axis = [a.i for a in node.attribute if a.name == "axis"] or [0]
        new_nodes += [
            helper.make_node("Gather", [f"{name}_int8", node.input[1]], [f"{out}_q"], axis=axis[0]),
            helper.make_node("Cast", [f"{out}_q"], [f"{out}_f"], to=onnx.TensorProto.FLOAT),
            helper.make_node("Gather", [f"{name}_scale", node.input[1]], [f"{out}_s"], axis=axis[0]),
            helper.make_node("Mul", [f"{out}_f", f"{out}_s"], [out]),
        ]
    del graph.node[:]
    graph.node.extend(new_nodes)
    tmp = dst.with_name("model_tables_int8.onnx")
    onnx.save(model, str(tmp))
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))
    quantize_dynamic(
        str(tmp), str(dst), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
        op_types_to_quantize=["MatMul", "Gemm"],
    )
    tmp.unlink()


# -- checking -----------------------------------------------------------------------------------
def _check_texts(model: TrainedModel) -> list[str]:
    from .compress.lab import dataset_for_model, evalset_for

    try:
        data = dataset_for_model(model)
        return evalset_for(model, data).texts
    except TinyStudioError:
        # The training file is gone: check on text made of the model's own vocabulary.
        g = torch.Generator().manual_seed(0)
        vocab = model.tokenizer.vocab_size
        return [
            model.tokenizer.decode(torch.randint(3, vocab, (12,), generator=g).tolist())
            for _ in range(N_CHECK)
        ]


def _inputs(model: TrainedModel, texts: list[str]):
    """Batches of (ids, mask or None) covering N_CHECK held-out inputs."""
    if model.task == "classify":
        seqs = encode_for_classify(model.tokenizer, texts[:N_CHECK], model.config.max_len)
        return [(ids, mask) for _, ids, mask in eval_batches(seqs, 25, model.tokenizer.pad_id)]
    stream = token_stream(model.tokenizer, texts)
    x, _ = sequential_windows(stream, model.config.max_len, N_CHECK)
    return [(x[i : i + 25], None) for i in range(0, len(x), 25)]


@torch.no_grad()
def verify(model: TrainedModel, fmt: str, folder: Path, texts: list[str]) -> dict:
    """Compare the export in ``folder`` with ``model`` on up to N_CHECK held-out inputs."""
    batches = _inputs(model, texts)
    ref_module = model.module.float().eval()
    if fmt.startswith("safetensors"):
        loaded = load_model(folder).module.eval()

        def run(ids, mask):
            return (loaded(ids) if mask is None else loaded(ids, mask)).float()
    else:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        session = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])

        def run(ids, mask):
            feeds = {"ids": ids.numpy()}
            if mask is not None:
                feeds["mask"] = mask.numpy()
            return torch.from_numpy(session.run(None, feeds)[0])

    max_diff, same, total = 0.0, 0, 0
    for ids, mask in batches:
        ref = (ref_module(ids) if mask is None else ref_module(ids, mask)).float()
        got = run(ids, mask)
        if model.task == "classify" or fmt.startswith("safetensors"):
            a, b = torch.softmax(ref, -1), torch.softmax(got, -1)
        else:
            a, b = ref, got
        if fmt == "onnx":
            a, b = ref, got  # raw logits, the strictest comparison
        max_diff = max(max_diff, float((a - b).abs().max()))
        same += int((ref.argmax(-1) == got.argmax(-1)).sum())
        total += ref.argmax(-1).numel()
    agreement = same / max(total, 1)
    tol = TOLERANCE[fmt]
    need = MIN_AGREEMENT[fmt]
    if fmt == "onnx-int8" and model.task == "generate":
        need = MIN_AGREEMENT_GENERATE_INT8
    ok = agreement >= need and (tol is None or max_diff <= tol)
    n = sum(b[0].shape[0] for b in batches)
    return {
        "n_checked": n,
        "max_abs_diff": max_diff,
        "tolerance": tol,
        "agreement": agreement,
        "min_agreement": need,
        "verified": ok,
    }


# -- the instructions ---------------------------------------------------------------------------
def usage_text(fmt: str, model: TrainedModel) -> str:
    """``USAGE.md``: what the files are, how to use them without code, then from code."""
    task = tr("sorts a text into one of its labels") if model.task == "classify" else tr("continues a text")
    if fmt.startswith("safetensors"):
        call = (
            'print(model.predict(["your text here"])[0].label)'
            if model.task == "classify"
            else 'print("".join(model.generate("Once upon", max_tokens=100)))'
        )
        command = ("predict FOLDER 'your text'" if model.task == "classify"
                   else "generate FOLDER --prompt 'Once upon'")
        intro = tr("""# A TinyStudio model ({fmt})

This folder holds a text model that {task}. `model.safetensors` holds its numbers,
`tokenizer.json` how it splits text into pieces, `config.json` its settings and labels.

## Without writing code

Open it in **TinyStudio**: *File ▸ Open model…* and choose this folder. The *Try it* tab
answers the texts you type; *Evaluate* scores it on a data file. TinyStudio is free; give this
whole folder (not just one file) to anyone who has it.

From a terminal: `tinystudio {command}`

## From code (Python)
""").format(fmt=fmt, task=task, command=command)
        return intro + f"""
```python
from tinystudio.core.modelio import load_model

model = load_model("path/to/this/folder")
{call}
```
"""
    labels = json.dumps(list(model.label_names))
    if model.task == "classify":
        body = f"""tok = Tokenizer.from_file("tokenizer.json")
session = ort.InferenceSession("model.onnx")
labels = {labels}

ids = np.array([tok.encode("your text here", add_special_tokens=False).ids[:{model.config.max_len}]], dtype=np.int64)
mask = np.ones_like(ids, dtype=bool)
logits = session.run(None, {{"ids": ids, "mask": mask}})[0]
print(labels[int(logits[0].argmax())])"""
    else:
        body = f"""tok = Tokenizer.from_file("tokenizer.json")
session = ort.InferenceSession("model.onnx")

ids = tok.encode("Once upon", add_special_tokens=False).ids
for _ in range(100):  # greedy: always the most likely next token
    x = np.array([ids[-{model.config.max_len}:]], dtype=np.int64)
    logits = session.run(None, {{"ids": x}})[0]
    ids.append(int(logits[0, -1].argmax()))
print(tok.decode(ids))"""
    intro = tr("""# A text model in the ONNX format ({fmt})

This folder holds a text model that {task}, in ONNX, an open format that many programs can
run. `model.onnx` is the model, `tokenizer.json` says how it splits text into pieces (tokens),
`export.json` lists its labels and inputs. This USAGE.md is plain text: any text editor opens it.

## Without writing code

* **Look inside**: Netron (free, https://netron.app, or the Netron app) opens `model.onnx` and
  draws its layers.
* **Use it**: an ONNX model runs inside another program that includes the free ONNX Runtime
  (https://onnxruntime.ai): apps on Windows, Mac, Linux, phones and web pages. Give this whole
  folder to the person building that program; the section below tells them what to do.
* **Just try it**: open the TinyStudio model this came from (*File ▸ Open model…*) and use the
  *Try it* tab: this file was checked to give the same answers.

## From code (Python)

Several texts at once: pad with id {pad_id} and set `mask` False on padding.
""").format(fmt=fmt, task=task, pad_id=model.tokenizer.pad_id)
    return intro + f"""
```python
# pip install onnxruntime tokenizers numpy
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

{body}
```
"""
