"""Where bundled files live, the same whether running from a checkout or a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def sample_path(name: str) -> Path:
    return resources_dir() / "samples" / name


def default_sample(task: str) -> Path:
    """The bundled sample for a task: sorted definitions to classify, a corpus to generate."""
    return sample_path("wordnet_topics.csv" if task == "classify" else "kjv_pentateuch.txt")
