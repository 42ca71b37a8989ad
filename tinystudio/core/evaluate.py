"""Scores on held-out data: classification metrics and language-model scores."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .inference import TrainedModel


def classification_metrics(
    y_true: Sequence[int], y_pred: Sequence[int], label_names: Sequence[str]
) -> dict:
    """Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix.

    ``confusion[i][j]`` counts texts whose true label is ``label_names[i]`` and which were
    predicted as ``label_names[j]``. A class never predicted has precision 0 (not NaN).
    """
    k = len(label_names)
    cm = torch.zeros(k, k, dtype=torch.long)
    if len(y_true):
        cm.index_put_(
            (torch.as_tensor(list(y_true)), torch.as_tensor(list(y_pred))),
            torch.ones(len(y_true), dtype=torch.long),
            accumulate=True,
        )
    tp = cm.diag().double()
    predicted = cm.sum(dim=0).double()
    actual = cm.sum(dim=1).double()
    precision = torch.where(predicted > 0, tp / predicted.clamp(min=1), torch.zeros_like(tp))
    recall = torch.where(actual > 0, tp / actual.clamp(min=1), torch.zeros_like(tp))
    denom = precision + recall
    f1 = torch.where(denom > 0, 2 * precision * recall / denom.clamp(min=1e-12), torch.zeros_like(tp))
    present = actual > 0  # macro-F1 over the classes present in this data
    per_class = {
        name: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(actual[i]),
        }
        for i, name in enumerate(label_names)
    }
    n = max(len(y_true), 1)
    return {
        "accuracy": float(tp.sum()) / n,
        "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
        "per_class": per_class,
        "labels": list(label_names),
        "confusion": cm.tolist(),
        "n": len(y_true),
    }


def evaluate_classifier(
    model: TrainedModel, texts: Sequence[str], labels: Sequence[str], worst: int = 20
) -> dict:
    """Metrics on labelled texts, plus the ``worst`` most confident mistakes.

    ``labels`` are label names; a label the model never saw counts as a mistake and is
    reported under ``unknown_labels``.
    """
    index = {name: i for i, name in enumerate(model.label_names)}
    probs = model.predict_proba(texts)
    pred = probs.argmax(dim=1)
    known = [i for i, lab in enumerate(labels) if lab in index]
    unknown = sorted({lab for lab in labels if lab not in index})
    metrics = classification_metrics(
        [index[labels[i]] for i in known], [int(pred[i]) for i in known], model.label_names
    )
    mistakes = []
    for i in known:
        p = int(pred[i])
        if p != index[labels[i]]:
            mistakes.append(
                {
                    "row": i,
                    "text": texts[i],
                    "true": labels[i],
                    "predicted": model.label_names[p],
                    "confidence": float(probs[i, p]),
                    "true_probability": float(probs[i, index[labels[i]]]),
                }
            )
    mistakes.sort(key=lambda m: -m["confidence"])
    metrics["worst_mistakes"] = mistakes[:worst]
    metrics["unknown_labels"] = unknown
    return metrics


def evaluate_generator(model: TrainedModel, texts: Sequence[str]) -> dict:
    """Loss per token, perplexity and bits per character over all of ``texts``."""
    return model.score_text(texts)
