"""Keeping the models a person trained: the list on the Evaluate tab, switching, comparing.

The window's part of the model list (the widgets are in :mod:`.model_list`, the logic in
``core.models_index`` and ``core.compare``): which folders hold this file's models, what
happens when a model is chosen, and running a comparison on a worker.
"""

from __future__ import annotations

from pathlib import Path

from tinystudio.core.models_index import ModelEntry, models_for_data, read_entry
from tinystudio.i18n import tr

from . import jobs, worker


class ModelSession:
    """Connects the Evaluate tab's model bar to the window ``win`` (a MainWindow)."""

    def __init__(self, win) -> None:
        self.win = win
        self.entries: list[ModelEntry] = []
        self.compare_handle = None
        bar = win.evaluate_panel.model_bar
        bar.use_requested.connect(self.use)
        bar.compare_requested.connect(self.compare)

    # -- the list -----------------------------------------------------------------------
    def folders(self) -> list[Path]:
        """Where this file's models are kept: the project's first (its copies win), then the
        workspace, where every model is saved as soon as it is trained."""
        win = self.win
        out = []
        if win.project is not None:
            out += [win.project.model_dir, win.project.models_dir]
        return out + [win.workspace / "models"]

    def refresh(self) -> None:
        win = self.win
        ds = win.data_panel.dataset
        if ds is not None:
            self.entries = models_for_data(self.folders(), ds.fingerprint, win.data_panel.task)
        else:
            entry = read_entry(win.model_dir) if win.model_dir else None
            self.entries = [entry] if entry is not None else []
        win.evaluate_panel.model_bar.set_entries(self.entries, self._current_listed())

    def _current_listed(self) -> str | None:
        """The folder of the model in use as the list knows it (a project copy or the original)."""
        win = self.win
        if not win.model_dir:
            return None
        here = read_entry(win.model_dir)
        for e in self.entries:
            if Path(e.folder).resolve() == Path(win.model_dir).resolve() or (
                here is not None and (e.saved_at, e.kind, e.preset, e.scores) == (here.saved_at, here.kind, here.preset, here.scores)
            ):
                return e.folder
        return win.model_dir

    def name_of(self, folder: str | None) -> str:
        """"Model 2": the model's number in the list (oldest first), else its folder's name."""
        if not folder:
            return tr("just trained")
        key = Path(folder).resolve()
        for i, e in enumerate(self.entries):
            if Path(e.folder).resolve() == key:
                return tr("Model {n}").format(n=i + 1)
        return Path(folder).name

    def other_folders(self) -> list[str]:
        """Every listed model but the one in use (kept when a project is saved)."""
        current = self._current_listed()
        return [e.folder for e in self.entries if e.folder != current]

    # -- switching and comparing ----------------------------------------------------------
    def use(self, folder: str) -> None:
        if self.win.model_dir and Path(folder).resolve() == Path(self.win.model_dir).resolve():
            return
        if self.win.training:
            return
        self.win.open_model(folder)

    def compare(self, folder_a: str, folder_b: str) -> None:
        win = self.win
        ds = win.data_panel.dataset
        if ds is None:
            win.show_error(tr("Nothing to compare on"), tr("Open the data file these models were trained on first."))
            return
        if self.compare_handle is not None:
            self.compare_handle.stop()
        win.statusBar().showMessage(tr("Comparing the two models on the test texts…"))
        h = worker.start("compare", jobs.compare_models, folder_a, folder_b, ds, parent=win)
        h.finished.connect(lambda res: self._show(res, folder_a, folder_b))
        h.failed.connect(lambda m, d: win.show_error(tr("The models could not be compared"), m, d))
        h.done.connect(lambda: setattr(self, "compare_handle", None))
        self.compare_handle = h

    def _show(self, result: dict, folder_a: str, folder_b: str) -> None:
        self.win.evaluate_panel.show_comparison(result, self.name_of(folder_a), self.name_of(folder_b))
        self.win.statusBar().showMessage(tr("Comparison ready."), 5000)
