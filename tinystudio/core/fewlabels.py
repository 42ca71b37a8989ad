"""Learning from few labels: pre-train on your own text, fine-tune on the labelled rows.

:func:`pretrain_language_model` trains the tiny Transformer to continue text (no labels
needed); a classifier started from it (``train(..., init_model=lm)``) already knows the
words. :func:`learning_curve` measures what that is worth: accuracy on a test file with
10, 20, 50 ... labelled examples per class, from scratch and pre-trained — the curve that
tells a user whether labelling more rows is worth it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .data import Dataset, Splits
from .evaluate import evaluate_classifier
from .inference import TrainedModel
from .tokenize import TextTokenizer
from .training.config import DEFAULT_VOCAB, TrainConfig
from .training.control import RunControl
from .training.events import Event
from .training.loop import train

DEFAULT_PER_CLASS = (10, 20, 50, 100, 200)
CLASSIFY_CONTEXT = 128  # tokens: the pre-trained model's window is the classifier's input length


@dataclass(frozen=True)
class CurvePoint:
    per_class: int | None  # None: every labelled row
    n_labels: int  # labelled examples actually used
    scratch_accuracy: float
    pretrained_accuracy: float | None
    scratch_macro_f1: float
    pretrained_macro_f1: float | None
    # Which start is used: the pre-trained one only when it beat scratch on validation rows
    # held out from the labelled ones ("scratch" when there is no pre-trained model).
    used: str = "scratch"
    used_accuracy: float = 0.0
    used_macro_f1: float = 0.0
    validation: dict | None = None  # {"scratch": acc, "pretrained": acc} on the held-out rows

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def text_dataset(like: Dataset, texts: Sequence[str]) -> Dataset:
    """``texts`` as a generate-task dataset (95% train, 5% validation, in order)."""
    n = len(texts)
    cut = max(1, int(n * 0.95))
    return replace(
        like,
        task="generate",
        texts=list(texts),
        labels=None,
        label_names=[],
        splits=Splits(train=tuple(range(cut)), val=tuple(range(cut, n)), test=()),
    )


def pretrain_language_model(
    like: Dataset,
    texts: Sequence[str],
    tokenizer: TextTokenizer,
    *,
    preset: str = "small",
    max_time: float | None = 120.0,
    epochs: int = 1000,
    seed: int = 0,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
) -> TrainedModel:
    """A Transformer language model of ``texts``, with the classifier's tokenizer and window."""
    config = TrainConfig(
        task="generate",
        model_kind="transformer",
        preset=preset,
        max_len=CLASSIFY_CONTEXT,
        max_time=max_time,
        epochs=epochs,
        seed=seed,
        checkpoint_every=0,
        sample_every=0,
        patience=0,
    )
    result = train(config, text_dataset(like, texts), tokenizer=tokenizer, on_event=on_event, control=control)
    return result.model


def sample_per_class(labels: Sequence[int], indices: Sequence[int], n: int | None, seed: int) -> list[int]:
    """Up to ``n`` indices per label from ``indices`` (all of them for ``n=None``), seeded."""
    if n is None:
        return list(indices)
    by_label: dict[int, list[int]] = {}
    for i in indices:
        by_label.setdefault(labels[i], []).append(i)
    rng = random.Random(seed)
    chosen: list[int] = []
    for label in sorted(by_label):
        rows = by_label[label]
        chosen.extend(rng.sample(rows, min(n, len(rows))))
    return sorted(chosen)


def fine_tune_config(
    preset: str, max_time: float | None, seed: int, augment: tuple[str, ...] = (), epochs: int = 40
) -> TrainConfig:
    """Settings for a few-label classifier: no examples to spare for validation, so the run
    keeps its final weights (``patience=0``; validation is on the training rows)."""
    return TrainConfig(
        task="classify",
        model_kind="transformer",
        preset=preset,
        max_len=CLASSIFY_CONTEXT,
        epochs=epochs,
        max_time=max_time,
        lr=1e-3,
        seed=seed,
        patience=0,
        checkpoint_every=0,
        augment=augment,
        evals_per_run=5,
    )


