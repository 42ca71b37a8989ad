"""What training reports while it runs: small frozen dataclasses of plain values.

They cross thread boundaries (the GUI's worker turns each into a Qt signal), so they never
hold tensors. ``to_dict`` gives the JSON line written to ``training_log.jsonl``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Event:
    def to_dict(self) -> dict:
        return {"event": type(self).__name__, **asdict(self)}


@dataclass(frozen=True)
class TrainStarted(Event):
    task: str
    model_kind: str
    preset: str
    params: int
    device: str
    total_steps: int
    max_time: float | None
    train_items: int  # examples (classify) or tokens (generate) in the training split
    val_items: int


@dataclass(frozen=True)
class StepEvent(Event):
    step: int
    total_steps: int
    epoch: float  # fractional: 1.5 = halfway through the second pass over the data
    loss: float  # mean training loss since the previous StepEvent
    lr: float
    items_per_sec: float  # examples/s (classify) or tokens/s (generate)
    elapsed: float  # seconds spent training (pauses excluded)
    eta: float  # seconds left, estimated
    progress: float  # 0..1: the larger of step and time progress


@dataclass(frozen=True)
class EvalEvent(Event):
    step: int
    train_loss: float
    val_loss: float
    val_accuracy: float | None  # classify
    bits_per_char: float | None  # generate
    is_best: bool


@dataclass(frozen=True)
class SampleEvent(Event):
    """A short continuation generated during training (generate task), to watch it learn."""

    step: int  # when it was written
    prompt: str
    text: str
    # The step whose weights wrote it: the best by validation so far, i.e. the weights that
    # are kept if training ended now (not the latest ones).
    weights_step: int = 0
    final: bool = False  # written after training by exactly the weights that were kept


@dataclass(frozen=True)
class Notice(Event):
    """Something the user should read: overfitting, early stop, divergence, checkpoint."""

    kind: str  # "overfitting" | "early_stop" | "diverged" | "checkpoint" | "resumed" | "time_up"
    message: str
    step: int


@dataclass(frozen=True)
class TrainFinished(Event):
    stop_reason: str  # "completed" | "time_up" | "early_stop" | "cancelled" | "diverged"
    steps: int
    seconds: float
    best_step: int
    message: str


@dataclass(frozen=True)
class CandidateStarted(Event):
    """Auto starts training one of the models it tries (core/auto)."""

    index: int  # 0-based position among the candidates planned
    total: int
    name: str  # short id, e.g. "ngram-linear"
    label: str  # plain words for people, e.g. "Word and letter patterns (linear)"
    seconds: float  # the time this candidate may take at most


@dataclass(frozen=True)
class CandidateFinished(Event):
    """One candidate's validation score and the seconds it took."""

    index: int
    name: str
    label: str
    score: float  # on the validation split, by ``metric``
    metric: str  # "accuracy" | "macro_f1"
    seconds: float
    is_best: bool  # the best so far (the leader)


@dataclass(frozen=True)
class AutoFinished(Event):
    """Auto kept ``chosen``; ``reason`` says why in one plain sentence."""

    chosen: str
    label: str
    reason: str
    ended: str  # "time_up" (the budget was used) | "no_improvement" | "all_tried" | "cancelled"
