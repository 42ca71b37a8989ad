"""The training loop: ``train(config, dataset, on_event=..., control=...) -> TrainResult``.

It knows nothing about who listens: progress goes out as events (see ``events.py``) through
one callback, and stop/pause requests come in through a :class:`RunControl`.
"""

from __future__ import annotations

import copy
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..augment import encode_augmented
from ..errors import ConfigError, TrainingError
from ..inference import TrainedModel
from ..models import ModelConfig, build_model, count_params, preset_config
from ..tokenize import TextTokenizer
from .batches import (
    batch_indices,
    classify_batches,
    encode_for_classify,
    eval_batches,
    pad_batch,
    random_windows,
    sequential_windows,
    token_stream,
)
from .checkpoint import load_checkpoint_into, read_checkpoint_state, save_checkpoint
from .config import TrainConfig
from .control import RunControl
from .distributed import Distributed
from .events import EvalEvent, Event, Notice, SampleEvent, StepEvent, TrainFinished, TrainStarted

LOG_INTERVAL = 0.1  # seconds between StepEvents (the loss is averaged over the interval)
MAX_EVAL_WINDOWS = 64  # generate: validation windows per in-training evaluation (speed)


@dataclass
class TrainResult:
    model: TrainedModel
    stop_reason: str  # completed | time_up | early_stop | cancelled | diverged
    message: str
    steps: int
    seconds: float
    best_step: int
    val_metrics: dict
    history: list[dict] = field(default_factory=list)  # every event, as written to the log


def pick_device(requested: str = "auto") -> torch.device:
    """CUDA, then Apple's MPS, then the CPU; or exactly what was asked for."""
    if requested == "auto":
        if torch.cuda.is_available():
            # Under torchrun each process takes its own GPU.
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")) % torch.cuda.device_count())
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ConfigError("No CUDA graphics card is available on this computer; use 'cpu'.")
    return torch.device(requested)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def lr_factor(progress: float, warmup: float) -> float:
    """Linear warm-up to 1, then cosine decay to 0.1, as a function of run progress 0..1."""
    if warmup > 0 and progress < warmup:
        return max(progress / warmup, 0.01)
    t = min((progress - warmup) / max(1.0 - warmup, 1e-9), 1.0)
    return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * t))


