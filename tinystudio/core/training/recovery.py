"""Finding runs that a crash interrupted, without importing torch (the window uses this at start-up)."""

from __future__ import annotations

import json
from pathlib import Path

CHECKPOINT_VERSION = 1  # the version written by ``checkpoint.save_checkpoint``


def find_interrupted_runs(models_dir: str | Path) -> list[dict]:
    """Runs under ``models_dir`` that left a checkpoint but never saved their model.

    That is what a crash, a power cut or a killed process leaves behind (a run stopped by
    the user saves its best model, so it is not listed). Newest first; each entry holds the
    model ``folder``, the checkpoint's ``step`` and ``elapsed`` seconds, its ``train_config``
    and ``data`` (path and columns). Damaged checkpoints are skipped.
    """
    runs = []
    root = Path(models_dir)
    if not root.is_dir():
        return runs
    for state_path in root.glob("*/.checkpoint/state.json"):
        folder = state_path.parent.parent
        if (folder / "config.json").exists():
            continue  # the run finished (or was stopped) and saved its model
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged checkpoint: nothing to offer
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            continue
        if "train_config" not in state or not (state.get("data") or {}).get("path"):
            continue
        runs.append(
            {
                "folder": str(folder),
                "step": int(state.get("step", 0)),
                "elapsed": float(state.get("elapsed", 0.0)),
                "train_config": state["train_config"],
                "data": state["data"],
                "mtime": state_path.stat().st_mtime,
            }
        )
    runs.sort(key=lambda r: -r["mtime"])
    return runs


def set_aside(folder: str | Path) -> None:
    """The user does not want to resume: keep the checkpoint, but stop offering it."""
    ckpt = Path(folder) / ".checkpoint"
    if ckpt.is_dir():
        ckpt.rename(ckpt.with_name(".checkpoint-declined"))
