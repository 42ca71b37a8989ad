"""Data-parallel training with torchrun: 2 processes on the CPU with the gloo backend."""

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TORCHRUN = Path(sys.executable).with_name("torchrun")


@pytest.mark.skipif(not TORCHRUN.exists() and not shutil.which("torchrun"), reason="torchrun missing")
def test_two_processes_train_one_model(small_classify_csv, tmp_path):
    out = tmp_path / "ddp"
    cmd = [
        str(TORCHRUN if TORCHRUN.exists() else shutil.which("torchrun")),
        "--standalone", "--nproc_per_node=2",
        "-m", "tinystudio.cli", "train", str(small_classify_csv), "--out", str(out),
        "--preset", "tiny", "--epochs", "6", "--batch-size", "32", "--json",  # 15 steps an epoch
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1  # only rank 0 reports
    summary = json.loads(lines[0])
    assert summary["accuracy"] > 0.25  # 8 classes: chance is 0.125
    log = [json.loads(x) for x in (out / "training_log.jsonl").read_text().splitlines()]
    started = log[0]
    train_size = json.loads((out / "config.json").read_text())["data"]["train_size"]
    # Each process trains on its half of the training split: half the steps per epoch.
    assert started["train_items"] == math.ceil(train_size / 2)
    assert started["total_steps"] == 6 * math.ceil(math.ceil(train_size / 2) / 32)
    assert log[-1]["event"] == "TrainFinished"
    assert log[-1]["steps"] in (started["total_steps"],) or log[-1]["stop_reason"] == "early_stop"
