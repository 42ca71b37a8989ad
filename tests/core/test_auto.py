"""Auto (core/auto): the n-gram models, the choice among candidates, the budget rule."""

import random
import time
from dataclasses import replace

import pytest
import torch

from tinystudio.core.auto.choose import Candidate, auto_train, plan, wants_auto
from tinystudio.core.auto.linear import fit_linear
from tinystudio.core.data import load_dataset
from tinystudio.core.modelio import load_model, save_model
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.events import AutoFinished, CandidateFinished, CandidateStarted


def _write(path, rows):
    path.write_text("text,label\n" + "".join(f'"{t}",{y}\n' for t, y in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def letters_data(tmp_path_factory):
    """Two labels told apart by letters inside made-up words (no whole word repeats much)."""
    rng = random.Random(0)
    rows = []
    for i in range(240):
        y = i % 2
        core = "zork" if y else "quib"
        words = [rng.choice("bcdfgmnprst") + core + rng.choice("aeiou") + str(rng.randint(0, 999))
                 for _ in range(3)]
        rows.append((" ".join(words), "yes" if y else "no"))
    path = _write(tmp_path_factory.mktemp("auto") / "letters.csv", rows)
    return load_dataset(path, task="classify", seed=0)


@pytest.fixture(scope="module")
def imbalanced_data(tmp_path_factory):
    rng = random.Random(1)
    rows = [(f"common thing number {rng.randint(0, 9999)} here", "big") for _ in range(300)]
    rows += [(f"rare special item {rng.randint(0, 9999)} there", "small") for _ in range(30)]
    rng.shuffle(rows)
    path = _write(tmp_path_factory.mktemp("auto") / "imbalanced.csv", rows)
    return load_dataset(path, task="classify", seed=0)


def test_auto_is_the_default_only_when_no_model_is_named():
    assert wants_auto(TrainConfig(task="classify"))
    assert wants_auto(TrainConfig(task="classify", max_time=30, epochs=5))
    assert not wants_auto(TrainConfig(task="classify", model_kind="fasttext"))
    assert not wants_auto(TrainConfig(task="classify", preset="tiny"))
    assert not wants_auto(TrainConfig(task="generate"))
    assert not wants_auto(TrainConfig(task="classify", auto=False))
    assert wants_auto(TrainConfig(task="classify", model_kind="lstm", auto=True))


def test_a_transformer_is_tried_only_on_large_data_with_time(letters_data):
    names = [c.name for c in plan(letters_data, 600)]
    assert "transformer" not in names and "ngram-linear" in names
    rows = tuple(range(30_000))
    big = replace(letters_data, splits=replace(letters_data.splits, train=rows))
    assert "transformer" in [c.name for c in plan(big, 600)]
    assert "transformer" not in [c.name for c in plan(big, 60)]


def test_character_ngrams_learn_what_words_alone_cannot(letters_data):
    """Every word is new, but its letters give the label away: character n-grams find it."""
    words = fit_linear(TrainConfig(task="classify", ngrams="w1", max_time=30), letters_data)
    chars = fit_linear(TrainConfig(task="classify", ngrams="w2+c1-4", max_time=30), letters_data)
    assert chars.val_metrics["val_accuracy"] == 1.0
    assert words.val_metrics["val_accuracy"] < 0.8


def test_the_linear_ngram_model_saves_loads_and_predicts_the_same(letters_data, tmp_path):
    result = fit_linear(TrainConfig(task="classify", ngrams="w2+c1-4", max_time=10), letters_data)
    texts = [letters_data.texts[i] for i in letters_data.splits.test]
    before = [p.label for p in result.model.predict(texts)]
    save_model(result.model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert [p.label for p in loaded.predict(texts)] == before
    assert loaded.config.features == "ngrams" and loaded.config.tfidf


def test_auto_keeps_the_best_candidate_by_validation_and_says_why(letters_data):
    cands = [
        Candidate("words", "Words only", "linear", {"ngrams": "w1"}),
        Candidate("letters", "Letters", "linear", {"ngrams": "w2+c1-4"}),
    ]
    events = []
    result = auto_train(TrainConfig(task="classify", max_time=20), letters_data,
                        on_event=events.append, candidates=cands)
    board = result.auto["candidates"]
    assert [b["name"] for b in board] == ["words", "letters"]
    assert result.auto["chosen"] == "letters" == max(board, key=lambda b: b["score"])["name"]
    assert result.model.config.char_max == 4  # the kept model is the winner's
    assert "Letters" in result.auto["reason"] and "Words only" in result.auto["reason"]
    assert all(b["seconds"] > 0 for b in board)
    kinds = [type(e) for e in events if type(e) in (CandidateStarted, CandidateFinished, AutoFinished)]
    assert kinds == [CandidateStarted, CandidateFinished, CandidateStarted, CandidateFinished, AutoFinished]
    finished = [e for e in events if isinstance(e, CandidateFinished)]
    assert [e.is_best for e in finished] == [True, True]


def test_imbalanced_labels_are_weighed_and_judged_by_macro_f1(imbalanced_data):
    cands = [Candidate("letters", "Letters", "linear", {"ngrams": "w2+c1-4"})]
    result = auto_train(TrainConfig(task="classify", max_time=10), imbalanced_data, candidates=cands)
    assert result.auto["metric"] == "macro_f1"
    assert result.model.train_config["class_weight"] is True
    assert result.auto["candidates"][0]["score"] == pytest.approx(result.val_metrics["val_macro_f1"])


def test_the_budget_is_honoured_and_used(letters_data):
    """Ends within budget + 10 % (+ the final evaluation) and uses >= 80 % of it unless
    validation stopped improving, which the result then says."""
    budget = 4.0
    t0 = time.perf_counter()
    result = auto_train(TrainConfig(task="classify", max_time=budget), letters_data)
    wall = time.perf_counter() - t0
    assert wall <= budget * 1.1 + 2.0  # the last candidate's final evaluation
    assert result.auto["ended"] in ("time_up", "no_improvement")
    if result.auto["ended"] == "time_up":
        assert result.auto["seconds"] >= 0.8 * budget and result.stop_reason == "time_up"
    else:
        assert result.auto["seconds"] < 0.8 * budget and result.stop_reason == "early_stop"


def test_ngram_features_are_the_same_however_the_batch_is_padded(letters_data):
    result = fit_linear(TrainConfig(task="classify", ngrams="w2+c1-4", max_time=5), letters_data)
    module, tok = result.model.module, result.model.tokenizer
    ids = torch.tensor([tok.encode("quiz zork a1")])
    padded = torch.cat([ids, torch.full((1, 5), tok.pad_id)], dim=1)
    mask = padded != tok.pad_id
    with torch.no_grad():
        assert torch.allclose(module(ids), module(padded, mask), atol=1e-6)


def test_a_near_tie_on_a_small_validation_split_keeps_the_candidate_tried_first(letters_data):
    """Two identical candidates score the same: the first stays the leader and the reason says so."""
    cands = [
        Candidate("a", "First letters model", "linear", {"ngrams": "w2+c1-4"}),
        Candidate("b", "Second letters model", "linear", {"ngrams": "w2+c1-4"}),
    ]
    result = auto_train(TrainConfig(task="classify", max_time=20), letters_data, candidates=cands)
    assert result.auto["chosen"] == "a"
    assert "First letters model" in result.auto["reason"]


@pytest.mark.parametrize("fmt", ["onnx", "onnx-int8", "safetensors-fp16"])
def test_the_linear_ngram_model_exports_and_answers_the_same(letters_data, tmp_path, fmt):
    """What Auto keeps most often must export like any model: the n-grams are computed inside."""
    from tinystudio.core.export import export_model

    result = fit_linear(TrainConfig(task="classify", ngrams="w2+c1-4", max_time=10), letters_data)
    save_model(result.model, tmp_path / "m")
    texts = [letters_data.texts[i] for i in letters_data.splits.test][:8]
    out = export_model(tmp_path / "m", fmt, tmp_path / "out", texts=texts)
    assert out.verified and out.n_checked == len(texts), out


@pytest.mark.parametrize("method", ["int8", "fp16"])
def test_the_linear_ngram_model_compresses(letters_data, tmp_path, method):
    from tinystudio.core.compress.lab import apply_step, parse_method

    result = fit_linear(TrainConfig(task="classify", ngrams="w2+c1-4", max_time=10), letters_data)
    small = apply_step(result.model, parse_method(method), letters_data)
    texts = [letters_data.texts[i] for i in letters_data.splits.test]
    same = sum(a.label == b.label for a, b in zip(small.predict(texts), result.model.predict(texts)))
    assert same >= 0.9 * len(texts)
    save_model(small, tmp_path / method)
    assert [p.label for p in load_model(tmp_path / method).predict(texts)] == [p.label for p in small.predict(texts)]


def test_a_pause_holds_every_candidate_and_does_not_use_up_the_budget(letters_data):
    """Pause is pressed during the first (linear) candidate: nothing trains until Resume, and
    the paused seconds are not taken from the budget (the walkthrough saw the linear fits run
    on through a pause and use their whole share)."""
    import threading

    from tinystudio.core.training.control import RunControl
    from tinystudio.core.training.events import EvalEvent, StepEvent, TrainStarted

    budget, pause = 4.0, 3.0
    control = RunControl()
    times: list[float] = []
    paused_at: list[float] = []

    def on_event(ev):
        if isinstance(ev, (StepEvent, EvalEvent)):
            times.append(time.perf_counter())
        if isinstance(ev, TrainStarted) and not paused_at:  # the first candidate, before its first fit
            paused_at.append(time.perf_counter())
            control.pause()
            threading.Timer(pause, control.resume).start()

    t0 = time.perf_counter()
    result = auto_train(TrainConfig(task="classify", max_time=budget), letters_data,
                        on_event=on_event, control=control)
    wall = time.perf_counter() - t0
    during = [t for t in times if paused_at[0] < t < paused_at[0] + pause - 0.2]
    assert not during, f"{len(during)} steps or evaluations ran while paused"
    assert any(t > paused_at[0] + pause for t in times), "training did not go on after Resume"
    assert result.auto["seconds"] <= budget * 1.1 + 2.0  # the budget counts training time only
    assert wall >= pause


def test_stop_is_reported_as_a_stop(letters_data):
    """Stop pressed mid-run: the result says it was stopped (the walkthrough read 'the time
    budget is used up' after pressing Stop)."""
    from tinystudio.core.training.control import RunControl

    control = RunControl()

    def on_event(ev):
        if isinstance(ev, CandidateStarted) and ev.index == 1:
            control.stop()

    result = auto_train(TrainConfig(task="classify", max_time=20), letters_data, on_event=on_event, control=control)
    assert result.stop_reason == "cancelled" and result.auto["ended"] == "cancelled"
    assert result.message.startswith("Training was stopped")
