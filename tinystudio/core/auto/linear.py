"""The n-gram linear candidate: logistic regression on tf-idf weighted hashed n-grams.

The model is the ordinary n-gram fastText model (``models/ngrams.py``) with one column per
class and tf-idf weighting, so it is saved, evaluated, compressed and exported like any other.
Only the fitting differs: the whole training split is one sparse matrix, and L-BFGS minimises
the regularised cross-entropy over all of it (as scikit-learn's ``LogisticRegression`` does),
which on a few thousand texts converges in seconds where stochastic steps need minutes. The
regularisation strength is chosen on the validation split.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import torch
from torch import nn

from tinystudio.i18n import tr

from ..inference import TrainedModel
from ..models import build_model, count_params
from ..tokenize import TextTokenizer
from ..training.building import model_config_for, seed_everything
from ..training.config import TrainConfig
from ..training.control import RunControl
from ..training.events import EvalEvent, Event, StepEvent, TrainFinished, TrainStarted
from ..training.loop import TrainResult, _data_info
from ..training.taskdata import TaskData, macro_f1

# Inverse regularisation strengths tried, weakest regularisation last (scikit-learn's C: the
# loss is mean cross-entropy + ||W||^2 / (2 C n)). Each fit starts from the previous one.
C_VALUES = (1.0, 3.0, 10.0, 30.0, 100.0)
MAX_NNZ = 30_000_000  # n-gram entries of the training split this fitting holds in memory


def feature_count(task: TaskData) -> int:
    return sum(len(f) for f in task.train_feats or ())


def fit_linear(
    config: TrainConfig,
    data,
    *,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
    tokenizer: TextTokenizer | None = None,
    c_values: tuple[float, ...] = C_VALUES,
    refit: bool = False,
) -> TrainResult:
    """Fit the linear n-gram model within ``config.max_time`` seconds; return the best by
    validation (``config.metric``) among the regularisation strengths tried."""
    cfg = config.resolved()
    control = control or RunControl()
    history: list[dict] = []

    def emit(event: Event) -> None:
        history.append(event.to_dict())
        if on_event is not None:
            on_event(event)

    warm_up()
    clock = control.active_time  # pauses do not use up the budget
    t0 = clock()
    seed_everything(cfg.seed)
    if tokenizer is None:
        tokenizer = TextTokenizer.train([data.texts[i] for i in data.splits.train], "char")
    n_classes = len(data.label_names)
    model_cfg = replace(model_config_for(cfg, tokenizer, data), d_model=n_classes, hidden=0, tfidf=True)
    module = build_model(model_cfg)
    task = TaskData(cfg, data, tokenizer)
    task.attach(module)
    if task.train_feats is None:
        from ..errors import TrainingError

        raise TrainingError(tr("The texts are too long for the linear n-gram model."), code="too_large")
    buckets = model_cfg.ngram_buckets
    train_counts = _counts(task.train_feats, buckets)
    df = np.bincount(train_counts[1], minlength=buckets)
    # Smoothed inverse document frequency, as scikit-learn's TfidfTransformer.
    idf = (np.log((1 + len(task.train_feats)) / (1 + df)) + 1).astype(np.float32)
    module.idf.copy_(torch.from_numpy(idf))
    # Only the buckets seen in training can get a weight: fit over those columns alone.
    used = np.flatnonzero(df)
    column = np.full(buckets, -1, dtype=np.int64)  # unseen buckets -> dropped
    column[used] = np.arange(len(used))
    x_train, x_train_t = _tfidf_csr(train_counts, idf, column, len(used), len(task.train_feats), transpose=True)
    x_val, _ = _tfidf_csr(_counts(task.val_feats, buckets), idf, column, len(used), len(task.val_feats))
    y = torch.tensor(task.train_labels, dtype=torch.long)
    y_val = task.val_labels
    n = len(y)
    sample_w = task.class_weight[y] if task.class_weight is not None else torch.ones(n)
    sample_w = sample_w / sample_w.sum()

    setup_seconds = clock() - t0  # Auto uses it to foresee the next linear fit's
    W = torch.zeros(len(used), n_classes)
    b = torch.zeros(n_classes)
    emit(TrainStarted(
        task="classify", model_kind="fasttext", preset=cfg.preset, params=count_params(module),
        device="cpu", total_steps=len(c_values), max_time=cfg.max_time,
        train_items=n, val_items=len(y_val),
    ))
    best = {"score": -math.inf, "W": W.clone(), "b": b.clone(), "metrics": {}, "step": 0}
    stop_reason, message = "completed", tr("Training finished.")
    step = 0
    data_passes = 0  # each loss-and-gradient evaluation reads every training text once
    deadline = t0 + cfg.max_time if cfg.max_time else math.inf

    def validate() -> dict:
        logits = (x_val @ W + b).float()
        loss = nn.functional.cross_entropy(logits, y_val).item() if len(y_val) else 0.0
        pred = logits.argmax(dim=1)
        acc = float((pred == y_val).float().mean()) if len(y_val) else 0.0
        return {"val_loss": loss, "val_accuracy": acc, "val_macro_f1": macro_f1(pred, y_val, n_classes)}

    for tried, c in enumerate(c_values):
        # Each strength gets an equal share of the time left, so that all of them are tried.
        c_deadline = clock() + (deadline - clock()) / (len(c_values) - tried)
        loss, passes = _minimize(x_train, x_train_t, y, sample_w, W, b, 1.0 / (c * n), c_deadline, control)
        data_passes += passes
        if loss == math.inf:
            break  # no time left for this strength
        step = tried + 1
        if loss == math.inf:
            break  # no time left for this strength
        with torch.no_grad():
            metrics = validate()
        key = "val_macro_f1" if cfg.metric == "macro_f1" else "val_accuracy"
        score = metrics[key] - 1e-6 * metrics["val_loss"]
        is_best = score > best["score"]
        if is_best:
            best.update(score=score, W=W.detach().clone(), b=b.detach().clone(), metrics=metrics, step=step, c=c)
        elapsed = clock() - t0
        emit(StepEvent(step=step, total_steps=len(c_values), epoch=float(data_passes), loss=loss, lr=c,
                       items_per_sec=n * data_passes / max(elapsed, 1e-9), elapsed=elapsed,
                       eta=max(deadline - clock(), 0.0) if cfg.max_time else 0.0,
                       progress=max(step / len(c_values), min(1.0, elapsed / cfg.max_time) if cfg.max_time else 0.0)))
        emit(EvalEvent(step=step, train_loss=loss, val_loss=metrics["val_loss"],
                       val_accuracy=metrics["val_accuracy"], bits_per_char=None, is_best=is_best))
        if control.stop_requested:
            stop_reason, message = "cancelled", tr("Training was stopped; the best model so far was kept.")
            break
        if clock() >= deadline:
            stop_reason, message = "time_up", tr("The time budget is used up; the best model so far was kept.")
            break
    if refit and best["metrics"] and stop_reason == "completed" and len(y_val):
        # Small data: fit the chosen strength once more on the training and validation rows
        # together (the validation score stays the one measured before).
        x_all, x_all_t = _tfidf_csr(_counts(task.train_feats + task.val_feats, buckets), idf, column,
                                    len(used), n + len(y_val), transpose=True)
        y_all = torch.cat([y, y_val])
        w_all = task.class_weight[y_all] if task.class_weight is not None else torch.ones(len(y_all))
        with torch.no_grad():
            W.copy_(best["W"])
            b.copy_(best["b"])
        _minimize(x_all, x_all_t, y_all, w_all / w_all.sum(), W, b, 1.0 / (best["c"] * len(y_all)),
                  deadline, control)
        best.update(W=W.detach().clone(), b=b.detach().clone())
    if not best["metrics"]:  # not even one fit in the time: the starting weights, scored
        with torch.no_grad():
            best.update(metrics=validate(), W=W.detach().clone(), b=b.detach().clone())
    with torch.no_grad():
        module.emb.weight.zero_()
        module.emb.weight[torch.from_numpy(used)] = best["W"]
        module.head.bias.copy_(best["b"])
    module.eval()
    seconds = clock() - t0
    emit(TrainFinished(stop_reason, step, seconds, best["step"], message))
    trained = TrainedModel(
        config=model_cfg, tokenizer=tokenizer, module=module, label_names=list(data.label_names),
        train_config=replace(cfg, tokenizer="char", max_len=model_cfg.max_len).to_dict(),
        data_info=_data_info(data),
    )
    result = TrainResult(model=trained, stop_reason=stop_reason, message=message, steps=step,
                       seconds=seconds, best_step=best["step"], val_metrics=dict(best["metrics"]),
                       history=history)
    result.setup_seconds = setup_seconds
    return result


def warm_up() -> None:
    """Pay torch's one-off cost of making the first optimizer (it loads compiler modules:
    1-7 s on a busy 2-core machine) before the clock starts, as the training loop does."""
    torch.optim.LBFGS([torch.zeros(1, requires_grad=True)])


def _minimize(x, x_t, y, sample_w, W, b, lam: float, deadline: float, control) -> tuple[float, int]:
    """L-BFGS on the weighted cross-entropy + lam/2 ||W||^2 until it converges or ``deadline``
    (on ``control.active_time``: a pause holds the fit and does not use up its time);
    returns (the last loss, math.inf when no step was made; the loss evaluations made)."""
    n = len(y)
    W.requires_grad_()
    b.requires_grad_()
    # A few iterations per call, so that the clock is looked at often.
    opt = torch.optim.LBFGS([W, b], lr=1, max_iter=5, history_size=8, line_search_fn="strong_wolfe")

    def closure():
        with torch.no_grad():
            logp = torch.log_softmax(x @ W + b, dim=1)
            loss = -(logp.gather(1, y[:, None]).squeeze(1) * sample_w).sum() + 0.5 * lam * W.square().sum()
            g = logp.exp()
            g[torch.arange(n), y] -= 1
            g *= sample_w[:, None]
            W.grad = x_t @ g + lam * W
            b.grad = g.sum(dim=0)
        return loss

    evaluations = 0

    def counted():
        nonlocal evaluations
        evaluations += 1
        return closure()

    previous = loss = math.inf
    for _ in range(100):  # at most 500 iterations
        control.wait_while_paused()
        if control.stop_requested or control.active_time() >= deadline:
            break
        loss = float(opt.step(counted))
        if abs(previous - loss) < 1e-5 * max(abs(loss), 1.0):
            break
        previous = loss
    W.requires_grad_(False)
    b.requires_grad_(False)
    return loss, evaluations


def _counts(feats: list, buckets: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, bucket, count) of each distinct bucket of each text, in row-major order."""
    lengths = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
    cols = np.concatenate(feats).astype(np.int64) if feats else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(feats), dtype=np.int64), lengths)
    keys, counts = np.unique(rows * buckets + cols, return_counts=True)
    return keys // buckets, keys % buckets, counts


