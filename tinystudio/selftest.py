"""``tinystudio --selftest``: the smoke test every installer runs on the installed app.

Headless (Qt's offscreen platform), it proves that the pieces a bundle can lose are all there:
Qt and pyqtgraph load and draw, the bundled sample is found, torch trains and predicts, the
model is quantized to int8 and exported to ONNX, and ONNX Runtime gives the same answers.
It prints ONE line of JSON on stdout and returns 0 when every required step passed, else 1.

Every step is required: a part that fails to import (the main window, int8 quantization,
the ONNX exporter or ONNX Runtime missing from a bundle) is a failure with its error, never
"skipped". Only a step whose prerequisite failed is reported as
``{"ok": null, "skipped": "needs ..."}`` (and the prerequisite's failure fails the test).
"""

from __future__ import annotations

import faulthandler
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .resources import sample_path

#: The whole self-test must finish well within this; past it a watchdog dumps every thread's
#: stack on stderr and ends the process (exit code 1 on Linux/macOS), so CI never hangs.
WATCHDOG_SECONDS = 300.0
#: Training budget: long enough to beat chance clearly, short enough for every installer's CI.
TRAIN_SECONDS = 3.0
PROBE_TEXTS = [
    "a small furry animal that lives in trees",
    "a sweet baked food made from flour and sugar",
]


class _Run:
    """Runs named steps, timing each and recording ``ok`` / ``error`` / ``skipped``."""

    def __init__(self) -> None:
        self.steps: dict[str, dict] = {}
        self.failed = False

    def step(
        self, name: str, fn: Callable[[], dict | None], *, needs: tuple[str, ...] = ()
    ) -> None:
        missing = [n for n in needs if not self.steps.get(n, {}).get("ok")]
        if missing:
            self.steps[name] = {"ok": None, "skipped": f"needs {', '.join(missing)}"}
            return
        t0 = time.perf_counter()
        try:
            extra = fn() or {}
        except BaseException as exc:  # noqa: BLE001 - every failure must land in the summary
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.failed = True
            self.steps[name] = {
                "ok": False,
                "seconds": round(time.perf_counter() - t0, 3),
                "error": f"{type(exc).__name__}: {exc}",
            }
            traceback.print_exc(file=sys.stderr)  # details for the log; stdout keeps one line
            return
        self.steps[name] = {"ok": True, "seconds": round(time.perf_counter() - t0, 3), **extra}


