"""The reference a user would otherwise write: a plain PyTorch character model training loop.

nanoGPT-shaped (4 layers, 4 heads, 128 wide, 64-character context, batch 12, AdamW at
1e-3, no compile, no schedule), written from scratch for the benchmark. It shares no code
with TinyStudio: it is the yardstick ``bench_train.py`` measures our trainer against.
"""

from __future__ import annotations

import math
import time

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.out = nn.Linear(4 * width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q = q.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        k = k.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        v = v.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class CharGPT(nn.Module):
    def __init__(self, vocab: int, width: int = 128, layers: int = 4, heads: int = 4, context: int = 64) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab, bias=False)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln(x))


def run_reference(train_text: str, val_text: str, seconds: float, seed: int = 0,
                  context: int = 64, batch: int = 12) -> dict:
    """Train for ``seconds`` of wall-clock time; return tokens/s and validation bits/char."""
    torch.manual_seed(seed)
    chars = sorted(set(train_text))
    index = {c: i for i, c in enumerate(chars)}
    unk = len(chars)
    train = torch.tensor([index.get(c, unk) for c in train_text])
    val = torch.tensor([index.get(c, unk) for c in val_text])
    model = CharGPT(len(chars) + 1, context=context)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    steps, tokens = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        ix = torch.randint(len(train) - context - 1, (batch,))
        x = torch.stack([train[i : i + context] for i in ix])
        y = torch.stack([train[i + 1 : i + context + 1] for i in ix])
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        steps += 1
        tokens += batch * context
    elapsed = time.perf_counter() - start
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        n = (len(val) - 1) // context
        x = val[: n * context].view(n, context)
        y = val[1 : n * context + 1].view(n, context)
        for s in range(0, n, 64):
            logits = model(x[s : s + 64])
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[s : s + 64].reshape(-1), reduction="sum").item()
            count += y[s : s + 64].numel()
    return {
        "steps": steps,
        "seconds": elapsed,
        "tokens_per_sec": tokens / elapsed,
        "bits_per_char": total / count / math.log(2),
        "params": sum(p.numel() for p in model.parameters()),
    }