def _tfidf_csr(counts, idf: np.ndarray, column: np.ndarray, n_cols: int, n_rows: int, transpose: bool = False):
    """The texts as a CSR matrix over the buckets seen in training, weighted exactly as
    ``NgramModel.pool_features`` weighs them (and its transpose, when asked)."""
    rows, buckets, count = counts
    w = count * idf[buckets]
    # The model's norm counts each occurrence separately: sqrt(sum count * idf^2).
    norm = np.sqrt(np.bincount(rows, weights=count * idf[buckets] ** 2, minlength=n_rows)).clip(min=1e-6)
    values = (w / norm[rows]).astype(np.float32)
    cols = column[buckets]
    keep = cols >= 0
    rows, cols, values = rows[keep], cols[keep], values[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "sparse CSR support is in beta": only matmul is used
        x = _csr(rows, cols, values, n_rows, n_cols)
        if not transpose:
            return x, None
        order = np.argsort(cols, kind="stable")
        return x, _csr(cols[order], rows[order], values[order], n_cols, n_rows)


def _csr(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int, n_cols: int) -> torch.Tensor:
    """A CSR tensor from entries sorted by row."""
    crow = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=crow[1:])
    return torch.sparse_csr_tensor(
        torch.from_numpy(crow), torch.from_numpy(cols.copy()), torch.from_numpy(values), (n_rows, n_cols)
    )
