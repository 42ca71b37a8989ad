"""What the Train tab writes beside each model size: its parameters and how long it would take.

The times come from a few real timed steps on the user's data (``jobs.estimate_params``); here
they are only scaled to the settings on screen and put into words.
"""

from __future__ import annotations

import math

from tinystudio.core.training.schedule import planned_evals

from ..i18n import tr


def format_seconds(s: float) -> str:
    if not math.isfinite(s):
        return "–"
    s = int(round(s))
    return f"{s // 60}:{s % 60:02d}" if s < 3600 else f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def format_params(n: int) -> str:
    return f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n / 1e3:.0f} k"


def size_text(e: dict, ds, limit: float, epochs: int, batch: int) -> str:
    """One size's line: parameters, and the time at these settings (0 = automatic)."""
    if "step_seconds" not in e:
        return tr("{params} numbers to learn (parameters)").format(params=format_params(e["params"]))
    steps = planned_steps(ds, e, epochs, batch)
    # Measured at the default batch size. A Transformer or LSTM step costs about in
    # proportion to the batch; a fastText step hardly depends on it (its cost is the
    # update of the whole embedding table), bench notes in docs/benchmarks.md.
    per_step = e["step_seconds"]
    if e["kind"] != "fasttext":
        per_step *= (batch or e["batch_size"]) / e["batch_size"]
    seconds = steps * per_step + planned_evals(steps, e["evals"]) * e["eval_seconds"]
    if seconds < 0.5:  # "about 0:00 min" reads as nothing at all
        when = tr("under a second")
    elif seconds < limit:
        when = tr("about {time} min").format(time=format_seconds(seconds))
    else:
        when = tr("stops at the time limit ({time} min)").format(time=format_seconds(limit))
    return tr("{params} numbers to learn (parameters) · {when}").format(params=format_params(e["params"]), when=when)


def planned_steps(ds, e: dict, epochs: int, batch: int) -> int:
    epochs = epochs or e["epochs"]
    batch = batch or e["batch_size"]
    n_train = len(ds.splits.train)
    if ds.task == "classify":
        return epochs * math.ceil(n_train / batch)
    chars = sum(len(ds.texts[i]) + 1 for i in ds.splits.train)
    return epochs * max(1, chars // (batch * 64))
