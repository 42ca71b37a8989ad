"""Tokenizers trained on the user's own text, built on HuggingFace ``tokenizers``.

Two kinds:

* ``"char"``: one token per character seen in training (unknown characters map to
  ``[UNK]``). Best for the generate task on small corpora: every prediction is one
  character, so bits per character are easy to read.
* ``"bpe"``: byte-level BPE (as in GPT-2) with a chosen vocabulary size. Never produces
  an unknown token, since any byte is in the base alphabet.

The tokenizer is saved as ``tokenizer.json`` (the ``tokenizers`` library's own JSON
format, which holds no code) inside a model folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from .errors import ModelFileError

PAD, UNK, EOS = "[PAD]", "[UNK]", "[EOS]"
SPECIAL_TOKENS = [PAD, UNK, EOS]
KINDS = ("char", "bpe")


@dataclass(frozen=True)
class Piece:
    """One token of a text, for showing how a text splits (the GUI draws these)."""

    text: str  # the characters of the original text this token covers
    token: str  # the token as the vocabulary spells it
    id: int
    start: int  # character offsets into the original text
    end: int


class TextTokenizer:
    """A trained tokenizer plus the few facts the models need (pad id, vocabulary size)."""

    def __init__(self, tokenizer: Tokenizer, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown tokenizer kind {kind!r}")
        self._tok = tokenizer
        self.kind = kind
        self.pad_id = self._require_id(PAD)
        self.unk_id = self._require_id(UNK)
        self.eos_id = self._require_id(EOS)

    def _require_id(self, token: str) -> int:
        token_id = self._tok.token_to_id(token)
        if token_id is None:
            raise ModelFileError(
                f"The tokenizer has no {token} token, so it was not made by TinyStudio.",
                code="tokenizer_invalid",
            )
        return token_id

    # -- training -------------------------------------------------------------------------
    @classmethod
    def train(cls, texts: Iterable[str], kind: str = "bpe", vocab_size: int = 8000) -> TextTokenizer:
        """Learn a vocabulary from ``texts``.

        Parameters
        ----------
        texts
            The training texts (only the training split, so that the test split stays unseen).
        kind
            ``"char"`` or ``"bpe"``.
        vocab_size
            Upper bound on the vocabulary for ``"bpe"``; ignored for ``"char"``.
        """
        if kind == "char":
            tok = Tokenizer(models.BPE(unk_token=UNK))
            tok.decoder = decoders.Fuse()
            # vocab_size=1 means "no merges": the vocabulary is the alphabet itself.
            trainer = trainers.BpeTrainer(
                vocab_size=1, special_tokens=SPECIAL_TOKENS, show_progress=False
            )
        elif kind == "bpe":
            tok = Tokenizer(models.BPE())
            tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            tok.decoder = decoders.ByteLevel()
            trainer = trainers.BpeTrainer(
                vocab_size=max(vocab_size, 300),
                special_tokens=SPECIAL_TOKENS,
                initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                show_progress=False,
            )
        else:
            raise ValueError(f"unknown tokenizer kind {kind!r}; choose one of {KINDS}")
        tok.train_from_iterator(texts, trainer)
        return cls(tok, kind)

    # -- use ------------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self._tok.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Encode many texts at once (the Rust side runs this in parallel)."""
        return [e.ids for e in self._tok.encode_batch(list(texts), add_special_tokens=False)]

    def decode(self, ids: Sequence[int]) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=True)

    def pieces(self, text: str) -> list[Piece]:
        """How ``text`` splits into tokens, with character offsets into ``text``."""
        enc = self._tok.encode(text, add_special_tokens=False)
        out = []
        for token, token_id, (start, end) in zip(enc.tokens, enc.ids, enc.offsets):
            out.append(Piece(text=text[start:end], token=token, id=token_id, start=start, end=end))
        return out

    # -- files ----------------------------------------------------------------------------
    def to_json(self) -> str:
        data = json.loads(self._tok.to_str())
        data["tinystudio_kind"] = self.kind  # extra key; `tokenizers` ignores unknown keys
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> TextTokenizer:
        try:
            data = json.loads(text)
            kind = data.pop("tinystudio_kind", None)
            tok = Tokenizer.from_str(json.dumps(data))
        except Exception as exc:  # the library raises plain Exception subclasses
            raise ModelFileError(
                "The tokenizer file (tokenizer.json) is damaged and cannot be read.",
                details=str(exc),
                code="tokenizer_invalid",
            ) from exc
        if kind not in KINDS:
            raise ModelFileError(
                "The tokenizer file (tokenizer.json) was not made by TinyStudio.",
                code="tokenizer_invalid",
            )
        return cls(tok, kind)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TextTokenizer:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelFileError(
                f"Cannot read the tokenizer file {Path(path).name}.",
                details=str(exc),
                code="tokenizer_invalid",
            ) from exc
        return cls.from_json(text)
