"""How far to trust a classifier's "I am 97 % sure": temperature scaling on validation data.

A small network trained to low loss is usually over-confident: it says 99 % where it is right
70 % of the time. Temperature scaling (Guo et al., 2017, "On Calibration of Modern Neural
Networks") divides the logits by one number ``T`` fitted on held-out (validation) texts so
that the probabilities match how often the model is right. ``T`` never changes which label
wins, so accuracy is unchanged; only the confidence moves.

The fitted ``T`` and the before/after scores are stored in the model's ``config.json`` under
``"calibration"``; a model saved without it is used with ``T = 1`` and reported as not
calibrated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported inside the functions: the GUI reads the words without it
    import torch

MIN_EXAMPLES = 20  # fewer validation texts than this: too few to fit anything, keep T = 1
T_RANGE = (0.005, 50.0)  # the search interval for T (briefly trained fastText models can be under-confident: T < 0.05)
BINS = 10  # equal-width confidence bins for the expected calibration error


def nll(logits: torch.Tensor, labels: torch.Tensor, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of ``labels`` (N,) under ``softmax(logits / T)`` (N, K)."""
    import torch

    return float(torch.nn.functional.cross_entropy(logits.double() / temperature, labels.long()))


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, bins: int = BINS) -> float:
    """ECE: the gap between confidence and accuracy, averaged over confidence bins.

    ``probs`` (N, K) are probabilities. For each bin of top-label confidence, |accuracy - mean
    confidence| weighted by the share of texts in that bin. 0 is perfectly calibrated.
    """
    import torch

    if len(labels) == 0:
        return 0.0
    conf, pred = probs.double().max(dim=1)
    right = (pred == labels.long()).double()
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.double)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if inside.any():
            ece += float(inside.double().mean()) * abs(float(right[inside].mean() - conf[inside].mean()))
    return ece


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The ``T`` minimising the validation NLL of ``softmax(logits / T)``.

    The NLL is convex in ``1/T``, so a golden-section search over ``log T`` finds the minimum
    without gradients or step sizes to tune (about 40 evaluations of one (N, K) softmax).
    """

    logits, labels = logits.detach().double(), labels.long()
    lo, hi = math.log(T_RANGE[0]), math.log(T_RANGE[1])
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(logits, labels, math.exp(a)), nll(logits, labels, math.exp(b))
    for _ in range(60):
        if hi - lo < 1e-4:
            break
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(logits, labels, math.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(logits, labels, math.exp(b))
    best = math.exp((lo + hi) / 2)
    # Never worse than leaving the model alone (flat NLL, or the minimum at an end).
    return best if nll(logits, labels, best) <= nll(logits, labels, 1.0) else 1.0


def calibrate(logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """Fit ``T`` on validation logits/labels; the record stored in the model's config.

    Returns ``{}`` when there are too few texts (the model then counts as not calibrated).
    """
    import torch

    n = int(len(labels))
    if n < MIN_EXAMPLES:
        return {}
    t = fit_temperature(logits, labels)
    before = torch.softmax(logits.double(), dim=1)
    after = torch.softmax(logits.double() / t, dim=1)
    accuracy = float((logits.argmax(dim=1) == labels.long()).double().mean())
    return {
        "method": "temperature",
        "temperature": t,
        "fitted_on": "validation",
        "n": n,
        "accuracy": accuracy,
        "nll_before": nll(logits, labels, 1.0),
        "nll_after": nll(logits, labels, t),
        "ece_before": expected_calibration_error(before, labels),
        "ece_after": expected_calibration_error(after, labels),
    }


def calibrate_model(model, texts: Sequence[str], labels: Sequence[str]) -> dict:
    """Fit and set ``model.calibration`` from labelled validation texts (label names)."""
    import torch

    index = {name: i for i, name in enumerate(model.label_names)}
    keep = [i for i, lab in enumerate(labels) if lab in index]
    if len(keep) < MIN_EXAMPLES:
        model.calibration = {}
        return {}
    logits = model.predict_logits([texts[i] for i in keep])
    y = torch.tensor([index[labels[i]] for i in keep])
    model.calibration = calibrate(logits, y)
    return model.calibration


def confidence_level(probability: float, calibrated: bool) -> str:
    """A word for how much to trust one answer: ``very_sure``, ``fairly_sure``, ``unsure``,
    ``guessing``, or ``unchecked`` (the model was never calibrated, so its number is not a
    measured chance of being right)."""
    if not calibrated:
        return "unchecked"
    if probability >= 0.9:
        return "very_sure"
    if probability >= 0.7:
        return "fairly_sure"
    if probability >= 0.45:
        return "unsure"
    return "guessing"
