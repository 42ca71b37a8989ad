"""Labelling core: selection, review, the quick model, the labels file (tiny data, no Qt)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from tinystudio.core.errors import DataError
from tinystudio.core.labelling import LabelSession, Learner, choose_rows, labels_path_for, review
from tinystudio.core.labelling.features import Featurizer
from tinystudio.core.labelling.model import cross_val_proba, fit
from tinystudio.core.labelling.review import find_suspects
from tinystudio.core.labelling.selection import in_warmup

ANIMALS = ["the cat purrs and sleeps", "a dog barks at the cat", "the horse runs in the field",
           "a cow eats grass in the field", "the bird sings in the tree", "a cat chases the bird",
           "the dog wags its tail", "a horse and a cow in the barn"]  # fmt: skip
FOOD = ["fresh bread with butter", "a bowl of hot soup", "cheese and bread for lunch",
        "soup with carrots and onions", "a slice of apple pie", "butter on hot toast",
        "apple and cheese salad", "onion soup with bread"]  # fmt: skip


def write_csv(path, rows, header=("text", "label")):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_quick_model_learns_and_cross_validates():
    texts = ANIMALS + FOOD
    y = [0] * 8 + [1] * 8
    feats = Featurizer().transform(texts + ["a cat and a dog", "hot bread and soup"])
    model = fit(feats.take(range(16)), y)
    proba = model.predict_proba(feats.take([16, 17]), 2)
    assert proba.argmax(axis=1).tolist() == [0, 1]
    oof = cross_val_proba(feats.take(range(16)), y, 2)
    assert (oof.argmax(axis=1) == np.array(y)).mean() >= 0.8


def test_warmup_is_random_until_every_label_has_a_few_examples():
    assert in_warmup({0: 5}, 2)  # one label only
    assert in_warmup({0: 5, 1: 1}, 2)
    assert not in_warmup({0: 3, 1: 3}, 2)
    assert not in_warmup({0: 40, 1: 1}, 2)  # a rare label is not waited for forever


def test_smart_picks_the_least_sure_rows_and_spreads_them_out():
    texts = ["red apple pie", "red apple pie!", "blue sky ocean", "green grass", "plain text here"]
    feats = Featurizer().transform(texts)
    proba = np.array([[0.5, 0.5], [0.51, 0.49], [0.55, 0.45], [0.99, 0.01], [0.95, 0.05]])
    both_copies = 0
    for seed in range(20):
        picks = choose_rows(range(5), 2, proba=proba, features=feats, counts={0: 5, 1: 5},
                            n_labels=2, seed=seed)  # fmt: skip
        rows = [p.row for p in picks]
        assert rows[0] == 0, "the most doubtful row comes first"
        both_copies += rows[1] == 1
        assert "torn" in picks[0].reason and "unlike" in picks[1].reason
    # The near-copy of the first pick is worth (almost) nothing once the first is asked.
    assert both_copies <= 1, both_copies
    # A model that is wrong most of the time: its doubts are not trusted, the picks are random.
    poor = choose_rows(range(5), 2, proba=proba, features=feats, counts={0: 5, 1: 5}, n_labels=2, accuracy=0.3)
    assert all("random" in p.reason for p in poor)
    # During the warm-up, picks are random and say so; the guess is kept for after the answer.
    warm = choose_rows(range(5), 3, proba=proba, counts={0: 1, 1: 1}, n_labels=2, seed=1)
    assert all("random" in p.reason for p in warm) and warm[0].guess is not None


def test_order_and_random_modes():
    assert [p.row for p in choose_rows([7, 3, 5], 2, mode="order")] == [3, 5]
    a = [p.row for p in choose_rows(range(100), 5, mode="random", seed=3)]
    assert a == [p.row for p in choose_rows(range(100), 5, mode="random", seed=3)]
    assert len(set(a)) == 5


def test_confident_learning_flags_the_flipped_label_first():
    texts = ANIMALS * 2 + FOOD * 2
    labels = {i: ("animal" if i < 16 else "food") for i in range(32)}
    labels[3] = "food"  # a cow eating grass is not food
    suspects = review(labels, texts)
    assert suspects and suspects[0]["row"] in (3, 11) and suspects[0]["suggested"] == "animal"
    assert suspects[0]["label"] == "food"
    assert [s["row"] for s in suspects[:2]].count(3) == 1


def test_find_suspects_ranks_by_disagreement():
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.05, 0.95], [0.2, 0.8], [0.9, 0.1]])
    y = [0, 0, 0, 1, 1, 1]  # row 5 is surely wrong, row 2 probably
    got = find_suspects(proba, y)
    assert [s.row for s in got] == [5, 2]
    assert got[0].suggested == 0 and got[0].confidence == pytest.approx(0.9)


def _partial(tmp_path):
    rows = [(t, "animal" if k < 3 else "") for k, t in enumerate(ANIMALS)]
    rows += [(t, "food" if k < 3 else "") for k, t in enumerate(FOOD)]
    return write_csv(tmp_path / "pets.csv", rows)


def test_session_autosaves_beside_the_file_undoes_and_resumes(tmp_path):
    path = _partial(tmp_path)
    original = path.read_bytes()
    s = LabelSession.open(path)
    assert s.source.label_column == "label" and sorted(s.label_names) == ["animal", "food"]
    assert 3 not in s.labelled() and 3 in s.unlabelled()
    s.answer(3, "animal")
    s.add_label("drink")
    s.answer(12, "drink")
    s.skip(4)
    out = labels_path_for(path)
    assert out.name == "pets-labels.csv" and out.is_file()
    assert path.read_bytes() == original  # the user's file is never written
    assert s.undo() == 4 and 4 not in s.skipped
    s.skip(5)
    saved = list(csv.reader(out.open(encoding="utf-8")))
    assert saved[0] == ["source_row", "text", "label"]
    assert [ANIMALS[3], "animal"] == saved[[r[0] for r in saved].index("4")][1:]
    assert len(saved) - 1 == 6 + 2  # the file's six labels and the two answers
    again = LabelSession.open(path)
    assert again.resumed and again.label_of(3) == "animal" and again.label_of(12) == "drink"
    assert again.skipped == {5} and "drink" in again.label_names
    assert 3 not in again.unlabelled() and 5 not in again.unlabelled()


def test_resume_ignores_rows_whose_text_changed_and_refuses_a_foreign_file(tmp_path):
    path = _partial(tmp_path)
    s = LabelSession.open(path)
    s.answer(3, "animal")
    out = labels_path_for(path)
    out.write_text(out.read_text(encoding="utf-8").replace(ANIMALS[3], "something else"), encoding="utf-8")
    again = LabelSession.open(path)
    assert again.mismatched == 1 and again.label_of(3) is None
    out.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a labels file"):
        LabelSession.open(path)


def test_file_without_label_column_and_learner_advice(tmp_path):
    path = write_csv(tmp_path / "plain.csv", [(t, str(k)) for k, t in enumerate(ANIMALS + FOOD)], ("text", "id"))
    s = LabelSession.open(path)
    assert s.source.label_column is None and s.label_names == []
    for row in range(3):
        s.answer(row, "animal")
    for row in range(8, 11):
        s.answer(row, "food")
    learner = Learner(s.source.texts, s.labelled())
    advice = learner.advise(s.snapshot(), n=4)
    assert len(advice.picks) == 4 and not {p.row for p in advice.picks} & set(s.labelled())
    assert set(advice.guesses) == {p.row for p in advice.picks}
    header = next(csv.reader(labels_path_for(path).open(encoding="utf-8")))
    assert header == ["source_row", "text", "label"]


def test_cli_label_next_and_check_labels_contract(tmp_path):
    path = _partial(tmp_path)
    run = lambda *a: subprocess.run([sys.executable, "-m", "tinystudio.cli", *a, "--json"],  # noqa: E731
                                    capture_output=True, text=True, timeout=300)  # fmt: skip
    out = run("label-next", str(path), "--n", "3")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert len(rows) == 3
    unlabelled = [i for i in range(16) if i % 8 >= 3]
    for r in rows:
        assert r["row"] in unlabelled and r["text"] == (ANIMALS + FOOD)[r["row"]]
        assert r["guess"] in ("animal", "food") and 0 <= r["confidence"] <= 1
    assert not labels_path_for(path).exists()  # the command writes nothing
    flipped = [(t, "animal") for t in ANIMALS * 2] + [(t, "food") for t in FOOD * 2]
    flipped[3] = (ANIMALS[3], "food")
    out = run("check-labels", str(write_csv(tmp_path / "flip.csv", flipped)))
    assert out.returncode == 0, out.stderr
    suspects = json.loads(out.stdout)["suspects"]
    assert suspects[0]["row"] == 3 and suspects[0]["label"] == "food" and suspects[0]["suggested"] == "animal"
