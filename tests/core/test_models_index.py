"""The list of models trained on a file (read from the model folders) and comparing two models."""

import json

import pytest

from tinystudio.core.compare import compare_models, compare_predictions
from tinystudio.core.data import load_dataset
from tinystudio.core.models_index import models_for_data, read_entry
from tinystudio.core.pipeline import train_on_file
from tinystudio.core.training.config import TrainConfig


def test_compare_predictions_counts_and_lists_disagreements():
    texts = ["t1", "t2", "t3", "t4", "t5"]
    truth = ["x", "x", "y", "y", "z"]
    a = ["x", "y", "y", "z", "z"]
    b = ["x", "x", "z", "z", "y"]
    r = compare_predictions(texts, truth, a, b, ["x", "y", "z"])
    assert (r["both_right"], r["only_a"], r["only_b"], r["both_wrong"]) == (1, 2, 1, 1)
    assert r["n_disagreements"] == 3 and r["agreement"] == pytest.approx(2 / 5)
    assert [d["text"] for d in r["disagreements"]] == ["t2", "t3", "t5"]
    assert r["disagreements"][0] == {"text": "t2", "true": "x", "a": "y", "b": "x", "right": "b"}
    assert r["a"]["accuracy"] == pytest.approx(3 / 5) and r["b"]["accuracy"] == pytest.approx(2 / 5)
    assert r["a"]["confusion"][0] == [1, 1, 0]
    with pytest.raises(ValueError):
        compare_predictions(texts, truth, a, b[:2], ["x", "y", "z"])


@pytest.fixture(scope="module")
def two_models(small_classify_csv, tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    data = load_dataset(small_classify_csv, task="classify", seed=0)
    base = dict(task="classify", model_kind="fasttext", batch_size=32, checkpoint_every=0)
    a = train_on_file(small_classify_csv, TrainConfig(preset="tiny", epochs=1, **base), out_dir=root / "a", dataset=data)
    b = train_on_file(small_classify_csv, TrainConfig(preset="small", epochs=4, **base), out_dir=root / "b", dataset=data)
    return root, data, a, b


def test_models_trained_on_a_file_are_listed_from_their_folders(two_models, tmp_path):
    root, data, a, b = two_models
    entries = models_for_data([root], data.fingerprint, "classify")
    assert [e.folder for e in entries] == [str(root / "a"), str(root / "b")]
    assert entries[0].preset == "tiny" and entries[1].preset == "small" and entries[0].kind == "fasttext"
    assert entries[1].score == pytest.approx(b.test_metrics["accuracy"])
    assert models_for_data([root], "another file", "classify") == []
    assert models_for_data([root], data.fingerprint, "generate") == []
    # Damaged or foreign folders are skipped, never fatal.
    (root / "junk").mkdir(exist_ok=True)
    (root / "junk" / "config.json").write_text("{not json")
    assert read_entry(root / "junk") is None
    assert len(models_for_data([root, root / "a"], data.fingerprint, "classify")) == 2  # no duplicates
    cfg = json.loads((root / "a" / "config.json").read_text())
    assert read_entry(root / "a").saved_at == cfg["saved_at"]


def test_compare_two_trained_models(two_models):
    _, data, a, b = two_models
    r = compare_models(a.result.model, b.result.model, data)
    assert r["n"] == len(data.splits.test)
    assert r["a"]["accuracy"] == pytest.approx(a.test_metrics["accuracy"])
    assert r["b"]["accuracy"] == pytest.approx(b.test_metrics["accuracy"])
    assert r["both_right"] + r["only_a"] + r["only_b"] + r["both_wrong"] == r["n"]
    assert r["n_disagreements"] == len(r["disagreements"]) > 0
    for d in r["disagreements"]:
        assert d["a"] != d["b"]


def test_two_language_models_are_compared_on_the_same_text(small_corpus, tmp_path):
    data = load_dataset(small_corpus, task="generate", seed=0)
    outs = [
        train_on_file(small_corpus, TrainConfig(task="generate", model_kind="transformer", preset="tiny",
                                                max_time=t, epochs=1, checkpoint_every=0),
                      out_dir=tmp_path / name, dataset=data)
        for name, t in (("a", 1), ("b", 2))
    ]
    entries = models_for_data([tmp_path], data.fingerprint, "generate")
    assert len(entries) == 2 and all(e.score and e.score > 0 for e in entries)
    r = compare_models(outs[0].result.model, outs[1].result.model, data)
    assert r["task"] == "generate"
    for key, out in (("a", outs[0]), ("b", outs[1])):
        assert r[key]["bits_per_char"] == pytest.approx(out.test_metrics["bits_per_char"])
