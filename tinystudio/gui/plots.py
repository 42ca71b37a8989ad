"""pyqtgraph widgets: live training curves and a horizontal bar chart.

Curves are created once and updated with ``setData``; new points go into plain lists and a
timer redraws at most :data:`REDRAW_HZ` times a second, only when something changed
(redrawing on every event starved the event loop: shared/PLATFORM.md).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from tinystudio.i18n import tr

from . import help_texts

REDRAW_HZ = 5  # pyqtgraph paints in Python, competing with training for the GIL: keep it rare

# Colours readable on light and dark backgrounds.
TRAIN_COLOUR = "#3b82f6"  # blue
VAL_COLOUR = "#f97316"  # orange
METRIC_COLOUR = "#16a34a"  # green


def style_plot(plot: pg.PlotWidget, grid: bool = False) -> None:
    """Follow the application palette (light or dark) instead of pyqtgraph's black."""
    pal = QApplication.palette()
    plot.setBackground(pal.color(QPalette.ColorRole.Base))
    fg = pal.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(fg)
        axis.setTextPen(fg)
    if grid:  # off for live plots: grid lines double the cost of each repaint (bench_gui.py)
        plot.showGrid(x=True, y=True, alpha=0.15)


class TrainingPlots(QWidget):
    """Loss (training and validation) and the validation score, against training steps."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.loss_plot = pg.PlotWidget()
        self.metric_plot = pg.PlotWidget()
        for p in (self.loss_plot, self.metric_plot):
            style_plot(p)
            p.setMinimumHeight(160)
            p.setLabel("bottom", tr("training step"))
            p.setMouseEnabled(x=False, y=False)
            p.setClipToView(True)
            p.setDownsampling(auto=True, mode="peak")
            p.addLegend(offset=(-10, 10))
        self.loss_plot.setTitle(tr("Error (loss) — lower is better"))
        self.loss_plot.setToolTip(help_texts.tip("loss"))
        self.train_curve = self.loss_plot.plot(
            [], [], pen=pg.mkPen(TRAIN_COLOUR, width=1.5), name=tr("on training examples")
        )
        self.val_curve = self.loss_plot.plot(
            [], [], pen=pg.mkPen(VAL_COLOUR, width=2.5), symbol="o", symbolSize=6,
            symbolBrush=VAL_COLOUR, symbolPen=None, name=tr("on validation examples"),
        )
        self.metric_curve = self.metric_plot.plot(
            [], [], pen=pg.mkPen(METRIC_COLOUR, width=2.5), symbol="o", symbolSize=6,
            symbolBrush=METRIC_COLOUR, symbolPen=None, name=tr("validation"),
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # Equal halves: at 800×600 a 3:2 split cut the score plot's title ("…higher is bette").
        lay.addWidget(self.loss_plot, 1)
        lay.addWidget(self.metric_plot, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / REDRAW_HZ))
        self._timer.timeout.connect(self._redraw)
        self.redraws = 0  # how many times the curves were redrawn (for tests and the benchmark)
        self.reset("classify")

    def reset(self, task: str) -> None:
        self._steps: list[float] = []
        self._losses: list[float] = []
        self._eval_steps: list[float] = []
        self._val_losses: list[float] = []
        self._metric: list[float] = []
        self.task = task
        self._x_max = 0.0
        self._y_range = (math.inf, -math.inf)
        for p in (self.loss_plot, self.metric_plot):
            p.enableAutoRange(enable=False)
        if task == "classify":
            self.metric_plot.setTitle(tr("Validation accuracy — higher is better"))
            self.metric_plot.setToolTip(help_texts.tip("val_accuracy"))
            self.metric_plot.setYRange(0, 1, padding=0.02)
        else:
            self.metric_plot.setTitle(tr("Bits per character — lower is better"))
            self.metric_plot.setToolTip(help_texts.tip("bits_per_char"))
        self._dirty = True
        self._redraw()

    # -- feeding --------------------------------------------------------------------------
    def add_step(self, step: int, loss: float) -> None:
        if math.isfinite(loss):
            self._steps.append(step)
            self._losses.append(loss)
            self._touch()

    def add_eval(self, step: int, val_loss: float, metric: float | None) -> None:
        if math.isfinite(val_loss):
            self._eval_steps.append(step)
            self._val_losses.append(val_loss)
            self._metric.append(metric if metric is not None and math.isfinite(metric) else math.nan)
            self._touch()

    def load_history(self, events: list[dict], task: str) -> None:
        """Redraw a finished run from its ``training_log.jsonl`` records."""
        self.reset(task)
        for ev in events:
            kind = ev.get("event")
            if kind == "StepEvent":
                self.add_step(ev.get("step", 0), float(ev.get("loss", math.nan)))
            elif kind == "EvalEvent":
                metric = ev.get("val_accuracy") if task == "classify" else ev.get("bits_per_char")
                self.add_eval(ev.get("step", 0), float(ev.get("val_loss", math.nan)), metric)
        self._redraw()

    def point_count(self) -> int:
        """Points currently drawn on the loss plot (both curves)."""
        return len(self.train_curve.xData if self.train_curve.xData is not None else []) + len(
            self.val_curve.xData if self.val_curve.xData is not None else []
        )

    # -- drawing --------------------------------------------------------------------------
    def _touch(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _redraw(self) -> None:
        if not self._dirty:
            self._timer.stop()  # nothing new since the last redraw: idle until the next point
            return
        self._dirty = False
        self.redraws += 1
        self.train_curve.setData(self._steps, self._losses)
        self.val_curve.setData(self._eval_steps, self._val_losses)
        self.metric_curve.setData(self._eval_steps, self._metric)
        self._fit_ranges()

    def _fit_ranges(self) -> None:
        """Change the axes' ranges in jumps, not on every redraw.

        Each range change makes pyqtgraph recompute and repaint the axes (Python code that
        competes with training for the GIL), so the x range grows by half at a time and the
        y range only changes when a point falls outside it.
        """
        last = max(self._steps[-1] if self._steps else 0, self._eval_steps[-1] if self._eval_steps else 0)
        if last > self._x_max or self._x_max == 0:
            self._x_max = max(10.0, last * 1.5)
            for p in (self.loss_plot, self.metric_plot):
                p.setXRange(0, self._x_max, padding=0.02)
        values = [v for v in self._losses + self._val_losses if math.isfinite(v)]
        if values:
            lo, hi = min(values), max(values)
            y_lo, y_hi = self._y_range
            if lo < y_lo or hi > y_hi or (hi - lo) < 0.4 * (y_hi - y_lo):
                pad = 0.1 * max(hi - lo, 1e-3)
                self._y_range = (max(0.0, lo - pad), hi + pad)
                self.loss_plot.setYRange(*self._y_range, padding=0)
        if self.task != "classify":
            metric = [v for v in self._metric if math.isfinite(v)]
            if metric:
                self.metric_plot.setYRange(min(metric) * 0.95, max(metric) * 1.05, padding=0)


class BarChart(pg.PlotWidget):
    """Horizontal bars with a name on each (class counts, probabilities)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self._bars: pg.BarGraphItem | None = None

    def set_values(self, names: list[str], values: list[float], colour: str = TRAIN_COLOUR) -> None:
        if self._bars is not None:
            self.removeItem(self._bars)
        ys = list(range(len(names)))
        self._bars = pg.BarGraphItem(x0=0, y=ys, height=0.7, width=values, brush=colour, pen=None)
        self.addItem(self._bars)
        axis = self.getAxis("left")
        axis.setTicks([[(y, n) for y, n in zip(ys, names, strict=True)]])
        # pyqtgraph widens an axis for long labels only after a repaint (hiding them until
        # then): give it the room of the longest name at once.
        longest = max((self.fontMetrics().horizontalAdvance(n) for n in names), default=20)
        axis.setWidth(min(longest + 16, 220))
        self.getViewBox().invertY(True)  # largest (first) at the top
        self.setYRange(-0.5, max(len(names) - 0.5, 0.5), padding=0)
        self.setXRange(0, max(max(values, default=1), 1e-9) * 1.05, padding=0)
