"""Two models side by side on the same test texts: scores, confusion matrices, disagreements.

:func:`compare_predictions` is plain Python on labels (no torch); :func:`compare_models` runs
both models on a dataset's test split (torch, so the app calls it on a worker thread).
"""

from __future__ import annotations

from collections.abc import Sequence

from tinystudio.i18n import tr

from .evaluate import classification_metrics

MAX_DISAGREEMENTS = 500  # texts listed; the counts cover all of them


def compare_predictions(
    texts: Sequence[str], truth: Sequence[str], a: Sequence[str], b: Sequence[str], label_names: Sequence[str]
) -> dict:
    """How two models' answers on the same labelled texts differ.

    Returns each model's metrics (``a`` / ``b``: accuracy, macro-F1, confusion…), the counts
    ``both_right``, ``only_a``, ``only_b``, ``both_wrong``, ``agreement`` (share of texts with
    the same answer) and ``disagreements``: the texts where the answers differ, those where one
    model is right first.
    """
    if not (len(texts) == len(truth) == len(a) == len(b)):
        raise ValueError("texts, right answers and both models' answers must have the same length")
    index = {name: i for i, name in enumerate(label_names)}
    keep = [i for i, t in enumerate(truth) if t in index and a[i] in index and b[i] in index]

    def metrics(pred: Sequence[str]) -> dict:
        return classification_metrics([index[truth[i]] for i in keep], [index[pred[i]] for i in keep], label_names)

    counts = {"both_right": 0, "only_a": 0, "only_b": 0, "both_wrong": 0}
    rows = []
    for i in keep:
        ra, rb = a[i] == truth[i], b[i] == truth[i]
        counts["both_right" if ra and rb else "only_a" if ra else "only_b" if rb else "both_wrong"] += 1
        if a[i] != b[i]:
            rows.append({"text": texts[i], "true": truth[i], "a": a[i], "b": b[i],
                         "right": "a" if ra else "b" if rb else "neither"})
    rows.sort(key=lambda r: r["right"] == "neither")  # one of them right first (stable otherwise)
    n = len(keep)
    return {
        "a": metrics(a),
        "b": metrics(b),
        "n": n,
        **counts,
        "agreement": (n - len(rows)) / n if n else 1.0,
        "n_disagreements": len(rows),
        "disagreements": rows[:MAX_DISAGREEMENTS],
    }


def compare_models(model_a, model_b, dataset, split: str = "test") -> dict:
    """Run both models on one split of ``dataset`` and compare them.

    Classifiers: :func:`compare_predictions`. Language models: each one's held-out scores
    (bits per character…) on the same text, with no per-text disagreements.
    """
    if model_a.task != model_b.task or model_a.task != dataset.task:
        raise ValueError(tr("Only two models for the same task, on data for that task, can be compared."))
    idx = list(getattr(dataset.splits, split)) or list(range(len(dataset.texts)))
    texts = [dataset.texts[i] for i in idx]
    if model_a.task == "generate":
        from .evaluate import evaluate_generator

        return {"task": "generate", "a": evaluate_generator(model_a, texts), "b": evaluate_generator(model_b, texts),
                "n": len(texts)}
    truth = [dataset.label_names[dataset.labels[i]] for i in idx]
    names = list(dict.fromkeys([*model_a.label_names, *dataset.label_names]))
    result = compare_predictions(
        texts, truth, [p.label for p in model_a.predict(texts)], [p.label for p in model_b.predict(texts)], names
    )
    result["task"] = "classify"
    return result
