"""Reliability suite set-up: the hostile corpus, a main window, and the CLI run in-process."""

from __future__ import annotations

import faulthandler
import json
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for ``import hostile``

import hostile  # noqa: E402

WAIT_MS = 90_000  # generous: the CI machine is shared
WATCHDOG_SECONDS = 240  # a hung test dumps every thread's stack and ends the run


@pytest.fixture(autouse=True)
def watchdog():
    """A hang fails loudly instead of blocking CI."""
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every light hostile file (the heavy ones are built by their own test)."""
    light = [c.name for c in hostile.CASES if not c.heavy]
    return hostile.build(tmp_path_factory.mktemp("hostile"), light)


@pytest.fixture
def run_cli(capsys):
    """``tinystudio ARGS`` in this process: (exit code, parsed JSON or None, stderr)."""
    from tinystudio.cli import main

    def run(*args: str):
        old = signal.getsignal(signal.SIGINT)  # ``train`` installs its own Ctrl+C handler
        try:
            code = main([str(a) for a in args])
        finally:
            signal.signal(signal.SIGINT, old)
        out, err = capsys.readouterr()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        return code, (json.loads(lines[-1]) if lines else None), err

    return run


TRAIN_TEXTS = [f"the cat sat on mat number {i}" for i in range(30)] + [
    f"a dog ran to the park at {i}" for i in range(30)
]


def make_model_folder(folder: Path, task: str = "classify", kind: str = "transformer",
                      tokenizer: str = "char") -> Path:  # fmt: skip
    """A small, untrained but complete model folder (no training: quick to build)."""
    from tinystudio.core.inference import TrainedModel
    from tinystudio.core.modelio import save_model
    from tinystudio.core.models import build_model, preset_config
    from tinystudio.core.tokenize import TextTokenizer

    tok = TextTokenizer.train(TRAIN_TEXTS, tokenizer, 300)
    labels = ["animal", "place"] if task == "classify" else []
    cfg = preset_config(task, kind, "tiny", vocab_size=tok.vocab_size, n_classes=len(labels),
                        max_len=64, dropout=0.0, pad_id=tok.pad_id)  # fmt: skip
    model = TrainedModel(config=cfg, tokenizer=tok, module=build_model(cfg).eval(),
                         label_names=labels)  # fmt: skip
    return save_model(model, folder)


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory) -> Path:
    return make_model_folder(tmp_path_factory.mktemp("models") / "classify")


@pytest.fixture(scope="session")
def gen_folder(tmp_path_factory) -> Path:
    return make_model_folder(tmp_path_factory.mktemp("models") / "generate", "generate")
