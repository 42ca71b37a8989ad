"""Which East Asian code page a file is in: GB18030/GBK, Big5, Shift-JIS, EUC-JP or EUC-KR.

These multi-byte code pages overlap: the same bytes often decode without error in several
of them, and charset-normalizer alone mixes up Shift-JIS, EUC-JP and CP949 on short files.
:func:`best_cjk` decodes the bytes with each and scores how much of the text falls in the
*common* repertoire of the code page's language (GB2312 level 1, Big5's frequent characters,
JIS X 0208 level 1 and kana, KS X 1001's Hangul), checks that the script mix fits the
language (Japanese has kana, Chinese has none, Korean is mostly Hangul), and breaks near-ties
with the language's most frequent characters (charset-normalizer's tables). The rule is
tested on real Chinese, Japanese and Korean prose in tests/core/test_data_encodings.py.
"""

from __future__ import annotations

import codecs

from charset_normalizer.constant import FREQUENCIES


def decodes(raw: bytes, codec: str) -> bool:
    """Does ``raw`` decode strictly? (The sample may end inside a multi-byte character.)"""
    try:
        codecs.getincrementaldecoder(codec)().decode(raw, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


#: The East Asian code pages we consider, as Python codecs (Windows' supersets where they
#: exist: cp932 for Shift-JIS, cp949 for EUC-KR, cp950 for Big5, GB18030 for GBK/GB2312).
CJK_CODECS = ("gb18030", "cp950", "cp932", "euc_jp", "cp949")
_CHINESE = frozenset({"gb18030", "cp950", "big5hkscs"})
_JAPANESE = frozenset({"cp932", "euc_jp", "euc_jis_2004", "shift_jis_2004", "shift_jisx0213"})
_KOREAN = frozenset({"cp949", "johab"})
#: Every East Asian code page name we may meet (after :func:`normalize_codec_name`).
ALL_CJK = _CHINESE | _JAPANESE | _KOREAN


def _in_range(ch: str, codec: str, lead: tuple[int, int], trail: tuple[int, int] = (0, 255)) -> bool:
    try:
        b = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and lead[0] <= b[0] <= lead[1] and trail[0] <= b[1] <= trail[1]


def _kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f"


def _punctuation(ch: str) -> bool:
    """CJK and full-width punctuation, and letters of the Latin-1 range."""
    return "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or ch <= "\u00ff"


def _common(ch: str, codec: str) -> bool:
    """Is ``ch`` a character that text in ``codec``'s language uses every day?"""
    if _punctuation(ch):
        return True
    ideograph = "\u4e00" <= ch <= "\u9fff"
    if codec in _CHINESE:
        # GB2312 level 1 (3,755 most used simplified) or Big5's 5,401 frequent characters.
        return ideograph and (
            _in_range(ch, "gb2312", (0xB0, 0xD7)) or _in_range(ch, "big5", (0xA4, 0xC5))
        )
    if codec in _JAPANESE:
        # Kana, and JIS X 0208 level 1 kanji (2,965 most used).
        return _kana(ch) or (ideograph and _in_range(ch, "euc_jp", (0xB0, 0xCF)))
    if codec in _KOREAN:
        # The 2,350 Hangul syllables of KS X 1001 and the letters (jamo) people type alone
        # ("ㅋㅋ"); Hanja are rare in modern Korean.
        return ("\u3131" <= ch <= "\u318e") or (
            "\uac00" <= ch <= "\ud7a3" and _in_range(ch, "euc_kr", (0xB0, 0xC8))
        )
    return False


def cjk_score(text: str, codec: str) -> tuple[float, int]:
    """How much ``text`` looks like everyday text of ``codec``'s language.

    Returns the share of the distinct non-ASCII characters that are common in that
    language, halved when the script mix is wrong for it (Japanese without kana, Chinese
    with kana, Korean with little Hangul), and the number of non-ASCII characters.
    """
    wide = [ch for ch in text if ch > "\x7f"]
    if not wide:
        return 0.0, 0
    distinct = set(wide)
    share = sum(1 for ch in distinct if _common(ch, codec)) / len(distinct)
    kana = sum(1 for ch in wide if _kana(ch)) / len(wide)
    hangul = sum(1 for ch in wide if "\uac00" <= ch <= "\ud7a3") / len(wide)
    if (
        (codec in _JAPANESE and kana < 0.05)
        or (codec in _CHINESE and kana > 0.05)
        or (codec in _KOREAN and hangul < 0.3)
    ):
        share /= 2
    return share, len(wide)


#: Today's single-byte code pages (Windows and KOI8), asked when an East Asian guess fails.
SINGLE_BYTE = (
    "cp1252", "cp1250", "cp1251", "koi8_r", "koi8_u", "cp1253", "cp1254", "cp1255", "cp1256",
    "cp1257", "cp1258",
)


def _frequent(codec: str) -> frozenset[str]:
    """The most frequent characters of ``codec``'s language (charset-normalizer's tables)."""
    if codec in _CHINESE:
        names = ("Chinese",)
    elif codec in _JAPANESE:
        names = ("Japanese", "Japanese—", "Japanese——")
    else:
        names = ("Korean",)
    return frozenset(ch for name in names for ch in FREQUENCIES.get(name, ()))


def best_cjk(raw: bytes, at_least: float = 0.6) -> str | None:
    """The East Asian code page whose reading of ``raw`` looks most like everyday text.

    First the share of common characters (:func:`cjk_score`). EUC-KR's Hangul and GB2312's
    level-1 characters sit on the same bytes, so a Korean file read as GB18030 is just as
    "common"; among readings within 0.1 of the best, the one whose language's most frequent
    characters cover most of the text wins. None when no reading reaches ``at_least``.
    """
    scored = []
    for codec in CJK_CODECS:
        if not decodes(raw, codec):
            continue
        text = codecs.getincrementaldecoder(codec)().decode(raw, final=False)
        share, n = cjk_score(text, codec)
        if n:
            frequent = _frequent(codec)
            coverage = sum(1 for ch in text if ch in frequent) / n
            scored.append((share, coverage, codec))
    if not scored:
        return None
    top = max(share for share, _, _ in scored)
    if top < at_least:
        return None
    near = [s for s in scored if s[0] >= top - 0.1]
    return max(near, key=lambda s: (s[1], s[0]))[2]
