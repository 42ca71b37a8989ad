"""Faults during work: cancel at random moments, disk full while saving, out of memory."""

from __future__ import annotations

import errno
import random
import shutil
import threading

import pytest
import torch

from tinystudio.core import fileio
from tinystudio.core.data import load_dataset
from tinystudio.core.errors import TinyStudioError
from tinystudio.core.modelio import load_model, save_model
from tinystudio.core.pipeline import train_on_file
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.control import RunControl
from tinystudio.core.training.loop import TaskData, train

TEXTS = ["the cat", "a dog ran", "the park at noon", "bread and butter"]


@pytest.fixture(scope="module")
def data(small_classify_csv):
    return load_dataset(small_classify_csv, task="classify", seed=0)


def _config(**kw) -> TrainConfig:
    base = dict(task="classify", model_kind="fasttext", preset="tiny", max_time=30.0,
                checkpoint_every=0, threads=1)  # fmt: skip
    return TrainConfig(**{**base, **kw})


# -- cancel at random moments -----------------------------------------------------------------

SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_cancel_at_a_random_moment_keeps_a_usable_model(data, small_classify_csv, tmp_path, seed):
    rnd = random.Random(seed)
    control = RunControl()
    kind = rnd.choice(["fasttext", "transformer"])
    if seed % 2:  # by time, from another thread (as the GUI's Stop button does)
        timer = threading.Timer(rnd.uniform(0.0, 1.5), control.stop)
        timer.start()
        on_event = None
    else:  # at a random event (between steps, after an evaluation, at the start...)
        stop_at = rnd.randrange(1, 12)
        seen = []

        def on_event(event):
            seen.append(event)
            if len(seen) == stop_at:
                control.stop()

    out = tmp_path / "model"
    result = {}
    # A run that cannot end by itself before the cancel: many passes, no early stop, a time
    # budget far beyond the latest cancel (1.5 s). So the only right ending is "cancelled".
    config = _config(model_kind=kind, checkpoint_every=0.2, epochs=1000, patience=0, max_time=90.0)
    worker = threading.Thread(target=lambda: result.update(outcome=train_on_file(
        small_classify_csv, config, out_dir=out, on_event=on_event, control=control,
        dataset=data)))  # fmt: skip
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "training did not stop"  # no hang, no orphan thread
    outcome = result["outcome"]
    assert outcome.result.stop_reason == "cancelled"
    loaded = load_model(out)  # the best model so far was saved, and it loads
    assert len(loaded.predict(TEXTS)) == len(TEXTS)


def test_pause_then_cancel_while_paused_does_not_hang(data):
    control = RunControl()
    events = []

    def on_event(event):
        events.append(event)
        if len(events) == 3:
            control.pause()
            threading.Timer(0.3, control.stop).start()  # Stop pressed while paused

    result = train(_config(), data, on_event=on_event, control=control)
    assert result.stop_reason == "cancelled"
    assert len(result.model.predict(TEXTS)) == len(TEXTS)


# -- disk full while saving -------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_models(data, tmp_path_factory):
    """A saved model (the previous good state) and a newer one to save over it."""
    old = train(_config(epochs=1, max_time=None), data).model
    new = train(_config(model_kind="transformer", epochs=1, max_time=None), data).model
    folder = tmp_path_factory.mktemp("saved") / "model"
    save_model(old, folder)
    return folder, old, new


def _disk_full_after(monkeypatch, n_ok: int) -> None:
    """The (n_ok+1)-th write of a file fails as on a full disk."""
    calls = {"n": 0}
    real = fileio.os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > n_ok:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(fileio.os, "fsync", fsync)


@pytest.mark.parametrize("n_ok", [0, 1, 2, 3])
def test_disk_full_while_saving_keeps_the_previous_model(two_models, tmp_path, monkeypatch, n_ok):
    folder, old, new = two_models
    target = tmp_path / "model"
    shutil.copytree(folder, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    _disk_full_after(monkeypatch, n_ok)
    with pytest.raises(TinyStudioError, match="No space left") as info:
        save_model(new, target, log=[{"event": "x"}])
    assert "Nothing was overwritten" in info.value.message
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in target.iterdir()}
    assert after == before  # not one file changed, no temporary file left behind
    torch.testing.assert_close(load_model(target).predict_proba(TEXTS), old.predict_proba(TEXTS))


def test_disk_full_in_the_cli_is_a_plain_message(small_classify_csv, tmp_path, monkeypatch, run_cli):
    _disk_full_after(monkeypatch, 0)
    code, obj, err = run_cli("train", small_classify_csv, "--out", tmp_path / "m", "--preset",
                             "tiny", "--model", "fasttext", "--max-time", "1", "--json")  # fmt: skip
    assert code == 2 and "No space left" in obj["error"] and "Traceback" not in err


# -- out of memory ----------------------------------------------------------------------------


def _oom_after(monkeypatch, n_ok: int, exc: BaseException) -> None:
    calls = {"n": 0}
    real = TaskData.loss

    def loss(self, module, batch, device):
        calls["n"] += 1
        if calls["n"] > n_ok:
            raise exc
        return real(self, module, batch, device)

    monkeypatch.setattr(TaskData, "loss", loss)


OOMS = [torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
        RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate "
                     "memory: you tried to allocate 4294967296 bytes. Error code 12 (Cannot "
                     "allocate memory)"),
        MemoryError()]  # fmt: skip


@pytest.mark.parametrize("exc", OOMS, ids=["torch_oom", "cpu_alloc", "memory_error"])
def test_out_of_memory_in_the_cli_is_a_plain_message(small_classify_csv, tmp_path, monkeypatch,
                                                     run_cli, exc):  # fmt: skip
    previous = tmp_path / "m"
    _oom_after(monkeypatch, 5, exc)
    code, obj, err = run_cli("train", small_classify_csv, "--out", previous, "--preset", "tiny",
                             "--model", "fasttext", "--max-time", "5", "--json")  # fmt: skip
    assert code == 2, err
    assert "memory" in obj["error"] and "smaller" in obj["error"] and "Traceback" not in err
