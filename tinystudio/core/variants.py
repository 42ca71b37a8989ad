"""Where a model's compressed variants live, what each is called, and which methods apply.

JSON only (no torch), so the window can list variants and grey out methods without loading a
model. A variant is an ordinary model folder kept inside its original's folder::

    MODEL/                      the original (config.json, model.safetensors, tokenizer.json)
    MODEL/variants/01-prune50   a variant: itself a complete model folder
    MODEL/variants/02-prune50-int8

Keeping them beside the original (not in a temporary folder) means they survive a restart, and
every compression run adds folders instead of replacing the earlier ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tinystudio.i18n import tr

VARIANTS_DIR = "variants"
_NUMBERED = re.compile(r"^(\d+)-")


def variants_dir(model_dir: str | Path) -> Path:
    """The folder that holds ``model_dir``'s variants (not created here)."""
    return Path(model_dir) / VARIANTS_DIR


def next_folder(out_dir: str | Path, slug: str) -> Path:
    """``out_dir/NN-slug`` numbered after every folder already there (earlier runs are kept)."""
    out_dir = Path(out_dir)
    taken = [int(m.group(1)) for p in _children(out_dir) if (m := _NUMBERED.match(p.name))]
    return out_dir / f"{max(taken, default=0) + 1:02d}-{slug}"


@dataclass(frozen=True)
class VariantInfo:
    """One variant found on disk."""

    name: str  # "prune 50% → int8"
    folder: str
    storage: str  # "float32", "float16", "bfloat16" or "int8"


def list_variants(model_dir: str | Path) -> list[VariantInfo]:
    """The complete variants saved in ``model_dir/variants``, oldest first.

    A folder without a readable ``config.json`` (a run stopped while saving) is left out, and so
    are variants of an earlier model trained into the same folder (a project's model retrained).
    """
    found = []
    saved_at = read_config(model_dir).get("saved_at")
    for folder in sorted(_children(variants_dir(model_dir)), key=_order):
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            variant = config.get("variant") or {}
            if not isinstance(variant, dict):
                continue
            made_from = variant.get("parent_saved_at")
            if made_from and saved_at and made_from != saved_at:
                continue  # made from the model that was in this folder before
        except (OSError, ValueError, AttributeError):
            continue
        found.append(VariantInfo(describe_steps(variant), str(folder), variant.get("storage") or "float32"))
    return found


def describe_steps(variant: dict | None) -> str:
    """A short human name for a variant: ``"prune 50% → int8"``; ``"original"`` for none."""
    steps = (variant or {}).get("steps") or []
    if not steps:
        return tr("original")
    return " → ".join(step_label(s) for s in steps)


def step_label(step: dict) -> str:
    method = step.get("method", "?")
    if method == "prune":
        return tr("prune {percent}%").format(percent=round(100 * step.get("sparsity", 0)))
    if method == "prune-units":
        return tr("prune units {percent}%").format(percent=round(100 * step.get("fraction", 0)))
    if method == "distill":
        return tr("distil → {preset}").format(preset=step.get("preset", "?"))
    return method


def method_availability(config: dict) -> dict[str, str]:
    """For each compression method, why it does not apply to this model ("" when it does).

    ``config`` is the model's ``config.json``. The reasons are plain sentences for the window.
    """
    kind = (config.get("architecture") or {}).get("kind", "")
    variant = config.get("variant") or {}
    names = {"fasttext": "fastText", "transformer": "Transformer", "lstm": "LSTM"}
    this = tr("this is a {kind} model").format(kind=names.get(kind, kind))
    if variant.get("storage") == "int8":
        off = (tr("This model is already an 8-bit (int8) variant: open the original model "
               "to make other variants from it."))
        return dict.fromkeys(("prune", "prune-units", "distill", "fp16", "bf16", "int8"), off)
    why = dict.fromkeys(("prune", "prune-units", "distill", "fp16", "bf16", "int8"), "")
    if kind == "fasttext":
        why["prune"] = (
            tr("Not for fastText models: all their weights are in the word table and the output "
            "layer, which pruning leaves alone (it would change nothing). Try int8 or distilling.")
        )
    if kind != "transformer":
        why["prune-units"] = tr("Only Transformer models have hidden units to remove ({this}).").format(this=this)
    return why


def format_availability(config: dict) -> dict[str, str]:
    """For each export format, why it does not apply to this model ("" when it does)."""
    why = dict.fromkeys(("safetensors", "safetensors-fp16", "onnx", "onnx-int8"), "")
    if (config.get("variant") or {}).get("storage") == "int8":
        off = (tr("Not for an 8-bit (int8) variant: its 8-bit layers are PyTorch's own, which other "
               "programs cannot read. Choose the model it was made from and 'ONNX, 8-bit' instead."))
        why.update({"safetensors-fp16": off, "onnx": off, "onnx-int8": off})
    return why


def read_config(model_dir: str | Path) -> dict:
    """``config.json`` of a model folder as a dict ({} when missing or unreadable; not validated)."""
    try:
        config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def _children(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def _order(folder: Path) -> tuple[int, str]:
    m = _NUMBERED.match(folder.name)
    return (int(m.group(1)) if m else 10**9, folder.name)
