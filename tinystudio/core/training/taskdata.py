"""What differs between classify and generate: batches, loss and validation of a run."""

from __future__ import annotations

import math
import random

import torch
from torch import nn

from tinystudio import i18n

from ..augment import encode_augmented
from ..errors import TrainingError
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
from .config import TrainConfig

MAX_EVAL_WINDOWS = 64  # generate: validation windows per in-training evaluation (speed)


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
                    i18n.tr("There is too little text to train a language model: it needs at least a few thousand characters (this file gives {n_train_stream} tokens).").format(n_train_stream=len(self.train_stream)),
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


def chars_per_token(task: TaskData) -> float:
    """Average characters per validation token (1.0 for the char tokenizer)."""
    if not hasattr(task, "_cpt"):
        if task.tokenizer.kind == "char":
            task._cpt = 1.0
        else:
            chars = sum(len(t) + (0 if t.endswith("\n") else 1) for t in task.val_texts)
            task._cpt = chars / max(task.val_items, 1)
    return task._cpt