class TaskData:
    """What differs between classify and generate: batches, loss, validation."""

    def __init__(self, cfg: TrainConfig, data, tokenizer: TextTokenizer, rank: int = 0, world: int = 1) -> None:
        self.cfg = cfg
        self.tokenizer = tokenizer
        texts = data.texts
        if cfg.task == "classify":
            tr, va = data.splits.train, data.splits.val or data.splits.train
            n_train = len(tr)
            tr = tr[rank::world]  # each process of a data-parallel run takes its share
            self.train_texts = [texts[i] for i in tr]
            self.train_seqs = encode_for_classify(tokenizer, self.train_texts, cfg.max_len)
            self.rng = random.Random(cfg.seed)
            self.train_labels = [data.labels[i] for i in tr]
            self.val_seqs = encode_for_classify(tokenizer, [texts[i] for i in va], cfg.max_len)
            self.val_labels = torch.tensor([data.labels[i] for i in va], dtype=torch.long)
            self.steps_per_epoch = math.ceil(math.ceil(n_train / world) / cfg.batch_size)
            self.train_items, self.val_items = len(self.train_seqs), len(self.val_seqs)
        else:
            self.train_stream = token_stream(tokenizer, [texts[i] for i in data.splits.train])
            val_idx = data.splits.val or data.splits.test or data.splits.train
            self.val_texts = [texts[i] for i in val_idx]
            val_stream = token_stream(tokenizer, self.val_texts)
            if len(self.train_stream) < cfg.max_len + 2 or len(val_stream) < 2:
                raise TrainingError(
                    "There is too little text to train a language model: it needs at least a "
                    f"few thousand characters (this file gives {len(self.train_stream)} tokens).",
                    code="too_little_text",
                )
            self.val_x, self.val_y = sequential_windows(val_stream, cfg.max_len, MAX_EVAL_WINDOWS)
            per_step = cfg.batch_size * cfg.max_len * world
            self.steps_per_epoch = max(1, len(self.train_stream) // per_step)
            self.train_items, self.val_items = len(self.train_stream), len(val_stream)
        self._epoch_iter = None

    def items_per_step(self, batch) -> int:
        return batch[0].shape[0] * (1 if self.cfg.task == "classify" else batch[0].shape[1])

    def next_batch(self, gen: torch.Generator):
        if self.cfg.task == "generate":
            return random_windows(self.train_stream, self.cfg.batch_size, self.cfg.max_len, gen)
        if self._epoch_iter is None:
            if self.cfg.augment:
                self._epoch_iter = self._augmented_batches(gen)
            else:
                self._epoch_iter = classify_batches(
                    self.train_seqs, self.train_labels, self.cfg.batch_size, gen, self.tokenizer.pad_id
                )
        try:
            return next(self._epoch_iter)
        except StopIteration:
            self._epoch_iter = None
            return self.next_batch(gen)

    def _augmented_batches(self, gen: torch.Generator):
        """Batches of freshly augmented training texts (a new variant of each text each epoch)."""
        lengths = [len(s) for s in self.train_seqs]
        for idx in batch_indices(lengths, self.cfg.batch_size, gen):
            seqs = []
            for i in idx:
                ids = encode_augmented(self.tokenizer, self.train_texts[i], self.cfg.augment, self.rng)
                seqs.append(ids[: self.cfg.max_len] or [self.tokenizer.unk_id])
            ids, mask = pad_batch(seqs, self.tokenizer.pad_id)
            yield ids, mask, torch.tensor([self.train_labels[i] for i in idx], dtype=torch.long)

    def loss(self, module: nn.Module, batch, device: torch.device) -> torch.Tensor:
        if self.cfg.task == "classify":
            ids, mask, y = (t.to(device, non_blocking=True) for t in batch)
            return nn.functional.cross_entropy(module(ids, mask), y)
        x, y = (t.to(device, non_blocking=True) for t in batch)
        logits = module(x)  # (B, T, vocab)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    @torch.no_grad()
    def validate(self, module: nn.Module, device: torch.device) -> dict:
        module.eval()
        try:
            if self.cfg.task == "classify":
                total, correct = 0.0, 0
                for idx, ids, mask in eval_batches(self.val_seqs, 128, self.tokenizer.pad_id):
                    logits = module(ids.to(device), mask.to(device)).float()
                    y = self.val_labels[idx].to(device)
                    total += nn.functional.cross_entropy(logits, y, reduction="sum").item()
                    correct += int((logits.argmax(dim=1) == y).sum())
                n = max(len(self.val_seqs), 1)
                return {"val_loss": total / n, "val_accuracy": correct / n}
            total, n_tok = 0.0, 0
            for s in range(0, len(self.val_x), 32):
                xb, yb = self.val_x[s : s + 32].to(device), self.val_y[s : s + 32].to(device)
                logits = module(xb).float()
                total += nn.functional.cross_entropy(
                    logits.reshape(-1, logits.shape[-1]), yb.reshape(-1), reduction="sum"
                ).item()
                n_tok += yb.numel()
            return {"val_loss": total / max(n_tok, 1)}
        finally:
            module.train()


def train(
    config: TrainConfig,
    data,
    *,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
    checkpoint_dir: str | Path | None = None,
    resume: bool = False,
    init_model: TrainedModel | None = None,
    tokenizer: TextTokenizer | None = None,
) -> TrainResult:
    """Train a model on ``data`` (a :class:`~tinystudio.core.data.Dataset`).

    Parameters
    ----------
    config
        Settings; ``None`` fields take the defaults for the task (see ``TrainConfig.resolved``).
    data
        The dataset with its train/validation/test split.
    on_event
        Called (on this thread) with each :class:`Event`; must return quickly.
    control
        Pause/stop requests, checked between steps.
    checkpoint_dir
        Where to write periodic checkpoints; with ``resume=True`` a checkpoint found there
        is continued instead of starting afresh.
    init_model
        Start from this model's weights (every tensor whose name and shape fit; the output
        layer is new when the task or the labels differ) and use its tokenizer and shape.
    tokenizer
        Use this tokenizer instead of training one on the training split.

    Returns
    -------
    TrainResult
        Always holds the best weights seen (by the validation metric), even after a
        cancel or a diverged run.
    """
    cfg = config.resolved()
    if cfg.task != data.task:
        raise ConfigError(f"The data was prepared for {data.task!r}, not {cfg.task!r}.")
    control = control or RunControl()
    history: list[dict] = []

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    device = pick_device(cfg.device)
    dist = Distributed.from_env(device)

    def emit(event: Event) -> None:
        if not dist.is_main:
            return  # only the first process of a data-parallel run reports
        history.append(event.to_dict())
        if on_event is not None:
            on_event(event)

    ckpt_state = read_checkpoint_state(checkpoint_dir) if (resume and checkpoint_dir) else None
    if ckpt_state is not None and ckpt_state.get("fingerprint") != getattr(data, "fingerprint", None):
        ckpt_state = None  # a checkpoint of another file: start afresh
    if ckpt_state is not None:
        tokenizer = TextTokenizer.load(Path(checkpoint_dir) / "tokenizer.json")
        model_cfg = ModelConfig.from_dict(ckpt_state["model_config"])
    elif init_model is not None:
        tokenizer = init_model.tokenizer
        model_cfg = derived_config(init_model.config, cfg, data)
    else:
        if tokenizer is None:
            if dist.is_main:
                train_texts = [data.texts[i] for i in data.splits.train]
                tokenizer = TextTokenizer.train(train_texts, cfg.tokenizer, cfg.vocab_size)
            if dist.enabled:  # one vocabulary for all processes
                shared = dist.broadcast_text(tokenizer.to_json() if dist.is_main else None)
                tokenizer = TextTokenizer.from_json(shared)
        model_cfg = model_config_for(cfg, tokenizer, data)
    cfg = replace(cfg, model_kind=model_cfg.kind, max_len=model_cfg.max_len, tokenizer=tokenizer.kind)
    task = TaskData(cfg, data, tokenizer, dist.rank, dist.world)

    module = build_model(model_cfg)
    if init_model is not None and ckpt_state is None:
        copied = transfer_weights(init_model.module, module)
        emit(
            Notice(
                "initialised",
                f"Started from the weights of an earlier model ({len(copied)} of "
                f"{len(module.state_dict())} weight tensors reused).",
                0,
            )
        )
    if cfg.freeze_body:
        for name, param in module.named_parameters():
            param.requires_grad = name.startswith("head.")
    module = module.to(device)
    optimizer = make_optimizer(module, cfg, device)
    trainable = [p for p in module.parameters() if p.requires_grad]
    forward_module = dist.wrap(module) if dist.enabled else module
    total_steps = cfg.epochs * task.steps_per_epoch
    start_step, elapsed_before = 0, 0.0
    if ckpt_state is not None:
        load_checkpoint_into(checkpoint_dir, module, optimizer, ckpt_state)
        start_step = int(ckpt_state["step"])
        elapsed_before = float(ckpt_state["elapsed"])
        emit(Notice("resumed", f"Resumed from the checkpoint at step {start_step}.", start_step))

    emit(
        TrainStarted(
            task=cfg.task,
            model_kind=cfg.model_kind,
            preset=cfg.preset,
            params=count_params(module),
            device=str(device),
            total_steps=total_steps,
            max_time=cfg.max_time,
            train_items=task.train_items,
            val_items=task.val_items,
        )
    )

    gen = torch.Generator().manual_seed(cfg.seed + start_step + 7919 * dist.rank)
    eval_every = max(1, total_steps // max(cfg.evals_per_run, 1))
    eval_seconds = cfg.max_time / cfg.evals_per_run if cfg.max_time else math.inf
    if dist.enabled:
        eval_seconds = math.inf  # by step only, so that every process evaluates together
    best = {"score": -math.inf, "step": 0, "state": _snapshot(module), "metrics": {}}
    last_val_loss, last_train_loss, rising = None, None, 0
    overfit_warned = False
    evals_since_best = 0
    stop_reason, message = "completed", "Training finished."
    loss_sum, loss_n, items = torch.zeros((), device=device), 0, 0
    train_loss_window: list[float] = []
    step = start_step
    t0 = time.perf_counter()
    paused_total = 0.0
    last_log = last_eval_t = last_ckpt = last_sample = t0

    def elapsed_now() -> float:
        return elapsed_before + time.perf_counter() - t0 - paused_total

    def progress_now() -> float:
        p = step / max(total_steps, 1)
        if cfg.max_time:
            p = max(p, elapsed_now() / cfg.max_time)
        return min(p, 1.0)

    def run_eval() -> None:
        nonlocal last_val_loss, last_train_loss, rising, overfit_warned, evals_since_best
        metrics = task.validate(module, device)
        train_loss = (
            sum(train_loss_window) / len(train_loss_window) if train_loss_window else math.nan
        )
        train_loss_window.clear()
        if cfg.task == "classify":
            score = metrics["val_accuracy"] - 1e-6 * metrics["val_loss"]
        else:
            score = -metrics["val_loss"]
        is_best = score > best["score"]
        if is_best:
            best.update(score=score, step=step, state=_snapshot(module), metrics=metrics)
            evals_since_best = 0
        else:
            evals_since_best += 1
        bpc = None
        if cfg.task == "generate":
            bpc = metrics["val_loss"] / math.log(2) / _chars_per_token(task)
        emit(
            EvalEvent(
                step=step,
                train_loss=train_loss,
                val_loss=metrics["val_loss"],
                val_accuracy=metrics.get("val_accuracy"),
                bits_per_char=bpc,
                is_best=is_best,
            )
        )
        # Overfitting: validation loss went up twice in a row while training loss went down.
        if last_val_loss is not None and metrics["val_loss"] > last_val_loss:
            rising = rising + 1 if (last_train_loss is None or train_loss < last_train_loss) else 0
        else:
            rising = 0
        if rising >= 2 and not overfit_warned:
            overfit_warned = True
            emit(
                Notice(
                    "overfitting",
                    "The model is starting to memorise the training examples: its error on "
                    "the validation examples is rising while its training error falls. The "
                    "best model so far is kept and will be restored at the end.",
                    step,
                )
            )
        last_val_loss, last_train_loss = metrics["val_loss"], train_loss

    diverged = False
    module.train()
    while True:
        paused_total += control.wait_while_paused()
        stop = control.stop_requested
        time_up = bool(cfg.max_time and elapsed_now() >= cfg.max_time)
        progress = progress_now()
        if dist.enabled:  # every process must take the same decision at the same step
            stop, time_up, diverged, progress = dist.agree(stop, time_up, diverged, progress)
        if diverged:
            stop_reason = "diverged"
            message = (
                "Training went wrong: the error became infinite (the learning rate is "
                "probably too high). The last good model was kept; try a smaller learning rate."
            )
            emit(Notice("diverged", message, step))
            break
        if stop:
            stop_reason, message = "cancelled", "Training was stopped; the best model so far was kept."
            break
        if step >= total_steps:
            break
        if time_up:
            stop_reason, message = "time_up", "The time budget is used up; the best model so far was kept."
            break
        for group in optimizer.param_groups:
            group["lr"] = cfg.lr * lr_factor(progress, cfg.warmup_fraction)
        batch = task.next_batch(gen)
        loss = task.loss(forward_module, batch, device)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            nn.utils.clip_grad_norm_(trainable, cfg.grad_clip)
        optimizer.step()
        step += 1
        items += task.items_per_step(batch)
        loss_sum += loss.detach()
        loss_n += 1

        now = time.perf_counter()
        if now - last_log >= LOG_INTERVAL or step == total_steps:
            mean_loss = (loss_sum / max(loss_n, 1)).item()  # the one sync point per interval
            if not math.isfinite(mean_loss):
                diverged = True  # acted on at the top of the loop (by all processes together)
                continue
            train_loss_window.append(mean_loss)
            elapsed = elapsed_now()
            prog = progress_now()
            eta = elapsed / prog * (1 - prog) if prog > 0 else math.inf
            emit(
                StepEvent(
                    step=step,
                    total_steps=total_steps,
                    epoch=step / task.steps_per_epoch,
                    loss=mean_loss,
                    lr=optimizer.param_groups[0]["lr"],
                    items_per_sec=items / max(now - last_log, 1e-9),
                    elapsed=elapsed,
                    eta=eta,
                    progress=prog,
                )
            )
            loss_sum.zero_()
            loss_n, items, last_log = 0, 0, now

        if step % eval_every == 0 or now - last_eval_t >= eval_seconds:
            run_eval()
            last_eval_t = time.perf_counter()
            if cfg.patience and evals_since_best >= cfg.patience:
                stop_reason = "early_stop"
                message = (
                    f"Stopped early: the validation score has not improved for {cfg.patience} "
                    f"checks. The best model (step {best['step']}) was kept."
                )
                emit(Notice("early_stop", message, step))
                break
        if dist.is_main and cfg.task == "generate" and cfg.sample_every and now - last_sample >= cfg.sample_every:
            emit(_sample_event(module, model_cfg, tokenizer, task, step))
            last_sample = time.perf_counter()
        if dist.is_main and checkpoint_dir and cfg.checkpoint_every and now - last_ckpt >= cfg.checkpoint_every:
            _write_checkpoint(checkpoint_dir, module, optimizer, tokenizer, model_cfg, data, step, elapsed_now(), cfg)
            emit(Notice("checkpoint", f"Checkpoint saved at step {step}.", step))
            last_ckpt = time.perf_counter()

    if stop_reason != "diverged" and step > best["step"]:
        run_eval()  # score the final weights too: they may be the best
    if stop_reason == "time_up":
        emit(Notice("time_up", message, step))
    module.load_state_dict(best["state"])
    seconds = elapsed_now()
    trained = TrainedModel(
        config=model_cfg,
        tokenizer=tokenizer,
        module=module,
        label_names=list(data.label_names),
        train_config=cfg.to_dict(),
        data_info=_data_info(data),
    )
    val_metrics = dict(best["metrics"])
    if cfg.task == "generate" and val_metrics:
        val_metrics["bits_per_char"] = val_metrics["val_loss"] / math.log(2) / _chars_per_token(task)
    emit(TrainFinished(stop_reason, step, seconds, best["step"], message))
    dist.close()
    return TrainResult(
        model=trained,
        stop_reason=stop_reason,
        message=message,
        steps=step,
        seconds=seconds,
        best_step=best["step"],
        val_metrics=val_metrics,
        history=history,
    )


def model_config_for(cfg: TrainConfig, tokenizer: TextTokenizer, data) -> ModelConfig:
    """The model shape for resolved settings ``cfg``, sized to the tokenizer and the labels."""
    return preset_config(
        cfg.task,
        cfg.model_kind,
        cfg.preset,
        vocab_size=tokenizer.vocab_size,
        n_classes=len(data.label_names),
        max_len=cfg.max_len,
        dropout=cfg.dropout,
        pad_id=tokenizer.pad_id,
    )


def derived_config(source: ModelConfig, cfg: TrainConfig, data) -> ModelConfig:
    """The shape of ``source`` (an earlier model), for this task and these labels."""
    return replace(
        source,
        task=cfg.task,
        n_classes=len(data.label_names) if cfg.task == "classify" else 0,
        dropout=cfg.dropout,
        # A language model's layers learned to read left to right: keep it that way.
        causal=source.causal or (source.task == "generate" and cfg.task == "classify"),
    )


def transfer_weights(source: nn.Module, target: nn.Module) -> list[str]:
    """Copy every tensor of ``source`` whose name and shape exist in ``target``; return the names.

    The output layer is copied only when it fits (same task and number of labels).
    """
    src = source.state_dict()
    dst = target.state_dict()
    copied = [k for k, v in src.items() if k in dst and dst[k].shape == v.shape]
    target.load_state_dict({**dst, **{k: src[k].detach().to(dst[k].dtype) for k in copied}})
    return copied


def make_optimizer(module: nn.Module, cfg: TrainConfig, device: torch.device) -> torch.optim.Optimizer:
    # Weight decay on matrices only: biases and LayerNorm gains are left alone. Frozen
    # weights (requires_grad=False) are not given to the optimizer at all.
    params = [p for p in module.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.99), foreach=True)


def _snapshot(module: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _chars_per_token(task: TaskData) -> float:
    """Average characters per validation token (1.0 for the char tokenizer)."""
    if not hasattr(task, "_cpt"):
        if task.tokenizer.kind == "char":
            task._cpt = 1.0
        else:
            chars = sum(len(t) + (0 if t.endswith("\n") else 1) for t in task.val_texts)
            task._cpt = chars / max(task.val_items, 1)
    return task._cpt


def _sample_event(module, model_cfg, tokenizer, task: TaskData, step: int) -> SampleEvent:
    prompt = task.val_texts[0][:24] if task.val_texts else ""
    probe = TrainedModel(config=model_cfg, tokenizer=tokenizer, module=module)
    text = "".join(probe.generate(prompt, max_tokens=80, temperature=0.8, top_k=40, seed=step))
    module.train()
    return SampleEvent(step=step, prompt=prompt, text=text)


def _write_checkpoint(folder, module, optimizer, tokenizer, model_cfg, data, step, elapsed, cfg) -> None:
    save_checkpoint(
        folder,
        module,
        optimizer,
        {
            "step": step,
            "elapsed": elapsed,
            "fingerprint": getattr(data, "fingerprint", None),
            # What a later launch needs to offer "continue this run": the file and settings.
            "train_config": cfg.to_dict(),
            "data": _data_info(data),
        },
        tokenizer.to_json(),
        model_cfg.to_dict(),
    )


def _data_info(data) -> dict:
    report = getattr(data, "report", None)
    choice = getattr(report, "choice", None)
    return {
        "path": str(getattr(data, "path", "")),
        "fingerprint": getattr(data, "fingerprint", None),
        "split_seed": getattr(data, "seed", None),
        "text_column": getattr(choice, "text_column", None),
        "label_column": getattr(choice, "label_column", None),
        "train_size": len(data.splits.train),
        "val_size": len(data.splits.val),
        "test_size": len(data.splits.test),
    }


def clone_model(trained: TrainedModel) -> TrainedModel:
    """A deep copy (weights included), for compression variants that must not touch the original."""
    return copy.deepcopy(trained)
