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
import platform
import shutil
import time
from pathlib import Path

import torch

from .errors import ConfigError, ModelFileError
from .fileio import atomic_write_bytes, atomic_write_json, atomic_write_text
from .inference import TrainedModel
from .models import ModelConfig, build_model
from .tokenize import TextTokenizer

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
    weights = {k: v.detach().cpu().contiguous() for k, v in trained.module.state_dict().items()}
    atomic_write_bytes(folder / "model.safetensors", save(weights))
    atomic_write_text(folder / "tokenizer.json", trained.tokenizer.to_json())
    if log is not None:
        lines = "".join(json.dumps(_finite(rec), ensure_ascii=False) + "\n" for rec in log)
        atomic_write_text(folder / "training_log.jsonl", lines)
    # config.json last: a folder whose config is present is complete.
    atomic_write_json(
        folder / "config.json",
        _finite(
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
                "versions": library_versions(),
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
        ),
    )
    return folder


def read_config(folder: str | Path) -> dict:
    """The validated ``config.json`` of a model folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFileError(
            f"'{folder}' is not a model folder (it does not exist or is a file).", code="not_a_model"
        )
    path = folder / "config.json"
    for name in FILES:
        p = folder / name
        if p.is_symlink():
            raise ModelFileError(
                f"The model file {name} is a link to somewhere else; TinyStudio does not follow "
                "links in model folders, for safety.",
                code="symlink",
            )
        if not p.is_file():
            raise ModelFileError(
                f"This folder is not a complete TinyStudio model: {name} is missing.",
                code="incomplete_model",
            )
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ModelFileError("The model's config.json is far too large to be genuine.", code="too_large")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelFileError(
            "The model's config.json is damaged and cannot be read.", details=str(exc), code="bad_config"
        ) from exc
    if not isinstance(config, dict) or config.get("format") != FORMAT_NAME:
        raise ModelFileError("This folder does not hold a TinyStudio model.", code="not_a_model")
    version = config.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise ModelFileError(
            f"This model was saved in format version {version}, which this TinyStudio "
            f"(format {FORMAT_VERSION}) cannot read. Update TinyStudio to open it.",
            code="unknown_version",
        )
    for key, kind in (("architecture", dict), ("labels", list), ("tokenizer", dict)):
        if not isinstance(config.get(key), kind):
            raise ModelFileError(
                f"The model's config.json has no valid '{key}' section.", code="bad_config"
            )
    if not all(isinstance(x, str) for x in config["labels"]):
        raise ModelFileError("The model's labels are not all text.", code="bad_config")
    return config


def load_model(folder: str | Path, device: str | torch.device = "cpu") -> TrainedModel:
    """Load and validate a model folder. Never unpickles anything."""
    from safetensors import safe_open

    folder = Path(folder)
    config = read_config(folder)
    try:
        model_cfg = ModelConfig.from_dict(config["architecture"])
    except (ConfigError, TypeError, ValueError) as exc:
        raise ModelFileError(
            f"The model's architecture settings are invalid: {exc}", code="bad_config"
        ) from exc
    if model_cfg.task != config.get("task"):
        raise ModelFileError("The model's task does not match its architecture.", code="bad_config")
    if model_cfg.task == "classify" and len(config["labels"]) != model_cfg.n_classes:
        raise ModelFileError(
            "The model's label list does not match its number of classes.", code="bad_config"
        )
    tokenizer = TextTokenizer.load(folder / "tokenizer.json")
    if tokenizer.vocab_size != model_cfg.vocab_size:
        raise ModelFileError(
            "The tokenizer does not belong to this model (vocabulary sizes differ).",
            code="tokenizer_mismatch",
        )
    weights_path = folder / "model.safetensors"
    if weights_path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise ModelFileError("The model's weights file is too large.", code="too_large")

    module = build_model(model_cfg)
    expected = module.state_dict()
    tensors = {}
    try:
        with safe_open(str(weights_path), framework="pt") as fh:
            names = set(fh.keys())
            missing, extra = set(expected) - names, names - set(expected)
            if missing or extra:
                raise ModelFileError(
                    "The weights do not fit the model described in config.json "
                    f"(missing: {sorted(missing)[:5]}, unexpected: {sorted(extra)[:5]}).",
                    code="weights_mismatch",
                )
            for name in expected:
                sl = fh.get_slice(name)
                shape, dtype = tuple(sl.get_shape()), sl.get_dtype()
                if shape != tuple(expected[name].shape):
                    raise ModelFileError(
                        f"The weight '{name}' has shape {shape}, but the model needs "
                        f"{tuple(expected[name].shape)}.",
                        code="weights_mismatch",
                    )
                if dtype not in _DTYPES:
                    raise ModelFileError(
                        f"The weight '{name}' is stored as {dtype}, which TinyStudio does not use.",
                        code="weights_mismatch",
                    )
                tensors[name] = fh.get_tensor(name)
    except ModelFileError:
        raise
    except Exception as exc:  # safetensors raises SafetensorError / OSError on damage
        raise ModelFileError(
            "The model's weights file (model.safetensors) is damaged and cannot be read.",
            details=str(exc),
            code="bad_weights",
        ) from exc
    dtypes = {t.dtype for t in tensors.values() if t.is_floating_point()}
    if len(dtypes) == 1 and (dtype := next(iter(dtypes))) != torch.float32:
        module = module.to(dtype)  # a half-precision variant stays half precision
    module.load_state_dict(tensors)
    module.to(device).eval()
    return TrainedModel(
        config=model_cfg,
        tokenizer=tokenizer,
        module=module,
        label_names=list(config["labels"]),
        train_config=config.get("training") or {},
        metrics=config.get("metrics") or {},
        data_info=config.get("data") or {},
        variant=config.get("variant") or {},
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
