"""Find out which text encoding a file uses, and refuse files that are not text.

The order matters and follows what real files look like:

1. Byte-order marks first (UTF-8-sig, UTF-32 LE/BE, UTF-16 LE/BE): they are unambiguous.
2. Well-known binary signatures (zip/xlsx, old .xls, PDF, images, archives, databases),
   so that the user hears "this is an Excel workbook" instead of "bad encoding".
3. UTF-16/32 without a BOM: zero bytes are tried as UTF-32 and UTF-16 (both byte orders),
   and the decoding with the fewest impossible characters wins (:func:`_guess_wide`).
4. Any other zero byte means binary.
5. 7-bit escape encodings (ISO-2022-JP/KR, HZ) announce themselves with escape sequences.
6. Strict UTF-8 (the large majority of modern files).
7. charset-normalizer. When it names an East Asian code page, every East Asian code page
   that decodes the bytes is scored by how much of the text falls in its *common* repertoire
   (GB2312 level 1, Big5's frequent characters, JIS X 0208 level 1 and kana, KS X 1001's
   Hangul): charset-normalizer alone mixes up Shift-JIS, EUC-JP and CP949 on short files.
   Otherwise Windows-1252 is preferred when it ties with a cousin (cp1250, latin-1, ...)
   because that is what Excel writes on Western European Windows.

Whatever encoding we choose, the file is decoded with the :data:`FALLBACK_ERRORS` error
handler: a byte that does not fit is read as Windows-1252 instead of crashing halfway
through a 500 MB file. It counts such bytes per thread (:func:`fallback_count`).
"""

from __future__ import annotations

import codecs
import os
import re
import threading
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from tinystudio.core.data.cjk_codepages import ALL_CJK, SINGLE_BYTE, best_cjk
from tinystudio.core.data.cjk_codepages import decodes as _decodes
from tinystudio.core.errors import DataError
from tinystudio.i18n import tr, tr_noop

#: How many bytes we read to guess the encoding (and to spot binary files).
SAMPLE_BYTES = 1 << 20

#: Name of the codec error handler used for every decode in this package.
FALLBACK_ERRORS = "tinystudio-cp1252-fallback"

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# (magic bytes at offset 0, what it is, what to do) — checked before any decoding.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        tr_noop("This looks like an old-style Microsoft Office file (for example an Excel .xls "
                "workbook), not a CSV file. Open it in Excel and save it as CSV (File → Save As "
                "→ CSV UTF-8)."),
    ),
    (
        b"%PDF",
        tr_noop("This is a PDF document, not a CSV or text file. Copy its text into a .txt "
                "file, or export its table as CSV."),
    ),
    (b"\x89PNG\r\n\x1a\n", tr_noop("This is a PNG picture, not a CSV or text file.")),
    (b"\xff\xd8\xff", tr_noop("This is a JPEG picture, not a CSV or text file.")),
    (b"GIF87a", tr_noop("This is a GIF picture, not a CSV or text file.")),
    (b"GIF89a", tr_noop("This is a GIF picture, not a CSV or text file.")),
    (
        b"\x1f\x8b",
        tr_noop("This is a compressed (.gz) file. Decompress it first and choose the CSV file inside."),
    ),
    (
        b"7z\xbc\xaf\x27\x1c",
        tr_noop("This is a 7-Zip archive. Extract it first and choose the CSV file inside."),
    ),
    (b"Rar!\x1a\x07", tr_noop("This is a RAR archive. Extract it first and choose the CSV file inside.")),
    (
        b"SQLite format 3\x00",
        tr_noop("This is an SQLite database, not a CSV file. Export the table you want as CSV."),
    ),
    (b"PAR1", tr_noop("This is a Parquet file, not a CSV file. Export it as CSV first.")),
)

# Control characters that never appear in real text (tab, newlines and form feed excluded).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")

# Windows-1252 leaves five bytes undefined; like browsers, we map them to the same code point.
_CP1252_TABLE: tuple[str, ...] = tuple(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)
)

_C1 = re.compile("[\x80-\x9f]")
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15"})
# DOS, Mac, HP and EBCDIC code pages: possible, but far rarer today than the Windows ones.
_LEGACY = (
    "cp4",
    "cp7",
    "cp8",
    "cp1006",
    "cp1125",
    "cp0",
    "cp1026",
    "cp1140",
    "cp273",
    "cp500",
    "mac_",
    "hp_",
)

