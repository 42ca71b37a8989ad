"""Periodic checkpoints of a run (weights, optimizer moments, progress) for resume.

Everything is safetensors + JSON: a checkpoint can never run code when loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save

from tinystudio.i18n import tr

from ..errors import ModelFileError
from ..fileio import atomic_write_bytes, atomic_write_json
from .recovery import CHECKPOINT_VERSION


def save_checkpoint(
    folder: str | Path,
    module: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    state: dict,
    tokenizer_json: str,
    model_config: dict,
) -> None:
    """Write the checkpoint files; ``state.json`` is written last so a partial save is ignored."""
    folder = Path(folder)
    weights = {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}
    atomic_write_bytes(folder / "model.safetensors", save(weights))
    opt = optimizer.state_dict()
    tensors, scalars = {}, {}
    for pid, pstate in opt["state"].items():
        for name, value in pstate.items():
            if torch.is_tensor(value):
                tensors[f"{pid}.{name}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{pid}.{name}"] = value
    atomic_write_bytes(folder / "optimizer.safetensors", save(tensors) if tensors else save({}))
    atomic_write_bytes(folder / "tokenizer.json", tokenizer_json.encode("utf-8"))
    atomic_write_json(
        folder / "state.json",
        {
            "version": CHECKPOINT_VERSION,
            "model_config": model_config,
            "param_groups": opt["param_groups"],
            "optimizer_scalars": scalars,
            **state,
        },
    )


def read_checkpoint_state(folder: str | Path) -> dict | None:
    """The ``state.json`` of a complete checkpoint in ``folder``, or None if there is none."""
    path = Path(folder) / "state.json"
    if not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(
            tr("The saved checkpoint is damaged; start the training again."),
            details=str(exc),
            code="checkpoint_invalid",
        ) from exc
    if state.get("version") != CHECKPOINT_VERSION:
        raise ModelFileError(tr("The checkpoint was written by another TinyStudio version."))
    return state


def load_checkpoint_into(
    folder: str | Path, module: torch.nn.Module, optimizer: torch.optim.Optimizer, state: dict
) -> None:
    """Restore weights and optimizer moments saved by :func:`save_checkpoint`."""
    folder = Path(folder)
    try:
        weights = load_file(folder / "model.safetensors")
        module.load_state_dict(weights)
        moments = load_file(folder / "optimizer.safetensors")
    except Exception as exc:  # safetensors raises its own error types
        raise ModelFileError(
            tr("The saved checkpoint is damaged; start the training again."),
            details=str(exc),
            code="checkpoint_invalid",
        ) from exc
    per_param: dict[int, dict] = {}
    for key, value in moments.items():
        pid, name = key.split(".", 1)
        per_param.setdefault(int(pid), {})[name] = value
    for key, value in state.get("optimizer_scalars", {}).items():
        pid, name = key.split(".", 1)
        per_param.setdefault(int(pid), {})[name] = value
    optimizer.load_state_dict({"state": per_param, "param_groups": state["param_groups"]})

