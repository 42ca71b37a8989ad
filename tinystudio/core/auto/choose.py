"""Auto: the best classifier for this data in the time given.

Within the budget (``TrainConfig.max_time``, 60 s when none is given) Auto trains the
candidates that fit the data one after another, scores each on the validation split
(macro-F1 when the labels are imbalanced, accuracy otherwise), keeps the best and says in one
sentence why it won. Each candidate gets a share of the time that is left, so time one does
not need (it converged, or validation stopped improving) goes to the next.

The budget rule: the run ends when the budget is used up, or earlier when every candidate has
finished because its validation score stopped improving; ``TrainResult.auto["ended"]`` says
which. A candidate that is still running when its share ends is stopped there.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tinystudio.i18n import tr, tr_noop

from ..errors import TrainingError
from ..tokenize import TextTokenizer
from ..training.config import TrainConfig
from ..training.control import RunControl
from ..training.events import AutoFinished, CandidateFinished, CandidateStarted, Event
from ..training.loop import TrainResult, train
from .linear import fit_linear, warm_up

AUTO_BUDGET = 60.0  # seconds, when the user gives none
IMBALANCE_RATIO = 3.0  # largest / smallest class at which classes are weighed and macro-F1 decides
MIN_SECONDS = 1.0  # a candidate is not started with less time than this left
RESERVE = 0.05  # of the budget, kept for the last candidate's final evaluation
HIDDEN_MIN_ROWS = 5_000  # fastText with a hidden layer is tried from this many training rows
TRANSFORMER_MIN_ROWS = 20_000  # a Transformer is tried only on this much data...
TRANSFORMER_MIN_BUDGET = 300.0  # ...and with at least this budget (seconds)


@dataclass(frozen=True)
class Candidate:
    name: str  # short id used in JSON
    label: str  # plain words shown to people
    fit: str  # "linear" (core/auto/linear.py) or "loop" (the training loop)
    settings: dict = field(default_factory=dict)  # TrainConfig fields
    share: float = 1.0  # relative share of the budget


def wants_auto(config: TrainConfig) -> bool:
    """Auto decides when the user names no model: classify, and no kind, size, start model,
    feature set, learning rate or batch size (``config.auto`` True/False forces it either way)."""
    if config.auto is not None:
        return config.auto and config.task == "classify"
    return (
        config.task == "classify"
        and config.model_kind is None
        and config.preset is None
        and config.init_from is None
        and config.ngrams is None
        and config.lr is None
        and config.batch_size is None
        and not config.augment
        and int(os.environ.get("WORLD_SIZE", "1")) == 1  # torchrun: one model, trained together
    )


def plan(data, budget: float) -> list[Candidate]:
    """The candidates worth trying on ``data`` within ``budget`` seconds, best bets first."""
    n_train = len(data.splits.train)
    cands = [
        Candidate("ngram-linear", tr_noop("Word and letter patterns (linear)"), "linear", {"ngrams": "w2+c1-4"}, 0.35),
        Candidate("word-linear", tr_noop("Word patterns (linear)"), "linear", {"ngrams": "w2"}, 0.15),
        Candidate("fasttext", tr_noop("fastText on word pieces"), "loop", {"model_kind": "fasttext", "preset": "base"}, 0.3),
    ]
    if n_train >= HIDDEN_MIN_ROWS:  # on the tune sets it never won on fewer rows
        cands.append(Candidate(
            "fasttext-hidden", tr_noop("fastText with a hidden layer"), "loop",
            {"model_kind": "fasttext", "preset": "base", "hidden": 128}, 0.2,
        ))
    if n_train >= TRANSFORMER_MIN_ROWS and budget >= TRANSFORMER_MIN_BUDGET:
        cands.append(
            Candidate("transformer", tr_noop("Tiny Transformer"), "loop", {"model_kind": "transformer", "preset": "small"}, 0.4)
        )
    return cands


def is_imbalanced(data) -> bool:
    counts = [0] * len(data.label_names)
    for i in data.splits.train:
        counts[data.labels[i]] += 1
    present = [c for c in counts if c]
    return len(present) > 1 and max(present) / min(present) >= IMBALANCE_RATIO


def auto_train(
    config: TrainConfig,
    data,
    *,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
    candidates: list[Candidate] | None = None,
) -> TrainResult:
    """Try the candidates within the budget; return the best one's result with ``.auto`` set."""
    control = control or RunControl()
    budget = config.max_time or AUTO_BUDGET
    # The candidates share all but a reserve for the last one's final evaluation and clean-up.
    plan_budget = budget * (1 - RESERVE)
    warm_up()
    clock = control.active_time  # pauses do not use up the budget (nor count in a candidate's time)
    t0 = clock()
    history: list[dict] = []

    def emit(event: Event) -> None:
        history.append(event.to_dict())
        if on_event is not None:
            on_event(event)

    imbalanced = is_imbalanced(data)
    metric = "macro_f1" if imbalanced else "accuracy"
    key = "val_macro_f1" if imbalanced else "val_accuracy"
    cands = candidates if candidates is not None else plan(data, budget)
    base = replace(config, auto=False, metric=metric, class_weight=imbalanced or config.class_weight)
    n_val = len(data.splits.val) or len(data.splits.train)
    board: list[dict] = []
    tokenizers: dict = {}
    linear_setup: list[float] = []  # seconds each linear fit spent reading n-grams
    overheads: list[float] = []  # seconds each candidate spent outside its training clock
    best: tuple[float, int, TrainResult] | None = None
    ended = "all_tried"
    for index, cand in enumerate(cands):
        control.wait_while_paused()  # a pause between two candidates holds here
        left = plan_budget - (clock() - t0)
        if control.stop_requested:
            ended = "cancelled"
            break
        if left < MIN_SECONDS:
            ended = "time_up"
            break
        shares = sum(c.share for c in cands[index:])
        seconds = left if index == len(cands) - 1 else left * cand.share / shares
        too_short = (cand.fit == "linear" and linear_setup and linear_setup[-1] > seconds) or (
            cand.fit == "loop" and overheads and overheads[-1] + 2 * MIN_SECONDS > seconds
        )
        if too_short:
            # Getting ready alone (reading n-grams, encoding the texts) took the last candidate
            # of this kind longer than this one may take.
            board.append({"name": cand.name, "label": tr(cand.label), "score": None, "seconds": 0.0,
                          "error": "skipped: not enough time"})
            continue
        emit(CandidateStarted(index, len(cands), cand.name, tr(cand.label), round(seconds, 3)))
        # The loop's clock starts after its set-up (vocabulary, encoding): leave time for it.
        setup = (max(overheads) if overheads else 0.15 * seconds) if cand.fit == "loop" else 0.0
        cfg = replace(base, max_time=max(seconds - setup, MIN_SECONDS), **cand.settings)
        started = clock()
        try:
            if cand.fit == "linear":
                result = fit_linear(cfg, data, on_event=emit, control=control)
            else:
                cfg = replace(
                    cfg,
                    epochs=config.epochs or 100_000,  # the time decides unless the user set epochs
                    # Stop early only after half the run brought nothing new.
                    patience=max(config.patience, cfg.evals_per_run // 2) if config.patience else 0,
                    checkpoint_every=0,
                )
                resolved = cfg.resolved()
                tok_key = (resolved.tokenizer, resolved.vocab_size)
                if tok_key not in tokenizers:  # learned once, shared by the candidates that use it
                    tokenizers[tok_key] = TextTokenizer.train([data.texts[i] for i in data.splits.train], *tok_key)
                result = train(cfg, data, on_event=emit, control=control, tokenizer=tokenizers[tok_key])
        except (TrainingError, MemoryError) as exc:
            board.append({"name": cand.name, "label": tr(cand.label), "score": None,
                          "seconds": round(clock() - started, 3), "error": str(exc)})
            continue
        took = clock() - started
        if cand.fit == "linear":
            linear_setup.append(getattr(result, "setup_seconds", 0.0))
        if cand.fit == "loop":
            overheads.append(max(took - result.seconds, 0.0))
        score = float(result.val_metrics.get(key, 0.0))
        # A later candidate takes the lead only when it is better by more than the noise of
        # the validation score (one standard error): on a small validation split the
        # candidates tried first, the more reliable kinds, are kept on a near tie.
        is_best = best is None or score > best[0] + _standard_error(best[0], n_val)
        if is_best:
            best = (score, index, result)
        board.append({"name": cand.name, "label": tr(cand.label), "score": round(score, 6), "seconds": round(took, 3)})
        emit(CandidateFinished(index, cand.name, tr(cand.label), score, metric, took, is_best))
        if result.stop_reason == "cancelled":
            ended = "cancelled"
            break
    if best is None:
        raise TrainingError(tr("No model could be trained in the time given; allow more time."), code="auto_failed")
    score, index, result = best
    chosen = cands[index]
    reason = _reason(chosen, score, metric, board)
    elapsed = clock() - t0
    if ended == "all_tried":
        ended = "time_up" if elapsed >= 0.8 * budget else "no_improvement"
    emit(AutoFinished(chosen.name, tr(chosen.label), reason, ended))
    result.auto = {
        "candidates": board,
        "chosen": chosen.name,
        "reason": reason,
        "metric": metric,
        "budget": budget,
        "seconds": round(elapsed, 3),
        "ended": ended,
    }
    result.history = history
    result.seconds = elapsed
    # The run's own stop reason: the budget used up, or every candidate stopped improving.
    result.stop_reason = {"time_up": "time_up", "no_improvement": "early_stop"}.get(ended, "cancelled")
    # A person who pressed Stop reads that first (not "the time budget is used up").
    result.message = (tr("Training was stopped; the best model so far was kept.") + " " + reason
                      if ended == "cancelled" else reason)
    return result


def _standard_error(score: float, n: int) -> float:
    """The standard error of a proportion ``score`` measured on ``n`` examples."""
    p = min(max(score, 0.0), 1.0)
    return math.sqrt(p * (1 - p) / max(n, 1))


def _reason(chosen: Candidate, score: float, metric: str, board: list[dict]) -> str:
    label = tr(chosen.label)
    what = tr("macro-F1 (every label counted equally)") if metric == "macro_f1" else tr("accuracy")
    others = [b for b in board if b["name"] != chosen.name and b["score"] is not None]
    if not others:
        return tr("{label} was the only model that could be trained in the time given "
                  "({what} {score:.1%} on the validation examples).").format(label=label, what=what, score=score)
    runner = max(others, key=lambda b: b["score"])
    gap = (score - runner["score"]) * 100
    if gap < -0.05:
        return tr("{label} was kept ({what} {score:.1%} on the validation examples): {runner} scored "
                  "{other:.1%}, but on so few validation examples that difference is within chance.").format(
                      label=label, what=what, score=score, runner=runner["label"], other=runner["score"])
    if gap <= 0.05:
        return tr("{label} tied with {runner} on the validation examples ({what} {score:.1%}) "
                  "and was trained first.").format(label=label, runner=runner["label"], what=what, score=score)
    return tr("{label} scored the best {what} on the validation examples: {score:.1%}, "
              "{gap:.1f} points above {runner}.").format(label=label, what=what, score=score, gap=gap,
                                                         runner=runner["label"])
