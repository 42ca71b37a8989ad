"""Every common text encoding reads back exactly, and valid text is never called binary.

The CJK cases encode real prose (tests/data/cjk, from CPython's codec test data) at run time,
in long and short files, with and without an ASCII header row; the others use short phrases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tinystudio.core.data import inspect_data, preview, sniff_format
from tinystudio.core.data.encoding import detect_encoding, normalize_codec_name, read_sample

CJK = Path(__file__).resolve().parent.parent / "data" / "cjk"

#: language file -> the encodings people save it in
CJK_ENCODINGS = {
    "zh_hans.txt": ["gb18030", "gbk", "gb2312", "hz"],
    "zh_hant.txt": ["big5", "cp950"],
    "ja.txt": ["shift_jis", "cp932", "euc_jp", "iso2022_jp"],
    "ko.txt": ["euc_kr", "cp949"],
}
WIDE = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


def _lines(name: str, codec: str) -> list[str]:
    """The file's non-blank lines that this codec can write and Windows' superset of it reads
    back the same (CPython's Korean sample also tests EUC-KR's rare 8-byte composed
    syllables, which CP949 — what Windows writes and we read with — does not have)."""
    out = []
    for line in (CJK / name).read_text(encoding="utf-8").splitlines():
        line = line.strip().replace('"', "")
        try:
            if line and line.encode(codec).decode(normalize_codec_name(codec)) == line:
                out.append(line)
        except UnicodeError:
            continue
    return out


def _variants(lines: list[str]) -> dict[str, str]:
    """Long and short files, with and without an ASCII header row."""
    rows = [f'"{line}",{"ab"[i % 2]}' for i, line in enumerate(lines)]
    long_rows = [f'"{line}",{"ab"[i % 2]}' for i in range(400) for line in lines[i % len(lines) :][:1]]
    return {
        "prose": "\n".join(lines) + "\n",
        "csv with header": "text,label\n" + "\n".join(rows) + "\n",
        "long csv with header": "text,label\n" + "\n".join(long_rows) + "\n",
        "long csv without header": "\n".join(long_rows) + "\n",
        "one line": lines[0] + "\n",
        "two rows with header": f"text,label\n{lines[1]},a\n{lines[2]},b\n",
        "two short cells with header": f"text,label\n{lines[1][:8]},a\n{lines[2][:8]},b\n",
        "two short cells": f"{lines[1][:10]},a\n{lines[2][:10]},b\n",
    }


CASES = [
    (name, codec, variant)
    for name, codecs in CJK_ENCODINGS.items()
    for codec in codecs
    for variant in _variants(_lines(name, codec))
] + [
    (name, codec, variant)
    for name in ("zh_hans.txt", "ja.txt")
    for codec in WIDE
    for variant in ("prose", "csv with header", "one line", "two short cells")
]


@pytest.mark.parametrize(("name", "codec", "variant"), CASES)
def test_real_cjk_text_reads_back_exactly(tmp_path, name, codec, variant):
    text = _variants(_lines(name, codec))[variant]
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode(codec))
    sample = read_sample(path)
    assert sample.text == text, f"read as {sample.encoding}"


def test_cjk_csv_is_inspected_with_its_columns_and_labels(tmp_path):
    lines = _lines("zh_hans.txt", "gbk")
    rows = "".join(f"{line},{'技术' if i % 2 else '语言'}\n" for i, line in enumerate(lines * 10))
    path = tmp_path / "excel_chinese_windows.csv"
    path.write_bytes(("文本,类别\n" + rows).encode("gbk"))
    report = inspect_data(path)
    assert report.format.encoding == "gb18030"
    assert report.columns == ["文本", "类别"]
    assert set(report.class_counts) == {"技术", "语言"}
    assert "GB18030" in report.format.describe()


SHORT = {
    "koi8_r": "текст,метка\nПривет, как дела у тебя сегодня?,да\nЭто очень плохой день для прогулки,нет\n",
    "cp1251": "текст,метка\nПривет, как дела у тебя сегодня?,да\nЭто очень плохой день для прогулки,нет\n",
    "cp1250": "tekst,etykieta\nZażółć gęślą jaźń, proszę bardzo,tak\nŹródło wiedzy jest w książce,nie\n",
    "cp1252": "texte,étiquette\nC'était très agréable, merci beaucoup,oui\nLe café était froid,non\n",
    "cp1253": "κείμενο,ετικέτα\nΚαλημέρα, τι κάνεις σήμερα;,ναι\nΑυτή είναι μια κακή μέρα,όχι\n",
    "cp1255": "טקסט,תווית\nשלום, מה שלומך היום?,כן\nזה יום רע מאוד לטיול,לא\n",
    "cp1256": "نص,تسمية\nمرحبا، كيف حالك اليوم؟,نعم\nهذا يوم سيئ جدا للنزهة,لا\n",
}
#: Short texts that charset-normalizer cannot tell from Windows-1252 (their accented letters
#: are Windows-1252 letters too): read as Windows-1252 unless the user chooses.
CHOSEN = {
    "cp1254": "metin,etiket\nBugün hava çok güzel, değil mi?,evet\nŞu ağaçların gölgesi serin,hayır\n",
    "cp1257": "tekstas,žymė\nŠiandien labai gražus oras, ar ne?,taip\nČia šaltas vanduo ežere,ne\n",
}


@pytest.mark.parametrize("codec", sorted(SHORT))
def test_single_byte_code_pages_read_back(tmp_path, codec):
    path = tmp_path / "data.csv"
    path.write_bytes(SHORT[codec].encode(codec))
    sample = read_sample(path)
    assert sample.text == SHORT[codec], f"read as {sample.encoding}"


@pytest.mark.parametrize("codec", sorted(CHOSEN))
def test_ambiguous_short_code_pages_read_back_when_chosen(tmp_path, codec):
    path = tmp_path / "data.csv"
    path.write_bytes(CHOSEN[codec].encode(codec))
    assert read_sample(path).text != CHOSEN[codec]  # what the list of encodings is for
    assert read_sample(path, encoding=codec).text == CHOSEN[codec]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_all_cjk_wide_text_without_bom_is_text_not_binary(tmp_path, codec):
    """No ASCII at all, so no zero bytes in a regular pattern: still text."""
    text = "".join(_lines("zh_hans.txt", "gbk")[0].split())[:30]
    assert detect_encoding(text.encode(codec)) == codec


def test_the_user_can_choose_the_encoding(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("文本,类别\n你好,问候\n再见,告别\n".encode("gbk"))
    fmt, columns, rows = preview(path, encoding="big5")  # wrong on purpose: read anyway
    assert fmt.encoding == "big5" and columns != ["文本", "类别"]
    fmt = sniff_format(path, encoding="gbk")
    assert fmt.encoding == "gbk"
    _fmt, columns, rows = preview(path, encoding="gbk")
    assert columns == ["文本", "类别"] and rows[0] == ["你好", "问候"]


def test_an_unknown_encoding_name_is_a_plain_error(tmp_path):
    from tinystudio.core.errors import DataError

    path = tmp_path / "data.csv"
    path.write_text("text,label\na,b\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_sample(path, encoding="klingon-8")
    assert err.value.code == "unknown_encoding"
