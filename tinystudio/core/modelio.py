"""The model folder, TinyStudio's own format: safetensors + JSON, never pickle.

A model folder holds:

* ``config.json``: format name and version, task, architecture, labels, tokenizer kind,
  training settings, data fingerprint and split seed, library versions, metrics;
* ``model.safetensors``: the weights (a format that stores only tensors, so loading it
  cannot run code);
* ``tokenizer.json``: the tokenizer (``tokenizers``' own JSON);
* ``training_log.jsonl``: one JSON object per training event, to redraw the plots.

Loading validates everything before use: the JSON against what we expect, and every
tensor's name, shape and dtype against the model the config describes.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import time
from dataclasses import fields
from pathlib import Path

import torch

from tinystudio.i18n import tr

from .errors import ConfigError, ModelFileError
from .fileio import SaveError, atomic_write_bytes
from .inference import TrainedModel
from .models import ModelConfig, build_model
from .tokenize import TextTokenizer
from .variant_weights import load_int8_module, weights_for_saving
from .weights import open_weights, read_weights  # noqa: F401 - part of modelio's interface

FORMAT_NAME = "tinystudio-model"
FORMAT_VERSION = 1
MAX_CONFIG_BYTES = 4 * 1024 * 1024
MAX_WEIGHTS_BYTES = 4 * 1024**3
FILES = ("config.json", "model.safetensors", "tokenizer.json")
_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def library_versions() -> dict:
    import safetensors
    import tokenizers

    from .. import __version__

    return {
        "tinystudio": __version__,
        "torch": torch.__version__,
        "tokenizers": tokenizers.__version__,
        "safetensors": safetensors.__version__,
        "python": platform.python_version(),
    }


def save_model(trained: TrainedModel, folder: str | Path, *, log: list[dict] | None = None) -> Path:
    """Write ``trained`` as a model folder (created if needed; files replaced atomically)."""
    from safetensors.torch import save

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if trained.variant:  # a compressed variant (int8 / 16-bit storage): see variant_weights.py
        weights = weights_for_saving(trained)
    else:
        weights = {k: v.detach().cpu().contiguous() for k, v in trained.module.state_dict().items()}
    files = {"model.safetensors": save(weights), "tokenizer.json": trained.tokenizer.to_json().encode()}
    if log is not None:
        lines = "".join(json.dumps(_finite(rec), ensure_ascii=False) + "\n" for rec in log)
        files["training_log.jsonl"] = lines.encode("utf-8")
    # config.json last: a folder whose config is present is complete.
    config = _finite(
            {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "task": trained.task,
                "architecture": trained.config.to_dict(),
                "labels": list(trained.label_names),
                "tokenizer": {"kind": trained.tokenizer.kind, "vocab_size": trained.tokenizer.vocab_size},
                "training": trained.train_config,
                "data": trained.data_info,
                "metrics": trained.metrics,
                "variant": trained.variant,
                "calibration": trained.calibration,
                "versions": library_versions(),
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
        )
    text = json.dumps(config, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    files["config.json"] = text.encode("utf-8")
    _replace_all(folder, files)
    return folder


def _replace_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file under a temporary name first, then rename them all into place.

    A full disk or a write error can only happen while staging, before any file of the
    previous model is replaced: the folder never mixes new weights with an old tokenizer.
    Renames need no disk space.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            tmp = folder / f".{name}.new"
            atomic_write_bytes(tmp, data)  # temporary file + fsync + rename
            staged.append((tmp, folder / name))
        for tmp, final in staged:
            os.replace(tmp, final)
    except (SaveError, OSError) as exc:
        reason = getattr(exc.__cause__, "strerror", None) or getattr(exc, "strerror", None) or exc
        raise SaveError(
            tr("Could not save the model in '{name}': {reason}. Nothing was overwritten: the model saved there before (if any) is intact. Free some disk space and try again.").format(name=folder.name, reason=reason),
            details=str(exc),
            code="save_failed",
        ) from exc
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()


def read_config(folder: str | Path) -> dict:
    """The validated ``config.json`` of a model folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFileError(
            tr("'{folder}' is not a model folder (it does not exist or is a file).").format(folder=folder), code="not_a_model"
        )
    path = folder / "config.json"
    for name in FILES:
        p = folder / name
        if p.is_symlink():
            raise ModelFileError(
                tr("The model file {name} is a link to somewhere else; TinyStudio does not follow links in model folders, for safety.").format(name=name),
                code="symlink",
            )
        if not p.is_file():
            raise ModelFileError(
                tr("This folder is not a complete TinyStudio model: {name} is missing.").format(name=name),
                code="incomplete_model",
            )
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ModelFileError(tr("The model's config.json is far too large to be genuine."), code="too_large")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelFileError(
            tr("The model's config.json is damaged and cannot be read."), details=str(exc), code="bad_config"
        ) from exc
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise ModelFileError(tr("This folder does not hold a TinyStudio model."), code="not_a_model")
    version = config.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise ModelFileError(
            tr("This model was saved in format version {version}, which this TinyStudio (format {FORMAT_VERSION}) cannot read. Update TinyStudio to open it.").format(version=version, FORMAT_VERSION=FORMAT_VERSION),
            code="unknown_version",
        )
    for key, kind in (("architecture", dict), ("labels", list), ("tokenizer", dict)):
        if not isinstance(config.get(key), kind):
            raise ModelFileError(
                tr("The model's config.json has no valid '{key}' section.").format(key=key), code="bad_config"
            )
    if not all(isinstance(x, str) for x in config["labels"]):
        raise ModelFileError(tr("The model's labels are not all text."), code="bad_config")
    for key in ("training", "data", "metrics", "variant", "calibration"):
        if config.get(key) is not None and not isinstance(config[key], dict):
            raise ModelFileError(tr("The model's config.json has no valid '{key}' section.").format(key=key), code="bad_config")
    t = (config.get("calibration") or {}).get("temperature")
    if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t < 1e6):
        raise ModelFileError(tr("The model's calibration temperature is damaged."), code="bad_config")
    _check_architecture(config["architecture"])
    return config


