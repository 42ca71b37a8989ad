"""Atomic file writes: a crash or a full disk never leaves a half-written file behind.

Each write goes to a temporary file in the same folder, is flushed to disk (fsync), then
renamed over the target, which is atomic on every platform Python supports.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from tinystudio.i18n import tr

from .errors import TinyStudioError


class SaveError(TinyStudioError):
    """A file could not be written (disk full, no permission...). The old file is intact."""


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; use the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise SaveError(
            tr("Could not save {name}: {strerror}. Nothing was overwritten.").format(name=path.name, strerror=exc.strerror or exc),
            details=str(exc),
            code="save_failed",
        ) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, data: dict) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
