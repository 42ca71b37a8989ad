"""A fastText-style classifier: the mean of token and hashed token-bigram embeddings.

Fast to train (a single embedding lookup and one linear layer), and a strong baseline on
topic-like labels. Bigram ids are computed inside the model so that exports need no
extra preprocessing.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import ModelConfig
from .transformer import masked_mean

# A large prime for hashing (previous, next) token pairs into buckets.
_PRIME = 1_000_003


class FastTextModel(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.emb = nn.Embedding(cfg.vocab_size + cfg.ngram_buckets, cfg.d_model)
        # An optional hidden ReLU layer between the pooled n-grams and the output.
        self.hidden = nn.Linear(cfg.d_model, cfg.hidden) if cfg.hidden else None
        self.head = nn.Linear(cfg.hidden or cfg.d_model, cfg.n_classes)
        nn.init.uniform_(self.emb.weight, -1.0 / cfg.d_model, 1.0 / cfg.d_model)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            mask = torch.ones_like(ids, dtype=torch.bool)
        x = self.emb(ids)  # (B, T, C)
        pooled_tokens = masked_mean(x, mask)
        if self.cfg.ngram_buckets and ids.shape[1] > 1:
            bigram = (ids[:, :-1] * _PRIME + ids[:, 1:]) % self.cfg.ngram_buckets
            bigram_mask = mask[:, :-1] & mask[:, 1:]  # (B, T-1)
            xb = self.emb(bigram + self.cfg.vocab_size)
            n_tok = mask.sum(dim=1, keepdim=True).to(x.dtype)
            n_big = bigram_mask.sum(dim=1, keepdim=True).to(x.dtype)
            # The mean over unigrams and bigrams together, as fastText averages all n-grams.
            total = pooled_tokens * n_tok + masked_mean(xb, bigram_mask) * n_big
            pooled = total / (n_tok + n_big).clamp(min=1.0)
        else:
            pooled = pooled_tokens
        if self.hidden is not None:
            pooled = torch.relu(self.hidden(pooled))
        return self.head(pooled)
