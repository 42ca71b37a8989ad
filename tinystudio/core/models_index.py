"""The models a person trained on one data file: found from the model folders themselves.

Every model folder's ``config.json`` records the data's fingerprint, the task, the settings,
the time it was saved and its test scores (see :mod:`.modelio`), so the list of "models
trained on this file" needs no separate index file that could go out of date: it is read
from the folders where models are kept (the app's workspace, a project's ``models/``).

No torch and no Qt here: only small JSON files are read, so the window can list models at
once. Loading a model for use is :func:`.modelio.load_model`'s job (on a worker thread).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_CONFIG_BYTES = 4 * 1024 * 1024  # as modelio: a larger config.json is not genuine


@dataclass(frozen=True)
class ModelEntry:
    """One trained model, as the model list shows it."""

    folder: str
    task: str
    fingerprint: str | None
    saved_at: str  # ISO time written by modelio ("2026-11-29T23:45:12+0000")
    kind: str = ""  # fasttext | transformer | lstm
    preset: str = ""  # tiny | small | base
    settings: dict = field(default_factory=dict)  # the training settings that differ between runs
    scores: dict = field(default_factory=dict)  # accuracy, macro_f1 (classify) / bits_per_char
    variant: bool = False  # a compressed variant (listed by the Compress tab, not here)

    @property
    def score(self) -> float | None:
        """The headline score: accuracy (higher is better) or bits per character (lower)."""
        key = "accuracy" if self.task == "classify" else "bits_per_char"
        value = self.scores.get(key)
        return float(value) if isinstance(value, (int, float)) else None

    def to_dict(self) -> dict:
        return {
            "folder": self.folder, "task": self.task, "fingerprint": self.fingerprint,
            "saved_at": self.saved_at, "kind": self.kind, "preset": self.preset,
            "settings": dict(self.settings), "scores": dict(self.scores),
        }


SETTING_KEYS = ("model_kind", "preset", "epochs", "max_time", "lr", "batch_size", "seed", "tokenizer")
SCORE_KEYS = ("accuracy", "macro_f1", "bits_per_char", "perplexity", "n", "chars")


def read_entry(folder: str | Path) -> ModelEntry | None:
    """The list entry of one model folder, or None when it is not a readable model folder."""
    path = Path(folder) / "config.json"
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_CONFIG_BYTES:
            return None
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(config, dict) or config.get("format") != "tinystudio-model":
        return None
    task = config.get("task")
    if task not in ("classify", "generate"):
        return None

    def section(key: str) -> dict:
        value = config.get(key)
        return value if isinstance(value, dict) else {}

    training, data, metrics = section("training"), section("data"), section("metrics")
    test = metrics.get("test") if isinstance(metrics.get("test"), dict) else {}
    arch = section("architecture")
    return ModelEntry(
        folder=str(Path(folder)),
        task=task,
        fingerprint=data.get("fingerprint") if isinstance(data.get("fingerprint"), str) else None,
        saved_at=str(config.get("saved_at") or ""),
        kind=str(arch.get("kind") or training.get("model_kind") or ""),
        preset=str(training.get("preset") or ""),
        settings={k: training[k] for k in SETTING_KEYS if isinstance(training.get(k), (str, int, float))},
        scores={k: test[k] for k in SCORE_KEYS if isinstance(test.get(k), (int, float))},
        variant=bool(section("variant")),
    )


def models_for_data(
    folders: Iterable[str | Path], fingerprint: str | None, task: str
) -> list[ModelEntry]:
    """The models trained on data with ``fingerprint`` for ``task``, oldest first.

    ``folders`` are folders that hold model folders (each child with a ``config.json``) or model
    folders themselves; compressed variants are left out (the Compress tab lists those). A
    model found twice (same save time, settings and scores) is listed once.
    """
    if fingerprint is None:
        return []
    found: dict[str, ModelEntry] = {}
    for root in folders:
        root = Path(root)
        candidates = [root] if (root / "config.json").is_file() else sorted(_children(root))
        for folder in candidates:
            entry = read_entry(folder)
            if entry is None or entry.variant or entry.task != task or entry.fingerprint != fingerprint:
                continue
            # The same model saved twice (the workspace and a project's copy) is listed once:
            # the first folder given wins (pass a project's folders first).
            same = (entry.saved_at, entry.kind, entry.preset, tuple(sorted(entry.scores.items())))
            found.setdefault(repr(same) if entry.saved_at else str(Path(folder).resolve()), entry)
    return sorted(found.values(), key=lambda e: (e.saved_at, e.folder))


def _children(root: Path) -> list[Path]:
    try:
        return [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []


def describe(entry: ModelEntry) -> str:
    """A short technical summary: kind, size and time ("transformer small · 120 s")."""
    parts = [p for p in (entry.kind, entry.preset) if p]
    limit = entry.settings.get("max_time")
    if isinstance(limit, (int, float)) and limit:
        parts.append(f"{limit:.0f} s")  # a candidate's share of an Auto budget is not a round number
    return " ".join(parts[:2]) + (" · " + " · ".join(parts[2:]) if len(parts) > 2 else "")