# The JSON types each ModelConfig field accepts (annotations are strings here).
_JSON_TYPES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def _check_architecture(arch: dict) -> None:
    """Every architecture setting has the type the model expects (schema check, no guessing)."""
    for f in fields(ModelConfig):
        value, allowed = arch.get(f.name), _JSON_TYPES.get(str(f.type), ())
        if f.name not in arch or not allowed:
            continue
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise ModelFileError(
                tr("The model's setting '{name}' is damaged (it should be {type}, not {actual}).").format(name=f.name, type=f.type, actual=type(value).__name__),
                code="bad_config",
            )


def _check_size(model_cfg: ModelConfig, weights_path: Path) -> None:
    """Refuse, before allocating anything, a config that describes a model larger than its file.

    The model is built on the "meta" device (shapes only, no memory); every weight takes at
    least one byte in the file (int8), so a larger count means a forged or damaged config.
    """
    try:
        with torch.device("meta"):
            shapes = build_model(model_cfg).state_dict()
    except (ConfigError, TypeError, ValueError, RuntimeError) as exc:
        raise ModelFileError(
            tr("The model's architecture settings are invalid: {exc}").format(exc=exc), code="bad_config"
        ) from exc
    if sum(t.numel() for t in shapes.values()) > weights_path.stat().st_size:
        raise ModelFileError(
            tr("The weights file is too small for the model described in config.json: one of the "
            "two is damaged or was changed."),
            code="weights_mismatch",
        )


def load_model(folder: str | Path, device: str | torch.device = "cpu") -> TrainedModel:
    """Load and validate a model folder. Never unpickles anything."""

    folder = Path(folder)
    config = read_config(folder)
    try:
        model_cfg = ModelConfig.from_dict(config["architecture"])
    except (ConfigError, TypeError, ValueError) as exc:
        raise ModelFileError(
            tr("The model's architecture settings are invalid: {exc}").format(exc=exc), code="bad_config"
        ) from exc
    if model_cfg.task != config.get("task"):
        raise ModelFileError(tr("The model's task does not match its architecture."), code="bad_config")
    if model_cfg.task == "classify" and len(config["labels"]) != model_cfg.n_classes:
        raise ModelFileError(
            tr("The model's label list does not match its number of classes."), code="bad_config"
        )
    tokenizer = TextTokenizer.load(folder / "tokenizer.json")
    if tokenizer.vocab_size != model_cfg.vocab_size:
        raise ModelFileError(
            tr("The tokenizer does not belong to this model (vocabulary sizes differ)."),
            code="tokenizer_mismatch",
        )
    weights_path = folder / "model.safetensors"
    if weights_path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise ModelFileError(tr("The model's weights file is too large."), code="too_large")

    _check_size(model_cfg, weights_path)
    variant = config.get("variant") or {}
    if not isinstance(variant, dict):
        raise ModelFileError(tr("The model's 'variant' section is damaged."), code="bad_config")
    if variant.get("storage") == "int8":
        # int8 weights + scales, validated the same strict way; rebuilt on the CPU.
        return _trained(config, model_cfg, tokenizer, load_int8_module(model_cfg, weights_path, variant))

    module = build_model(model_cfg)
    layout = {name: (tuple(t.shape), set(_DTYPES)) for name, t in module.state_dict().items()}
    tensors = read_weights(weights_path, layout, tr("weights"))
    dtypes = {t.dtype for t in tensors.values() if t.is_floating_point()}
    if len(dtypes) == 1 and (dtype := next(iter(dtypes))) != torch.float32:
        module = module.to(dtype)  # a half-precision variant stays half precision
    module.load_state_dict(tensors)
    if variant.get("compute_dtype") == "float32":
        module = module.float()  # 16-bit file, computed in float32 (faster on most CPUs)
    module.to(device).eval()
    return _trained(config, model_cfg, tokenizer, module)


def _trained(config: dict, model_cfg: ModelConfig, tokenizer: TextTokenizer, module) -> TrainedModel:
    return TrainedModel(
        config=model_cfg,
        tokenizer=tokenizer,
        module=module,
        label_names=list(config["labels"]),
        train_config=config.get("training") or {},
        metrics=config.get("metrics") or {},
        data_info=config.get("data") or {},
        variant=config.get("variant") or {},
        calibration=config.get("calibration") or {},  # absent in models saved before calibration
    )


def read_training_log(folder: str | Path) -> list[dict]:
    """The events of ``training_log.jsonl`` (damaged lines are skipped)."""
    path = Path(folder) / "training_log.jsonl"
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def remove_folder(folder: str | Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _finite(obj):
    """JSON has no NaN/inf: turn them into None so the files stay standard JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
