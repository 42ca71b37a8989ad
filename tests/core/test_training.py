"""The training loop's behaviour: events, cancel, pause, time budget, divergence, resume."""

import math
import threading
import time

import pytest
import torch

from tinystudio.core.data import load_dataset
from tinystudio.core.training import loop as loop_module
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.control import RunControl
from tinystudio.core.training.events import (
    EvalEvent,
    Notice,
    SampleEvent,
    StepEvent,
    TrainFinished,
    TrainStarted,
)
from tinystudio.core.training.loop import lr_factor, train


@pytest.fixture(scope="module")
def cls_data(small_classify_csv):
    return load_dataset(small_classify_csv, task="classify", seed=0)


@pytest.fixture(scope="module")
def gen_data(small_corpus):
    return load_dataset(small_corpus, task="generate", seed=0)


# Batches of 32 (not the fastText default of 128): enough steps per epoch for the events,
# evaluations and checkpoints these tests look at.
FAST = dict(
    task="classify", model_kind="fasttext", preset="tiny", batch_size=32, checkpoint_every=0
)


def test_events_arrive_in_order_with_plain_values(cls_data):
    events = []
    result = train(TrainConfig(epochs=3, **FAST), cls_data, on_event=events.append)
    assert isinstance(events[0], TrainStarted)
    assert isinstance(events[-1], TrainFinished)
    steps = [e for e in events if isinstance(e, StepEvent)]
    assert steps, "no progress was reported"
    assert [s.step for s in steps] == sorted(s.step for s in steps)
    assert all(0.0 <= s.progress <= 1.0 and math.isfinite(s.loss) for s in steps)
    assert steps[-1].step == result.steps == events[0].total_steps
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert evals and all(0.0 <= e.val_accuracy <= 1.0 for e in evals)
    for e in events:  # nothing but plain values crosses to the listener
        for value in e.to_dict().values():
            assert not isinstance(value, torch.Tensor)
    assert result.stop_reason == "completed"
    assert len(result.history) == len(events)


def test_training_learns_and_restores_the_best_weights(cls_data):
    events = []
    result = train(TrainConfig(epochs=8, patience=0, **FAST), cls_data, on_event=events.append)
    best = max(e.val_accuracy for e in events if isinstance(e, EvalEvent))
    assert best > 0.5  # 8 balanced classes: chance is 0.125
    assert result.val_metrics["val_accuracy"] == pytest.approx(best)
    # The returned model really holds those weights.
    val = cls_data.splits.val
    preds = result.model.predict([cls_data.texts[i] for i in val])
    acc = sum(p.label == cls_data.label_names[cls_data.labels[i]] for p, i in zip(preds, val)) / len(val)
    assert acc == pytest.approx(best)


def test_same_seed_same_model(cls_data):
    a = train(TrainConfig(epochs=2, seed=3, **FAST), cls_data)
    b = train(TrainConfig(epochs=2, seed=3, **FAST), cls_data)
    texts = cls_data.texts[:20]
    torch.testing.assert_close(a.model.predict_proba(texts), b.model.predict_proba(texts))


def test_cancel_stops_between_steps_and_keeps_a_usable_model(cls_data):
    control = RunControl()

    def on_event(e):
        if isinstance(e, StepEvent) and e.step >= 5:
            control.stop()

    result = train(TrainConfig(epochs=50, **FAST), cls_data, on_event=on_event, control=control)
    assert result.stop_reason == "cancelled"
    assert result.steps < 50 * math.ceil(len(cls_data.splits.train) / FAST["batch_size"])
    assert result.model.predict(["a small bird"])[0].label in cls_data.label_names


def test_pause_holds_training_until_resumed(cls_data):
    control = RunControl()
    steps = []
    done = threading.Event()

    def run():
        train(TrainConfig(epochs=30, **FAST), cls_data, on_event=lambda e: steps.append(getattr(e, "step", None)), control=control)
        done.set()

    control.pause()
    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(1.0)
    paused_count = len([s for s in steps if s])
    time.sleep(0.5)
    assert len([s for s in steps if s]) == paused_count  # nothing happened while paused
    control.resume()
    time.sleep(0.3)
    control.stop()
    worker.join(timeout=60)
    assert done.is_set() and not worker.is_alive()


def test_time_budget_is_honoured(cls_data):
    events = []
    result = train(TrainConfig(epochs=10_000, max_time=1.5, patience=0, **FAST), cls_data, on_event=events.append)
    assert result.stop_reason == "time_up"
    assert result.seconds < 1.5 + 5.0  # the last step and the final check may overrun a little
    assert any(isinstance(e, Notice) and e.kind == "time_up" for e in events)