def learning_curve(
    pool: Dataset,
    test_texts: Sequence[str],
    test_labels: Sequence[str],
    *,
    per_class: Sequence[int | None] = DEFAULT_PER_CLASS + (None,),
    extra_texts: Sequence[str] = (),
    preset: str = "small",
    max_time: float | None = None,
    epochs: int = 40,
    pretrain_time: float | None = 120.0,
    pretrain_epochs: int = 1000,
    pretrain: bool = True,
    augment: tuple[str, ...] = (),
    seed: int = 0,
    on_event: Callable[[Event], None] | None = None,
    on_point: Callable[[CurvePoint], None] | None = None,
    control: RunControl | None = None,
) -> dict:
    """Accuracy on the test texts against the number of labelled examples per class.

    Every text of the pool's training rows (``pool.splits.train``) and ``extra_texts`` may
    be used for pre-training — no label is read there. For each ``n`` in ``per_class``,
    ``n`` labelled rows per class are drawn from those rows and a classifier is trained from
    scratch and from the pre-trained model, with the same tokenizer, settings and time
    budget. Keep the test texts out of ``pool.splits.train``.
    """
    # Only the pool's training rows are used, for labels and for pre-training text alike:
    # the test texts must stay unseen.
    labelled = [i for i in pool.splits.train if pool.labels is not None and pool.labels[i] >= 0]
    all_texts = [pool.texts[i] for i in pool.splits.train]
    all_texts += list(getattr(pool, "unlabelled", []) or []) + list(extra_texts)
    tokenizer = TextTokenizer.train(all_texts, "bpe", DEFAULT_VOCAB[preset])
    lm = None
    if pretrain:
        lm = pretrain_language_model(
            pool, all_texts, tokenizer, preset=preset, max_time=pretrain_time, epochs=pretrain_epochs, seed=seed,
            on_event=on_event, control=control,
        )
    points: list[CurvePoint] = []
    for n in sorted(per_class, key=lambda v: float("inf") if v is None else v):
        if control is not None and control.stop_requested:
            break
        chosen = sample_per_class(pool.labels, labelled, n, seed)
        subset = replace(pool, splits=Splits(train=tuple(chosen), val=tuple(chosen), test=()))
        cfg = fine_tune_config(preset, max_time, seed, augment, epochs)
        scratch = train(cfg, subset, tokenizer=tokenizer, on_event=on_event, control=control).model
        s_metrics = evaluate_classifier(scratch, test_texts, test_labels, worst=0)
        p_metrics, validation = None, None
        if lm is not None:
            tuned = train(cfg, subset, init_model=lm, on_event=on_event, control=control).model
            p_metrics = evaluate_classifier(tuned, test_texts, test_labels, worst=0)
            validation = _compare_on_validation(pool, chosen, cfg, tokenizer, lm, seed, control)
        use_pre = p_metrics is not None and validation is not None and validation["pretrained"] > validation["scratch"]
        used = p_metrics if use_pre else s_metrics
        point = CurvePoint(
            per_class=n,
            n_labels=len(chosen),
            scratch_accuracy=s_metrics["accuracy"],
            pretrained_accuracy=p_metrics["accuracy"] if p_metrics else None,
            scratch_macro_f1=s_metrics["macro_f1"],
            pretrained_macro_f1=p_metrics["macro_f1"] if p_metrics else None,
            used="pretrained" if use_pre else "scratch",
            used_accuracy=used["accuracy"],
            used_macro_f1=used["macro_f1"],
            validation=validation,
        )
        points.append(point)
        if on_point is not None:
            on_point(point)
    first = points[0] if points else None
    return {
        "per_class": first.per_class if first else None,
        "scratch_accuracy": first.scratch_accuracy if first else None,
        "pretrained_accuracy": first.pretrained_accuracy if first else None,
        "points": [p.to_dict() for p in points],
        "pretrain_texts": len(all_texts),
        "preset": preset,
        "augment": list(augment),
    }


def _compare_on_validation(pool: Dataset, chosen: list[int], cfg: TrainConfig, tokenizer, lm, seed: int,
                           control: RunControl | None) -> dict | None:
    """Accuracy of scratch and pre-trained starts trained on three quarters of the labelled rows
    and scored on the last quarter (at least one row of each label held out), or None when
    there are too few rows to hold any out."""
    by_label: dict[int, list[int]] = {}
    for i in chosen:
        by_label.setdefault(pool.labels[i], []).append(i)
    rng = random.Random(seed + 1)
    train_rows, val_rows = [], []
    for rows in by_label.values():
        rows = rows[:]
        rng.shuffle(rows)
        k = max(1, len(rows) // 4) if len(rows) >= 2 else 0
        val_rows += rows[:k]
        train_rows += rows[k:]
    if not val_rows or len({pool.labels[i] for i in train_rows}) < 2:
        return None
    part = replace(pool, splits=Splits(train=tuple(sorted(train_rows)), val=tuple(sorted(train_rows)), test=()))
    texts = [pool.texts[i] for i in val_rows]
    labels = [pool.label_names[pool.labels[i]] for i in val_rows]
    scratch = train(cfg, part, tokenizer=tokenizer, control=control).model
    pre = train(cfg, part, init_model=lm, control=control).model
    return {
        "scratch": evaluate_classifier(scratch, texts, labels, worst=0)["accuracy"],
        "pretrained": evaluate_classifier(pre, texts, labels, worst=0)["accuracy"],
    }
