"""Reading a model's weights file (safetensors) strictly: every tensor's name, shape and dtype
is checked against what the model needs before it is used. Loading never unpickles anything."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import torch

from tinystudio.i18n import tr

from .errors import ModelFileError


@contextmanager
def open_weights(path: str | Path):
    """``safetensors.safe_open`` of a weights file; damage is reported as :class:`ModelFileError`."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as fh:
            yield fh
    except ModelFileError:
        raise
    except Exception as exc:  # safetensors raises SafetensorError / OSError on damage
        raise ModelFileError(
            tr("The model's weights file (model.safetensors) is damaged and cannot be read."),
            details=str(exc),
            code="bad_weights",
        ) from exc


def read_weights(
    path: str | Path, layout: dict[str, tuple[tuple, set[str] | str]], what: str
) -> dict[str, torch.Tensor]:
    """Every tensor of a weights file, checked against ``layout`` before it is read.

    ``layout`` maps each name the model needs to (shape, allowed safetensors dtypes); a file
    with other names, shapes or dtypes is refused with a :class:`ModelFileError` (``what``
    names the file in the message, e.g. "int8 weights").
    """
    tensors: dict[str, torch.Tensor] = {}
    with open_weights(path) as fh:
        names = set(fh.keys())
        missing, extra = set(layout) - names, names - set(layout)
        if missing or extra:
            raise ModelFileError(
                tr("The {what} do not fit the model described in config.json (missing: {missing}, unexpected: {unexpected}).").format(what=what, missing=sorted(missing)[:5], unexpected=sorted(extra)[:5]),
                code="weights_mismatch",
            )
        for name, (shape, dtypes) in layout.items():
            sl = fh.get_slice(name)
            got_shape, got_dtype = tuple(sl.get_shape()), sl.get_dtype()
            if got_shape != shape:
                raise ModelFileError(
                    tr("The weight '{name}' has shape {got_shape}, but the model needs {shape}.").format(name=name, got_shape=got_shape, shape=shape),
                    code="weights_mismatch",
                )
            allowed = {dtypes} if isinstance(dtypes, str) else dtypes
            if got_dtype not in allowed:
                raise ModelFileError(
                    tr("The {what} do not fit the model: '{name}' is stored as {got_dtype}, where it needs {allowed}.").format(what=what, name=name, got_dtype=got_dtype, allowed=' or '.join(sorted(allowed))),
                    code="weights_mismatch",
                )
            tensors[name] = fh.get_tensor(name)
    return tensors
