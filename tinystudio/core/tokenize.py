"""Tokenizers trained on the user's own text, built on HuggingFace ``tokenizers``.

Two kinds:

* ``"char"``: one token per character seen in training (unknown characters map to
  ``[UNK]``). Best for the generate task on small corpora: every prediction is one
  character, so bits per character are easy to read.
* ``"bpe"``: byte-level BPE (as in GPT-2) with a chosen vocabulary size. Never produces
  an unknown token, since any byte is in the base alphabet.

The tokenizer is saved as ``tokenizer.json`` (the ``tokenizers`` library's own JSON
format, which holds no code) inside a model folder.

Encoding many texts (:meth:`TextTokenizer.encode_batch`, :meth:`TextTokenizer.encode_flat`)
takes a faster road to the very same ids as :meth:`TextTokenizer.encode`: identical texts
are encoded once, ids come back as numpy arrays rather than a Python int per token, the
char tokenizer is a table lookup over code points, and BPE runs in `tokenizers`' own
threads. ``tests/core/test_tokenize_fast.py`` checks that the ids match.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from tinystudio.i18n import tr

from .errors import ModelFileError

PAD, UNK, EOS = "[PAD]", "[UNK]", "[EOS]"
SPECIAL_TOKENS = [PAD, UNK, EOS]
KINDS = ("char", "bpe")

BLOCK_CHARS = 1 << 21  # texts are encoded in blocks of about this many characters (memory)


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
            raise ValueError(tr("unknown tokenizer kind {kind!r}").format(kind=kind))
        self._tok = tokenizer
        self.kind = kind
        self.pad_id = self._require_id(PAD)
        self.unk_id = self._require_id(UNK)
        self.eos_id = self._require_id(EOS)
        self._fast = _fast_encoder(tokenizer)  # None: every text goes through `tokenizers`

    def _require_id(self, token: str) -> int:
        token_id = self._tok.token_to_id(token)
        if token_id is None:
            raise ModelFileError(
                tr("The tokenizer has no {token} token, so it was not made by TinyStudio.").format(token=token),
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
            raise ValueError(tr("unknown tokenizer kind {kind!r}; choose one of {KINDS}").format(kind=kind, KINDS=KINDS))
        tok.train_from_iterator(texts, trainer)
        return cls(tok, kind)

    # -- use ------------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self._tok.get_vocab_size()

    def vocab(self) -> dict[str, int]:
        """Every token with its id (special tokens included)."""
        return self._tok.get_vocab()

    def encode(self, text: str) -> list[int]:
        """Token ids of one text, by `tokenizers` itself (what the fast roads must match)."""
        return self._tok.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text: the same as :meth:`encode` of each, only faster.

        Identical texts are encoded once (each row still gets a list of its own).
        """
        distinct, rows = _distinct(texts)
        lists: list[list[int]] = []
        with _gc_paused():
            for block in _blocks(distinct, BLOCK_CHARS):  # a block at a time: memory
                ids, offsets = self._encode_block(block)
                flat, off = ids.tolist(), offsets.tolist()
                lists.extend([flat[a:b] for a, b in zip(off, off[1:])])
            return lists if rows is None else [lists[r].copy() for r in rows]

    def encode_flat(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """All texts' ids in one array, without a Python int per token.

        Returns
        -------
        ids, offsets
            int64 arrays; the ids of ``texts[i]`` are ``ids[offsets[i] : offsets[i + 1]]``
            (``offsets`` has ``len(texts) + 1`` entries).
        """
        distinct, rows = _distinct(texts)
        with _gc_paused():
            parts = [self._encode_block(block) for block in _blocks(distinct, BLOCK_CHARS)]
        ids, offsets = _ragged_concat(parts)
        if rows is None:
            return ids, offsets
        return _ragged_take(ids, offsets, np.asarray(rows, dtype=np.int64))

    def _encode_block(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        fast = self._fast
        if fast is None or not texts:
            return _hf_encode(self._tok, texts)
        ok = list(map(fast.accepts, texts))
        if all(ok):
            try:
                return fast.encode(texts)
            except UnicodeEncodeError:  # lone surrogates: let `tokenizers` report them as before
                return _hf_encode(self._tok, texts)
        if not any(ok):
            return _hf_encode(self._tok, texts)
        # Mixed block: encode each group its way, then put the rows back in order.
        fast_rows = [i for i, k in enumerate(ok) if k]
        slow_rows = [i for i, k in enumerate(ok) if not k]
        ids, off = _ragged_concat(
            [
                self._encode_block([texts[i] for i in fast_rows]),
                _hf_encode(self._tok, [texts[i] for i in slow_rows]),
            ]
        )
        where = np.empty(len(texts), dtype=np.int64)
        where[fast_rows + slow_rows] = np.arange(len(texts))
        return _ragged_take(ids, off, where)

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
                tr("The tokenizer file (tokenizer.json) is damaged and cannot be read."),
                details=str(exc),
                code="tokenizer_invalid",
            ) from exc
        if kind not in KINDS:
            raise ModelFileError(
                tr("The tokenizer file (tokenizer.json) was not made by TinyStudio."),
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
                tr("Cannot read the tokenizer file {name}.").format(name=Path(path).name),
                details=str(exc),
                code="tokenizer_invalid",
            ) from exc
        return cls.from_json(text)


# -- the fast road to the same ids ----------------------------------------------------------
# Ragged arrays: the ids of row i are ids[off[i] : off[i + 1]], both int64 numpy arrays.


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while we make millions of lists (one per text or piece).

    Each pass of the collector walks every list made so far, so with it running the cost
    grows faster than the number of texts (30-40% of the time at 1M texts, measured). No
    cycles are made here; the collector runs again as soon as we are done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _hf_encode(tok: Tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The plain road: `tokenizers` (its Rust threads encode the texts in parallel)."""
    per_text = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
    lens = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    ids = np.fromiter(chain.from_iterable(per_text), dtype=np.int64, count=int(lens.sum()))
    return ids, _offsets(lens)


def _distinct(texts: Sequence[str]) -> tuple[list[str], list[int] | None]:
    """The distinct texts in first-seen order, and each text's row among them (None if all are)."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) == len(texts):
        return distinct, None
    row_of = dict(zip(distinct, range(len(distinct))))
    return distinct, list(map(row_of.__getitem__, texts))


def _offsets(lens: np.ndarray) -> np.ndarray:
    off = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=off[1:])
    return off


def _ragged_concat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64)
    if len(parts) == 1:
        return parts[0]
    lens = np.concatenate([np.diff(off) for _, off in parts])
    return np.concatenate([ids for ids, _ in parts]), _offsets(lens)


