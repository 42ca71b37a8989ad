"""The Export tab: save the model, or any of its variants, for use elsewhere, checked against the
model it came from before it is kept.

The export and its check run as a job on a worker thread; the widgets never call torch. The
list of models to export (the original and every variant in ``MODEL/variants``) is read from
disk each time the tab is shown, so variants made on the Compress tab appear at once.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
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

from tinystudio.core.variants import format_availability, list_variants, read_config
from tinystudio.i18n import tr, tr_noop

from . import help_texts, worker

FORMATS = [
    ("onnx", tr_noop("ONNX: for other programs and phones (ONNX Runtime)"), "onnx"),
    ("onnx-int8", tr_noop("ONNX, 8-bit: up to 4× smaller, for other programs"), "int8"),
    ("safetensors", tr_noop("TinyStudio model folder (as it is)"), "safetensors"),
    ("safetensors-fp16", tr_noop("TinyStudio model folder, 16-bit (half the size)"), "fp16"),
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
        self.model_dir: str | None = None  # the original
        self.dataset = None
        self.handle: worker.TaskHandle | None = None
        self.result = None
        self._exported_name = ""

        self.choice = QComboBox()
        self.choice.setObjectName("exportModelChoice")
        self.choice.setAccessibleName(tr("Model to export"))
        self.choice.setToolTip(help_texts.tip("variant"))
        self.choice.currentIndexChanged.connect(lambda _i: self._on_choice())
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        self.format.setAccessibleName(tr("Export format"))
        for key, text, tip_key in FORMATS:
            self.format.addItem(tr(text), key)
            self.format.setItemData(self.format.count() - 1, help_texts.tip(tip_key), Qt.ItemDataRole.ToolTipRole)
        self.format.currentIndexChanged.connect(lambda _i: self._update())
        self.why_off = QLabel()
        self.why_off.setObjectName("exportWhyOff")
        self.why_off.setWordWrap(True)
        self.why_off.setVisible(False)
        self.out_path = QLineEdit()
        self.out_path.setObjectName("exportOutPath")
        self.out_path.setAccessibleName(tr("Export folder"))
        self.out_path.setPlaceholderText(tr("A new folder for the export"))
        browse = QPushButton(tr("Choose…"))
        browse.setObjectName("exportBrowse")
        browse.clicked.connect(lambda _checked=False: self._choose_folder())
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_path, 1)
        out_row.addWidget(browse)
        self.export_button = QPushButton(tr("Export and check"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName(tr("Export and check"))
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        self.what = QLabel()
        self.what.setObjectName("exportWhat")
        self.what.setWordWrap(True)
        self.status = QLabel(tr("Open or train a model first."))
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(tr("Model:"), self.choice)
        form.addRow(tr("Format:"), self.format)
        form.addRow("", self.why_off)
        form.addRow(tr("Save to:"), out_row)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.what)
        lay.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self._update()

    # -- public ---------------------------------------------------------------------------
    def set_model(self, model_dir: str | None, dataset) -> None:
        """The original model (its variants are listed from its folder) and its data."""
        self.model_dir = str(model_dir) if model_dir else None
        self.dataset = dataset
        self.refresh_models()
        self.status.setText(tr("Choose a model and a format, then press Export.") if model_dir
                            else tr("Open or train a model first."))

    def refresh_models(self) -> None:
        """List the original and every variant saved in its folder (keeps the current choice)."""
        current = self.choice.currentData()
        self.choice.blockSignals(True)
        self.choice.clear()
        if self.model_dir:
            self.choice.addItem(tr("The original model ({folder})").format(folder=Path(self.model_dir).name),
                                self.model_dir)
            for v in list_variants(self.model_dir):
                self.choice.addItem(tr("Variant: {name} ({folder})").format(name=v.name, folder=Path(v.folder).name),
                                    v.folder)
        index = self.choice.findData(current)
        self.choice.setCurrentIndex(max(index, 0))
        self.choice.blockSignals(False)
        self._on_choice(keep_path=index >= 0)

    def selected_dir(self) -> str | None:
        return self.choice.currentData()

    @property
    def running(self) -> bool:
        return self.handle is not None

    def export(self) -> None:
        out = self.out_path.text().strip()
        source = self.selected_dir()
        if self.running or not source:
            return
        if not out:
            self.status.setText(tr("Choose where to save the export first."))
            return
        texts = None
        if self.dataset is not None:
            idx = list(self.dataset.splits.test) or list(range(len(self.dataset.texts)))
            texts = [self.dataset.texts[i] for i in idx]
        self._exported_name = self.choice.currentText()
        self.status.setText(tr("Exporting {name}…").format(name=self._exported_name))
        self.handle = worker.start("export", run_export, source, self.format.currentData(), out, texts)
        self.handle.progress.connect(lambda msg: self.status.setText(str(msg)))
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)
        self._update()

    # -- reacting -------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self.refresh_models()  # variants made on the Compress tab meanwhile
        super().showEvent(event)

    def _on_finished(self, result) -> None:
        self.handle = None
        self.result = result
        fmt = self.format.itemText(self.format.findData(result.format))
        diff = "" if result.tolerance is None else tr(
            " Their scores differ by at most {diff} (we allow {allowed})."
        ).format(diff=plain_number(result.max_abs_diff), allowed=plain_number(result.tolerance))
        self.status.setText(tr(
            "✔ Saved {name} as “{format}” in {path} ({megabytes:.2f} MB). Checked on {n} held-out "
            "texts: {agreement:.1%} same answers as the model it came from.{diff} How to use it: "
            "open USAGE.md in that folder (any text editor): it says which program opens the file, "
            "then how to use it from code."
        ).format(name=self._exported_name, format=fmt, path=result.path, megabytes=result.size_bytes / 1e6,
                 n=result.n_checked, agreement=result.agreement, diff=diff))
        self.status.setToolTip(help_texts.tip("largest_difference") + "<br>" + help_texts.tip("usage_file"))
        self._update()
        self.finished.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.handle = None
        self.status.setText(message)
        self._update()
        self.failed.emit(message, details)

    def _on_choice(self, keep_path: bool = False) -> None:
        source = self.selected_dir()
        if source and not keep_path:
            self.out_path.setText(str(_default_out(self.model_dir, source)))
        self._update()

    def _update(self) -> None:
        source = self.selected_dir()
        why = format_availability(read_config(source)) if source else {}
        items = self.format.model()
        if isinstance(items, QStandardItemModel):
            for row in range(self.format.count()):
                items.item(row).setEnabled(not why.get(self.format.itemData(row)))
        if why.get(self.format.currentData()):  # move off a format that does not apply
            for row in range(self.format.count()):
                if not why.get(self.format.itemData(row)):
                    self.format.setCurrentIndex(row)
                    break
        reasons = sorted({r for r in why.values() if r})
        self.why_off.setText(tr("Greyed out: {reasons}").format(reasons=" ".join(reasons)) if reasons else "")
        self.why_off.setVisible(bool(reasons))
        self.what.setText(tr("Exports: <b>{model}</b>, as “{format}”.").format(
            model=self.choice.currentText(), format=self.format.currentText()) if source else "")
        self.export_button.setEnabled(source is not None and not self.running)

    def _choose_folder(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Name of the new export folder"), self.out_path.text())
        if path:
            self.out_path.setText(path)


def plain_number(x: float) -> str:
    """0.0000019 rather than 1.9e-06: two significant digits, no scientific notation."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    digits = max(0, 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _default_out(model_dir: str, source: str) -> Path:
    """``MODEL-export`` beside the original, or ``MODEL-02-int8-export`` for a variant."""
    model = Path(model_dir)
    name = model.name if Path(source) == model else f"{model.name}-{Path(source).name}"
    return model.with_name(f"{name}-export")
