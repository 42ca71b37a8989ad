"""The training loop: ``train(config, dataset, on_event=..., control=...) -> TrainResult``.

It knows nothing about who listens: progress goes out as events (see ``events.py``) through
one callback, and stop/pause requests come in through a :class:`RunControl`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from torch import nn

from tinystudio.i18n import tr

from ..errors import ConfigError
from ..inference import TrainedModel
from ..models import ModelConfig, build_model, count_params
from ..tokenize import TextTokenizer
from .building import (
    derived_config,
    lr_factor,
    make_optimizer,
    model_config_for,
    pick_device,
    seed_everything,
    transfer_weights,
)
from .checkpoint import load_checkpoint_into, read_checkpoint_state, save_checkpoint
from .compiling import StepCompiler, unavailable_reason
from .config import TrainConfig
from .control import RunControl
from .distributed import Distributed
from .events import EvalEvent, Event, Notice, SampleEvent, StepEvent, TrainFinished, TrainStarted
from .schedule import eval_interval
from .taskdata import TaskData, chars_per_token

LOG_INTERVAL = 0.1  # seconds between StepEvents (the loss is averaged over the interval)


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
    auto: dict | None = None  # set by Auto (core/auto): the candidates tried, the choice and why

    @property
    def candidates(self) -> list[dict] | None:
        return self.auto["candidates"] if self.auto else None

    @property
    def chosen(self) -> str | None:
        return self.auto["chosen"] if self.auto else None

    @property
    def reason(self) -> str | None:
        return self.auto["reason"] if self.auto else None


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
    if init_model is not None and config.model_kind is None:
        # The start model decides the kind, and with it the learning rate and batch size.
        config = replace(config, model_kind=init_model.config.kind)
    cfg = config.resolved()
    if cfg.task != data.task:
        raise ConfigError(tr("The data was prepared for {data_task!r}, not {task!r}.").format(data_task=data.task, task=cfg.task))
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
                tr("Started from the weights of an earlier model ({n_copied} of {n_items} weight tensors reused).").format(n_copied=len(copied), n_items=len(module.state_dict())),
                0,
            )
        )
    if cfg.freeze_body:
        for name, param in module.named_parameters():
            param.requires_grad = name.startswith("head.")
    if not dist.enabled:
        task.attach(module)  # an n-gram model's features, computed once
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
        emit(Notice("resumed", tr("Resumed from the checkpoint at step {start_step}.").format(start_step=start_step), start_step))

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
    eval_every = eval_interval(total_steps, cfg.evals_per_run)
    eval_seconds = cfg.max_time / cfg.evals_per_run if cfg.max_time else math.inf
    if dist.enabled:
        eval_seconds = math.inf  # by step only, so that every process evaluates together
    best = {"score": -math.inf, "step": 0, "state": _snapshot(module), "metrics": {}}
    last_val_loss, last_train_loss, rising = None, None, 0
    overfit_warned = False
    evals_since_best = 0
    stop_reason, message = "completed", tr("Training finished.")
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

    evaluated_at = -1  # the step whose weights were last validated

    def run_eval() -> None:
        nonlocal last_val_loss, last_train_loss, rising, overfit_warned, evals_since_best
        nonlocal evaluated_at
        evaluated_at = step
        metrics = task.validate(module, device)
        train_loss = (
            sum(train_loss_window) / len(train_loss_window) if train_loss_window else math.nan
        )
        train_loss_window.clear()
        if cfg.task == "classify":
            key = "val_macro_f1" if cfg.metric == "macro_f1" else "val_accuracy"
            score = metrics[key] - 1e-6 * metrics["val_loss"]
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
            bpc = metrics["val_loss"] / math.log(2) / chars_per_token(task)
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
                    tr("The model is starting to memorise the training examples: its error on "
                    "the validation examples is rising while its training error falls. The "
                    "best model so far is kept and will be restored at the end."),
                    step,
                )
            )
        last_val_loss, last_train_loss = metrics["val_loss"], train_loss

    def forward_backward(mod: nn.Module, batch) -> torch.Tensor:
        loss = task.loss(mod, batch, device)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        return loss

    # The first sample comes early (after 2 s, or a tenth of a short budget) so that even a
    # run of a few seconds shows one; later ones every ``sample_every`` seconds.
    last_sample_step = 0
    first_sample_after = min(cfg.sample_every, 2.0, (cfg.max_time or math.inf) / 10)
    probe: dict = {}

    def probe_module() -> nn.Module:
        """A copy of the model holding the best weights so far (rebuilt only when they change)."""
        if probe.get("step") != best["step"] or "module" not in probe:
            if "module" not in probe:
                probe["module"] = build_model(model_cfg).to(device)
            probe["module"].load_state_dict(best["state"])
            probe["step"] = best["step"]
        return probe["module"]

    why_not = unavailable_reason(device, cfg.task, cfg.model_kind, dist.enabled)
    compiler = StepCompiler(forward_module, cfg.compile, why_not, emit, device)
    diverged = False
    module.train()
    compiler.start()
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
                tr("Training went wrong: the error became infinite (the learning rate is "
                "probably too high). The last good model was kept; try a smaller learning rate.")
            )
            emit(Notice("diverged", message, step))
            break
        if stop:
            stop_reason, message = "cancelled", tr("Training was stopped; the best model so far was kept.")
            break
        if step >= total_steps:
            break
        if time_up:
            stop_reason, message = "time_up", tr("The time budget is used up; the best model so far was kept.")
            break
        for group in optimizer.param_groups:
            group["lr"] = cfg.lr * lr_factor(progress, cfg.warmup_fraction)
        batch = task.next_batch(gen)
        loss = compiler.run(forward_backward, batch, step)
        if cfg.grad_clip:
            nn.utils.clip_grad_norm_(trainable, cfg.grad_clip)
        optimizer.step()
        step += 1
        seconds_left = cfg.max_time - elapsed_now() if cfg.max_time else math.inf
        compiler.after_step(step, total_steps - step, seconds_left)
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
                    tr("Stopped early: the validation score has not improved for {patience} checks. The best model (step {step}) was kept.").format(patience=cfg.patience, step=best['step'])
                )
                emit(Notice("early_stop", message, step))
                break
        if dist.is_main and cfg.task == "generate" and cfg.sample_every and (
            now - last_sample >= (first_sample_after if last_sample == t0 else cfg.sample_every)
        ):
            # Written by the best weights so far (the ones that will be kept), not the latest;
            # validate first when nothing was validated since the last sample.
            if evaluated_at < last_sample_step:
                run_eval()
                last_eval_t = time.perf_counter()
            last_sample_step = step
            emit(_sample_event(probe_module(), model_cfg, tokenizer, task, step, best["step"]))
            last_sample = time.perf_counter()
        if dist.is_main and checkpoint_dir and cfg.checkpoint_every and now - last_ckpt >= cfg.checkpoint_every:
            _write_checkpoint(checkpoint_dir, module, optimizer, tokenizer, model_cfg, data, step, elapsed_now(), cfg)
            emit(Notice("checkpoint", tr("Checkpoint saved at step {step}.").format(step=step), step))
            last_ckpt = time.perf_counter()

    if stop_reason != "diverged" and step > best["step"] and step != evaluated_at:
        run_eval()  # score the final weights too: they may be the best
    if stop_reason == "time_up":
        emit(Notice("time_up", message, step))
    module.load_state_dict(best["state"])
    seconds = elapsed_now()
    if dist.is_main and cfg.task == "generate" and cfg.sample_every and stop_reason != "diverged":
        # The last sample is written by exactly the weights that are kept.
        emit(_sample_event(module, model_cfg, tokenizer, task, step, best["step"], final=True))
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
        val_metrics["bits_per_char"] = val_metrics["val_loss"] / math.log(2) / chars_per_token(task)
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


def _snapshot(module: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _sample_event(
    module, model_cfg, tokenizer, task: TaskData, step: int, weights_step: int, final: bool = False
) -> SampleEvent:
    prompt = task.val_texts[0][:24] if task.val_texts else ""
    probe = TrainedModel(config=model_cfg, tokenizer=tokenizer, module=module)
    text = "".join(probe.generate(prompt, max_tokens=80, temperature=0.8, top_k=40, seed=step))
    module.train()
    return SampleEvent(step=step, prompt=prompt, text=text, weights_step=weights_step, final=final)


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
        # Where in the file the rows came from: a workbook's sheet, a text file's encoding.
        "sheet": getattr(getattr(report, "format", None), "sheet", None),
        "encoding": getattr(getattr(report, "format", None), "encoding", None) or None,
        "train_size": len(data.splits.train),
        "val_size": len(data.splits.val),
        "test_size": len(data.splits.test),
    }

