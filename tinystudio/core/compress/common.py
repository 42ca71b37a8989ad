"""What every compression step shares: its error type, its progress event, copying a model."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass

from ..errors import CompressError  # noqa: F401 - re-exported: compress's own error
from ..inference import TrainedModel
from ..variant_weights import quiet_deprecations  # noqa: F401 - re-exported
from ..variants import describe_steps, step_label  # noqa: F401 - re-exported

VARIANT_FORMAT = "tinystudio-variant"
VARIANT_VERSION = 1


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


