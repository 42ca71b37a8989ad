"""Entry point of the frozen app (PyInstaller runs this file; ``tinystudio.cli:main`` does the rest)."""

import multiprocessing
import os
import sys

if __name__ == "__main__":
    # A frozen app that ever starts a process with multiprocessing must call this first, or the
    # child re-runs the whole app. TinyStudio starts none today (no DataLoader workers either).
    multiprocessing.freeze_support()
    # A windowed Windows/macOS build has no console: print() and warnings would raise on None.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115

    from tinystudio.cli import main

    sys.exit(main())
