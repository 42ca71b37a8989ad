"""Shared test set-up: headless Qt, quiet threads, and small trained models to reuse."""

from __future__ import annotations

import os

# Before anything imports Qt: without a screen Qt would abort the whole pytest process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# torch's OpenMP threads busy-wait by default, which starves other threads (shared/PLATFORM.md).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture(scope="session")
def classify_sample() -> Path:
    return SAMPLES / "wordnet_topics.csv"


@pytest.fixture(scope="session")
def generate_sample() -> Path:
    return SAMPLES / "kjv_pentateuch.txt"


@pytest.fixture(scope="session")
def small_classify_csv(tmp_path_factory, classify_sample) -> Path:
    """The first 1200 rows of the classify sample: enough to learn, quick to train on."""
    lines = classify_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("small") / "topics_small.csv"
    path.write_text("".join(lines[:1201]), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, generate_sample) -> Path:
    """About 100 KB of the generate sample."""
    lines = generate_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("small") / "corpus_small.txt"
    path.write_text("".join(lines[:800]), encoding="utf-8")
    return path
