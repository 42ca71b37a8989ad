"""Turning tokenized texts into padded batches (classify) or context windows (generate)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch


def encode_for_classify(tokenizer, texts: Sequence[str], max_len: int) -> list[list[int]]:
    """Token ids per text, cut to ``max_len``; an empty result becomes one ``[UNK]``.

    Rows with the same text share one list (real data repeats texts; memory), so treat the
    lists as read-only.
    """
    distinct = list(dict.fromkeys(texts))
    seqs = []
    for ids in tokenizer.encode_batch(distinct):
        seqs.append(ids[:max_len] if len(ids) > max_len else ids or [tokenizer.unk_id])
    if len(distinct) == len(texts):
        return seqs
    row_of = dict(zip(distinct, seqs))
    return list(map(row_of.__getitem__, texts))


def pad_batch(seqs: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, mask) of shape (B, T) with T the longest sequence; mask is True on real tokens."""
    T = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), T), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
    mask = ids != pad_id
    # A text of only padding tokens can't happen (see encode_for_classify) but keep one slot
    # visible so attention never sees an all-masked row.
    mask[:, 0] = True
    return ids, mask


def batch_indices(
    lengths: Sequence[int], batch_size: int, generator: torch.Generator
) -> Iterator[list[int]]:
    """One epoch of shuffled batches of indices, grouped by length so little padding is wasted.

    Indices are shuffled, cut into pools of 50 batches, each pool sorted by length and cut
    into batches, and the batches shuffled again: nearly random, nearly padding-free.
    """
    n = len(lengths)
    order = torch.randperm(n, generator=generator).tolist()
    pool = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, n, pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size))
    for b in torch.randperm(len(batches), generator=generator).tolist():
        yield batches[b]


def classify_batches(
    seqs: Sequence[Sequence[int]],
    labels: Sequence[int],
    batch_size: int,
    generator: torch.Generator,
    pad_id: int,
) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """One epoch of (ids, mask, labels) batches; see :func:`batch_indices`."""
    for idx in batch_indices([len(s) for s in seqs], batch_size, generator):
        ids, mask = pad_batch([seqs[i] for i in idx], pad_id)
        yield ids, mask, torch.tensor([labels[i] for i in idx], dtype=torch.long)


def eval_batches(
    seqs: Sequence[Sequence[int]], batch_size: int, pad_id: int
) -> Iterator[tuple[list[int], torch.Tensor, torch.Tensor]]:
    """Batches in length order (fast) with the original positions of their rows."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        ids, mask = pad_batch([seqs[i] for i in idx], pad_id)
        yield idx, ids, mask


def token_stream(tokenizer, texts: Sequence[str]) -> torch.Tensor:
    """All texts as one 1-D tensor of ids, each text followed by a newline."""
    joined = "".join(t if t.endswith("\n") else t + "\n" for t in texts)
    # Encode in slices of lines: one huge string is slower and needs more memory. (Keep the
    # slices of 2000 lines: BPE ids at a slice's edge depend on where the slices are cut.)
    lines = joined.splitlines(keepends=True)
    del joined
    slices = ["".join(lines[start : start + 2000]) for start in range(0, len(lines), 2000)]
    del lines
    ids, _ = tokenizer.encode_flat(slices)  # int64: no Python int per token
    return torch.from_numpy(ids)


def random_windows(
    stream: torch.Tensor, batch_size: int, context: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x, y) of shape (B, T): random windows of the stream and the same shifted by one."""
    hi = len(stream) - context - 1
    starts = torch.randint(0, max(hi, 1), (batch_size,), generator=generator)
    offsets = torch.arange(context)
    idx = starts[:, None] + offsets[None, :]  # (B, T)
    idx = idx.clamp(max=len(stream) - 2)
    return stream[idx], stream[idx + 1]


def sequential_windows(
    stream: torch.Tensor, context: int, max_windows: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Consecutive non-overlapping windows covering the stream: every token predicted once.

    The last partial window is dropped when the stream is longer than one window.
    """
    n = (len(stream) - 1) // context
    if n == 0:  # shorter than one window: a single short window
        return stream[None, :-1], stream[None, 1:]
    if max_windows is not None:
        n = min(n, max_windows)
    x = stream[: n * context].view(n, context)
    y = stream[1 : n * context + 1].view(n, context)
    return x, y
