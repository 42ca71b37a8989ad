"""Data augmentation for classify: new variants of each training text, made on the fly.

Each method changes a text a little so that a model trained on few labelled examples
learns what matters (the words) rather than memorising exact strings:

* ``word_dropout``: drop each word with probability p;
* ``word_swap``: swap a few neighbouring words;
* ``char_noise``: typos — delete, repeat or swap letters inside words;
* ``subword``: back off from whole tokens to the tokenizer's smaller pieces for some words
  (as BPE-dropout does), so the model also learns from the parts of words.

Texts are only changed during training, never when scoring. Chinese and Japanese, written
without spaces, are handled character by character (:mod:`tinystudio.core.words`): a
"word" dropped or swapped there is one character, and typos are never made inside them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from tinystudio.core.words import join_units, units

METHODS = ("word_dropout", "word_swap", "char_noise", "subword")
# A word with the spaces before it: encoded alone it gives the same tokens as in context.
_WORD = re.compile(r"\s*\S+|\s+$")


def augment_text(text: str, methods: Sequence[str], rng: random.Random, p: float = 0.1) -> str:
    """``text`` with each of ``methods`` (but ``subword``, see :func:`encode_augmented`) applied.

    The units dropped and swapped are words, or single characters of Chinese and Japanese
    (see :func:`tinystudio.core.words.units`); spaces between them become single spaces.
    """
    words = units(text)
    if not words:
        return text
    if "word_dropout" in methods and len(words) > 2:
        kept = [w for w in words if rng.random() >= p]
        words = kept or [rng.choice(words)]
    if "word_swap" in methods and len(words) > 1:
        for _ in range(max(1, int(len(words) * p))):
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    if "char_noise" in methods:
        words = [(s, _typo(w, rng)) if len(w) > 3 and rng.random() < p else (s, w) for s, w in words]
    return join_units(words)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # delete a letter
    if kind == 1:
        return word[:i] + word[i] + word[i:]  # repeat a letter
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # swap two letters


def encode_augmented(tokenizer, text: str, methods: Sequence[str], rng: random.Random, p: float = 0.1) -> list[int]:
    """Token ids of an augmented ``text``; ``subword`` spells some words character by character."""
    text = augment_text(text, methods, rng, p)
    if "subword" not in methods:
        return tokenizer.encode(text)
    ids: list[int] = []
    for piece in _WORD.findall(text):
        if not piece.isspace() and rng.random() < p:
            for ch in piece:
                ids.extend(tokenizer.encode(ch))
        else:
            ids.extend(tokenizer.encode(piece))
    return ids
