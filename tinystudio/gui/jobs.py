"""The heavy work the app does, as plain functions run on a worker thread (see :mod:`.worker`).

Each job takes the worker's task first (``task.report(obj)`` sends progress to the GUI,
``task.control`` carries pause/stop) and returns a plain value. No Qt here; torch is only
imported inside the jobs, on the worker thread, so the window starts without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tinystudio.core.data import (
    DataReport,
    Dataset,
    FileFormat,
    load_dataset,
    preview,
    read_columns,
)
from tinystudio.core.errors import DataError

from .worker import TORCH_THREADS, prepare_torch

MAX_TABLE_ROWS = 5_000_000  # rows kept for the preview table (a few hundred MB at most)
TOKENIZER_SAMPLE = 20_000  # texts used to learn the tokenizer shown in the Data tab
ROWS_CHUNK = 50_000  # rows between checks for "stop" while reading the table


@dataclass
class DataResult:
    """Everything the Data tab shows about one file."""

    path: str
    task: str
    fmt: FileFormat
    columns: list[str]
    rows: list[tuple[str, ...]]  # every row of the file (up to MAX_TABLE_ROWS), for the table
    report: DataReport | None
    dataset: Dataset | None  # None when the report has a fatal problem
    error: str = ""  # the fatal problem, in plain words
    tokenizer: object | None = None  # a TextTokenizer learned on the training texts
    extra: dict = field(default_factory=dict)


def inspect_file(task, path: str, task_kind: str, text_col, label_col, seed: int = 0,
                 encoding: str | None = None, sheet: str | None = None) -> DataResult:  # fmt: skip
    """Preview, check and load a data file; report the preview first so the table fills fast.

    ``encoding`` and ``sheet`` are the user's choices in the Data tab (None: detect / the
    first sheet with data)."""
    fmt, columns, head = preview(path, encoding=encoding, sheet=sheet)
    task.report(("preview", fmt, columns, [tuple(r) for r in head]))
    report, dataset, error = None, None, ""
    try:
        dataset = load_dataset(path, task=task_kind, text_col=text_col, label_col=label_col, seed=seed,
                               encoding=encoding, sheet=sheet)
        report = dataset.report
    except DataError as exc:
        if exc.report is None:
            raise
        report, error = exc.report, exc.message
    rows = _read_rows(task, path, fmt, len(columns)) if not task.should_stop() else []
    result = DataResult(path, task_kind, fmt, columns, rows, report, dataset, error)
    if dataset is not None and not task.should_stop():
        result.tokenizer = _learn_tokenizer(dataset)
    return result


def _read_rows(task, path: str, fmt: FileFormat, width: int) -> list[tuple[str, ...]]:
    wanted = [0] if fmt.kind == "text" else list(range(width))
    rows: list[tuple[str, ...]] = []
    for i, row in enumerate(read_columns(path, fmt, wanted, width=width)):
        if i >= MAX_TABLE_ROWS or (i % ROWS_CHUNK == 0 and task.should_stop()):
            break
        rows.append(row)
    return rows


def _learn_tokenizer(dataset: Dataset):
    from tinystudio.core.tokenize import TextTokenizer

    kind = "bpe" if dataset.task == "classify" else "char"
    texts = [dataset.texts[i] for i in dataset.splits.train[:TOKENIZER_SAMPLE]]
    return TextTokenizer.train(texts, kind, 4000)


def estimate_params(task, task_kind: str, model_kind: str | None, n_classes: int, dataset=None) -> dict:
    """Parameter count of each preset for this task, and (with ``dataset``) the measured time
    of a training step and of a validation pass (``core.training.estimate``: a few real steps
    of the real model on this data, on the same thread count as training)."""
    prepare_torch()
    from tinystudio.core.models import build_model, count_params, preset_config
    from tinystudio.core.tokenize import TextTokenizer
    from tinystudio.core.training.config import TrainConfig
    from tinystudio.core.training.estimate import estimate_run

    out = {}
    tokenizers: dict = {}
    for preset in ("tiny", "small", "base"):
        cfg = TrainConfig(task=task_kind, model_kind=model_kind, preset=preset, threads=TORCH_THREADS).resolved()
        vocab = cfg.vocab_size if cfg.tokenizer == "bpe" else 100  # char: about the alphabet
        model_cfg = preset_config(
            task_kind, cfg.model_kind, preset, vocab_size=vocab, n_classes=max(n_classes, 2),
            max_len=cfg.max_len,
        )
        out[preset] = {
            "params": count_params(build_model(model_cfg)),
            "kind": cfg.model_kind,
            "epochs": cfg.epochs,
            "batch_size": cfg.batch_size,
            "evals": cfg.evals_per_run,
        }
        if dataset is not None and not task.should_stop():  # stopped: sizes only, no timing
            key = (cfg.tokenizer, cfg.vocab_size)
            if key not in tokenizers:
                texts = [dataset.texts[i] for i in dataset.splits.train[:TOKENIZER_SAMPLE]]
                tokenizers[key] = TextTokenizer.train(texts, cfg.tokenizer, cfg.vocab_size)
            est = estimate_run(cfg, dataset, probe_steps=3, tokenizer=tokenizers[key])
            out[preset].update(step_seconds=est.step_seconds, eval_seconds=est.eval_seconds)
    return out


def train_model(task, path: str, settings: dict, text_col, label_col, out_dir: str, dataset, resume: bool = False):
    """Train with the core pipeline, sending every training event to the GUI.

    With ``resume``, a checkpoint in ``out_dir`` (left by an interrupted run) is continued.
    """
    prepare_torch()
    from tinystudio.core.pipeline import train_on_file
    from tinystudio.core.training.config import TrainConfig

    config = TrainConfig.from_dict(settings)
    fmt = dataset.report.format if dataset is not None else None
    source = {"sheet": fmt.sheet, "encoding": fmt.encoding or None} if fmt is not None else {}
    if dataset is not None and (dataset.seed != config.seed or dataset.task != config.task):
        dataset = None  # another split or task: the pipeline loads the same sheet/encoding again
    outcome = train_on_file(
        path, config, text_col=text_col, label_col=label_col, out_dir=out_dir,
        on_event=task.report, control=task.control, dataset=dataset, resume=resume, **source,
    )
    model = outcome.result.model
    return {
        "model": model,
        "model_dir": str(outcome.model_dir) if outcome.model_dir else None,
        "dataset": outcome.dataset,
        "metrics": outcome.test_metrics,
        "examples": _examples(model, outcome.dataset),
        "stop_reason": outcome.result.stop_reason,
        "message": outcome.result.message,
        "history": outcome.result.history,
    }


def find_interrupted(task, models_dir: str) -> list[dict]:
    """Interrupted runs under ``models_dir`` whose data file still exists (no torch needed)."""
    from tinystudio.core.training.recovery import find_interrupted_runs

    return [r for r in find_interrupted_runs(models_dir) if Path(r["data"]["path"]).is_file()]


def evaluate_model(task, model, dataset: Dataset | None) -> dict:
    """Test scores of ``model``: on ``dataset``'s test split, else those saved with it."""
    prepare_torch()
    from tinystudio.core.pipeline import score_split

    if dataset is not None and dataset.task == model.task and (
        model.task == "generate" or set(dataset.label_names) <= set(model.label_names)
    ):
        metrics = score_split(model, dataset, "test")
        return {"metrics": metrics, "examples": _examples(model, dataset)}
    return {"metrics": (model.metrics or {}).get("test") or {}, "examples": {}}