def test_divergence_stops_with_an_explanation_and_keeps_good_weights(cls_data, monkeypatch):
    real_loss = loop_module.TaskData.loss
    calls = {"n": 0}

    def exploding(self, module, batch, device):
        calls["n"] += 1
        loss = real_loss(self, module, batch, device)
        return loss * float("nan") if calls["n"] > 60 else loss

    monkeypatch.setattr(loop_module.TaskData, "loss", exploding)
    events = []
    result = train(TrainConfig(epochs=50, **FAST), cls_data, on_event=events.append)
    assert result.stop_reason == "diverged"
    assert "learning rate" in result.message
    assert any(isinstance(e, Notice) and e.kind == "diverged" for e in events)
    for tensor in result.model.module.state_dict().values():
        assert torch.isfinite(tensor).all()
    assert result.model.predict(["a tree"])[0].confidence > 0


def test_early_stopping_restores_the_best(cls_data):
    events = []
    result = train(
        TrainConfig(epochs=200, patience=2, evals_per_run=400, **FAST), cls_data, on_event=events.append
    )
    assert result.stop_reason == "early_stop"
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert result.best_step == max(evals, key=lambda e: (e.val_accuracy, -e.val_loss)).step


def test_checkpoint_and_resume_continue_the_run(cls_data, tmp_path):
    control = RunControl()
    cfg = TrainConfig(epochs=40, task="classify", model_kind="fasttext", preset="tiny", checkpoint_every=0.01)

    def stop_later(e):
        if isinstance(e, Notice) and e.kind == "checkpoint" and e.step >= 20:
            control.stop()

    first = train(cfg, cls_data, on_event=stop_later, control=control, checkpoint_dir=tmp_path)
    assert first.stop_reason == "cancelled"
    assert (tmp_path / "state.json").is_file()
    events = []
    second = train(cfg, cls_data, on_event=events.append, checkpoint_dir=tmp_path, resume=True)
    resumed = [e for e in events if isinstance(e, Notice) and e.kind == "resumed"]
    assert resumed and resumed[0].step >= 20
    first_step = next(e for e in events if isinstance(e, StepEvent)).step
    assert first_step > resumed[0].step  # it went on from the checkpoint, not from zero
    assert second.stop_reason in ("completed", "early_stop")


def test_generate_reports_samples_and_bits_per_char(gen_data):
    events = []
    result = train(
        TrainConfig(task="generate", preset="tiny", max_time=4, epochs=100, sample_every=0.5, checkpoint_every=0),
        gen_data,
        on_event=events.append,
    )
    samples = [e for e in events if isinstance(e, SampleEvent)]
    assert samples and all(isinstance(s.text, str) for s in samples)
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert evals and all(e.bits_per_char > 0 for e in evals)
    assert 0 < result.val_metrics["bits_per_char"] < 8
    text = "".join(result.model.generate("And God", max_tokens=30, seed=1))
    assert 0 < len(text) <= 30


def test_defaults_follow_the_task_and_the_model_kind():
    """Train with no settings: the fastText Base classifier (fast enough at that size);
    a Transformer or LSTM classifier keeps a size that finishes in about a minute."""
    cfg = TrainConfig(task="classify").resolved()
    assert (cfg.model_kind, cfg.preset) == ("fasttext", "base")
    assert TrainConfig(task="classify", model_kind="transformer").resolved().preset == "small"
    assert TrainConfig(task="classify", model_kind="lstm").resolved().preset == "small"
    assert TrainConfig(task="generate").resolved().preset == "tiny"
    assert TrainConfig(task="generate", model_kind="lstm").resolved().preset == "tiny"
    # An explicit choice always wins.
    assert TrainConfig(task="classify", preset="tiny", batch_size=8).resolved().batch_size == 8


def test_lr_schedule_warms_up_then_decays():
    assert lr_factor(0.0, 0.1) < lr_factor(0.05, 0.1) < lr_factor(0.1, 0.1) == pytest.approx(1.0)
    assert lr_factor(0.5, 0.1) < 1.0
    assert lr_factor(1.0, 0.1) == pytest.approx(0.1)


def test_estimate_measures_real_steps(cls_data):
    from tinystudio.core.training.estimate import estimate_run

    cfg = TrainConfig(epochs=2, **FAST)
    est = estimate_run(cfg, cls_data)
    assert est.step_seconds > 0 and est.eval_seconds > 0
    assert est.total_steps == 2 * math.ceil(len(cls_data.splits.train) / FAST["batch_size"])
    assert est.params > 0 and est.seconds > 0
    capped = estimate_run(TrainConfig(epochs=10_000, max_time=3, **FAST), cls_data)
    assert capped.seconds <= 3 + capped.eval_seconds + 1e-9
