"""A set of data files as users really make them: wrong encodings, odd separators, broken rows.

``build_malformed_set(directory)`` writes them (idempotently) and returns name -> path. The
test modules call it from a session-scoped fixture, writing into ``tests/data/`` (git-ignored).
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

#: tests/data/malformed, next to tests/core.
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "malformed"

# Enough varied rows for a two-label file that has nothing else wrong.
_FOOD = [
    "Café crème à 3€ le matin",
    "Une crêpe au sucre s'il vous plaît",
    "Le gâteau était délicieux",
    "Soupe à l'oignon gratinée",
    "Un croissant et un thé",
]
_TRAVEL = [
    "Le train pour Zürich part à 8h",
    "Vol annulé à cause de la grève",
    "Hôtel près de la gare",
    "Visite guidée du château",
    "Billet aller-retour pour Nîmes",
]


def _pairs(n: int = 40) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        pool, label = (_FOOD, "food") if i % 2 == 0 else (_TRAVEL, "travel")
        out.append((f"{pool[i % len(pool)]} n°{i}", label))
    return out


def _csv(
    rows: list[tuple[str, ...]], sep: str = ",", header: tuple[str, ...] | None = ("text", "label")
) -> str:
    lines = [sep.join(header)] if header else []
    lines += [sep.join(r) for r in rows]
    return "\n".join(lines) + "\n"


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _files() -> dict[str, bytes]:
    pairs = _pairs()
    quoted_pairs = [(_quoted(t), lab) for t, lab in pairs]
    files: dict[str, bytes] = {}

    # --- encodings ---------------------------------------------------------------------------
    files["cp1252.csv"] = _csv(quoted_pairs).encode("cp1252")
    files["utf16_bom.csv"] = _csv(quoted_pairs).encode("utf-16")  # BOM + native order
    files["utf16le_nobom.csv"] = _csv(quoted_pairs).encode("utf-16-le")
    files["utf8_bom.csv"] = _csv(quoted_pairs).encode("utf-8-sig")
    files["utf8.csv"] = _csv(quoted_pairs).encode("utf-8")
    # ASCII for more than the 1 MB encoding sample, then a Windows-1252 "é" and "€".
    filler = "".join(
        f"plain ascii sentence number {i},{'a' if i % 2 else 'b'}\n" for i in range(30_000)
    )
    files["mixed_encoding.csv"] = (
        b"text,label\n" + filler.encode("ascii") + "Café à 5€,a\n".encode("cp1252")
    )

    # --- separators ----------------------------------------------------------------------------
    semi = [(t, lab, f"{i},5") for i, (t, lab) in enumerate(pairs)]  # decimal commas
    files["semicolon.csv"] = _csv(semi, ";", ("text", "label", "price")).encode("utf-8")
    files["tabs.tsv"] = _csv(pairs, "\t").encode("utf-8")
    files["tabs.csv"] = _csv(pairs, "\t").encode("utf-8")
    files["pipe.csv"] = _csv(pairs, "|").encode("utf-8")
    files["excel_tabs.txt"] = _csv(pairs, "\t").encode("utf-8")  # Excel "Text (Tab delimited)"
    # Excel "Unicode Text": UTF-16 with BOM, tabs, Windows line ends, named .txt.
    files["excel_unicode.txt"] = _csv(pairs, "\t").replace("\n", "\r\n").encode("utf-16")

    # --- broken structure ----------------------------------------------------------------------
    multi = [
        (_quoted(f'Line one of {i}\nline two with "quotes", commas'), lab)
        for i, (_, lab) in enumerate(pairs)
    ]
    files["quoted_newlines.csv"] = _csv(multi).encode("utf-8")
    ragged = [f"{t},{lab}" for t, lab in pairs]
    ragged[4] = "I liked it, really, a lot,food"  # unquoted commas: 4 fields
    ragged[9] = "no label here"  # 1 field
    ragged[14] = "Billet, aller, retour,travel"
    files["ragged.csv"] = ("text,label\n" + "\n".join(ragged) + "\n").encode("utf-8")
    files["no_header.csv"] = _csv(pairs, header=None).encode("utf-8")
    unclosed = [f"{t},{lab}" for t, lab in pairs]
    unclosed[30] = '"this quote never closes,food'
    files["unclosed_quote.csv"] = ("text,label\n" + "\n".join(unclosed) + "\n").encode("utf-8")
    big_cell = "word " * 400_000  # 2 MB, > csv's default 128 KB limit
    files["huge_field.csv"] = _csv([(_quoted(big_cell), "food")] + quoted_pairs).encode("utf-8")
    files["blank_lines.csv"] = (
        "text,label\n\n" + "\n\n".join(f"{t},{lab}" for t, lab in pairs) + "\n\n\n"
    ).encode("utf-8")

    # --- empty and not-text files --------------------------------------------------------------
    files["empty.csv"] = b""
    files["whitespace.csv"] = b"  \n\n \r\n"
    files["header_only.csv"] = b"text,label\n"
    rnd = random.Random(0)
    files["binary.csv"] = bytes(rnd.randrange(256) for _ in range(4096))
    files["png.csv"] = b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(512))
    files["pdf.csv"] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("inside.csv", _csv(pairs))
    files["archive.csv"] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # the skeleton of an .xlsx workbook
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    files["workbook.xlsx"] = buf.getvalue()
    files["workbook_renamed.csv"] = buf.getvalue()

    # --- label problems ------------------------------------------------------------------------
    files["one_class.csv"] = _csv([(t, "food") for t, _ in pairs]).encode("utf-8")
    files["distinct_labels.csv"] = _csv(
        [(t, f"L{i:03d}") for i, (t, _) in enumerate(pairs)]
    ).encode("utf-8")
    missing = list(pairs)
    for row, placeholder in zip(
        (2, 5, 8, 11, 17, 23, 29), ("", "N/A", "NA", "nan", "null", "None", "-"), strict=True
    ):
        missing[row] = (missing[row][0], placeholder)
    missing[20] = ("", "food")  # empty text
    files["missing_labels.csv"] = _csv(missing).encode("utf-8")
    case = [(t, {"food": "Spam", "travel": "ham"}[lab]) for t, lab in pairs]
    case[3] = (case[3][0], "spam")
    case[7] = (case[7][0], "spam")
    case[10] = (case[10][0], " ham ")
    files["case_labels.csv"] = _csv(case).encode("utf-8")
    small = list(pairs) + [
        ("Rare example one", "rare"),
        ("Rare example two", "rare"),
        ("Lonely example", "lonely"),
    ]
    files["small_classes.csv"] = _csv(small).encode("utf-8")
    files["all_empty_text.csv"] = _csv([("", lab) for _, lab in pairs]).encode("utf-8")
    files["one_column.csv"] = ("text\n" + "\n".join(t for t, _ in pairs) + "\n").encode("utf-8")
    files["numbers.csv"] = ("a,b\n" + "\n".join(f"{i},{i * 2}" for i in range(30)) + "\n").encode()

    # --- plain text corpus ---------------------------------------------------------------------
    corpus = [
        "In the beginning was the word.",
        "",
        "And the word was short.",
        "   ",
        "Then came a second, longer line, with commas; and a semicolon.",
        "The end.",
    ]
    files["corpus.txt"] = ("\n".join(corpus) + "\n").encode("utf-8")
    files["corpus_crlf.txt"] = ("\r\n".join(corpus) + "\r\n").encode("cp1252")
    return files


def build_malformed_set(directory: Path = DATA_DIR) -> dict[str, Path]:
    """Write every malformed file into ``directory`` (only when changed); return name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, content in _files().items():
        path = directory / name
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
        paths[name] = path
    return paths
