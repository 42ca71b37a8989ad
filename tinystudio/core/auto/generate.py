"""Auto for the generate task: a model size, context and regularisation for the time given.

The rule (fitted on the suite's tune corpora; see docs/user-guide.md, "How Auto chooses"):

1. The run uses its whole budget: epochs are only an upper bound when the user sets them, and
   it stops early only when validation has not improved for half of the run.
2. The size is chosen from the speed measured on this machine: a few timed steps of the Small
   model (``estimate_run``) give the characters it can read in the budget. If that is at least
   ``TOKENS_PER_PARAM`` per parameter, Small it is (and from 5 minutes Base is timed the same way);
   otherwise Tiny. A model is never larger than its data: one with more parameters than the
   training text has characters steps down a size.
3. Regularisation when the data is small enough to overfit: the run would read the training
   text more than ``OVERFIT_PASSES`` times -> dropout 0.1 and weight decay 0.1 (0.2 dropout
   beyond 4x that).
4. Tokenizer: characters (every script, Chinese included: the vocabulary is every character
   seen, however many). Context: 64 characters for Tiny, 128 for the larger sizes.
"""

from __future__ import annotations

import time
from dataclasses import replace

from tinystudio.i18n import tr

from ..tokenize import TextTokenizer
from ..training.config import TrainConfig

TOKENS_PER_PARAM = 2.0  # characters read in the budget per parameter, to take the larger size
OVERFIT_PASSES = 8.0  # passes over the training text above which dropout is used
CONTEXT = {"tiny": 64, "small": 128, "base": 128}
PROBE_CHARS = 200_000  # of the training text, encoded to time the steps
MIN_BUDGET_TO_MEASURE = 20.0
BASE_MIN_BUDGET = 300.0  # seconds: Base is timed (a few of its slow steps) only from this budget  # seconds: below this, Tiny without measuring (timing costs ~2 s)


def wants_auto_generate(config: TrainConfig) -> bool:
    """A generate run with a time budget and no model named (``config.auto`` forces it)."""
    if config.task != "generate" or config.auto is False or not config.max_time:
        return False
    return config.preset is None and config.model_kind in (None, "transformer") and not config.init_from


def plan_generate(config: TrainConfig, data) -> tuple[TrainConfig, TextTokenizer, str]:
    """Settings for ``data`` within ``config.max_time`` (the time spent measuring included).

    Returns the settings, the tokenizer (learned once, reused by the run) and one plain
    sentence saying what was chosen and why.
    """
    t0 = time.perf_counter()
    budget = float(config.max_time)
    train_texts = [data.texts[i] for i in data.splits.train]
    tokenizer = TextTokenizer.train(train_texts, "char")
    n_chars = sum(len(t) + 1 for t in train_texts)
    base = replace(config, model_kind="transformer", tokenizer="char", auto=False,
                   epochs=config.epochs or 1_000_000,
                   patience=(TrainConfig.evals_per_run // 2) if config.patience else 0)

    probe_data = _slice(data, PROBE_CHARS)  # timing steps needs only a little of the text

    def reads(preset: str) -> tuple[float, int]:
        """(characters the run can read in the budget, parameters) for one size, measured."""
        cfg = replace(base, preset=preset, max_len=CONTEXT[preset], max_time=None, epochs=1).resolved()
        step_seconds, params = _time_steps(cfg, probe_data, tokenizer)
        return budget / max(step_seconds, 1e-9) * cfg.batch_size * CONTEXT[preset], params

    preset, why = "tiny", tr("the time given is short")
    chars_read, params = 0.0, 0
    if budget >= MIN_BUDGET_TO_MEASURE:
        chars_read, params = reads("small")
        if chars_read >= TOKENS_PER_PARAM * params and n_chars >= params:
            preset, why = "small", tr("this computer can train it on enough text in the time given")
            if budget >= BASE_MIN_BUDGET:
                big_read, big_params = reads("base")
                if big_read >= TOKENS_PER_PARAM * big_params and n_chars >= big_params:
                    preset, chars_read, params = "base", big_read, big_params
        elif n_chars < params:
            why = tr("the text is too short for a larger model")
        else:
            why = tr("a larger model could not read enough text in the time given on this computer")
    passes = chars_read / max(n_chars, 1) if chars_read else budget  # unmeasured: assume many
    dropout, decay = 0.0, base.weight_decay
    if passes > OVERFIT_PASSES:
        dropout, decay = (0.2 if passes > 4 * OVERFIT_PASSES else 0.1), 0.1
    spent = time.perf_counter() - t0
    cfg = replace(base, preset=preset, max_len=CONTEXT[preset], dropout=dropout, weight_decay=decay,
                  max_time=max(budget - spent, 1.0))
    size = {"tiny": tr("Tiny"), "small": tr("Small"), "base": tr("Base")}[preset]
    reason = tr("Auto chose the {size} size: {why}.").format(size=size, why=why)
    if dropout:
        reason += " " + tr("The text is short enough to be memorised, so dropout is used.")
    return cfg, tokenizer, reason


def _slice(data, chars: int):
    """``data`` with its training and validation rows cut to about ``chars`` characters each."""
    from ..data import Splits

    def cut(rows):
        kept, total = [], 0
        for i in rows:
            if total >= chars:
                break
            kept.append(i)
            total += len(data.texts[i]) + 1
        return tuple(kept)

    return replace(data, splits=Splits(train=cut(data.splits.train), val=cut(data.splits.val), test=()))


def _time_steps(cfg: TrainConfig, data, tokenizer, steps: int = 3) -> tuple[float, int]:
    """Seconds per training step of the model ``cfg`` describes (after one untimed step), and
    its parameter count: the loop's own step (forward, backward, clipping, optimizer)."""
    import torch
    from torch import nn

    from ..models import build_model, count_params
    from ..training.building import make_optimizer, model_config_for, pick_device
    from ..training.taskdata import TaskData

    device = pick_device(cfg.device)
    task = TaskData(cfg, data, tokenizer)
    module = build_model(model_config_for(cfg, tokenizer, data)).to(device)
    optimizer = make_optimizer(module, cfg, device)
    gen = torch.Generator().manual_seed(cfg.seed)
    module.train()
    t0 = 0.0
    for k in range(steps + 1):
        if k == 1:
            t0 = time.perf_counter()  # the first step allocates buffers: not timed
        loss = task.loss(module, task.next_batch(gen), device)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(module.parameters(), cfg.grad_clip)
        optimizer.step()
        loss.item()
    return (time.perf_counter() - t0) / steps, count_params(module)
