"""The Export tab: save the model for use elsewhere, checked against the original before it is kept.

The export and its check run as a job on a worker thread; the widgets never call torch.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tinystudio.i18n import tr, tr_noop

from . import worker

FORMATS = [
    ("onnx", tr_noop("ONNX (runs with ONNX Runtime on phones, servers, other languages)")),
    ("onnx-int8", tr_noop("ONNX int8 (about 4× smaller; answers checked against the original)")),
    ("safetensors", tr_noop("TinyStudio model folder (full precision)")),
    ("safetensors-fp16", tr_noop("TinyStudio model folder, 16-bit (half the size)")),
]


def run_export(task, model_dir: str, fmt: str, out: str, texts: list[str] | None):
    """Job: export and verify. Returns the ExportResult."""
    worker.prepare_torch()
    from tinystudio.core.export import export_model

    return export_model(model_dir, fmt, out, texts=texts, on_progress=task.report)


class ExportPanel(QWidget):
    finished = Signal(object)  # ExportResult
    failed = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model_dir: str | None = None
        self.dataset = None
        self.handle: worker.TaskHandle | None = None
        self.result = None
        self.format = QComboBox()
        for key, text in FORMATS:
            self.format.addItem(tr(text), key)
        self.out_path = QLineEdit()
        self.out_path.setPlaceholderText(tr("A new folder for the export"))
        browse = QPushButton(tr("Choose…"))
        browse.clicked.connect(self._choose_folder)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_path, 1)
        out_row.addWidget(browse)
        self.export_button = QPushButton(tr("Export and check"))
        self.export_button.clicked.connect(self.export)
        self.status = QLabel(tr("Open or train a model first."))
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Format:"), self.format)
        form.addRow(tr("Save to:"), out_row)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.export_button)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self._update()

    def set_model(self, model_dir: str | None, dataset) -> None:
        self.model_dir = str(model_dir) if model_dir else None
        self.dataset = dataset
        if self.model_dir and not self.out_path.text():
            self.out_path.setText(str(Path(self.model_dir).with_name(Path(self.model_dir).name + "-export")))
        self.status.setText(tr("Choose a format and press Export.") if model_dir else tr("Open or train a model first."))
        self._update()

    @property
    def running(self) -> bool:
        return self.handle is not None

    def export(self) -> None:
        out = self.out_path.text().strip()
        if self.running or not self.model_dir:
            return
        if not out:
            self.status.setText(tr("Choose where to save the export first."))
            return
        texts = None
        if self.dataset is not None:
            idx = list(self.dataset.splits.test) or list(range(len(self.dataset.texts)))
            texts = [self.dataset.texts[i] for i in idx]
        self.status.setText(tr("Exporting…"))
        self.handle = worker.start("export", run_export, self.model_dir, self.format.currentData(), out, texts)
        self.handle.progress.connect(lambda msg: self.status.setText(str(msg)))
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)
        self._update()

    def _on_finished(self, result) -> None:
        self.handle = None
        self.result = result
        diff = "" if result.tolerance is None else (
            tr(", largest difference {max_abs_diff:.1e} (allowed {tolerance:g})").format(max_abs_diff=result.max_abs_diff, tolerance=result.tolerance)
        )
        self.status.setText(
            tr("✔ Saved in {path} ({megabytes:.2f} MB). Checked on {n_checked} held-out texts: {agreement:.1%} same answers as the original{diff}. USAGE.md beside it shows how to use it.").format(path=result.path, megabytes=result.size_bytes / 1e6, n_checked=result.n_checked, agreement=result.agreement, diff=diff)
        )
        self._update()
        self.finished.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.handle = None
        self.status.setText(message)
        self._update()
        self.failed.emit(message, details)

    def _update(self) -> None:
        self.export_button.setEnabled(self.model_dir is not None and not self.running)

    def _choose_folder(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Name of the new export folder"), self.out_path.text())
        if path:
            self.out_path.setText(path)
