"""A tiny pre-LayerNorm Transformer: causal LM for generate, pooled encoder for classify.

Shapes in comments: B batch, T tokens, C width (d_model), nh heads, hs head size.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig

KV = tuple[torch.Tensor, torch.Tensor]  # one block's cached keys and values, each (B, nh, P, hs)


class SelfAttention(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.n_heads = cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.dropout = cfg.dropout

    def forward(self, x: torch.Tensor, keep: torch.Tensor | None, causal: bool) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) -> (B, nh, T, hs)
        q = q.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        k = k.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        v = v.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=keep,  # (B, 1, 1, T) True = attend; None when there is no padding
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=causal,
        )
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y)

    def cached(self, x: torch.Tensor, past: KV | None) -> tuple[torch.Tensor, KV]:
        """Causal attention for generation: ``x`` holds the whole prompt (``past`` None) or one
        new token whose keys and values join ``past`` (each (B, nh, P, hs)). Eval only."""
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        k = k.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        v = v.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        if past is not None:
            if T != 1:
                raise ValueError("after the prompt, the cache takes one token at a time")
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        # One new query may attend to every cached key: no mask needed.
        y = F.scaled_dot_product_attention(q, k, v, is_causal=past is None)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y), (k, v)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = SelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.d_model, cfg.d_ff),
            nn.GELU(),
            nn.Linear(cfg.d_ff, cfg.d_model),
            nn.Dropout(cfg.dropout),
        )

    def forward(self, x: torch.Tensor, keep: torch.Tensor | None, causal: bool) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), keep, causal)
        return x + self.mlp(self.ln2(x))

    def cached(self, x: torch.Tensor, past: KV | None) -> tuple[torch.Tensor, KV]:
        a, kv = self.attn.cached(self.ln1(x), past)
        x = x + a
        return x + self.mlp(self.ln2(x)), kv


class TransformerModel(nn.Module):
    """``forward(ids, mask)``: logits (B, n_classes) for classify, (B, T, vocab) for generate."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_len, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        if cfg.task == "generate":
            self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        else:
            self.head = nn.Linear(cfg.d_model, cfg.n_classes)
        self.apply(_init_weights)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        B, T = ids.shape
        pos = torch.arange(T, device=ids.device)
        x = self.drop(self.tok_emb(ids) + self.pos_emb(pos))  # (B, T, C)
        causal = self.cfg.task == "generate" or self.cfg.causal
        keep = None
        if mask is not None and not causal:
            # With causal attention, padding (always on the right) is never attended to.
            keep = mask[:, None, None, :]  # (B, 1, 1, T)
        for block in self.blocks:
            x = block(x, keep, causal)
        x = self.ln_f(x)
        if self.cfg.task == "generate":
            return self.head(x)  # (B, T, vocab)
        return self.head(masked_mean(x, mask))  # (B, n_classes)

    def decode(
        self, ids: torch.Tensor, past: list[KV] | None = None
    ) -> tuple[torch.Tensor, list[KV]]:
        """Generation with a key/value cache (language model, eval mode).

        ``ids`` is the whole prompt (``past`` None) or the one token sampled last; returns the
        next-token logits (B, vocab) and the cache to pass back. Positions continue from the
        cache's length, so the caller must stop using the cache before it reaches ``max_len``
        (then the window slides and every position changes: see ``TrainedModel.generate``).
        The logits equal ``forward(all ids so far)[:, -1]`` up to float rounding.
        """
        B, T = ids.shape
        start = 0 if past is None else past[0][0].shape[2]
        pos = torch.arange(start, start + T, device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(pos)  # (B, T, C)
        new_past = []
        for i, block in enumerate(self.blocks):
            x, kv = block.cached(x, None if past is None else past[i])
            new_past.append(kv)
        return self.head(self.ln_f(x[:, -1:]))[:, 0], new_past  # (B, vocab)


def masked_mean(x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Mean over the token axis of (B, T, C), ignoring padding where ``mask`` is False."""
    if mask is None:
        return x.mean(dim=1)
    m = mask.unsqueeze(-1).to(x.dtype)  # (B, T, 1)
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, mean=0.0, std=0.02)
