"""Words of a text, also for writing without spaces (Chinese, Japanese).

Splitting at spaces makes a whole Chinese or Japanese sentence one "word": word-based
features then never repeat and word-level augmentation has nothing to drop or swap. Here
each Han character and kana is a unit of its own (a Chinese word is mostly one or two
characters, so units and neighbouring pairs of units — character bigrams — stand in for
words), while Latin, Cyrillic, Korean (written with spaces), digits and the rest keep their
usual whitespace-separated words.
"""

from __future__ import annotations

import re

#: Scripts written without spaces: kana, CJK ideographs (and their extensions and
#: compatibility forms), half-width katakana.
CJK_CHARS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_WORDS = re.compile(rf"[{CJK_CHARS}]|[^\W{CJK_CHARS}]+")
_UNITS = re.compile(rf"(\s*)([{CJK_CHARS}]|[^\s{CJK_CHARS}]+)")
_HAS_CJK = re.compile(rf"[{CJK_CHARS}]")


def words(text: str) -> list[str]:
    """Word characters grouped into words; every CJK character a word of its own.

    >>> words("I love 机器学习, ok?")
    ['I', 'love', '机', '器', '学', '习', 'ok']
    """
    return _WORDS.findall(text)


def units(text: str) -> list[tuple[bool, str]]:
    """The text as (preceded by whitespace, unit) pairs: whitespace-separated pieces, with
    every CJK character a piece of its own (punctuation stays attached, as in ``split()``).

    >>> units("我爱 Python。")
    [(False, '我'), (False, '爱'), (True, 'Python。')]
    """
    return [(bool(space), unit) for space, unit in _UNITS.findall(text)]


def join_units(parts: list[tuple[bool, str]]) -> str:
    """The inverse of :func:`units` (whitespace becomes one space; none at the start)."""
    out: list[str] = []
    for space, unit in parts:
        out.append((" " if space and out else "") + unit)
    return "".join(out)


def has_cjk(text: str) -> bool:
    """Does ``text`` contain Chinese or Japanese characters?"""
    return _HAS_CJK.search(text) is not None


def token_spans(offsets: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Group tokens that cover the same characters: ``(start, end, n_tokens)`` per group.

    A byte-level tokenizer splits a rare Chinese character (three bytes in UTF-8) into two or
    three tokens that all point at that one character, and a token may end inside the
    character the next one starts in. Shown as they are, the text would repeat characters;
    grouped, each character is shown once, with the number of tokens it took.
    """
    spans: list[list[int]] = []
    for start, end in offsets:
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2] += 1
        else:
            spans.append([start, end, 1])
    return [(s, e, n) for s, e, n in spans]