_local = threading.local()


def _fallback_handler(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes the chosen codec rejects as Windows-1252 (and count them)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    _local.count = getattr(_local, "count", 0) + len(bad)
    return "".join(_CP1252_TABLE[b] for b in bad), exc.end


codecs.register_error(FALLBACK_ERRORS, _fallback_handler)


def reset_fallback_count() -> None:
    """Start counting replaced bytes from zero (for the current thread)."""
    _local.count = 0


def fallback_count() -> int:
    """How many bytes were read as Windows-1252 because the chosen codec rejected them."""
    return getattr(_local, "count", 0)


@dataclass(frozen=True)
class TextSample:
    """The decoded start of a file, as used by the format sniffer."""

    encoding: str
    text: str  # decoded sample (BOM removed)
    complete: bool  # True when the sample is the whole file
    size: int  # file size in bytes


def read_sample(
    path: str | os.PathLike[str], n_bytes: int = SAMPLE_BYTES, *, encoding: str | None = None
) -> TextSample:
    """Read and decode the first ``n_bytes`` of a file, refusing what is not text.

    Parameters
    ----------
    path
        The user's file.
    n_bytes
        How much to read; the encoding guess is made on this much.
    encoding
        The user's choice of encoding (a Python codec name); None to detect it.

    Returns
    -------
    TextSample
        The encoding we will use for the whole file and the decoded sample.

    Raises
    ------
    DataError
        ``file_not_found``, ``not_a_file``, ``cannot_open``, ``empty_file`` or
        ``binary_file`` (with a message saying what the file seems to be).
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise DataError(
            tr("We cannot find the file '{name}'. Was it moved or renamed?").format(name=name),
            code="file_not_found",
        )
    if os.path.isdir(name):
        raise DataError(
            tr("'{name}' is a folder, not a file. Choose the CSV or text file inside it.").format(
                name=name),
            code="not_a_file",
        )
    try:
        with open(name, "rb") as f:
            raw = f.read(n_bytes + 1)
        size = os.path.getsize(name)
    except OSError as exc:
        raise DataError(
            tr("We cannot open '{name}': another program may be using it, or you "
               "may not have permission to read it.").format(name=name),
            details=str(exc),
            code="cannot_open",
        ) from exc
    complete = len(raw) <= n_bytes
    raw = raw[:n_bytes]
    if not raw:
        raise _empty(name)
    _refuse_known_binary(raw, name)
    user_choice = encoding is not None
    encoding = detect_encoding(raw, name) if encoding is None else _check_codec(encoding)
    decoder = codecs.getincrementaldecoder(encoding)(errors=FALLBACK_ERRORS)
    before = fallback_count()
    text = decoder.decode(raw, final=complete)
    replaced = fallback_count() - before
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _empty(name)
    controls = len(_CONTROL.findall(text))
    if controls > max(2, 0.01 * len(text)) or (replaced > 0.2 * len(raw) and not user_choice):
        raise DataError(
            tr("'{name}' does not look like a text file: it contains binary data. Choose a CSV "
               "file (values separated by commas, semicolons or tabs) or a plain .txt file.").format(
                name=os.path.basename(name)),
            code="binary_file",
            details=f"{controls} control characters in the first {len(text)} characters",
        )
    return TextSample(encoding=encoding, text=text, complete=complete, size=size)


def _empty(name: str) -> DataError:
    return DataError(
        tr("The file '{name}' is empty: there is nothing to learn from.").format(
            name=os.path.basename(name)),
        code="empty_file",
    )


def _refuse_known_binary(raw: bytes, name: str) -> None:
    """Raise a specific ``binary_file`` error for files with a known signature."""
    base = os.path.basename(name)
    if raw.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if b"xl/" in raw or b"spreadsheetml" in raw:
            msg = tr("'{name}' is not a CSV file: this looks like an Excel workbook; save it as CSV "
                     "(File → Save As → CSV UTF-8), then choose the new file.").format(name=base)
        elif b"opendocument.spreadsheet" in raw:
            msg = tr("'{name}' is not a CSV file: this looks like a LibreOffice/OpenOffice "
                     "spreadsheet; save it as CSV (File → Save As → Text CSV).").format(name=base)
        elif b"word/" in raw:
            msg = tr("'{name}' is not a CSV file: this looks like a Word document; save it as "
                     "plain text (.txt) instead.").format(name=base)
        else:
            msg = tr("'{name}' is a ZIP archive, not a CSV file. Extract it first and choose "
                     "the CSV file inside.").format(name=base)
        raise DataError(msg, code="binary_file", details="zip signature PK\\x03\\x04")
    for magic, message in _SIGNATURES:
        if raw.startswith(magic):
            raise DataError(
                f"'{base}': {tr(message)}",
                code="binary_file",
                details=f"file starts with {magic[:8]!r}",
            )


def detect_encoding(raw: bytes, name: str = "") -> str:
    """Guess the codec of ``raw`` (the start of a file).

    Returns
    -------
    str
        A Python codec name: ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"utf-16-le"``,
        ``"cp1252"``, ...

    Raises
    ------
    DataError
        ``binary_file`` when there are zero bytes that are not UTF-16/32 text.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return codec
    if b"\x00" in raw:
        wide = _guess_wide(raw)
        if wide:
            return wide
        raise DataError(
            tr("'{name}' does not look like a text file: it contains binary data. Choose a CSV "
               "file (values separated by commas, semicolons or tabs) or a plain .txt file.").format(
                name=os.path.basename(name) or "?"),
            code="binary_file",
            details="zero bytes found in a file that is not UTF-16",
        )
    escaped = _guess_escape_encoding(raw)
    if escaped:
        return escaped
    if _decodes(raw, "utf-8"):
        return "utf-8"
    if _mostly_utf8(raw):
        return "utf-8"  # the stray bytes are read as Windows-1252 (and reported)
    return _guess_with_charset_normalizer(raw)


_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


def _check_codec(name: str) -> str:
    """A codec the user chose: refuse names Python does not know, in plain words."""
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise DataError(
            tr("'{name}' is not a text encoding TinyStudio knows. Choose one from the list "
               "(for example utf-8, gb18030, cp932, cp1251).").format(name=name),
            code="unknown_encoding",
        ) from exc
    return name


def _mostly_utf8(raw: bytes) -> bool:
    """UTF-8 with a few stray bytes: a file pasted together from two sources.

    Counted line by line: a line with at least two non-ASCII characters that is entirely
    valid UTF-8 seldom happens by chance in another encoding (a GBK or Shift-JIS line of
    Chinese or Japanese practically never is). When there are such lines, at least one for
    every four lines that are not valid UTF-8, the file is UTF-8 with some Windows-1252
    lines (read through the fallback handler, and reported). Guessing a single-byte code
    page instead would garble every accented letter of the UTF-8 part without any warning.
    """
    good = bad = 0
    lines = raw.split(b"\n")
    for i, line in enumerate(lines):
        if not line or max(line) < 0x80:
            continue
        try:
            text = codecs.getincrementaldecoder("utf-8")().decode(line, final=i < len(lines) - 1)
        except UnicodeDecodeError:
            bad += 1
            continue
        if len(_NON_ASCII.findall(text)) >= 2:
            good += 1
    return good > 0 and 4 * good >= bad


# -- UTF-16/32 without a BOM ------------------------------------------------------------
_WIDE = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
_IMPOSSIBLE = frozenset({"Cc", "Cn", "Co", "Cs"})  # controls, unassigned, private, surrogates


def _impossible_share(text: str) -> float:
    """Share of characters that never occur in real text (tab and newlines excepted)."""
    if not text:
        return 1.0
    bad = sum(
        1 for ch in text if ch not in "\t\n\r\f" and unicodedata.category(ch) in _IMPOSSIBLE
    )
    return bad / len(text)


def _guess_wide(raw: bytes) -> str | None:
    """UTF-32 or UTF-16 without a BOM, or None when no reading gives plausible text.

    Each wide encoding that decodes the sample strictly is scored by its share of
    impossible characters (controls, unassigned code points, surrogates): the right byte
    order gives (almost) none, the wrong one turns newlines and CJK characters into
    unassigned code points. Works on all-CJK text as well as on mostly-ASCII text.
    """
    head = raw[:65536]
    scored = []
    for codec in _WIDE:
        width = 4 if codec.startswith("utf-32") else 2
        chunk = head[: len(head) // width * width]
        try:
            text = codecs.getincrementaldecoder(codec)().decode(chunk, final=False)
        except UnicodeDecodeError:
            continue
        scored.append((_impossible_share(text), -width, codec))
    if not scored:
        return None
    share, _, codec = min(scored)
    return codec if share < 0.02 else None


# -- 7-bit escape encodings ---------------------------------------------------------------
_ESCAPES = (
    (b"\x1b$B", "iso2022_jp"),
    (b"\x1b$@", "iso2022_jp"),
    (b"\x1b$(D", "iso2022_jp_2"),
    (b"\x1b$)C", "iso2022_kr"),
)


def _guess_escape_encoding(raw: bytes) -> str | None:
    """ISO-2022-JP/KR (Japanese e-mail, old Korean) and HZ (old Chinese) are pure ASCII
    bytes with escape sequences: UTF-8 would 'read' them into garbage with control codes."""
    if max(raw, default=0) >= 0x80:
        return None
    for marker, codec in _ESCAPES:
        if marker in raw and _decodes(raw, codec):
            return codec
    if b"~{" in raw and b"~}" in raw and _decodes(raw, "hz"):
        text = codecs.getincrementaldecoder("hz")().decode(raw, final=False)
        if sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 2:
            return "hz"
    return None


def _guess_with_charset_normalizer(raw: bytes) -> str:
    """Ask charset-normalizer, with corrections learnt on short real-world files.

    - Drop answers that decode to C1 control characters (U+0080–U+009F): they never occur
      in real text, but ISO-8859-x "wins" when it maps "€" (0x80) to one.
    - Prefer today's code pages to DOS, Mac and EBCDIC ones when they are about as good.
    - When the answer is an East Asian code page, let :func:`~.cjk_codepages.best_cjk` choose between them
      (charset-normalizer often ties Shift-JIS, EUC-JP and CP949 on a few lines).
    - Prefer Windows-1252 when one of its cousins is about as good as the best answer:
      charset-normalizer often names cp1250 or a DOS code page for a French CSV. With few
      accented bytes the evidence is thin, so Windows-1252 (what Excel writes on Western
      European Windows) wins unless it is clearly worse.
    """
    results = list(from_bytes(raw)) or list(from_bytes(raw, threshold=0.5))
    plausible = [m for m in results if not _C1.search(str(m))] or results
    if not plausible:
        return best_cjk(raw) or "cp1252"
    low = min(m.chaos for m in plausible)
    modern = [m for m in plausible if not m.encoding.startswith(_LEGACY)]
    if modern and min(m.chaos for m in modern) <= low + 0.05:
        plausible = modern
    best = min(plausible, key=lambda m: (m.chaos, -m.coherence))
    if normalize_codec_name(best.encoding) in ALL_CJK:
        cjk = best_cjk(raw)
        if cjk is not None:
            return cjk
        # No East Asian reading looks like real text: a short Cyrillic or Greek file that
        # happened to decode as Shift-JIS. Ask again among today's single-byte code pages.
        single = [m for m in from_bytes(raw, cp_isolation=list(SINGLE_BYTE), threshold=0.5)
                  if not _C1.search(str(m))]  # fmt: skip
        if not single:
            return normalize_codec_name(best.encoding)
        plausible = single
        best = min(plausible, key=lambda m: (m.chaos, -m.coherence))
    accented = len(raw.translate(None, bytes(range(0x80))))
    margin = 0.02 if accented >= 20 else 1.0
    for match in plausible:
        if (
            match.chaos <= best.chaos + 0.1
            and match.coherence >= best.coherence - margin
            and _WESTERN & set(match.could_be_from_charset)
        ):
            return "cp1252"
    return normalize_codec_name(best.encoding)


#: Codec names that charset-normalizer (or a user) may give, and the superset we read with.
_SUPERSETS = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "big5": "cp950",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
}


def normalize_codec_name(name: str) -> str:
    """``"utf_16_le"`` → ``"utf-16-le"``; a code page → the superset Windows writes
    (GBK → GB18030, Shift-JIS → cp932, EUC-KR → cp949, Big5 → cp950); others unchanged."""
    name = codecs.lookup(name).name if _known(name) else name.lower()
    if name.startswith("utf"):
        return name.replace("_", "-")
    return _SUPERSETS.get(name.replace("-", "_"), name)


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
