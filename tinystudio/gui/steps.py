"""What the window says the next step is: one pure function of the window's state.

Every hint is computed here from the state (file, task, model, running jobs), never left over
from an earlier moment: after opening another file or switching the task, the hint follows.
No Qt here, so every state is easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tinystudio.i18n import tr


@dataclass(frozen=True)
class WindowState:
    reading: bool = False  # a data file is being read
    training: bool = False
    closing: bool = False
    data_path: str | None = None  # the file open in the Data tab (read or failed)
    data_ok: bool = False  # it can be trained on
    task: str | None = None  # the task chosen in the Data tab
    model_name: str | None = None  # the model in use (Evaluate / Try it), if any
    model_task: str | None = None
    model_fits_data: bool = False  # the model was trained on this file, for this task


def model_fits(model, dataset, task: str | None) -> bool:
    """True when ``model`` was trained on ``dataset`` (same file contents) for ``task``."""
    if model is None or dataset is None or model.task != task:
        return False
    fingerprint = (getattr(model, "data_info", None) or {}).get("fingerprint")
    return fingerprint is not None and fingerprint == getattr(dataset, "fingerprint", None)


def step_hint(s: WindowState) -> str:
    """The one-line "Next: …" hint above the tabs."""
    name = Path(s.data_path).name if s.data_path else ""
    if s.closing:
        return tr("Stopping before closing…")
    if s.reading:
        return tr("Reading your file…")
    if s.training:
        return tr("Training… you can look at your data or switch tabs meanwhile.")
    if s.data_ok and s.model_name and s.model_fits_data:
        return tr("Next: see how good the model is in 3 · Evaluate, then type your own text in 4 · Try it.")
    if s.data_ok and s.model_name:
        return tr(
            "Next: go to 2 · Train and press Start training to teach a model on {file}. "
            "(3 · Evaluate and 4 · Try it still show the earlier model, {model}, made for other data.)"
        ).format(file=name, model=s.model_name)
    if s.data_ok:
        return tr("Next: go to 2 · Train and press Start training.")
    if s.data_path and s.model_name:
        return tr("Next: fix the problem shown in red in 1 · Data (or open another file). The model {model} is still in 3 · Evaluate and 4 · Try it.").format(model=s.model_name)
    if s.data_path:
        return tr("Next: fix the problem shown in red (or choose other columns) before training.")
    if s.model_name:
        # Also after a file failed to open: say nothing about how the model got here.
        return tr("The model {model} is in 3 · Evaluate and 4 · Try it. Next: open a data file (File ▸ Open) to score it on that file or train again.").format(model=s.model_name)
    return tr("Next: open a CSV file (File ▸ Open, or drop it on this window).")


def train_status_is_stale(shown_for: tuple[str, str] | None, data_path: str | None, task: str | None) -> bool:
    """A Train tab message about a run ("Done: … accuracy 71%") describes (file, task) ``shown_for``;
    it is stale once another file or task is open."""
    if shown_for is None or data_path is None:
        return False
    return (str(Path(shown_for[0]).resolve()), shown_for[1]) != (str(Path(data_path).resolve()), task)
