"""After a training process is killed (SIGKILL), the next launch offers to continue the run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

WAIT_MS = 120_000

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")

TRAINER = textwrap.dedent(
    """
    import sys
    from tinystudio.core.data import load_dataset
    from tinystudio.core.training.config import TrainConfig
    from tinystudio.core.training.loop import train
    data = load_dataset(sys.argv[1], task="classify", seed=0)
    cfg = TrainConfig(task="classify", preset="tiny", epochs=400, checkpoint_every=0.3, threads=1)
    train(cfg, data, checkpoint_dir=sys.argv[2])
    """
)


def _killed_run(csv: Path, model_dir: Path) -> dict:
    """Train in a real subprocess and SIGKILL it once it has written a checkpoint."""
    state = model_dir / ".checkpoint" / "state.json"
    proc = subprocess.Popen([sys.executable, "-c", TRAINER, str(csv), str(model_dir / ".checkpoint")])
    deadline = time.monotonic() + 120
    try:
        while not state.exists() and time.monotonic() < deadline:
            assert proc.poll() is None, "the trainer ended on its own"
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return json.loads(state.read_text())


def test_next_launch_offers_to_resume_and_finishes(qtbot, open_window, tmp_path, small_classify_csv):
    workspace = tmp_path / "workspace"
    model_dir = workspace / "models" / "20260101-000000"
    saved = _killed_run(small_classify_csv, model_dir)
    assert not (model_dir / "config.json").exists()

    asked = []
    win = open_window(workspace, confirm=lambda title, q: asked.append(title) or True)
    with qtbot.waitSignal(win.train_panel.training_finished, timeout=WAIT_MS) as blocker:
        pass
    assert asked == ["Continue unfinished training?"]
    result = blocker.args[0]
    assert result["model_dir"] == str(model_dir)
    resumed = [e for e in result["history"] if e["event"] == "Notice" and e["kind"] == "resumed"]
    assert resumed and f"step {saved['step']}" in resumed[0]["message"]
    assert (model_dir / "config.json").is_file()  # the run finished and saved its model


def test_declining_sets_the_run_aside(qtbot, open_window, tmp_path, small_classify_csv):
    workspace = tmp_path / "workspace"
    model_dir = workspace / "models" / "20260101-000000"
    _killed_run(small_classify_csv, model_dir)
    asked = []
    win = open_window(workspace, confirm=lambda title, q: asked.append(title) or False)
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (model_dir / ".checkpoint-declined").is_dir(), timeout=WAIT_MS)
    assert not win.training
    assert not (model_dir / ".checkpoint").exists()  # kept under another name, not lost
