"""The compression lab: smaller, faster variants of a trained model, measured honestly.

Typical use::

    from tinystudio.core.compress import parse_method, run_lab
    result = run_lab("my_model", [parse_method("prune:0.5"), parse_method("int8")], "variants")
    result.original.latency_ms_p50, [v.size_bytes for v in result.variants]

Modules, one job each:

- :mod:`.quantize` — int8 (dynamic, per-row) and fp16 / bf16 variants
- :mod:`.prune`    — magnitude pruning and removal of feed-forward hidden units
- :mod:`.distill`  — a smaller student trained on soft targets; short fine-tunes
- ``core/variant_weights`` (outside this package, below ``modelio``) — how variants are saved
- :mod:`.measure`  — size, latency, throughput, memory, quality, changed answers
- :mod:`.explain`  — the plain-words reasons behind the numbers
- :mod:`.lab`      — :func:`run_lab`, the whole run
"""

from .common import CompressError, LabProgress, describe_steps
from .lab import METHODS, LabResult, Step, dataset_for_model, evalset_for, parse_method, run_lab
from .measure import EvalSet, Measurement

__all__ = [
    "METHODS",
    "CompressError",
    "EvalSet",
    "LabProgress",
    "LabResult",
    "Measurement",
    "Step",
    "dataset_for_model",
    "describe_steps",
    "evalset_for",
    "parse_method",
    "run_lab",
]