def _ragged_take(
    ids: np.ndarray, off: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``rows`` (in that order, repeats allowed) of a ragged array."""
    lens = (off[1:] - off[:-1])[rows]
    new_off = _offsets(lens)
    # Position in `ids` of every output token: its row's start plus its place in the row.
    pos = np.repeat(off[:-1][rows] - new_off[:-1], lens) + np.arange(new_off[-1])
    return ids[pos], new_off


def _blocks(texts: list[str], max_chars: int) -> Iterator[list[str]]:
    """Consecutive runs of texts of about ``max_chars`` characters (a long text goes alone)."""
    start, size = 0, 0
    for i, n in enumerate(map(len, texts)):
        if size and size + n > max_chars:
            yield texts[start:i]
            start, size = i, 0
        size += n
    if start < len(texts) or not texts:
        yield texts[start:]


def _fast_encoder(tok: Tokenizer) -> _CharEncoder | None:
    """An encoder that gives the same ids as ``tok`` faster, if ``tok`` is set up as we make them.

    A tokenizer file changed by hand (a normalizer, padding, merges in a char tokenizer...)
    gets None, and `tokenizers` does all the work.
    """
    spec = json.loads(tok.to_str())
    model = spec.get("model") or {}
    plain = (
        spec.get("normalizer") is None
        and spec.get("truncation") is None
        and spec.get("padding") is None
        and model.get("type") == "BPE"
        and model.get("dropout") is None
        and not model.get("continuing_subword_prefix")
        and not model.get("end_of_word_suffix")
        and not model.get("fuse_unk")
        and not model.get("byte_fallback")
        and not model.get("ignore_merges")
    )
    if not plain:
        return None
    specials = tuple(t["content"] for t in spec.get("added_tokens") or [])
    pre = spec.get("pre_tokenizer") or {}
    unk_id = model["vocab"].get(model.get("unk_token"))
    if not pre and not model.get("merges") and unk_id is not None:
        return _CharEncoder(model["vocab"], unk_id, specials)
    return None


class _CharEncoder:
    """The char tokenizer (a BPE model without merges or pre-tokenizer): one id per code point.

    `tokenizers` looks each character up in the vocabulary and gives ``[UNK]`` for each
    unknown one; here a numpy table indexed by code point does the same for a whole block.
    """

    def __init__(self, vocab: dict[str, int], unk_id: int, specials: tuple[str, ...]) -> None:
        singles = {ord(ch): i for ch, i in vocab.items() if len(ch) == 1}
        # One slot past the highest known code point: where every higher one is looked up.
        self.table = np.full(max(singles, default=0) + 2, unk_id, dtype=np.int64)
        self.table[list(singles)] = list(singles.values())
        self.has_special = _finder(specials)

    def accepts(self, text: str) -> bool:
        # Special tokens written in a text ("[EOS]") are matched as one token by `tokenizers`.
        return not self.has_special(text)

    def encode(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        ids = self.table[np.minimum(points, len(self.table) - 1)]
        return ids, _offsets(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))


def _finder(specials: tuple[str, ...]):
    """``finder(text)`` is truthy when ``text`` contains one of ``specials``."""
    if not specials:
        return _never
    return re.compile("|".join(map(re.escape, specials))).search


def _never(text: str) -> bool:
    return False