def _examples(model, dataset: Dataset) -> dict:
    """What the Evaluate tab lists: every test prediction (classify) or a few samples."""
    idx = list(dataset.splits.test) or list(range(len(dataset.texts)))
    if model.task == "classify":
        texts = [dataset.texts[i] for i in idx]
        preds = model.predict(texts)
        return {
            "predictions": [
                {
                    "row": i,
                    "text": t,
                    "true": dataset.label_names[dataset.labels[i]],
                    "predicted": p.label,
                    "confidence": p.confidence,
                }
                for i, t, p in zip(idx, texts, preds, strict=True)
            ]
        }
    samples = []
    for n, i in enumerate(idx[:: max(len(idx) // 3, 1)][:3]):
        prompt = dataset.texts[i][:30]
        text = "".join(model.generate(prompt, max_tokens=120, temperature=0.8, top_k=40, seed=n))
        samples.append({"prompt": prompt, "text": text})
    return {"samples": samples}


def load_model_folder(task, model_dir: str) -> dict:
    """Open a saved model folder, with its training log (to redraw the plots)."""
    prepare_torch()
    from tinystudio.core.modelio import load_model, read_training_log

    model = load_model(model_dir)
    return {
        "model": model,
        "model_dir": str(Path(model_dir)),
        "log": read_training_log(model_dir),
        "metrics": (model.metrics or {}).get("test") or {},
    }


def predict_text(task, model, text: str):
    """The label of one text, with the probability of every label."""
    prepare_torch()
    return model.predict([text])[0]


def generate_text(task, model, prompt: str, max_tokens: int, temperature: float, top_k: int | None):
    """Stream a continuation of ``prompt``: each new piece is reported as it comes."""
    prepare_torch()
    pieces = []
    for piece in model.generate(
        prompt, max_tokens=max_tokens, temperature=temperature, top_k=top_k or None,
        should_stop=task.should_stop,
    ):
        pieces.append(piece)
        task.report(piece)
    return "".join(pieces)


def compare_models(task, folder_a: str, folder_b: str, dataset: Dataset) -> dict:
    """Load two saved models and compare them on ``dataset``'s test split (core.compare)."""
    prepare_torch()
    from tinystudio.core.compare import compare_models as compare
    from tinystudio.core.modelio import load_model

    result = compare(load_model(folder_a), load_model(folder_b), dataset)
    result.update(folder_a=folder_a, folder_b=folder_b)
    return result
