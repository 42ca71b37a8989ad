"""Choose which column holds the text and which holds the labels — and say why.

The text column is the non-numeric column with the longest texts on average. The label
column (classify only) is a column whose values repeat: between 2 and
``min(100, rows / 3)`` different values, not an ID, not the text column. Names such as
"label", "category" or "sentiment" win; otherwise the right-most candidate wins (labels
usually come last). Every decision is explained in :attr:`ColumnChoice.reasons`, in words
a non-programmer can check against their spreadsheet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tinystudio.core.errors import DataError
from tinystudio.i18n import tr

# fmt: off
#: Column names that suggest free text (matched word by word, case-insensitively).
TEXT_NAMES = frozenset({
    "text", "texts", "sentence", "sentences", "review", "reviews", "content", "body",
    "message", "comment", "comments", "description", "gloss", "tweet", "document", "doc",
    "utterance", "question", "title", "headline", "abstract", "summary", "prompt", "line",
    "poem", "story", "query", "phrase", "definition", "passage", "paragraph", "article",
})
#: Column names that suggest labels.
LABEL_NAMES = frozenset({
    "label", "labels", "category", "categories", "cat", "class", "classes", "target",
    "sentiment", "topic", "topics", "tag", "tags", "intent", "genre", "emotion", "polarity",
    "rating", "stars", "y", "outcome", "annotation",
})
#: Column names that suggest row identifiers.
ID_NAMES = frozenset({
    "id", "ids", "uuid", "guid", "key", "index", "idx", "no", "nr", "num", "number", "row",
    "rowid", "pk",
})
# fmt: on

#: How many distinct label values we accept at most when guessing.
MAX_GUESSED_LABELS = 100


@dataclass(frozen=True)
class ColumnChoice:
    """Which columns we use, with the reasons in plain words."""

    text_column: str  # column name (synthesised "column 1".. if no header)
    label_column: str | None  # None for generate
    reasons: tuple[str, ...]  # e.g. "'gloss' has the longest texts (avg 58 characters)"


def name_words(name: str) -> list[str]:
    """Split a column name into lower-case words: ``"reviewText_2"`` → review, text, 2."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return re.findall(r"[a-z]+|\d+", spaced.lower())


def name_matches(name: str, vocabulary: frozenset[str]) -> bool:
    """Does a column name look like one of ``vocabulary`` ("Review Text" ~ "text")?

    The whole name may match ("y"), or one of its words of two letters or more, in a name
    of at most three words — a sentence that happens to contain "text" is not a name.
    """
    words = name_words(name)
    if name.strip().casefold() in vocabulary:
        return True
    return len(words) <= 3 and any(len(w) > 1 and w in vocabulary for w in words)


@dataclass
class _Stats:
    index: int
    name: str
    filled: int  # non-empty values in the sample
    avg_len: float
    numeric: float  # fraction of filled values that parse as numbers
    url: float  # fraction that look like links
    distinct: int
    common: list[str]  # most frequent values, for the explanations

    @property
    def label_named(self) -> bool:
        return name_matches(self.name, LABEL_NAMES)

    @property
    def id_named(self) -> bool:
        return name_matches(self.name, ID_NAMES)


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", ".", 1))
    except ValueError:
        return False
    return True


