import pytest

from tinystudio.core.errors import ModelFileError
from tinystudio.core.tokenize import TextTokenizer

TEXTS = ["In the beginning God created the heaven and the earth.", "And the earth was without form."] * 20


def test_char_tokenizer_round_trips_known_characters_and_maps_unknown_to_unk():
    tok = TextTokenizer.train(TEXTS, kind="char")
    assert tok.kind == "char"
    ids = tok.encode("the earth")
    assert len(ids) == len("the earth")  # one token per character
    assert tok.decode(ids) == "the earth"
    unknown = tok.encode("Z")  # never seen in training
    assert unknown == [tok.unk_id]


def test_bpe_tokenizer_learns_merges_and_never_loses_text():
    tok = TextTokenizer.train(TEXTS, kind="bpe", vocab_size=400)
    assert 256 < tok.vocab_size <= 400
    text = "the earth — naïve 🙂 ünseen"
    ids = tok.encode(text)
    assert tok.decode(ids) == text  # byte-level: nothing is unknown
    assert len(tok.encode("the earth")) < len("the earth")  # merges make fewer tokens


def test_pieces_cover_the_text_with_offsets():
    tok = TextTokenizer.train(TEXTS, kind="bpe", vocab_size=400)
    text = "the heaven and the earth"
    pieces = tok.pieces(text)
    assert "".join(p.text for p in pieces) == text
    assert pieces[0].start == 0 and pieces[-1].end == len(text)
    assert all(p.id == i for p, i in zip(pieces, tok.encode(text)))


def test_save_load_gives_identical_encoding(tmp_path):
    tok = TextTokenizer.train(TEXTS, kind="char")
    tok.save(tmp_path / "tokenizer.json")
    again = TextTokenizer.load(tmp_path / "tokenizer.json")
    assert again.kind == "char"
    assert again.encode("earth form") == tok.encode("earth form")


def test_damaged_tokenizer_file_is_refused_with_a_plain_message(tmp_path):
    (tmp_path / "tokenizer.json").write_text('{"model": 42')
    with pytest.raises(ModelFileError, match="damaged"):
        TextTokenizer.load(tmp_path / "tokenizer.json")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelFileError):
        TextTokenizer.load(tmp_path / "tokenizer.json")
