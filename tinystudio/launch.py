"""Start the desktop app, or explain why it cannot start here."""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal")
    )


def launch_gui(argv: list[str] | None = None) -> int:
    if not has_display():
        print(
            "tinystudio: no screen found, so the app window cannot open. "
            "Try 'tinystudio demo' for a headless demo, or 'tinystudio --help'.",
            file=sys.stderr,
        )
        return 2
    try:
        from .gui.app import run_app
    except ImportError as exc:  # Qt is missing or broken here: say so and what still works
        print(
            f"tinystudio: the app window cannot start ({exc}). The commands still work: "
            "'tinystudio --help'.",
            file=sys.stderr,
        )
        return 1
    return run_app(argv or sys.argv[:1])
