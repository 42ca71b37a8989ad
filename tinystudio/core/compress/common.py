"""What every compression step shares: its error type, its progress event, copying a model."""

from __future__ import annotations

import copy
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from ..errors import TinyStudioError
from ..inference import TrainedModel
from ..variants import describe_steps, step_label  # noqa: F401 - re-exported

VARIANT_FORMAT = "tinystudio-variant"
VARIANT_VERSION = 1


class CompressError(TinyStudioError):
    """A compression method cannot be applied to this model (or this computer)."""


@dataclass(frozen=True)
class LabProgress:
    """One step of a compression run, for a progress bar: plain values only."""

    stage: str  # "load" | "prune" | "distill" | "quantize" | "half" | "save" | "measure" | "done"
    message: str
    fraction: float  # 0..1 of the whole run

    def to_dict(self) -> dict:
        return {"event": type(self).__name__, **asdict(self)}


def copy_model(trained: TrainedModel, *, step: dict) -> TrainedModel:
    """A deep copy of ``trained`` whose ``variant`` records one more compression step."""
    new = copy.deepcopy(trained)
    previous = dict(trained.variant or {})
    steps = list(previous.get("steps", [])) + [step]
    new.variant = {
        **previous,
        "format": VARIANT_FORMAT,
        "format_version": VARIANT_VERSION,
        "steps": steps,
    }
    return new


@contextmanager
def quiet_deprecations():
    """``torch.ao.quantization`` still works but warns on every call that it is deprecated.

    We use it on purpose (see ``quantize.py``); the warning would only confuse a user.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        yield
