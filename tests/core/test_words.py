"""Chinese and Japanese (no spaces between words): words, augmentation, token display."""

from __future__ import annotations

import random
from pathlib import Path

from tinystudio.core.augment import augment_text
from tinystudio.core.labelling.features import text_grams
from tinystudio.core.tokenize import TextTokenizer
from tinystudio.core.words import join_units, token_spans, units, words

CJK = Path(__file__).resolve().parent.parent / "data" / "cjk"
ZH = [line.strip() for line in (CJK / "zh_hans.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
JA = [line.strip() for line in (CJK / "ja.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_words_split_cjk_into_characters_and_keep_other_words():
    assert words("I love 机器学习, ok?") == ["I", "love", "机", "器", "学", "习", "ok"]
    assert words("パイソンは楽しい") == list("パイソンは楽しい")
    assert words("파이썬은 배우기 쉽고") == ["파이썬은", "배우기", "쉽고"]  # Korean has spaces
    assert words("naïve café-au-lait") == ["naïve", "café", "au", "lait"]
    assert join_units(units("a  b\nc 中文")) == "a b c 中文"


def test_english_augmentation_is_unchanged_by_the_cjk_split():
    text = "a large wild animal of the cat family with a striped coat"
    assert join_units(units(text)) == text == " ".join(text.split())


def test_augmentation_drops_and_swaps_characters_of_text_without_spaces():
    rng = random.Random(0)
    line = ZH[0]
    variants = {augment_text(line, ("word_dropout", "word_swap"), rng, p=0.2) for _ in range(20)}
    assert len(variants) > 10  # a whole sentence is no longer one untouchable "word"
    for v in variants:
        assert " " not in v.replace("Python ", "")  # no spaces inserted between characters
        assert set(v) <= set(line)  # only characters of the sentence, no typos made up
    ja = {augment_text(JA[1], ("word_dropout",), rng, p=0.2) for _ in range(10)}
    assert len(ja) > 5


def test_label_features_of_chinese_have_character_unigrams_and_bigrams():
    grams = text_grams("机器学习很有趣")
    assert grams["机"] == 1 and grams["机 器"] == 1 and grams["学 习"] == 1


def test_every_character_shows_once_in_the_token_display():
    """A byte-level tokenizer splits rare characters into several tokens pointing at the same
    character; grouped, the displayed text is exactly the original."""
    tok = TextTokenizer.train(ZH * 5, "bpe", 400)
    for text in [*ZH, "魑魅魍魉是罕见的字", JA[0]]:
        pieces = tok.pieces(text)
        groups = token_spans([(p.start, p.end) for p in pieces])
        assert "".join(text[a:b] for a, b, _n in groups) == text
        assert sum(n for _a, _b, n in groups) == len(pieces)
    rare = token_spans([(p.start, p.end) for p in tok.pieces("魑")])
    assert rare == [(0, 1, len(tok.pieces("魑")))] and rare[0][2] > 1
