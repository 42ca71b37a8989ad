"""The whole path in a few calls: file -> dataset -> training -> test metrics -> model folder.

The CLI and the GUI's worker both use these functions, so both do exactly the same thing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tinystudio.i18n import tr, tr_noop

from .calibration import calibrate_model
from .data import Dataset, load_dataset
from .errors import DataError, TrainingError
from .evaluate import evaluate_classifier, evaluate_generator
from .inference import TrainedModel
from .modelio import load_model, remove_folder, save_model
from .training.config import TrainConfig
from .training.control import RunControl
from .training.distributed import is_main_process
from .training.events import Event, Notice
from .training.loop import TrainResult, train

CHECKPOINT_SUBDIR = ".checkpoint"


@dataclass
class TrainOutcome:
    result: TrainResult
    dataset: Dataset
    test_metrics: dict
    model_dir: Path | None


def train_on_file(
    path: str | Path,
    config: TrainConfig,
    *,
    text_col: str | int | None = None,
    label_col: str | int | None = None,
    out_dir: str | Path | None = None,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
    resume: bool = False,
    dataset: Dataset | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> TrainOutcome:
    """Load ``path``, train, score the test split and (with ``out_dir``) save a model folder.

    A cancelled run still saves the best model so far; its checkpoint is kept so that the
    run can be resumed with ``resume=True``. ``sheet`` (a workbook's sheet) and ``encoding``
    are the user's choices, passed to :func:`load_dataset`.
    """
    data = dataset or load_dataset(
        path, task=config.task, text_col=text_col, label_col=label_col, seed=config.seed,
        sheet=sheet, encoding=encoding,
    )  # fmt: skip
    checkpoint_dir = Path(out_dir) / CHECKPOINT_SUBDIR if out_dir else None
    init_model = load_model(config.init_from) if config.init_from else None
    from .auto.choose import wants_auto
    from .auto.generate import plan_generate, wants_auto_generate

    tokenizer, auto_notice, planning = None, None, 0.0
    if wants_auto_generate(config) and not resume:
        from .auto.linear import warm_up

        warm_up()  # torch's one-off cost of a first optimizer, paid before the clock starts as train() does
        started = time.perf_counter()
        config, tokenizer, why = plan_generate(config, data)
        planning = time.perf_counter() - started  # part of the run's time budget
        auto_notice = Notice("auto", why, 0)
        if on_event is not None:
            on_event(auto_notice)
    try:
        if wants_auto(config) and not resume:
            from .auto.choose import auto_train

            result = auto_train(config, data, on_event=on_event, control=control)
        else:
            result = train(
                config,
                data,
                on_event=on_event,
                control=control,
                checkpoint_dir=checkpoint_dir,
                resume=resume,
                init_model=init_model,
                tokenizer=tokenizer,
            )
    except (MemoryError, RuntimeError) as exc:
        if not isinstance(exc, MemoryError) and not _is_out_of_memory(exc):
            raise
        raise TrainingError(
            tr("The computer ran out of memory while training. Choose a smaller model size, a "
            "smaller batch, or a smaller file. Any model saved before is unchanged."),
            details=f"{type(exc).__name__}: {exc}",
            code="out_of_memory",
        ) from exc
    result.seconds += planning
    if not is_main_process():  # a secondary torchrun process: rank 0 scores and saves
        return TrainOutcome(result=result, dataset=data, test_metrics={}, model_dir=None)
    if result.model.task == "classify":
        calibrate_on_split(result.model, data, "val")  # before scoring: test confidences use it
    test_metrics = score_split(result.model, data, "test")
    result.model.metrics = {
        "test": test_metrics,
        "validation": result.val_metrics,
        "train_seconds": result.seconds,
        "steps": result.steps,
        "stop_reason": result.stop_reason,
    }
    if result.auto:
        result.model.metrics["auto"] = result.auto
    if auto_notice is not None:
        result.history.insert(0, auto_notice.to_dict())
        result.model.metrics["auto"] = {"reason": auto_notice.message}
    model_dir = None
    if out_dir is not None:
        model_dir = save_model(result.model, out_dir, log=result.history)
        if result.stop_reason != "cancelled" and checkpoint_dir is not None:
            remove_folder(checkpoint_dir)
    return TrainOutcome(result=result, dataset=data, test_metrics=test_metrics, model_dir=model_dir)


def _is_out_of_memory(exc: RuntimeError) -> bool:
    """torch.OutOfMemoryError (GPU), or the CPU allocator's "can't allocate memory"."""
    text = str(exc).lower()
    return type(exc).__name__ == "OutOfMemoryError" or "out of memory" in text or (
        "can't allocate memory" in text
    )


def calibrate_on_split(model: TrainedModel, data: Dataset, split: str = "val") -> dict:
    """Fit the model's confidence calibration (core/calibration.py) on one split of ``data``."""
    idx = getattr(data.splits, split)
    return calibrate_model(
        model, [data.texts[i] for i in idx], [data.label_names[data.labels[i]] for i in idx]
    )


def score_split(model: TrainedModel, data: Dataset, split: str = "test") -> dict:
    """Metrics of ``model`` on one split of ``data`` (the whole data if that split is empty)."""
    idx = getattr(data.splits, split) or tuple(range(len(data.texts)))
    texts = [data.texts[i] for i in idx]
    if model.task == "classify":
        labels = [data.label_names[data.labels[i]] for i in idx]
        metrics = evaluate_classifier(model, texts, labels)
        for m in metrics["worst_mistakes"]:
            m["row"] = int(idx[m["row"]])  # position in the dataset, not in the split
        return metrics
    return evaluate_generator(model, texts)


def load_with_columns(path, task: str, text_col, label_col, seed: int = 0, *, sheet=None,
                      encoding=None) -> Dataset:  # fmt: skip
    """Load ``path`` using these column names if it has them; otherwise let detection choose
    (another file, for example a test file, may name its columns differently)."""
    options = {"sheet": sheet, "encoding": encoding}
    try:
        return load_dataset(path, task=task, text_col=text_col, label_col=label_col, seed=seed,
                            **options)  # fmt: skip
    except DataError as exc:
        if exc.code != "unknown_column":
            raise
        return load_dataset(path, task=task, seed=seed, **options)


def _same_file(path: str | Path, info: dict) -> bool:
    """Is ``path`` the file the model was trained on (its sheet and encoding then apply)?"""
    from .data import file_fingerprint

    if not info.get("fingerprint") or not (info.get("sheet") or info.get("encoding")):
        return False
    try:
        return file_fingerprint(path) == info["fingerprint"]
    except OSError:
        return False


def evaluate_on_file(
    model: TrainedModel, path: str | Path, *, sheet: str | int | None = None,
    encoding: str | None = None,
) -> dict:  # fmt: skip
    """Score ``model`` on a data file.

    If the file is the one the model was trained on (same fingerprint), only its test split
    is scored, re-created with the saved seed; any other file is scored whole. A ``.txt``
    file is scored whole as held-out text.
    """
    info = model.data_info or {}
    label_col = info.get("label_column") if model.task == "classify" else None
    seed = info.get("split_seed") or 0
    if sheet is None and encoding is None and _same_file(path, info):
        sheet, encoding = info.get("sheet"), info.get("encoding")  # read it as in training
    data = load_with_columns(path, model.task, info.get("text_column"), label_col, seed=seed,
                             sheet=sheet, encoding=encoding)  # fmt: skip
    same_file = info.get("fingerprint") is not None and info.get("fingerprint") == data.fingerprint
    if same_file and data.splits.test:
        metrics = score_split(model, data, "test")
        metrics["scored"] = tr_noop("test split of the training file")  # English in --json
    else:
        whole = replace(data, splits=replace(data.splits, test=tuple(range(len(data.texts)))))
        metrics = score_split(model, whole, "test")
        metrics["scored"] = tr_noop("whole file")
    return metrics
