"""A bag of hashed n-grams over characters: character n-grams (subwords) beside word uni- and
bigrams, as fastText has them, read from the ids of a character tokenizer.

Everything is computed inside the model from the character ids, so an exported model takes the
same input as any other (the ids of ``tokenizer.json``) and needs no extra preprocessing. The
few facts about the alphabet the hashing needs (which ids separate words, which are capitals of
which) live in the model's config, not in its weights, so converting the weights to 16 bits
cannot change them.

Shapes: ids (B, T) characters -> features (B, F) bucket ids -> pooled (B, C) -> logits (B, K).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig

# Multipliers of the rolling hashes: odd, below 2**22, so that a character id (< 2**21) times
# one stays below 2**43 and a sum over a 2 000-character word below 2**63.
_MULT = (1_000_003, 2_750_159, 1_299_709, 3_497_861, 1_664_525, 2_147_489, 1_103_515, 2_654_435)
_WORD_A, _WORD_B = 1_315_423, 2_685_821
_PRIME31 = 2_147_483_647
_SALT = 7_919  # separates n-gram orders and words in the shared bucket space


class NgramModel(nn.Module):
    """Mean of the embeddings of every hashed n-gram of a text, then a linear layer (or one
    hidden ReLU layer when ``cfg.hidden`` > 0)."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.emb = nn.Embedding(cfg.ngram_buckets, cfg.d_model)
        nn.init.uniform_(self.emb.weight, -1.0 / cfg.d_model, 1.0 / cfg.d_model)
        self.hidden = nn.Linear(cfg.d_model, cfg.hidden) if cfg.hidden else None
        self.drop = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.hidden or cfg.d_model, cfg.n_classes)
        nn.init.zeros_(self.head.bias)
        if not cfg.hidden and cfg.d_model == cfg.n_classes:
            # A plain linear model over the n-grams (one column per class): the table holds
            # the class weights and the head starts as the identity.
            nn.init.eye_(self.head.weight)
            nn.init.zeros_(self.emb.weight)
        else:
            nn.init.zeros_(self.head.weight)
        lower = torch.arange(cfg.vocab_size, dtype=torch.long)
        pairs = list(cfg.lower_ids)
        for upper, low in zip(pairs[0::2], pairs[1::2]):
            lower[upper] = low
        is_sep = torch.zeros(cfg.vocab_size, dtype=torch.bool)
        is_sep[list(cfg.sep_ids)] = True
        is_sep[cfg.pad_id] = True
        if cfg.tfidf:  # each bucket's inverse document frequency, set when the model is fitted
            self.register_buffer("idf", torch.ones(cfg.ngram_buckets))
        # Not weights: rebuilt from the config (persistent=False keeps them out of the file).
        self.register_buffer("lower", lower, persistent=False)
        self.register_buffer("is_sep", is_sep, persistent=False)

    def features(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Bucket ids (B, F) of every n-gram, and which of them are real (not padding)."""
        cfg = self.cfg
        B, T = ids.shape
        low = self.lower[ids]  # (B, T) lower-cased characters
        feats, masks = [], []
        for n in range(cfg.char_min, cfg.char_max + 1) if cfg.char_max else ():
            if n > T:
                break
            h = low[:, : T - n + 1] * _MULT[0]
            for k in range(1, n):
                h = h + low[:, k : T - n + 1 + k] * _MULT[k]
            feats.append((h + n * _SALT) % cfg.ngram_buckets)
            masks.append(mask[:, n - 1 :] & mask[:, : T - n + 1])
        if cfg.word_ngrams:
            sep = self.is_sep[low] | ~mask
            word = torch.cumsum(sep.long(), dim=1)  # (B, T): which word each character is in
            prev = torch.cat([torch.zeros_like(low[:, :1]), low[:, :-1]], dim=1)
            starts = torch.cat([torch.ones_like(sep[:, :1]), sep[:, :-1]], dim=1)
            # A word's hash: the sum over its characters of (char, previous char) pairs.
            part = (low * _WORD_A + torch.where(starts, torch.zeros_like(prev), prev) * _WORD_B + 1) % _PRIME31
            part = (part * part) % _PRIME31  # squared: the word's hash is no linear mix of its letters
            part = part * (~sep).long()
            hashes = torch.zeros(B, T + 1, dtype=torch.long, device=ids.device).scatter_add(1, word, part)
            sizes = torch.zeros(B, T + 1, dtype=torch.long, device=ids.device).scatter_add(1, word, (~sep).long())
            present = sizes > 0
            hashes = hashes % _PRIME31  # below 2**31, so that a pair's hash stays below 2**63
            # Pack the words of each row to the left so that neighbours are consecutive.
            slot = torch.cumsum(present.long(), dim=1) - 1
            slot = torch.where(present, slot, torch.full_like(slot, T))
            packed = torch.zeros(B, T + 1, dtype=torch.long, device=ids.device).scatter(1, slot, hashes)
            count = present.sum(dim=1, keepdim=True)  # (B, 1)
            pos = torch.arange(T + 1, device=ids.device)[None, :]
            feats.append((packed * 3 + 1) % cfg.ngram_buckets)
            masks.append(pos < count)
            if cfg.word_ngrams >= 2:
                pair = packed[:, :-1] * _MULT[1] + packed[:, 1:] * 5
                feats.append((pair * 3 + 2) % cfg.ngram_buckets)
                masks.append(pos[:, :-1] + 1 < count)
        return torch.cat(feats, dim=1), torch.cat(masks, dim=1)

    def pooled(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            mask = torch.ones_like(ids, dtype=torch.bool)
        return self.pool_features(*self.features(ids, mask))

    def pool_features(self, feats: torch.Tensor, fmask: torch.Tensor) -> torch.Tensor:
        table = self.emb.weight
        weights = fmask.to(table.dtype)
        if self.cfg.tfidf:
            # tf-idf: each occurrence weighs its bucket's idf; the row is divided by the L2
            # norm of those weights (repeats counted as separate entries).
            weights = weights * self.idf.to(table.dtype)[feats]
            weights = weights / weights.square().sum(dim=1, keepdim=True).sqrt().clamp(min=1e-6)
        else:
            weights = weights / weights.sum(dim=1, keepdim=True).clamp(min=1.0)  # the mean
        if torch.onnx.is_in_onnx_export() or table.dtype != torch.float32:
            return (self.emb(feats) * weights.unsqueeze(-1)).sum(dim=1)
        # embedding_bag sums without materialising (B, F, C): ~4x faster to train.
        return F.embedding_bag(feats, table, mode="sum", per_sample_weights=weights)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.classify(self.pooled(ids, mask))

    def forward_features(self, feats: torch.Tensor, fmask: torch.Tensor) -> torch.Tensor:
        """The logits from features made earlier by :meth:`features` (training caches them)."""
        return self.classify(self.pool_features(feats, fmask))

    def classify(self, pooled: torch.Tensor) -> torch.Tensor:
        x = self.drop(pooled)
        if self.hidden is not None:
            x = self.drop(torch.relu(self.hidden(x)))
        return self.head(x)


def alphabet_facts(tokenizer) -> dict:
    """The config entries an n-gram model needs about a character tokenizer's alphabet."""
    vocab = tokenizer.vocab()
    seps, lower = [], []
    for token, idx in vocab.items():
        if len(token) != 1:
            continue  # special tokens
        if not token.isalnum():
            seps.append(idx)
        low = token.lower()
        if low != token and low in vocab:
            lower += [idx, vocab[low]]
    return {"sep_ids": tuple(sorted(seps)), "lower_ids": tuple(lower)}