def run_selftest() -> int:
    """Run every step, print a one-line JSON summary on stdout, return the exit code."""
    t_start = time.perf_counter()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless by definition, even on a desktop
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    stop_watchdog = _start_watchdog(WATCHDOG_SECONDS)
    state: dict = {}
    run = _Run()
    workdir = Path(tempfile.mkdtemp(prefix="tinystudio-selftest-"))
    try:
        run.step("qt", lambda: _qt(state))
        run.step("window", lambda: _window(state, workdir), needs=("qt",))
        run.step("chinese", lambda: _chinese(workdir), needs=("window",))
        run.step("data", lambda: _data(state))
        run.step("xlsx", lambda: _xlsx(state, workdir), needs=("data",))
        run.step("train", lambda: _train(state, workdir), needs=("data",))
        run.step("predict", lambda: _predict(state), needs=("train",))
        run.step("int8", lambda: _int8(state), needs=("train",))
        run.step("onnx", lambda: _onnx(state, workdir), needs=("train",))
    finally:
        stop_watchdog()
        _remove_tree(workdir)
    summary = {
        "selftest": "tinystudio",
        "ok": not run.failed,
        "seconds": round(time.perf_counter() - t_start, 3),
        "accuracy": state.get("accuracy"),
        "predicted": state.get("predicted"),
        "steps": run.steps,
        "versions": _versions(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "platform": f"{platform.system()} {platform.machine()}",
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return 0 if summary["ok"] else 1


# -- the steps ------------------------------------------------------------------------------
def _qt(state: dict) -> dict:
    """Qt loads from the bundle, a window draws offscreen, and pyqtgraph plots in it."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setWindowTitle("TinyStudio self-test")
    plot = pg.PlotWidget()
    plot.plot([0, 1, 2, 3], [3, 1, 2, 0])
    window.setCentralWidget(plot)
    window.resize(320, 200)
    window.show()
    app.processEvents()
    image = window.grab().toImage()  # really rendered, not just constructed
    if image.isNull() or image.width() < 100:
        raise RuntimeError("the offscreen window rendered no image")
    window.close()
    state["qt_app"] = app  # keep it alive until the process ends
    return {"platform_plugin": app.platformName()}


def _window(state: dict, workdir: Path) -> dict:
    """The app's own main window opens (with throw-away settings and workspace)."""
    from PySide6.QtCore import QSettings

    from .gui.app import make_app
    from .gui.main_window import MainWindow

    app = make_app([sys.argv[0]])
    settings = QSettings(str(workdir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, workspace=workdir / "workspace")
    window.show()
    app.processEvents()
    shown_after = _process_age()
    if window.grab().toImage().isNull():
        raise RuntimeError("the main window rendered no image")
    title = window.windowTitle()
    window.close()
    app.processEvents()
    window.deleteLater()
    return {"title": title, "since_process_start": shown_after}


def _chinese(workdir: Path) -> dict:
    """The main window starts once in Simplified Chinese: our catalogue and Qt's own
    translations (the buttons of its dialogs) are in the bundle. The language is put back after."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from . import i18n
    from .gui.app import install_language
    from .gui.main_window import MainWindow

    app = QApplication.instance()
    before = i18n.current_language()
    settings = QSettings(str(workdir / "settings-zh.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", "zh_CN")
    forced = os.environ.pop("TINYSTUDIO_LANG", None)
    saved_force = i18n._forced
    i18n._forced = None
    try:
        if install_language(app, settings) != "zh_CN":
            raise RuntimeError("the Chinese translation is not in this build")
        window = MainWindow(settings=settings, workspace=workdir / "workspace-zh")
        window.show()
        app.processEvents()
        tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        ok_button = box.buttons()[0].text()
        window.close()
        app.processEvents()
        window.deleteLater()
    finally:
        if forced is not None:
            os.environ["TINYSTUDIO_LANG"] = forced
        i18n._forced = saved_force
        install_language(app, QSettings(str(workdir / "settings-back.ini"), QSettings.Format.IniFormat))
        i18n.set_language(before)
    if not all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in tabs):
        raise RuntimeError(f"tabs are not in Chinese: {tabs}")
    if ok_button in ("OK", "&OK"):
        raise RuntimeError("Qt's own Chinese translations (qtbase_zh_CN.qm) are missing")
    return {"tabs": tabs, "qt_ok_button": ok_button}


def _data(state: dict) -> dict:
    from .core.data import load_dataset

    path = sample_path("wordnet_topics.csv")
    if not path.is_file():
        raise FileNotFoundError(f"bundled sample missing: {path}")
    state["sample"] = path
    state["dataset"] = load_dataset(path, task="classify", seed=0)
    return {"rows": len(state["dataset"].texts), "labels": len(state["dataset"].label_names)}


def _xlsx(state: dict, workdir: Path) -> dict:
    """An Excel workbook made from the sample opens through the bundled spreadsheet reader."""
    from .core.data import load_dataset

    data = state["dataset"]
    rows = [(data.texts[i], data.label_names[data.labels[i]]) for i in range(min(400, len(data.texts)))]
    path = write_xlsx(workdir / "sample.xlsx", [("text", "label"), *rows])
    book = load_dataset(path, task="classify", seed=0)
    if len(book.texts) != len(rows) or set(book.label_names) != {label for _, label in rows}:
        raise RuntimeError(f"the workbook read back {len(book.texts)} rows, not {len(rows)}")
    return {"rows": len(book.texts), "format": book.report.format.describe()}


def write_xlsx(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """A minimal one-sheet .xlsx (Office Open XML, inline strings), with the standard library
    only: the installed app has no spreadsheet writer, and the test must not ship a binary."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return path


def _train(state: dict, workdir: Path) -> dict:
    from .core.pipeline import train_on_file
    from .core.training.config import TrainConfig

    data = state["dataset"]
    config = TrainConfig(task="classify", preset="tiny", max_time=TRAIN_SECONDS, checkpoint_every=0)
    # out_dir: saving the model folder is part of what must work in an installed app.
    outcome = train_on_file(state["sample"], config, out_dir=workdir / "model", dataset=data)
    state["model"] = outcome.result.model
    state["model_dir"] = outcome.model_dir
    state["accuracy"] = round(float(outcome.test_metrics["accuracy"]), 4)
    chance = 1.0 / max(1, len(data.label_names))
    if state["accuracy"] <= chance:
        raise RuntimeError(
            f"test accuracy {state['accuracy']:.3f} is no better than chance {chance:.3f}"
        )
    return {"steps": outcome.result.steps, "model": outcome.result.model.config.kind}


def _predict(state: dict) -> dict:
    preds = state["model"].predict(PROBE_TEXTS)
    state["predicted"] = preds[0].label
    state["float_labels"] = [p.label for p in preds]
    return {"labels": state["float_labels"], "confidence": round(preds[0].confidence, 4)}


def _int8(state: dict) -> dict:
    from .core.compress.quantize import quantize_int8  # missing from a bundle: a failure
    small = quantize_int8(state["model"])
    labels = [p.label for p in small.predict(PROBE_TEXTS)]
    state["int8_model"] = small
    return {"labels": labels, "same_as_float": labels == state["float_labels"]}


def _onnx(state: dict, workdir: Path) -> dict:
    """ONNX export (verified against torch by the exporter), then our own ONNX Runtime run.

    float32, not "onnx-int8": after 5 s of training many answers are near-ties, and int8 flips
    a few of them, which the exporter rightly refuses (agreement < 99%). Quantization is
    covered by the int8 step; this step proves the ONNX exporter and ONNX Runtime are bundled.
    """
    import numpy as np
    import onnxruntime as ort  # missing from a bundle: a failure, not a skip

    from .core.export import export_model
    from .core.training.batches import encode_for_classify, eval_batches

    model, data = state["model"], state["dataset"]
    check_texts = [data.texts[i] for i in (data.splits.test or range(len(data.texts)))[:100]]
    result = export_model(state["model_dir"], "onnx", workdir / "onnx", texts=check_texts)
    if not result.verified:  # export_model raises on a mismatch; this is a second guard
        raise RuntimeError(f"ONNX export not verified: {result.to_dict()}")
    session = ort.InferenceSession(
        str(Path(result.path) / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    seqs = encode_for_classify(model.tokenizer, PROBE_TEXTS, model.config.max_len)
    order, ids, mask = next(iter(eval_batches(seqs, len(seqs), model.tokenizer.pad_id)))
    logits = session.run(None, {"ids": ids.numpy(), "mask": mask.numpy()})[0]
    labels = [""] * len(seqs)
    for row, best in zip(order, np.argmax(logits, axis=-1)):  # batches come in length order
        labels[row] = model.label_names[int(best)]
    return {
        "format": result.format,
        "size_bytes": result.size_bytes,
        "agreement": round(result.agreement, 4),
        "labels": labels,
        "same_as_torch": labels == state["float_labels"],
    }


# -- helpers ----------------------------------------------------------------------------------
def _versions() -> dict:
    out = {"tinystudio": __version__, "python": platform.python_version()}
    for name, module in (
        ("torch", "torch"),
        ("qt", "PySide6.QtCore"),
        ("onnxruntime", "onnxruntime"),
    ):
        mod = sys.modules.get(module)
        if name == "qt" and mod is not None:
            out[name] = mod.qVersion()
        elif mod is not None:
            out[name] = getattr(mod, "__version__", "?")
    return out


def _process_age() -> float | None:
    """Seconds since this process started (Linux only: from /proc), for start-up timing."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return round(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _start_watchdog(seconds: float) -> Callable[[], None]:
    """End the process if the self-test hangs; returns the function that disarms it."""
    try:  # best: every thread's stack on stderr, then exit
        faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__)
        return faulthandler.cancel_dump_traceback_later
    except (AttributeError, ValueError, OSError):  # no usable stderr (a windowed app, pytest)
        import threading

        timer = threading.Timer(seconds, os._exit, args=(1,))
        timer.daemon = True
        timer.start()
        return timer.cancel


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
