"""The fast roads (encode_batch, encode_flat, encode_for_classify, token_stream) give exactly
the ids of the plain per-text ``encode`` (the `tokenizers` library itself)."""

import functools
import gc
import json
import unicodedata

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tinystudio.core.tokenize import TextTokenizer
from tinystudio.core.training.batches import encode_for_classify, token_stream

CORPUS = [
    "In the beginning God created the heaven and the earth.",
    "It's what we're told: they'll say I'd have 12 apples, 3.5 pears & 1/2 a melon!",
    "naïve café déjà vu, Straße, smørrebrød, ½ ² ³ ¼",
    "Ünïcödé text 🙂 with emoji 🎉 and 日本語 and Ελληνικά and русский",
    "tabs\tand\nnewlines\r\n  and   runs   of spaces  ",
] * 20

TEXTS = [
    "",
    " ",
    "   ",
    "\n",
    "\t \n\r\x0b\x0c",
    "the earth",
    "  leading and trailing  ",
    "it's IT'S we're they'll I'd you've I'm 's 't 're",
    "''s '''t 'x '  s",
    "naïve café 🙂 ünseen Ωmega",
    "🙂🙂🙂 🎉🎉",
    "日本語のテキスト、句読点。",
    "e\u0301 combining a\u0308 marks",
    "١٢٣ ٤٥ digits ²³ ½ Ⅷ 𝟘𝟙",
    "odd spaces:\x85\xa0\u2000\u3000\u2028\u2029|",
    "controls \x00\x01\x1c\x1d\x1e\x1f\x7f end",
    "special [EOS] in text [PAD][UNK] and [EO S]",
    "[EOS]",
    "Zqx Jvw zzz ~~~ ^^^ {{}} ||",
    "a" * 20_000,
    ("The quick brown fox, it's 42 — jumps! " * 3_000).strip(),
    "x" + " " * 5000 + "y",
    "numbers 1234567890 0.5 -3e10 1,000,000",
    "the earth",  # a repeated text
    "",
]


@functools.cache
def trained(kind):
    return TextTokenizer.train(CORPUS, kind=kind, vocab_size=400)


@pytest.fixture(params=["char", "bpe"])
def tok(request):
    return trained(request.param)


def plain(tok, texts):
    return [tok.encode(t) for t in texts]


def test_encode_batch_gives_the_ids_of_encode(tok):
    assert tok.encode_batch(TEXTS) == plain(tok, TEXTS)
    assert tok.encode_batch(TEXTS[::-1]) == plain(tok, TEXTS[::-1])  # and again, warm cache
    assert tok.encode_batch([]) == []


def test_repeated_texts_get_lists_of_their_own(tok):
    out = tok.encode_batch(["the earth", "the earth"])
    out[0].append(-1)
    assert out[1] == tok.encode("the earth")


def test_encode_flat_gives_the_same_ids_as_one_array(tok):
    ids, off = tok.encode_flat(TEXTS)
    assert ids.dtype == np.int64 and off.dtype == np.int64 and len(off) == len(TEXTS) + 1
    assert [ids[off[i] : off[i + 1]].tolist() for i in range(len(TEXTS))] == plain(tok, TEXTS)


def test_every_latin1_and_many_other_characters_in_every_context(tok):
    chars = [chr(c) for c in range(256)]
    chars += [chr(c) for c in range(256, 0x3000, 7) if unicodedata.category(chr(c)) != "Cs"]
    contexts = ["{}", "a{}a", "1{}1", " {} ", "'{}", "{}'s", "\t{}\t", ".{}.", "{}{}{}", "x {}  "]
    texts = [c.format(ch, ch, ch) for ch in chars for c in contexts]
    assert tok.encode_batch(texts) == plain(tok, texts)


# Characters that matter to the GPT-2 split: apostrophes and the contractions' letters,
# spaces of several kinds, digits, letters and others, in and out of ASCII.
ALPHABET = list("'strevmld xa1.!\t\n\r[]EOSPADUNK") + [
    "\xa0",
    "\x85",
    "\u3000",
    "é",
    "²",
    "日",
    "🙂",
    "\u0301",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=30), max_size=12))
def test_random_texts_char(texts):
    tok = trained("char")
    assert tok.encode_batch(texts) == plain(tok, texts)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=30), max_size=12))
def test_random_texts_bpe(texts):
    tok = trained("bpe")
    assert tok.encode_batch(texts) == plain(tok, texts)


def test_encode_for_classify_cuts_and_fills_as_before(tok):
    seqs = encode_for_classify(tok, TEXTS, max_len=16)
    assert seqs == [ids[:16] if ids else [tok.unk_id] for ids in plain(tok, TEXTS)]


def test_token_stream_is_what_it_was(tok):
    def old_token_stream(texts):  # the implementation before the fast road
        joined = "".join(t if t.endswith("\n") else t + "\n" for t in texts)
        ids = []
        lines = joined.splitlines(keepends=True)
        for start in range(0, len(lines), 2000):
            ids.extend(tok.encode("".join(lines[start : start + 2000])))
        return torch.tensor(ids, dtype=torch.long)

    # Over 2000 lines, so several slices; the last has special tokens and very long texts.
    short = [t for t in TEXTS if len(t) < 100 and "[" not in t]
    texts = (
        short + ["line one\nline two\n", "trailing space \n", "\r\nmixed\u2028breaks"]
    ) * 150 + TEXTS
    got = token_stream(tok, texts)
    assert got.dtype == torch.long
    assert torch.equal(got, old_token_stream(texts))
    assert torch.equal(token_stream(tok, []), old_token_stream([]))


def test_saved_and_loaded_tokenizer_gives_the_same_ids(tok, tmp_path):
    tok.save(tmp_path / "tokenizer.json")
    again = TextTokenizer.load(tmp_path / "tokenizer.json")
    assert again.encode_batch(TEXTS) == tok.encode_batch(TEXTS)


def test_a_hand_edited_tokenizer_still_gives_the_ids_of_encode(tok):
    data = json.loads(tok.to_json())
    data["normalizer"] = {"type": "Lowercase"}  # not one TinyStudio makes: no fast road
    edited = TextTokenizer.from_json(json.dumps(data))
    texts = ["The EARTH", "Naïve CAFÉ"]
    assert edited.encode_batch(texts) == plain(edited, texts)
    assert edited.encode_batch(texts) != tok.encode_batch(texts)


def test_a_text_tokenizers_cannot_take_is_refused_as_before(tok):
    with pytest.raises(TypeError):
        tok.encode_batch(["fine", "lone \ud800 surrogate"])


def test_the_char_tokenizer_takes_the_lookup_table(tok):
    # If a `tokenizers` upgrade changed its JSON, every text would quietly go the slow way.
    assert (tok._fast is not None) == (tok.kind == "char")


def test_texts_split_into_many_blocks_give_the_same_ids(tok, monkeypatch):
    monkeypatch.setattr("tinystudio.core.tokenize.BLOCK_CHARS", 40)
    texts = TEXTS[:-3] * 3
    assert tok.encode_batch(texts) == plain(tok, texts)


def test_the_cycle_collector_is_left_as_it_was(tok):
    assert gc.isenabled()
    tok.encode_batch(["the earth"])
    assert gc.isenabled()
    gc.disable()
    try:
        tok.encode_flat(["the earth"])
        assert not gc.isenabled()
    finally:
        gc.enable()
