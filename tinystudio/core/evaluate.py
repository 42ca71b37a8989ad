"""Scores on held-out data: classification metrics and language-model scores."""

from __future__ import annotations

import math
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
        **label_balance([int(a) for a in actual.tolist()], [int(p) for p in predicted.tolist()], label_names),
    }


IMBALANCED_RATIO = 5.0  # largest / smallest label count from which the labels count as badly imbalanced


def label_balance(actual: Sequence[int], predicted: Sequence[int], label_names: Sequence[str]) -> dict:
    """Facts a person should be told in plain words next to the scores.

    ``never_predicted``: labels present in the data that the model never answered (recall 0);
    ``majority_label`` / ``majority_share``: the most common label and the accuracy of always
    answering it (the score to beat); ``imbalance_ratio``: largest / smallest label count among
    the labels present, and ``imbalanced`` when it reaches :data:`IMBALANCED_RATIO`.
    """
    total = sum(actual)
    present = [i for i, a in enumerate(actual) if a > 0]
    if not present or total == 0:
        return {"never_predicted": [], "majority_label": None, "majority_share": 0.0,
                "imbalance_ratio": 1.0, "imbalanced": False}
    top = max(present, key=lambda i: actual[i])
    low = min(present, key=lambda i: actual[i])
    ratio = actual[top] / actual[low]
    return {
        "never_predicted": [label_names[i] for i in present if predicted[i] == 0],
        "majority_label": label_names[top],
        "majority_share": actual[top] / total,
        "minority_label": label_names[low],
        "imbalance_ratio": ratio,
        "imbalanced": len(present) > 1 and ratio >= IMBALANCED_RATIO,
    }


def script_of(texts: Sequence[str]) -> str:
    """The main writing system of ``texts``: ``cjk`` (Chinese/Japanese/Korean characters),
    ``latin``, or ``other`` (Cyrillic, Arabic, …), from the letters of a sample."""
    counts = {"cjk": 0, "latin": 0, "other": 0}
    seen = 0
    for text in texts:
        for ch in text:
            if not ch.isalpha():
                continue
            code = ord(ch)
            if 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF or code >= 0x20000:
                counts["cjk"] += 1
            elif code < 0x250 or 0x1E00 <= code <= 0x1EFF:
                counts["latin"] += 1
            else:
                counts["other"] += 1
            seen += 1
        if seen >= 200_000:
            break
    return max(counts, key=counts.get) if seen else "latin"


def character_baseline(texts: Sequence[str]) -> dict:
    """Bits per character of two simple references computed on ``texts`` themselves:
    ``uniform`` (every character seen equally likely: log2 of the number of different
    characters) and ``frequency`` (each character as likely as it is common in the text: its
    entropy). A model that learned anything beyond letter counts scores below ``frequency``;
    this works for any script, where a fixed figure (say, for English) would mislead."""
    from collections import Counter

    counts = Counter()
    for text in texts:
        counts.update(text)
    n = sum(counts.values())
    if n == 0:
        return {"uniform_bits_per_char": 0.0, "frequency_bits_per_char": 0.0}
    entropy = -sum(c / n * math.log2(c / n) for c in counts.values())
    return {"uniform_bits_per_char": math.log2(len(counts)) if len(counts) > 1 else 0.0,
            "frequency_bits_per_char": entropy}


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
    metrics = model.score_text(texts)
    metrics["script"] = script_of(texts)
    metrics.update(character_baseline(texts))
    return metrics