def _stats(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[_Stats]:
    out = []
    for j, name in enumerate(columns):
        values = [v for v in (r[j].strip() if j < len(r) else "" for r in rows) if v]
        n = len(values)
        counts = Counter(values)
        out.append(
            _Stats(
                index=j,
                name=name,
                filled=n,
                avg_len=sum(map(len, values)) / n if n else 0.0,
                numeric=sum(map(_is_number, values)) / n if n else 0.0,
                url=sum(v.startswith(("http://", "https://", "www.")) for v in values) / n
                if n
                else 0.0,
                distinct=len(counts),
                common=[v for v, _ in counts.most_common(3)],
            )
        )
    return out


def resolve_column(columns: Sequence[str], key: str | int, role: str = "column") -> int:
    """Find a column by name (case-insensitive) or 0-based index.

    Parameters
    ----------
    columns
        The column names of the file.
    key
        A name, or an ``int`` index; a string of digits that is not a column name is taken
        as an index too (handy for the command line).
    role
        "text column" / "label column", used in the message.

    Raises
    ------
    DataError
        ``unknown_column``, listing the columns that exist.
    """
    if isinstance(key, int) and not isinstance(key, bool):
        if 0 <= key < len(columns):
            return key
    else:
        wanted = str(key).strip()
        for j, name in enumerate(columns):
            if name == wanted:
                return j
        for j, name in enumerate(columns):
            if name.strip().casefold() == wanted.casefold():
                return j
        if wanted.isdigit() and int(wanted) < len(columns):
            return int(wanted)
    listing = ", ".join(f"'{c}'" for c in columns)
    raise DataError(
        tr("There is no {role} '{key}' in this file. The columns are: {listing} (or a number from 0 to {last}).").format(role=role, key=key, listing=listing, last=len(columns) - 1),
        code="unknown_column",
        details=f"available columns: {list(columns)}",
    )


def detect_columns(
    columns: list[str],
    sample_rows: list[list[str]],
    task: str,
    *,
    text_col: str | int | None = None,
    label_col: str | int | None = None,
) -> ColumnChoice:
    """Pick the text column (and the label column for ``task="classify"``).

    Parameters
    ----------
    columns
        Column names (synthesised ones for files without a header).
    sample_rows
        The first rows of data (a few hundred to a few thousand are plenty).
    task
        ``"classify"`` or ``"generate"`` (no label column).
    text_col, label_col
        The user's choice by name or 0-based index; overrides the guess.

    Returns
    -------
    ColumnChoice
        ``label_column`` is None for generate, or when the file has no other column.

    Raises
    ------
    DataError
        ``unknown_column`` for an override that does not exist, ``same_column`` when both
        choices are the same column, ``no_text_column`` when no column holds text.
    """
    stats = _stats(columns, sample_rows)
    reasons: list[str] = []
    t_idx = l_idx = None
    if text_col is not None:
        t_idx = resolve_column(columns, text_col, tr("text column"))
        reasons.append(tr("You chose '{column}' as the text column.").format(column=columns[t_idx]))
    if task == "classify" and label_col is not None:
        l_idx = resolve_column(columns, label_col, tr("label column"))
        reasons.append(tr("You chose '{column}' as the label column.").format(column=columns[l_idx]))
    if t_idx is not None and t_idx == l_idx:
        raise DataError(
            tr("'{column}' cannot be both the text column and the label column. Choose two different columns.").format(column=columns[t_idx]),
            code="same_column",
        )
    if t_idx is None:
        t_idx = _guess_text(stats, exclude=l_idx, n_rows=len(sample_rows), reasons=reasons)
    if task == "classify" and l_idx is None:
        l_idx = _guess_label(stats, exclude=t_idx, n_rows=len(sample_rows), reasons=reasons)
    return ColumnChoice(
        text_column=columns[t_idx],
        label_column=columns[l_idx] if l_idx is not None else None,
        reasons=tuple(reasons),
    )


def _label_limit(n_rows: int) -> int:
    return max(2, min(MAX_GUESSED_LABELS, n_rows // 3))


def _guess_text(stats: list[_Stats], exclude: int | None, n_rows: int, reasons: list[str]) -> int:
    usable = [s for s in stats if s.filled and s.index != exclude]
    if not usable:
        raise DataError(
            tr("None of the columns contains any text in the first rows of the file."),
            code="no_text_column",
        )
    limit = _label_limit(n_rows)
    good = [
        s
        for s in usable
        if s.numeric < 0.5
        and s.url < 0.8
        and not s.id_named
        and not (s.label_named and s.distinct <= limit)
    ]
    if not good:
        good = [s for s in usable if s.numeric < 0.5 and s.url < 0.8 and not s.id_named]
    if not good:
        good = [s for s in usable if s.numeric < 0.5]
    if not good:
        listing = ", ".join(f"'{s.name}'" for s in usable)
        raise DataError(
            tr("Every column holds numbers ({listing}); a text model needs a column of text such as sentences, names or descriptions.").format(listing=listing),
            code="no_text_column",
        )
    best = max(good, key=lambda s: (s.avg_len, -s.index))
    reasons.append(tr("'{name}' has the longest texts (avg {avg_len:.0f} characters).").format(name=best.name, avg_len=best.avg_len))
    # Only mention columns the user might have expected: those with longer values.
    skipped = [s for s in usable if s not in good and s.avg_len > best.avg_len]
    for s in skipped[:3]:
        why = (
            tr("it holds numbers")
            if s.numeric >= 0.5
            else tr("it holds links")
            if s.url >= 0.8
            else tr("it looks like an ID")
            if s.id_named
            else tr("it looks like labels")
        )
        reasons.append(tr("'{name}' was not used as text because {why}.").format(name=s.name, why=why))
    return best.index


def _guess_label(stats: list[_Stats], exclude: int, n_rows: int, reasons: list[str]) -> int | None:
    others = [s for s in stats if s.index != exclude and s.filled]
    if not others:
        reasons.append(tr("There is no other column that could hold the labels."))
        return None
    limit = _label_limit(n_rows)
    good = [s for s in others if 2 <= s.distinct <= limit and not s.id_named]
    if good:
        best = max(good, key=lambda s: (s.label_named, s.index))
        examples = ", ".join(f"'{v}'" for v in best.common)
        reasons.append(
            tr("'{name}' has {distinct} different values repeated many times (for example {examples}), like labels do.").format(name=best.name, distinct=best.distinct, examples=examples)
        )
        if best.label_named:
            reasons.append(tr("Its name, '{name}', also suggests labels.").format(name=best.name))
        return best.index
    # Nothing looks like labels in the sample (a file sorted by label shows one value at the
    # top). Take the most plausible column anyway; the report will say what is wrong with it.
    best = min(others, key=lambda s: (not s.label_named, s.id_named, s.distinct, -s.index))
    reasons.append(
        tr("'{name}' was the best remaining choice for labels, but its values do not look like labels ({distinct} different values in the first {n_rows} rows).").format(name=best.name, distinct=best.distinct, n_rows=n_rows)
    )
    return best.index
