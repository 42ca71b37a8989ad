"""Distillation (a smaller student learns from the model's soft answers) and short fine-tunes.

Both train on the same data split as the original, in whatever thread calls them, and report
progress with the training events of :mod:`tinystudio.core.training.events`, so a GUI can draw
the same live loss plot as for training.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from tinystudio.i18n import tr

from ..inference import TrainedModel
from ..models import build_model, count_params, preset_config
from ..training.building import lr_factor, make_optimizer, seed_everything
from ..training.config import TrainConfig
from ..training.control import RunControl
from ..training.events import EvalEvent, Event, StepEvent, TrainFinished, TrainStarted
from ..training.taskdata import TaskData
from .common import CompressError, copy_model
from .prune import apply_masks

LOG_INTERVAL = 0.1  # seconds between StepEvents
EVALS = 10  # validation passes per run


def distill(
    teacher: TrainedModel,
    data,
    preset: str,
    *,
    kind: str | None = None,
    temperature: float = 2.0,
    alpha: float = 0.7,
    max_time: float = 60.0,
    epochs: int | None = None,
    seed: int = 0,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
) -> TrainedModel:
    """Train a ``preset`` student (same kind unless ``kind``) on ``teacher``'s soft targets.

    Loss = ``alpha`` · T² · KL(teacher_T ‖ student_T) + (1 − ``alpha``) · cross-entropy with the
    true labels (or next tokens), where ``_T`` means softmax at temperature ``temperature``.
    The student shares the teacher's tokenizer, so both read text identically.
    """
    if not (temperature > 0 and 0.0 <= alpha <= 1.0):
        raise CompressError(tr("Distillation needs a temperature above 0 and α between 0 and 1."))
    _check_data(teacher, data)
    kind = kind or teacher.config.kind
    tcfg = teacher.config
    student_cfg = preset_config(
        tcfg.task,
        kind,
        preset,
        vocab_size=tcfg.vocab_size,
        n_classes=tcfg.n_classes,
        max_len=tcfg.max_len,
        dropout=0.1,
        pad_id=tcfg.pad_id,
    )
    train_cfg = TrainConfig(
        task=tcfg.task, model_kind=kind, preset=preset, max_time=max_time, epochs=epochs,
        max_len=tcfg.max_len, tokenizer=teacher.tokenizer.kind, seed=seed,
    ).resolved()
    seed_everything(seed)
    student = build_model(student_cfg)
    teacher_module = teacher.module.eval()
    T = float(temperature)

    def loss_fn(module: nn.Module, batch) -> torch.Tensor:
        if tcfg.task == "classify":
            ids, mask, y = batch
            s_logits = module(ids, mask)
            with torch.no_grad():
                t_logits = teacher_module(ids, mask).float()
        else:
            ids, y = batch
            s_logits = module(ids).reshape(-1, tcfg.vocab_size)
            with torch.no_grad():
                t_logits = teacher_module(ids).float().reshape(-1, tcfg.vocab_size)
            y = y.reshape(-1)
        soft = F.kl_div(
            F.log_softmax(s_logits / T, dim=-1), F.log_softmax(t_logits / T, dim=-1),
            reduction="batchmean", log_target=True,
        ) * (T * T)
        hard = F.cross_entropy(s_logits, y)
        return alpha * soft + (1.0 - alpha) * hard

    new = copy_model(
        teacher,
        step={"method": "distill", "preset": preset, "kind": kind, "temperature": T, "alpha": alpha},
    )
    new.config = student_cfg
    new.module = _run(student, teacher, data, train_cfg, loss_fn, on_event=on_event, control=control)
    return new


def finetune(
    trained: TrainedModel,
    data,
    *,
    masks: dict[str, torch.Tensor] | None = None,
    max_time: float = 20.0,
    lr_scale: float = 0.2,
    seed: int = 0,
    on_event: Callable[[Event], None] | None = None,
    control: RunControl | None = None,
) -> TrainedModel:
    """A short extra training of ``trained`` (after pruning), keeping pruned weights at zero."""
    _check_data(trained, data)
    cfg = trained.config
    base = TrainConfig(
        task=cfg.task, model_kind=cfg.kind, max_time=max_time, max_len=cfg.max_len,
        tokenizer=trained.tokenizer.kind, seed=seed, epochs=1,
    ).resolved()
    train_cfg = TrainConfig.from_dict({**base.to_dict(), "lr": base.lr * lr_scale})

    def loss_fn(module: nn.Module, batch) -> torch.Tensor:
        if cfg.task == "classify":
            ids, mask, y = batch
            return F.cross_entropy(module(ids, mask), y)
        ids, y = batch
        logits = module(ids)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    new = copy.deepcopy(trained)
    steps = (new.variant or {}).get("steps") or []
    if steps:  # recorded on the step it repairs (e.g. the pruning)
        steps[-1]["finetune_seconds"] = float(max_time)
    module = new.module.float()

    def after_step(m: nn.Module) -> None:
        if masks:
            apply_masks(m, masks)

    new.module = _run(module, trained, data, train_cfg, loss_fn, on_event=on_event, control=control,
                      after_step=after_step)
    return new


def _check_data(model: TrainedModel, data) -> None:
    if data is None:
        raise CompressError(tr("Distillation and fine-tuning need the training data file."), code="no_data")
    if data.task != model.task:
        raise CompressError(tr("This data was prepared for {task}, but the model does {task2}.").format(task=data.task, task2=model.task))
    if model.task == "classify" and list(data.label_names) != list(model.label_names):
        raise CompressError(
            tr("The labels in this data file differ from the model's labels, so the model cannot "
            "teach on it. Use the file the model was trained on."),
            code="labels_differ",
        )


def _run(module, owner: TrainedModel, data, cfg: TrainConfig, loss_fn, *, on_event, control,
         after_step=None) -> nn.Module:
    """The training loop shared by distillation and fine-tuning (CPU, best weights kept)."""
    control = control or RunControl()
    emit = on_event or (lambda e: None)
    task = TaskData(cfg, data, owner.tokenizer)
    module.train()
    optimizer = make_optimizer(module, cfg, torch.device("cpu"))
    total_steps = cfg.epochs * task.steps_per_epoch
    emit(TrainStarted(
        task=cfg.task, model_kind=cfg.model_kind, preset=cfg.preset, params=count_params(module),
        device="cpu", total_steps=total_steps, max_time=cfg.max_time,
        train_items=task.train_items, val_items=task.val_items,
    ))
    gen = torch.Generator().manual_seed(cfg.seed)
    device = torch.device("cpu")
    higher_is_better = cfg.task == "classify"
    best = {"score": -math.inf, "state": None, "step": 0}
    eval_every_s = (cfg.max_time or 60.0) / EVALS
    step, t0 = 0, time.perf_counter()
    last_log = last_eval = t0
    loss_sum, loss_n, window = 0.0, 0, []
    reason = "completed"

    def evaluate() -> None:
        metrics = task.validate(module, device)
        score = metrics["val_accuracy"] if higher_is_better else -metrics["val_loss"]
        is_best = score > best["score"]
        if is_best:
            best.update(score=score, step=step,
                        state={k: v.detach().clone() for k, v in module.state_dict().items()})
        train_loss = sum(window) / len(window) if window else math.nan
        window.clear()
        emit(EvalEvent(step=step, train_loss=train_loss, val_loss=metrics["val_loss"],
                       val_accuracy=metrics.get("val_accuracy"), bits_per_char=None, is_best=is_best))

    evaluate()  # the starting point counts: a fine-tune must not make things worse
    while True:
        control.wait_while_paused()
        elapsed = time.perf_counter() - t0
        if control.stop_requested:
            reason = "cancelled"
            break
        if step >= total_steps or (cfg.max_time and elapsed >= cfg.max_time):
            reason = "completed" if step >= total_steps else "time_up"
            break
        progress = max(step / max(total_steps, 1), elapsed / cfg.max_time if cfg.max_time else 0)
        for group in optimizer.param_groups:
            group["lr"] = cfg.lr * lr_factor(min(progress, 1.0), cfg.warmup_fraction)
        batch = task.next_batch(gen)
        loss = loss_fn(module, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(module.parameters(), cfg.grad_clip)
        optimizer.step()
        if after_step is not None:
            after_step(module)
        step += 1
        loss_sum += float(loss.detach())
        loss_n += 1
        now = time.perf_counter()
        if now - last_log >= LOG_INTERVAL:
            mean = loss_sum / loss_n
            window.append(mean)
            emit(StepEvent(step=step, total_steps=total_steps, epoch=step / task.steps_per_epoch,
                           loss=mean, lr=optimizer.param_groups[0]["lr"],
                           items_per_sec=0.0, elapsed=now - t0,
                           eta=max((cfg.max_time or 0) - (now - t0), 0.0),
                           progress=min(progress, 1.0)))
            loss_sum, loss_n, last_log = 0.0, 0, now
        if now - last_eval >= eval_every_s:
            evaluate()
            last_eval = time.perf_counter()
    evaluate()
    module.load_state_dict(best["state"])
    emit(TrainFinished(reason, step, time.perf_counter() - t0, best["step"],
                       tr("Finished.") if reason != "cancelled" else tr("Stopped; the best weights were kept.")))
    if reason == "cancelled":
        from ..errors import CancelledError

        raise CancelledError(tr("Compression was stopped."), code="cancelled")
    return module.eval()
