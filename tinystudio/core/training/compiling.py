"""``torch.compile`` for the training steps of a language model, only where it pays.

Compiling fuses the many small element-wise operations of a small Transformer into a few
kernels. On the 2-core CPU we measure on it barely pays: in one quiet run of
``bench/bench_train.py`` (Small model, batch 12 x 64) the compiled loop made 17,292 tokens/s
against 16,972 without (1.02x), while a first (cold) compilation took 20-65 s and a later
one of the same shape ~2-4 s (the compiler's cache). So ``compile="auto"`` does not compile
on a CPU. On a CUDA card, where fused kernels matter more (not measured here: no GPU), it
first trains a few steps as usual, predicts how long the rest of the run will take, and
compiles only when that is long enough for the saving to outweigh the cost. ``"on"``
compiles from the first step on any device, ``"off"`` never.

A compilation that fails (no C++ compiler, an unsupported platform) is not an error: the run
goes on without it and says so once.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from collections.abc import Callable

import torch
from torch import nn

from tinystudio.i18n import tr

from .events import Notice

PROBE_STEPS = 20  # auto: plain steps timed before deciding
PAYS_AFTER_SECONDS = 300.0  # auto: compile when at least this much training is still to come
AUTO_DEVICES = ("cuda",)  # auto compiles only on these (see above for the CPU)


def unavailable_reason(device: torch.device, task: str, kind: str, distributed: bool) -> str | None:
    """Why compiling can't be used for this run, in words; None when it can."""
    if task != "generate" or kind != "transformer":
        return tr("it only speeds up the Transformer language model")
    if getattr(sys, "frozen", False):
        return tr("the installed app has no compiler")
    if distributed:
        return tr("it is not used in data-parallel runs")
    if device.type == "cpu":
        if not any(shutil.which(cxx) for cxx in ("g++", "c++", "clang++")):
            return tr("no C++ compiler was found on this computer")
    elif device.type == "cuda":
        if importlib.util.find_spec("triton") is None:
            return tr("the Triton compiler is not installed")
    else:
        return tr("it is not supported on {type}").format(type=device.type)
    return None


class StepCompiler:
    """Runs the forward+backward of each step, eagerly or compiled, switching when it pays.

    ``run(fn, batch, step)`` returns ``fn(module, batch)`` with the module to use for this
    step; ``after_step`` takes the decision in ``auto`` mode. What the user should know (a
    compilation starting, done or failed) goes out through ``emit`` as :class:`Notice` events.
    """

    def __init__(
        self,
        module: nn.Module,
        mode: str,
        unavailable: str | None,
        emit: Callable[[Notice], None],
        device: torch.device,
    ) -> None:
        self.eager = module
        self.module: nn.Module = module
        self.mode = mode
        self.unavailable = unavailable
        self.emit = emit
        self._pending = False  # compiled, but the graphs are built on the next call
        self._decided = mode != "auto" or unavailable is not None or device.type not in AUTO_DEVICES
        self._probe_start: float | None = None

    def start(self) -> None:
        """Called before the first step: compile now in ``on`` mode."""
        if self.mode != "on":
            return
        if self.unavailable:
            self.emit(Notice("compile", tr("Training without compiling: {unavailable}.").format(unavailable=self.unavailable), 0))
            return
        self._switch()

    def after_step(self, step: int, steps_left: int, seconds_left: float) -> None:
        """``auto``: after PROBE_STEPS steps, compile if the rest of the run is long enough."""
        if self._decided:
            return
        if step == 2:
            self._probe_start = time.perf_counter()  # the first steps are slower: skip them
            return
        if step < PROBE_STEPS + 2 or self._probe_start is None:
            return
        self._decided = True
        per_step = (time.perf_counter() - self._probe_start) / PROBE_STEPS
        if min(steps_left * per_step, seconds_left) >= PAYS_AFTER_SECONDS:
            self._switch()

    def run(self, fn: Callable[[nn.Module, object], torch.Tensor], batch, step: int):
        if not self._pending:
            return fn(self.module, batch)
        self._pending = False
        self.emit(
            Notice(
                "compile",
                tr("Compiling the model for faster training (up to a minute the first time; "
                "the time counts as training time)."),
                step,
            )
        )
        t0 = time.perf_counter()
        try:
            loss = fn(self.module, batch)  # builds the forward and backward graphs
        except Exception as exc:  # noqa: BLE001 - any compiler failure: carry on without it
            self.module = self.eager
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            self.emit(
                Notice(
                    "compile",
                    tr("Compiling the model failed, so training goes on without it ({first_line}).").format(first_line=first_line),
                    step,
                )
            )
            return fn(self.module, batch)
        seconds = time.perf_counter() - t0
        self.emit(Notice("compile", tr("The model is compiled ({seconds:.0f} s).").format(seconds=seconds), step))
        return loss

    def _switch(self) -> None:
        self.module = torch.compile(self.eager)
        self._pending = True
