"""What differs between classify and generate: batches, loss and validation of a run."""

from __future__ import annotations

import math
import random
from itertools import chain

import numpy as np
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
            self.n_classes = len(data.label_names)
            self.class_weight = None
            if cfg.class_weight:
                # The square root of the "balanced" weights n / (k * count): rare classes count
                # more, without drowning the common ones (at 400:1 full balancing cost more
                # accuracy than it gained macro-F1 on the suite's jieba set).
                counts = torch.bincount(torch.tensor(self.train_labels, dtype=torch.long), minlength=self.n_classes)
                w = len(self.train_labels) / (self.n_classes * counts.clamp(min=1).float())
                self.class_weight = w.sqrt()
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
        self.train_feats = self.val_feats = None  # n-gram features per text (see attach)

    def attach(self, module: nn.Module) -> None:
        """With an n-gram model, compute each text's hashed n-grams once: they never change,
        and making them took about as long as the rest of a training step."""
        if self.cfg.task != "classify" or not hasattr(module, "forward_features"):
            return
        budget = [FEATURE_CACHE_MAX]
        val = _features_of(module, self.val_seqs, self.tokenizer.pad_id, budget)
        train = None if self.cfg.augment else _features_of(module, self.train_seqs, self.tokenizer.pad_id, budget)
        if val is not None and (train is not None or self.cfg.augment):
            self.val_feats, self.train_feats = val, train

    def items_per_step(self, batch) -> int:
        return batch[0].shape[0] * (1 if self.cfg.task == "classify" else batch[0].shape[1])

    def next_batch(self, gen: torch.Generator):
        if self.cfg.task == "generate":
            return random_windows(self.train_stream, self.cfg.batch_size, self.cfg.max_len, gen)
        if self._epoch_iter is None:
            if self.train_feats is not None:
                self._epoch_iter = _feature_batches(self.train_feats, self.train_labels, self.cfg.batch_size, gen)
            elif self.cfg.augment:
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
            weight = None if self.class_weight is None else self.class_weight.to(device)
            logits = module.forward_features(ids, mask) if self.train_feats is not None else module(ids, mask)
            return nn.functional.cross_entropy(logits, y, weight=weight)
        x, y = (t.to(device, non_blocking=True) for t in batch)
        logits = module(x)  # (B, T, vocab)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    @torch.no_grad()
    def validate(self, module: nn.Module, device: torch.device) -> dict:
        module.eval()
        try:
            if self.cfg.task == "classify":
                total, correct = 0.0, 0
                pred = torch.empty(len(self.val_seqs), dtype=torch.long)
                if self.val_feats is not None:
                    batches = _feature_eval_batches(self.val_feats, 256)
                else:
                    batches = eval_batches(self.val_seqs, 128, self.tokenizer.pad_id)
                for idx, ids, mask in batches:
                    if self.val_feats is not None:
                        logits = module.forward_features(ids.to(device), mask.to(device)).float()
                    else:
                        logits = module(ids.to(device), mask.to(device)).float()
                    y = self.val_labels[idx].to(device)
                    total += nn.functional.cross_entropy(logits, y, reduction="sum").item()
                    correct += int((logits.argmax(dim=1) == y).sum())
                    pred[idx] = logits.argmax(dim=1).cpu()
                n = max(len(self.val_seqs), 1)
                return {
                    "val_loss": total / n,
                    "val_accuracy": correct / n,
                    "val_macro_f1": macro_f1(pred, self.val_labels, self.n_classes),
                }
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


FEATURE_CACHE_MAX = 40_000_000  # n-gram features kept in memory (int32: 160 MB) at most


@torch.no_grad()
def _features_of(module, seqs, pad_id: int, budget: list[int]) -> list | None:
    """Each sequence's n-gram bucket ids (int32 arrays), or None past the memory budget."""
    out: list = [None] * len(seqs)
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    for start in range(0, len(order), 1024):
        idx = order[start : start + 1024]
        ids, mask = _pad_fast([seqs[i] for i in idx], pad_id)
        feats, fmask = module.features(ids, mask)
        flat = feats[fmask].to(torch.int32).numpy()  # row by row (boolean indexing keeps order)
        counts = fmask.sum(dim=1).numpy()
        for i, f in zip(idx, np.split(flat, np.cumsum(counts)[:-1])):
            out[i] = f if len(f) else np.zeros(1, dtype=np.int32)
        budget[0] -= len(flat)
        if budget[0] < 0:
            return None
    return out


def _pad_fast(seqs, pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``pad_batch`` without a tensor per row (ids, mask of real tokens)."""
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    flat = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=int(lengths.sum()))
    mask = np.arange(max(int(lengths.max()), 1))[None, :] < lengths[:, None]
    ids = np.full(mask.shape, pad_id, dtype=np.int64)
    ids[mask] = flat  # row by row, as boolean indexing fills
    return torch.from_numpy(ids), torch.from_numpy(mask)


def _pad_features(rows) -> tuple[torch.Tensor, torch.Tensor]:
    T = max(len(r) for r in rows)
    feats = np.zeros((len(rows), T), dtype=np.int64)
    mask = np.zeros((len(rows), T), dtype=bool)
    for i, r in enumerate(rows):
        feats[i, : len(r)] = r
        mask[i, : len(r)] = True
    return torch.from_numpy(feats), torch.from_numpy(mask)


def _feature_batches(feats, labels, batch_size: int, gen: torch.Generator):
    for idx in batch_indices([len(f) for f in feats], batch_size, gen):
        x, m = _pad_features([feats[i] for i in idx])
        yield x, m, torch.tensor([labels[i] for i in idx], dtype=torch.long)


def _feature_eval_batches(feats, batch_size: int):
    order = sorted(range(len(feats)), key=lambda i: len(feats[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield (idx, *_pad_features([feats[i] for i in idx]))


def macro_f1(pred: torch.Tensor, gold: torch.Tensor, n_classes: int) -> float:
    """The mean over the classes present in ``gold`` or ``pred`` of each class's F1."""
    if len(gold) == 0:
        return 0.0
    tp = torch.bincount(gold[pred == gold], minlength=n_classes).float()
    n_pred = torch.bincount(pred, minlength=n_classes).float()
    n_gold = torch.bincount(gold, minlength=n_classes).float()
    present = (n_pred + n_gold) > 0
    f1 = 2 * tp / (n_pred + n_gold).clamp(min=1)
    return float(f1[present].mean())


def chars_per_token(task: TaskData) -> float:
    """Average characters per validation token (1.0 for the char tokenizer)."""
    if not hasattr(task, "_cpt"):
        if task.tokenizer.kind == "char":
            task._cpt = 1.0
        else:
            chars = sum(len(t) + (0 if t.endswith("\n") else 1) for t in task.val_texts)
            task._cpt = chars / max(task.val_items, 1)
    return task._cpt
