"""torch.compile in training: used only where it can pay, never fatal when it fails."""

import sys
import threading

import pytest
import torch

from tinystudio.core.data import load_dataset
from tinystudio.core.errors import ConfigError
from tinystudio.core.training import compiling
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.events import Notice
from tinystudio.core.training.loop import train


@pytest.fixture(scope="module")
def gen_data(small_corpus):
    return load_dataset(small_corpus, task="generate", seed=0)


GEN = dict(task="generate", model_kind="transformer", preset="tiny", checkpoint_every=0, sample_every=0)
CPU = torch.device("cpu")


def compile_notices(events):
    return [e.message for e in events if isinstance(e, Notice) and e.kind == "compile"]


def test_only_the_transformer_language_model_is_compiled(monkeypatch):
    assert compiling.unavailable_reason(CPU, "classify", "fasttext", False)
    assert compiling.unavailable_reason(CPU, "generate", "lstm", False)
    assert compiling.unavailable_reason(CPU, "generate", "transformer", True)  # data-parallel
    assert compiling.unavailable_reason(torch.device("mps"), "generate", "transformer", False)
    monkeypatch.setattr(compiling.shutil, "which", lambda name: "/usr/bin/" + name)
    assert compiling.unavailable_reason(CPU, "generate", "transformer", False) is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert "installed app" in compiling.unavailable_reason(CPU, "generate", "transformer", False)


def test_no_compiler_means_training_without_compiling(gen_data, monkeypatch):
    monkeypatch.setattr(compiling.shutil, "which", lambda name: None)
    events = []
    result = train(TrainConfig(compile="on", epochs=1, max_time=2, **GEN), gen_data, on_event=events.append)
    assert result.steps > 0
    assert compile_notices(events) == ["Training without compiling: no C++ compiler was found on this computer."]


def test_a_failing_compilation_falls_back_to_plain_training(gen_data, monkeypatch):
    class Broken(torch.nn.Module):
        def forward(self, *args, **kwargs):
            raise RuntimeError("C++ compile error: cannot find Python.h\nmore details")

    monkeypatch.setattr(compiling.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(compiling.torch, "compile", lambda module: Broken())
    events = []
    result = train(TrainConfig(compile="on", epochs=1, max_time=3, **GEN), gen_data, on_event=events.append)
    notices = compile_notices(events)
    assert notices[0].startswith("Compiling the model for faster training")
    assert notices[1] == (
        "Compiling the model failed, so training goes on without it "
        "(C++ compile error: cannot find Python.h)."
    )
    assert result.steps > 1 and result.val_metrics["bits_per_char"] < 8


def test_auto_compiles_only_when_the_rest_of_the_run_is_long(gen_data, monkeypatch):
    compiled = []

    def spy(module):
        compiled.append(module)
        return module  # the same module: the run goes on as before

    monkeypatch.setattr(compiling.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(compiling.torch, "compile", spy)
    # On a CPU it does not pay at all (bench_train: 1.02x), whatever the length of the run.
    monkeypatch.setattr(compiling, "PAYS_AFTER_SECONDS", 0.0)
    train(TrainConfig(epochs=1, max_time=60, **GEN), gen_data)
    assert compiled == []
    # Where auto does compile (a CUDA card: the CPU stands in for it here), a 3-second
    # budget never pays for a compilation...
    monkeypatch.setattr(compiling, "AUTO_DEVICES", ("cpu",))
    monkeypatch.setattr(compiling, "PAYS_AFTER_SECONDS", 300.0)
    train(TrainConfig(epochs=50, max_time=3, **GEN), gen_data)
    assert compiled == []
    # ...while a run long enough to pay switches after the probe steps.
    monkeypatch.setattr(compiling, "PAYS_AFTER_SECONDS", 0.0)
    events = []
    result = train(TrainConfig(epochs=1, max_time=60, **GEN), gen_data, on_event=events.append)
    assert len(compiled) == 1
    compile_step = next(e.step for e in events if isinstance(e, Notice) and e.kind == "compile")
    assert compile_step == compiling.PROBE_STEPS + 2
    assert result.steps > compile_step
    assert train(TrainConfig(compile="off", epochs=50, max_time=2, **GEN), gen_data).steps > 0
    assert len(compiled) == 1


def test_compile_setting_is_checked():
    with pytest.raises(ConfigError, match="compile"):
        TrainConfig(task="generate", compile="fast")


def test_really_compiled_training_learns_in_a_worker_thread(gen_data):
    """The real compiler, on a thread as the app's worker runs it. Where this machine can
    compile, it must: a run that fell back to plain training does not pass (the fallback has
    its own tests above). Where it cannot, the test says why instead of passing."""
    reason = compiling.unavailable_reason(CPU, "generate", "transformer", False)
    if reason:
        pytest.skip(f"torch.compile cannot run here: {reason}")
    events, out = [], {}

    def run():
        out["result"] = train(TrainConfig(compile="on", epochs=1, **GEN), gen_data, on_event=events.append)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=600)
    assert not worker.is_alive()
    result = out["result"]
    notices = compile_notices(events)
    assert notices[0].startswith("Compiling the model")
    assert notices[1].startswith("The model is compiled"), notices[1]
    losses = [e.loss for e in events if type(e).__name__ == "StepEvent"]
    assert losses[-1] < losses[0]
    assert result.val_metrics["bits_per_char"] < 5
