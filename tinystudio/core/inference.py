"""A trained model ready to use: predict labels, stream generated text, score held-out text."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from tinystudio.i18n import tr

from .models.config import ModelConfig
from .tokenize import TextTokenizer
from .training.batches import encode_for_classify, eval_batches, sequential_windows, token_stream


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float  # probability of ``label``
    probabilities: dict[str, float]  # every label, sorted from most to least likely


@dataclass
class TrainedModel:
    """A model with everything needed to use it: tokenizer, labels, settings, metrics."""

    config: ModelConfig
    tokenizer: TextTokenizer
    module: nn.Module
    label_names: list[str] = field(default_factory=list)
    train_config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    data_info: dict = field(default_factory=dict)  # fingerprint, columns, split seed...
    variant: dict = field(default_factory=dict)  # compression steps applied, if any
    # Temperature scaling fitted on validation texts (core/calibration.py); {} = not calibrated.
    calibration: dict = field(default_factory=dict)

    @property
    def task(self) -> str:
        return self.config.task

    @property
    def device(self) -> torch.device:
        return next(self.module.parameters()).device

    @property
    def temperature(self) -> float:
        """The calibration temperature (1.0 for a model saved without calibration)."""
        t = (self.calibration or {}).get("temperature")
        return float(t) if isinstance(t, (int, float)) and t > 0 else 1.0

    @property
    def calibrated(self) -> bool:
        return bool((self.calibration or {}).get("temperature"))

    # -- classify -------------------------------------------------------------------------
    @torch.no_grad()
    def predict_logits(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        """(N, n_classes) raw scores (before calibration and softmax), in the order of ``texts``."""
        self._require("classify")
        self.module.eval()
        seqs = encode_for_classify(self.tokenizer, list(texts), self.config.max_len)
        out = torch.empty(len(seqs), self.config.n_classes)
        for idx, ids, mask in eval_batches(seqs, batch_size, self.tokenizer.pad_id):
            out[idx] = self.module(ids.to(self.device), mask.to(self.device)).float().cpu()
        return out

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        """(N, n_classes) calibrated probabilities (``softmax(logits / T)``), in the order of ``texts``."""
        return torch.softmax(self.predict_logits(texts, batch_size) / self.temperature, dim=-1)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """The most likely label of each text, with the probability of every label."""
        probs = self.predict_proba(texts)
        results = []
        for row in probs.tolist():
            ranked = sorted(zip(self.label_names, row), key=lambda p: -p[1])
            results.append(
                Prediction(label=ranked[0][0], confidence=ranked[0][1], probabilities=dict(ranked))
            )
        return results

    # -- generate -------------------------------------------------------------------------
    @torch.no_grad()
    def generate(
        self,
        prompt: str,
        max_tokens: int = 200,
        temperature: float = 0.8,
        top_k: int | None = None,
        top_p: float | None = None,
        seed: int | None = None,
        should_stop=None,
    ) -> Iterator[str]:
        """Continue ``prompt`` one token at a time, yielding each new piece of text.

        Pieces are decoded incrementally, so a multi-byte character split over two BPE tokens
        is yielded once complete. ``should_stop`` (a callable) ends the stream early.
        """
        self._require("generate")
        self.module.eval()
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        ids = self.tokenizer.encode(prompt) or [self.tokenizer.encode("\n")[0]]
        new: list[int] = []
        emitted = ""
        window = self.config.max_len
        # While everything so far fits the window, a cache (Transformer keys/values, LSTM state)
        # makes each token cost the same however many came before. Past the window the old path
        # runs: the last max_len tokens read afresh from position 0, exactly as before the cache
        # existed, so the same seed gives the same tokens either way.
        cache_on = self.uses_cache
        state = None
        for _ in range(max_tokens):
            if should_stop is not None and should_stop():
                return
            seq = ids + new
            if cache_on and len(seq) <= window:
                step = seq if state is None else seq[-1:]
                out, state = self.module.decode(torch.tensor([step], device=self.device), state)
                logits = out[0].float().cpu()  # (vocab,)
            else:
                context = torch.tensor([seq[-window:]], device=self.device)
                logits = self.module(context)[0, -1].float().cpu()  # (vocab,)
            logits[self.tokenizer.pad_id] = -math.inf
            logits[self.tokenizer.unk_id] = -math.inf
            new.append(_sample(logits, temperature, top_k, top_p, gen))
            text = self.tokenizer.decode(new)
            if text.endswith("\ufffd"):  # an incomplete UTF-8 sequence: wait for more bytes
                continue
            if len(text) > len(emitted):
                yield text[len(emitted) :]
                emitted = text

    @property
    def uses_cache(self) -> bool:
        """Whether ``generate`` decodes with a cache (its tokens equal the uncached path's).

        Not for an int8 variant: its dynamic-int8 layers quantize each call's activations with
        one scale for the whole input (an LSTM's input projection: for every step at once), so
        one new token alone is rounded differently than inside the full window and the tokens
        would differ from the uncached path (seen here for both the Transformer and the LSTM).
        """
        if not hasattr(self.module, "decode"):
            return False
        return (self.variant or {}).get("storage") != "int8"

    @torch.no_grad()
    def score_text(self, texts: Sequence[str], max_windows: int | None = None) -> dict:
        """Held-out language-model scores: mean loss per token, perplexity, bits per character."""
        self._require("generate")
        self.module.eval()
        stream = token_stream(self.tokenizer, list(texts))
        if len(stream) < 2:
            raise ValueError("not enough text to score")
        x, y = sequential_windows(stream, self.config.max_len, max_windows)
        total_nll, n_tokens = 0.0, 0
        for start in range(0, len(x), 32):
            xb, yb = x[start : start + 32].to(self.device), y[start : start + 32].to(self.device)
            logits = self.module(xb).float()
            total_nll += nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), yb.reshape(-1), reduction="sum"
            ).item()
            n_tokens += yb.numel()
        n_chars = sum(self._token_chars(t) for t in y.reshape(-1).tolist())
        loss = total_nll / n_tokens
        return {
            "val_loss": loss,
            "perplexity": math.exp(min(loss, 50.0)),
            "bits_per_char": total_nll / math.log(2) / max(n_chars, 1),
            "tokens": n_tokens,
            "chars": n_chars,
        }

    def _token_chars(self, token_id: int) -> int:
        if not hasattr(self, "_char_len"):
            # Characters per token: exact for the char tokenizer; for byte-level BPE a token
            # holding part of a multi-byte character counts as one character.
            self._char_len = [
                max(len(self.tokenizer.decode([i])), 1) for i in range(self.tokenizer.vocab_size)
            ]
        return self._char_len[token_id] if token_id < len(self._char_len) else 1

    def _require(self, task: str) -> None:
        if self.task != task:
            verb = tr("classify text") if task == "classify" else tr("generate text")
            raise ValueError(tr("This is a {task} model; it cannot {verb}.").format(task=self.task, verb=verb))


def _sample(
    logits: torch.Tensor,
    temperature: float,
    top_k: int | None,
    top_p: float | None,
    gen: torch.Generator | None,
) -> int:
    if temperature <= 0:
        return int(torch.argmax(logits))
    logits = logits / temperature
    if top_k:
        kth = torch.topk(logits, min(top_k, logits.numel())).values[-1]
        logits = logits.masked_fill(logits < kth, -math.inf)
    probs = torch.softmax(logits, dim=-1)
    if top_p is not None and 0 < top_p < 1:
        sorted_p, order = torch.sort(probs, descending=True)
        cumulative = torch.cumsum(sorted_p, dim=-1)
        drop = cumulative - sorted_p > top_p  # keep the smallest set reaching top_p
        sorted_p[drop] = 0.0
        probs = torch.zeros_like(probs).scatter(0, order, sorted_p)
        probs = probs / probs.sum()
    return int(torch.multinomial(probs, 1, generator=gen))
