"""Ctrl+C during a long command: ask the run to stop between steps (used by the CLI's commands)."""

from __future__ import annotations

import signal


def install_interrupt(control) -> None:
    """Ctrl+C asks training to stop between steps (the best model is still saved).

    A second Ctrl+C stops at once (raises ``KeyboardInterrupt``).
    """

    def handler(signum, frame):  # noqa: ARG001
        if control.stop_requested:
            raise KeyboardInterrupt
        control.stop()

    signal.signal(signal.SIGINT, handler)
