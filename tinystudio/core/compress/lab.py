"""A compression run: apply methods to a model folder, save each variant, measure them all.

``run_lab(model_dir, steps, out_dir, ...)`` is a plain function: it reports progress through
callbacks, checks a :class:`RunControl` between stages, and knows nothing of who listens (the
CLI prints, the GUI's worker turns callbacks into signals).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tinystudio.i18n import tr

from ..calibration import calibrate_model
from ..data import Dataset, load_dataset
from ..errors import CancelledError, ConfigError, DataError
from ..inference import TrainedModel
from ..modelio import load_model, save_model
from ..models import PRESETS
from ..training.control import RunControl
from ..variants import next_folder, read_config
from .common import CompressError, LabProgress, describe_steps
from .distill import distill, finetune
from .explain import explain
from .measure import EvalSet, Inputs, Measurement, measure_folder, prepare_process, time_models
from .prune import magnitude_prune, prune_units
from .quantize import quantize_int8, to_half

METHODS = ("prune", "prune-units", "distill", "fp16", "bf16", "int8")
_ORDER = {m: i for i, m in enumerate(METHODS)}  # the stacking order: prune → distil → quantize


@dataclass(frozen=True)
class Step:
    """One compression method with its settings."""

    method: str  # one of METHODS
    amount: float = 0.5  # prune: sparsity; prune-units: share of hidden units removed
    preset: str = "tiny"  # distill: the student's size
    kind: str | None = None  # distill: the student's kind (default: the teacher's)
    temperature: float = 2.0  # distill
    alpha: float = 0.7  # distill: weight of the teacher's soft answers
    seconds: float = 30.0  # distill: training time budget
    finetune_seconds: float = 0.0  # prune: short fine-tune afterwards (0 = none)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(tr("Unknown compression method {method!r}: choose one of {choices}.").format(method=self.method, choices=', '.join(METHODS)))
        if self.method == "distill" and self.preset not in PRESETS:
            raise ConfigError(tr("Unknown student size {preset!r}: choose one of {choices}.").format(preset=self.preset, choices=', '.join(PRESETS)))

    @property
    def slug(self) -> str:
        if self.method in ("prune", "prune-units"):
            return f"{self.method}{round(self.amount * 100)}"
        if self.method == "distill":
            return f"distill-{self.preset}"
        return self.method


def parse_method(text: str) -> Step:
    """``int8``, ``fp16``, ``bf16``, ``prune:0.5`` (or ``prune:50%``), ``prune-units:0.25``,
    ``distill:tiny`` (or ``distill:tiny:lstm``)."""
    name, _, rest = text.strip().lower().partition(":")
    if name in ("prune", "prune-units"):
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(%?)", rest)
        if not m:
            raise ConfigError(tr("Write the pruning amount as a fraction or percent, e.g. {name}:0.5 or {name}:50%.").format(name=name))
        value = float(m.group(1)) / (100.0 if m.group(2) or float(m.group(1)) > 1 else 1.0)
        if not 0.0 < value < 1.0:
            raise ConfigError(tr("The pruning amount must be between 0% and 100%."))
        return Step(name, amount=value)
    if name in ("distill", "distil"):
        preset, _, kind = rest.partition(":")
        return Step("distill", preset=preset or "tiny", kind=kind or None)
    if rest:
        raise ConfigError(tr("The method {name!r} takes no setting.").format(name=name))
    return Step(name)


@dataclass
class LabResult:
    original: Measurement
    variants: list[Measurement] = field(default_factory=list)
    evaluated_on: str = ""

    def to_dict(self, *, with_flips: bool = True) -> dict:
        return {
            "evaluated_on": self.evaluated_on,
            "original": self.original.to_dict(with_flips=with_flips),
            "variants": [v.to_dict(with_flips=with_flips) for v in self.variants],
        }


# -- data ---------------------------------------------------------------------------------------
def dataset_for_model(model: TrainedModel, path: str | Path | None = None) -> Dataset:
    """Load ``path`` (default: the file the model was trained on) split as in training."""
    info = model.data_info or {}
    path = path or info.get("path")
    if not path or not Path(path).is_file():
        where = tr("The data to measure on was not found ({path}).").format(path=path) if path else tr(
            "The data to measure on was not found.")
        raise DataError(
            where + " " + tr("Choose the data file (the CSV or text file the model was trained on)."),
            code="no_data",
        )
    seed = info.get("split_seed") or 0
    label_col = info.get("label_column") if model.task == "classify" else None
    # The training file is read as in training (its sheet of a workbook, its encoding).
    same = str(path) == str(info.get("path"))
    source = {"sheet": info.get("sheet"), "encoding": info.get("encoding")} if same else {}
    try:
        return load_dataset(path, task=model.task, text_col=info.get("text_column"), label_col=label_col, seed=seed,
                            **source)
    except DataError as exc:
        if exc.code != "unknown_column":
            raise
        return load_dataset(path, task=model.task, seed=seed, **source)


def evalset_for(model: TrainedModel, data: Dataset) -> EvalSet:
    """The held-out split when ``data`` is the training file; the whole file otherwise."""
    fp = (model.data_info or {}).get("fingerprint")
    same = fp is None or fp == data.fingerprint
    idx = list(data.splits.test) if (same and data.splits.test) else list(range(len(data.texts)))
    texts = [data.texts[i] for i in idx]
    labels = [data.label_names[data.labels[i]] for i in idx] if data.labels is not None else None
    if same and data.splits.test:
        where = tr("test split of {file} ({n} texts)")
    else:
        where = tr("whole file {file} ({n} texts)")
    return EvalSet(texts=texts, labels=labels, description=where.format(file=Path(data.path).name, n=len(texts)))


# -- the run ------------------------------------------------------------------------------------
def apply_step(model: TrainedModel, step: Step, data: Dataset | None, *, on_event=None, control=None) -> TrainedModel:
    """``model`` compressed by one ``step`` (a new model; ``model`` is left untouched).

    A classifier's confidence calibration is fitted again on the validation texts: a pruned
    or distilled model is not as sure as the original (see core/calibration.py).
    """
    new = _apply_step(model, step, data, on_event=on_event, control=control)
    if new.task == "classify" and data is not None and data.task == "classify" and data.splits.val:
        val = data.splits.val
        calibrate_model(new, [data.texts[i] for i in val], [data.label_names[data.labels[i]] for i in val])
    elif step.method in ("distill", "prune", "prune-units"):
        new.calibration = {}  # retrained or cut without data to check it on: not calibrated
    return new


def _apply_step(model: TrainedModel, step: Step, data: Dataset | None, *, on_event=None, control=None) -> TrainedModel:
    if step.method == "int8":
        return quantize_int8(model)
    if step.method in ("fp16", "bf16"):
        return to_half(model, "float16" if step.method == "fp16" else "bfloat16")
    if step.method == "distill":
        return distill(model, data, step.preset, kind=step.kind, temperature=step.temperature,
                       alpha=step.alpha, max_time=step.seconds, on_event=on_event, control=control)
    if step.method == "prune":
        new, masks = magnitude_prune(model, step.amount)
    else:
        new, masks = prune_units(model, step.amount), None
    if step.finetune_seconds > 0:
        new = finetune(new, data, masks=masks, max_time=step.finetune_seconds, on_event=on_event, control=control)
    return new


def run_lab(
    model_dir: str | Path,
    steps: list[Step],
    out_dir: str | Path,
    *,
    data: Dataset | None = None,
    data_path: str | Path | None = None,
    stack: bool = True,
    on_progress: Callable[[LabProgress], None] | None = None,
    on_event: Callable | None = None,
    control: RunControl | None = None,
    timing_rounds: int = 10,
) -> LabResult:
    """Compress the model in ``model_dir`` by ``steps`` and measure the original and each variant.

    Parameters
    ----------
    steps
        With ``stack=True`` they are applied one after the other in the order prune → distil →
        fp16/bf16 → int8, and every intermediate is kept; with ``stack=False`` each is applied
        to the original on its own.
    out_dir
        Each variant is saved as a model folder inside it (``01-prune50``, ``02-prune50-int8``…),
        numbered after the folders already there: an earlier run's variants are kept.
    data, data_path
        The data to measure (and distil/fine-tune) on; by default the file the model was
        trained on, split the same way.
    on_progress, on_event
        :class:`LabProgress` for each stage; training events of distillation / fine-tuning.
    timing_rounds
        How many short rounds all models are timed in, in turn (see ``time_models``).
    """
    if not steps:
        raise ConfigError(tr("Choose at least one compression method."))
    control = control or RunControl()
    say = on_progress or (lambda p: None)
    total = 3 + 2 * len(steps)
    done = 0

    def progress(stage: str, message: str) -> None:
        if control.stop_requested:
            raise CancelledError(tr("Compression was stopped."), code="cancelled")
        say(LabProgress(stage, message, min(done / total, 1.0)))

    progress("load", tr("Loading the model and the data…"))
    original = load_model(model_dir)
    parent_saved_at = read_config(model_dir).get("saved_at")
    if original.variant.get("storage") == "int8":
        raise CompressError(tr("This model is already an int8 variant; open the original model instead."))
    if data is None or data_path is not None:
        data = dataset_for_model(original, data_path)
    evalset = evalset_for(original, data)
    inputs = Inputs(original, evalset)
    prepare_process()
    measure_folder(model_dir, evalset, inputs)  # a throw-away first pass: one-time costs
    done += 1
    progress("measure", tr("Measuring the original…"))
    base, base_answers, base_model = measure_folder(model_dir, evalset, inputs, name=tr("original"))
    timed = [(base, base_model.module)]
    done += 1
    result = LabResult(original=base, evaluated_on=evalset.description)

    ordered = sorted(steps, key=lambda s: _ORDER[s.method]) if stack else list(steps)
    out_dir = Path(out_dir)
    current, slugs = original, []
    for step in ordered:
        source = current if stack else original
        slugs = (slugs if stack else []) + [step.slug]
        progress(_stage(step), tr("Applying {describe_steps}…").format(describe_steps=describe_steps({'steps': [_as_dict(step)]})))
        variant = apply_step(source, step, data, on_event=on_event, control=control)
        folder = next_folder(out_dir, "-".join(slugs))
        variant.variant["parent"] = str(Path(model_dir))
        variant.variant["parent_saved_at"] = parent_saved_at  # which training of the original
        save_model(variant, folder)
        done += 1
        name = describe_steps(variant.variant)
        progress("measure", tr("Measuring {name}…").format(name=name))
        m, _, loaded = measure_folder(folder, evalset, inputs, name=name, original_answers=base_answers)
        result.variants.append(m)
        timed.append((m, loaded.module))
        done += 1
        current = variant
    progress("time", tr("Timing {n_timed} models side by side ({timing_rounds} rounds)…").format(n_timed=len(timed), timing_rounds=timing_rounds))
    time_models(timed, inputs, rounds=timing_rounds, should_stop=lambda: control.stop_requested)
    if control.stop_requested:
        raise CancelledError(tr("Compression was stopped."), code="cancelled")
    for m in result.variants:
        m.notes = explain(base, m)
    say(LabProgress("done", tr("Done."), 1.0))
    return result


def _stage(step: Step) -> str:
    return {"int8": "quantize", "fp16": "half", "bf16": "half"}.get(step.method, step.method)


def _as_dict(step: Step) -> dict:
    d = {"method": step.method}
    if step.method == "prune":
        d["sparsity"] = step.amount
    elif step.method == "prune-units":
        d["fraction"] = step.amount
    elif step.method == "distill":
        d["preset"] = step.preset
    return d
