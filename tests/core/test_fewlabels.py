"""Pre-training, starting from an earlier model, freezing, augmentation, learning curves."""

import json
import random
import subprocess
import sys
from dataclasses import replace

import pytest
import torch

from tinystudio.core.augment import augment_text, encode_augmented
from tinystudio.core.data import Splits, load_dataset
from tinystudio.core.fewlabels import learning_curve, pretrain_language_model, sample_per_class
from tinystudio.core.tokenize import TextTokenizer
from tinystudio.core.training.config import TrainConfig
from tinystudio.core.training.events import Notice
from tinystudio.core.training.loop import train


@pytest.fixture(scope="module")
def data(small_classify_csv):
    return load_dataset(small_classify_csv, task="classify", seed=0)


@pytest.fixture(scope="module")
def lm(data):
    tok = TextTokenizer.train(data.texts, "bpe", 1000)
    return pretrain_language_model(data, data.texts, tok, preset="tiny", max_time=None, epochs=2)


def test_sample_per_class_takes_n_of_each_label_reproducibly(data):
    chosen = sample_per_class(data.labels, data.splits.train, 5, seed=1)
    counts = {}
    for i in chosen:
        counts[data.labels[i]] = counts.get(data.labels[i], 0) + 1
    assert set(counts.values()) == {5} and len(counts) == len(data.label_names)
    assert chosen == sample_per_class(data.labels, data.splits.train, 5, seed=1)
    assert set(chosen) <= set(data.splits.train)


def test_classifier_starts_from_the_language_model(data, lm):
    events = []
    result = train(
        TrainConfig(task="classify", epochs=1, checkpoint_every=0), data, init_model=lm, on_event=events.append
    )
    notice = next(e for e in events if isinstance(e, Notice) and e.kind == "initialised")
    assert "weight tensors reused" in notice.message
    cfg = result.model.config
    assert cfg.kind == "transformer" and cfg.causal and cfg.task == "classify"
    assert result.model.tokenizer is lm.tokenizer  # same vocabulary, or the embeddings mean nothing


def test_freeze_body_trains_only_the_output_layer(data, lm):
    result = train(
        TrainConfig(task="classify", epochs=2, freeze_body=True, checkpoint_every=0, patience=0),
        data,
        init_model=lm,
    )
    after = result.model.module.state_dict()
    before = lm.module.state_dict()
    assert torch.equal(after["blocks.0.mlp.0.weight"], before["blocks.0.mlp.0.weight"])
    assert torch.equal(after["tok_emb.weight"], before["tok_emb.weight"])
    assert after["head.weight"].shape[0] == len(data.label_names)


def test_augmentation_changes_texts_but_not_their_meaning_much():
    rng = random.Random(0)
    text = "a large wild animal of the cat family with a striped coat"
    variants = {augment_text(text, ("word_dropout", "word_swap", "char_noise"), rng, p=0.2) for _ in range(20)}
    assert len(variants) > 5  # different every time
    tok = TextTokenizer.train([text] * 20, "bpe", 400)
    assert encode_augmented(tok, text, ("subword",), rng, p=0.0) == tok.encode(text)
    backed_off = encode_augmented(tok, text, ("subword",), rng, p=1.0)
    assert tok.decode(backed_off) == text and len(backed_off) > len(tok.encode(text))


def test_training_with_augmentation_runs(data):
    result = train(
        TrainConfig(task="classify", model_kind="fasttext", preset="tiny", epochs=2, augment=("word_dropout", "subword"), checkpoint_every=0),
        data,
    )
    assert result.steps > 0 and result.model.predict(["a bird"])[0].label in data.label_names


def test_learning_curve_has_a_point_per_size(data):
    test = [data.texts[i] for i in data.splits.test]
    labels = [data.label_names[data.labels[i]] for i in data.splits.test]
    pool = replace(data, splits=Splits(train=data.splits.train, val=(), test=()))
    result = learning_curve(
        pool, test, labels, per_class=[3, None], preset="tiny", epochs=2, pretrain_time=None, pretrain_epochs=1
    )
    assert [p["per_class"] for p in result["points"]] == [3, None]
    assert result["points"][0]["n_labels"] == 3 * len(data.label_names)
    assert result["points"][1]["n_labels"] == len(data.splits.train)  # the test rows stay out
    for p in result["points"]:
        assert 0 <= p["scratch_accuracy"] <= 1 and 0 <= p["pretrained_accuracy"] <= 1
    assert result["scratch_accuracy"] == result["points"][0]["scratch_accuracy"]
    for p in result["points"]:  # the pre-trained start is used only when it won on validation
        val = p["validation"]
        assert val is not None and set(val) == {"scratch", "pretrained"}
        expected = "pretrained" if val["pretrained"] > val["scratch"] else "scratch"
        assert p["used"] == expected
        assert p["used_accuracy"] == p[f"{expected}_accuracy"]


def test_cli_curve_json(small_classify_csv, tmp_path):
    lines = small_classify_csv.read_text().splitlines(keepends=True)
    train_csv, test_csv = tmp_path / "train.csv", tmp_path / "test.csv"
    train_csv.write_text("".join(lines[:1000]))
    test_csv.write_text(lines[0] + "".join(lines[1000:]))
    proc = subprocess.run(
        [sys.executable, "-m", "tinystudio.cli", "curve", str(train_csv), "--test", str(test_csv),
         "--per-class", "4", "8", "--epochs", "2", "--pretrain-time", "3", "--preset", "tiny", "--json"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["per_class"] == 4
    assert 0 <= out["scratch_accuracy"] <= 1 and 0 <= out["pretrained_accuracy"] <= 1
    assert [p["per_class"] for p in out["points"]] == [4, 8]


def test_cli_train_init_from_an_earlier_model(small_classify_csv, tmp_path):
    first = tmp_path / "first"
    run = [sys.executable, "-m", "tinystudio.cli", "train", str(small_classify_csv)]
    subprocess.run([*run, "--out", str(first), "--model", "transformer", "--preset", "tiny", "--epochs", "1"], check=True, capture_output=True)
    proc = subprocess.run(
        [*run, "--out", str(tmp_path / "second"), "--init-from", str(first), "--freeze-body", "--epochs", "1", "--json"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["model"] == "transformer"
    # The start model's kind sets the defaults too (not the fastText learning rate and batch).
    settings = json.loads((tmp_path / "second" / "config.json").read_text())["training"]
    assert (settings["model_kind"], settings["lr"], settings["batch_size"]) == ("transformer", 1e-3, 32)


def test_rows_without_a_label_are_kept_for_pre_training(tmp_path):
    path = tmp_path / "partly_labelled.csv"
    rows = ["text,label"]
    rows += [f"a furry animal number {i},animal" for i in range(20)]
    rows += [f"a sweet food number {i},food" for i in range(20)]
    rows += [f"an unlabelled sentence number {i}," for i in range(7)]
    path.write_text("\n".join(rows) + "\n")
    data = load_dataset(path, task="classify")
    assert len(data.texts) == 40
    assert len(data.unlabelled) == 7 and data.unlabelled[0] == "an unlabelled sentence number 0"
    assert data.report.dropped["missing_label"] == 7
