"""The classic recurrent model: a (Bi)LSTM classifier, or a one-directional LSTM language model."""

from __future__ import annotations

import torch
from torch import nn

from .config import ModelConfig


class LSTMModel(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        bidirectional = cfg.bidirectional and cfg.task == "classify"
        self.emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.lstm = nn.LSTM(
            cfg.d_model,
            cfg.d_model,
            num_layers=cfg.n_layers,
            batch_first=True,
            bidirectional=bidirectional,
            dropout=cfg.dropout if cfg.n_layers > 1 else 0.0,
        )
        out_width = cfg.d_model * (2 if bidirectional else 1)
        if cfg.task == "generate":
            self.head = nn.Linear(out_width, cfg.vocab_size)
        else:
            self.head = nn.Linear(out_width, cfg.n_classes)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        x = self.drop(self.emb(ids))  # (B, T, C)
        if self.cfg.task == "generate" or mask is None:
            out, _ = self.lstm(x)  # (B, T, C or 2C)
        else:
            # Packing makes the backward direction start at each text's last real token
            # instead of reading the padding first.
            lengths = mask.sum(dim=1).clamp(min=1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            out, _ = self.lstm(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(
                out, batch_first=True, total_length=ids.shape[1]
            )
        out = self.drop(out)
        if self.cfg.task == "generate":
            return self.head(out)  # (B, T, vocab)
        # Max-pool over real tokens: robust to padding on the right, and the usual choice
        # for BiLSTM text classifiers.
        if mask is not None:
            out = out.masked_fill(~mask.unsqueeze(-1), float("-inf"))
        return self.head(out.max(dim=1).values)  # (B, n_classes)

    def decode(
        self, ids: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Generation with the carried (h, c) state (language model, eval mode): ``ids`` is the
        prompt (``state`` None) or the newest tokens; returns the next-token logits (B, vocab)
        and the state to pass back. Equals ``forward(all ids so far)[:, -1]`` up to rounding."""
        out, state = self.lstm(self.emb(ids), state)
        return self.head(out[:, -1]), state
