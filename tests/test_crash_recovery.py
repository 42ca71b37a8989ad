"""A run killed with SIGKILL mid-training resumes from its last checkpoint."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")


def test_kill_9_then_resume_finishes_the_run(small_classify_csv, tmp_path):
    out = tmp_path / "model"
    cmd = [sys.executable, "-m", "tinystudio.cli", "train", str(small_classify_csv), "--out", str(out),
           "--preset", "tiny", "--epochs", "400", "--checkpoint-every", "0.5"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = out / ".checkpoint" / "state.json"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and not state.exists():
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        time.sleep(1.0)  # let it write a checkpoint or two more
        assert state.exists(), "no checkpoint was written"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "config.json").exists()  # it never finished
    saved = json.loads(state.read_text())
    saved_step = saved["step"]
    assert saved_step > 0

    # The same command again, with --resume, and a budget of 3 s more than was spent already
    # (the time budget counts the time before the crash), so that the test stays quick.
    budget = str(saved["elapsed"] + 3)
    resumed = subprocess.run(
        [*cmd, "--resume", "--max-time", budget], capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"Resumed from the checkpoint at step {saved_step}" in resumed.stderr
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    log = [json.loads(line) for line in (out / "training_log.jsonl").read_text().splitlines()]
    first_step = next(e["step"] for e in log if e["event"] == "StepEvent")
    assert first_step > saved_step
    assert log[-1]["event"] == "TrainFinished" and log[-1]["steps"] > saved_step
