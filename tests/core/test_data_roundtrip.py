"""Property test: whatever Python's csv writer produces, in any of our encodings and
separators, with or without a header, comes back unchanged."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinystudio.core.data import load_dataset

# Pieces that stress quoting: separators, quotes, newlines, accents, the euro sign, numbers.
WORDS = ["hello", "world", "café", "naïve", "€5", "it's", 'say "hi"', "a,b", "x;y",
         "tab\there", "pipe|d", "line\nbreak", "Zürich", "ok", "end.", "42", "3.5"]  # fmt: skip
HEADERS = [("text", "label"), ("review", "sentiment"), ("Sentence", "Category"), None]


@st.composite
def tables(draw):
    n = draw(st.integers(10, 60))
    texts = [
        " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))) for _ in range(n)
    ]
    labels = draw(st.lists(st.sampled_from(["pos", "neg", "neutral", "0", "1"]), min_size=n,
                           max_size=n))  # fmt: skip
    if len(set(labels)) < 2 or sorted(labels.count(x) for x in set(labels))[-2] < 3:
        labels[:6] = ["pos", "neg"] * 3  # two labels with the 3 examples a split needs
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return texts, labels, delimiter, encoding, draw(st.sampled_from(HEADERS))


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(tables())
def test_csv_round_trip(table):
    texts, labels, delimiter, encoding, header = table
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(zip(texts, labels, strict=True))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        data = load_dataset(path, text_col=0, label_col=1)
    fmt = data.report.format
    assert (fmt.delimiter, fmt.has_header) == (delimiter, header is not None)
    assert data.texts == [t.strip() for t in texts]
    assert [data.label_names[i] for i in data.labels] == labels
