import random

import pytest
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from tinystudio.core.evaluate import classification_metrics


def test_metrics_match_scikit_learn():
    rnd = random.Random(1)
    y_true = [rnd.randrange(5) for _ in range(300)]
    y_pred = [y if rnd.random() < 0.7 else rnd.randrange(5) for y in y_true]
    names = ["a", "b", "c", "d", "e"]
    m = classification_metrics(y_true, y_pred, names)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=range(5), zero_division=0)
    assert m["accuracy"] == pytest.approx(sum(a == b for a, b in zip(y_true, y_pred)) / 300)
    assert m["macro_f1"] == pytest.approx(f1_score(y_true, y_pred, average="macro"))
    for i, name in enumerate(names):
        assert m["per_class"][name]["precision"] == pytest.approx(p[i])
        assert m["per_class"][name]["recall"] == pytest.approx(r[i])
        assert m["per_class"][name]["f1"] == pytest.approx(f[i])
        assert m["per_class"][name]["support"] == s[i]
    assert m["confusion"] == confusion_matrix(y_true, y_pred, labels=range(5)).tolist()


def test_a_class_never_predicted_has_zero_precision_not_nan():
    m = classification_metrics([0, 1, 2], [0, 0, 0], ["x", "y", "z"])
    assert m["per_class"]["y"]["precision"] == 0.0
    assert m["per_class"]["y"]["f1"] == 0.0
    assert m["accuracy"] == pytest.approx(1 / 3)
