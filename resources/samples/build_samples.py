#!/usr/bin/env python3
"""Build TinyStudio's bundled sample datasets from freely licensed Debian packages.

Usage (from the repository root; Debian or Ubuntu, no root needed unless the
apt package lists are empty and must be refreshed):

    python resources/samples/build_samples.py [--out-dir DIR] [--deb-dir DIR]

What it does
------------
1. Downloads the Debian packages ``wordnet-base``, ``bible-kjv`` and
   ``bible-kjv-text`` with ``apt-get download`` into a temporary directory
   (running ``apt-get update`` once if apt cannot find them and we are root),
   or takes the ``.deb`` files from ``--deb-dir`` if given. Nothing is
   installed: each package is only unpacked with ``dpkg-deb -x``.
2. ``wordnet_topics.csv`` (text classification): WordNet 3.0 synsets from
   ``/usr/share/wordnet/data.noun`` and ``data.verb``, labelled by their
   lexicographer file (see ``man 5 lexnames``; the number -> name table is read
   from the lexnames man page shipped in the same package). Eight distinct
   categories are kept and ROWS_PER_CATEGORY synsets are drawn from each.
   Columns: ``synset_id,words,gloss,category`` where ``synset_id`` is
   ``<8-digit offset>-<pos>``, ``words`` the synset's lemmas joined by ", "
   (underscores -> spaces), ``gloss`` the definition with the trailing quoted
   usage examples removed, ``category`` a short label (``animal``, ``motion``...).
3. ``kjv_pentateuch.txt`` (text generation): the King James Version text of
   Genesis through Deuteronomy, dumped with the package's own ``bible``
   program (the text package stores it in a private compressed format), one
   verse per line, verse references removed, UTF-8 with ``\\n`` line endings.

Determinism: sampling and shuffling use SHA-256 of a fixed seed string and the
synset id (no dependence on Python's ``random`` implementation, hash
randomisation, locale or file-system order), so the same package versions give
byte-identical files on every run. The package versions used are printed and
recorded in README.md next to this script.

Only the Python standard library is used. External tools required:
``apt-get`` (unless --deb-dir), ``dpkg-deb``; the ``bible`` binary from the
``bible-kjv`` package needs libreadline8 at run time (present on Debian systems
with apt).
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

WORDNET_PKG = "wordnet-base"
BIBLE_PKGS = ("bible-kjv", "bible-kjv-text")
PACKAGES = (WORDNET_PKG,) + BIBLE_PKGS

SEED = "tinystudio-samples-v1"

WORDNET_CSV = "wordnet_topics.csv"
# lexicographer file name -> friendly label (order = label order in summaries)
CATEGORIES = {
    "noun.animal": "animal",
    "noun.artifact": "artifact",
    "noun.body": "body",
    "noun.food": "food",
    "noun.location": "location",
    "noun.person": "person",
    "noun.plant": "plant",
    "verb.motion": "motion",
}
ROWS_PER_CATEGORY = 700

KJV_TXT = "kjv_pentateuch.txt"
KJV_BOOKS = ("Genesis", "Exodus", "Leviticus", "Numbers", "Deuteronomy")
KJV_MIN_BYTES = 600_000
KJV_MAX_BYTES = 1_000_000


class BuildError(RuntimeError):
    pass


# --------------------------------------------------------------------------- tools


def require_tools(names):
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        raise BuildError(
            "required tool(s) not found on PATH: %s\n"
            "This script needs a Debian-like system with apt and dpkg "
            "(packages 'apt' and 'dpkg')." % ", ".join(missing)
        )


def run(cmd, **kw):
    """Run a command, returning CompletedProcess; raise BuildError on failure."""
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("capture_output", True)
    proc = subprocess.run(cmd, **kw)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else proc.stderr
        raise BuildError("command failed (exit %d): %s\n%s" % (proc.returncode, " ".join(cmd), err or ""))
    return proc


def apt_download(packages, dest: Path):
    cmd = ["apt-get", "download", "-q"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root: apt would drop to the _apt user, who cannot write to our 0700 temp dir
        cmd += ["-o", "APT::Sandbox::User=root"]
    cmd += list(packages)
    try:
        run(cmd, cwd=dest)
        return
    except BuildError as first:
        if not (hasattr(os, "geteuid") and os.geteuid() == 0):
            raise BuildError(
                "%s\nIf apt cannot locate the packages, run 'apt-get update' as root "
                "and try again." % first
            ) from None
    print("apt-get download failed; running 'apt-get update' and retrying", file=sys.stderr)
    run(["apt-get", "update", "-q"])
    run(cmd, cwd=dest)


def find_debs(deb_dir: Path):
    debs = {}
    for pkg in PACKAGES:
        matches = sorted(deb_dir.glob(pkg + "_*.deb"))
        if len(matches) != 1:
            raise BuildError("expected exactly one %s_*.deb in %s, found %d" % (pkg, deb_dir, len(matches)))
        debs[pkg] = matches[0]
    return debs


def deb_version(deb: Path) -> str:
    return run(["dpkg-deb", "-f", str(deb), "Version"], text=True).stdout.strip()


def extract(deb: Path, root: Path):
    run(["dpkg-deb", "-x", str(deb), str(root)])


# --------------------------------------------------------------------------- WordNet


def stable_key(*parts: str) -> str:
    return hashlib.sha256(":".join((SEED,) + parts).encode("utf-8")).hexdigest()


def read_lexnames(root: Path) -> dict:
    """Lexicographer file number -> name, from the lexnames(5WN) man page."""
    man = root / "usr/share/man/man5/lexnames.5WN.gz"
    if not man.exists():
        raise BuildError("lexnames man page not found in %s: %s" % (WORDNET_PKG, man))
    table = {}
    with gzip.open(man, "rt", encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r"^(\d\d)\s+([a-z]+\.[A-Za-z]+)\s", line)
            if m:
                table[int(m.group(1))] = m.group(2)
    if len(table) != 45:
        raise BuildError("could not parse the lexnames table (got %d entries)" % len(table))
    return table


# a quoted usage example starts the tail: '; "...', ': "...', ', e.g., "...'
_EXAMPLE_START = re.compile(r'\s*[;:,]?\s*(?:e\.g\.,?\s*)?"')


def clean_gloss(gloss: str) -> str:
    gloss = " ".join(gloss.split())
    m = _EXAMPLE_START.search(gloss)
    definition = gloss[: m.start()] if m else gloss
    definition = definition.rstrip(" ;:,")
    return definition


def parse_data_file(path: Path, lexnames: dict):
    """Yield (synset_id, lexname, words, gloss) for each synset line of a data.* file."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("  "):  # licence header
                continue
            head, sep, gloss = line.partition(" | ")
            if not sep:
                raise BuildError("no gloss separator in %s: %r" % (path.name, line[:80]))
            f = head.split()
            offset, lex_filenum, ss_type, w_cnt = f[0], int(f[1]), f[2], int(f[3], 16)
            lemmas = f[4 : 4 + 2 * w_cnt : 2]
            words = []
            for lemma in lemmas:
                lemma = re.sub(r"\((a|p|ip)\)$", "", lemma).replace("_", " ")
                if lemma not in words:
                    words.append(lemma)
            yield "%s-%s" % (offset, ss_type), lexnames[lex_filenum], ", ".join(words), gloss.strip()


def build_wordnet(root: Path, out: Path):
    lexnames = read_lexnames(root)
    wn = root / "usr/share/wordnet"
    pools = collections.defaultdict(list)
    for name in ("data.noun", "data.verb"):
        for synset_id, lexname, words, gloss in parse_data_file(wn / name, lexnames):
            label = CATEGORIES.get(lexname)
            if label is None:
                continue
            definition = clean_gloss(gloss)
            if not definition or not words:
                continue
            pools[label].append((synset_id, words, definition, label))

    rows = []
    for label in CATEGORIES.values():
        pool = pools[label]
        if len(pool) < ROWS_PER_CATEGORY:
            raise BuildError("category %s has only %d synsets" % (label, len(pool)))
        pool.sort(key=lambda r: stable_key("pick", r[0]))
        rows.extend(pool[:ROWS_PER_CATEGORY])
    rows.sort(key=lambda r: stable_key("order", r[0]))

    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")  # minimal quoting, comma
        w.writerow(["synset_id", "words", "gloss", "category"])
        w.writerows(rows)
    tmp.replace(out)
    counts = collections.Counter(r[3] for r in rows)
    return len(rows), counts


# --------------------------------------------------------------------------- KJV


def dump_bible(root: Path) -> str:
    exe = root / "usr/bin/bible"
    datadir = root / "usr/lib"
    if not (datadir / "bible.data").exists():
        raise BuildError("bible.data not found in the extracted %s package" % BIBLE_PKGS[1])
    env = dict(os.environ, LC_ALL="C")
    env.pop("COLUMNS", None)
    cmd = [str(exe), "-p", str(datadir), "-l100000", "gen1:1-rev22:21"]
    try:
        proc = run(cmd, env=env)
    except BuildError as e:
        raise BuildError(
            "%s\nThe 'bible' program from %s failed. If a shared library is missing "
            "(see 'ldd %s'), install libreadline8 (apt-get install libreadline8)." % (e, BIBLE_PKGS[0], exe)
        ) from None
    return proc.stdout.decode("ascii")  # the KJV data is plain ASCII; fail loudly otherwise


def parse_bible(text: str):
    """Return an ordered dict book -> list of verse texts."""
    books = collections.OrderedDict()
    book = None
    expected = None  # (chapter, next verse number)
    for line in text.splitlines():
        if not line.strip():
            continue
        m = re.match(r"^(\S.*?) (\d+)$", line)
        if m:
            book, chapter = m.group(1), int(m.group(2))
            books.setdefault(book, [])
            expected = (chapter, 1)
            continue
        m = re.match(r"^  (\d+) (\S.*)$", line)
        if not m or book is None:
            raise BuildError("unexpected line in bible output: %r" % line[:80])
        verse = int(m.group(1))
        if verse != expected[1]:
            raise BuildError("verse numbering gap in %s %d: got %d" % (book, expected[0], verse))
        expected = (expected[0], verse + 1)
        books[book].append(" ".join(m.group(2).split()))
    return books


def build_kjv(root: Path, out: Path):
    books = parse_bible(dump_bible(root))
    total = sum(len(v) for v in books.values())
    if len(books) != 66 or total != 31102:
        raise BuildError("unexpected bible dump: %d books, %d verses" % (len(books), total))
    first = tuple(list(books)[: len(KJV_BOOKS)])
    if first != KJV_BOOKS:
        raise BuildError("unexpected book order: %s" % (first,))
    verses = [v for b in KJV_BOOKS for v in books[b]]
    data = ("\n".join(verses) + "\n").encode("utf-8")
    if not KJV_MIN_BYTES <= len(data) <= KJV_MAX_BYTES:
        raise BuildError("KJV sample is %d bytes, outside %d..%d" % (len(data), KJV_MIN_BYTES, KJV_MAX_BYTES))
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(verses), {b: len(books[b]) for b in KJV_BOOKS}


KJV_BOOKS_CSV = "kjv_books.csv"
# A second classification set, for benchmarks: which book is a verse from? Six books of
# different kinds (law, poetry, wisdom, prophecy, gospel, letter), 450 verses each.
BOOK_CLASSES = ("Genesis", "Psalms", "Proverbs", "Isaiah", "Matthew", "Romans")
VERSES_PER_BOOK = 450


def build_kjv_books(root: Path, out: Path):
    books = parse_bible(dump_bible(root))
    rows = []
    for book in BOOK_CLASSES:
        verses = books[book]
        chosen = sorted(range(len(verses)), key=lambda i: stable_key("book", book, str(i)))[:VERSES_PER_BOOK]
        rows.extend((verses[i], book) for i in sorted(chosen))
    rows.sort(key=lambda r: stable_key("shuffle-books", r[1], r[0]))
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["verse", "book"])
        writer.writerows(rows)
    tmp.replace(out)
    return len(rows)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", type=Path, default=HERE, help="where to write the samples (default: next to this script)")
    ap.add_argument("--deb-dir", type=Path, help="use the .deb files in this directory instead of downloading")
    args = ap.parse_args(argv)

    try:
        require_tools(["dpkg-deb"] + ([] if args.deb_dir else ["apt-get"]))
        args.out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="tinystudio-samples-") as tmpdir:
            tmp = Path(tmpdir)
            if args.deb_dir:
                debs = find_debs(args.deb_dir)
            else:
                dl = tmp / "debs"
                dl.mkdir()
                apt_download(PACKAGES, dl)
                debs = find_debs(dl)
            root = tmp / "root"
            root.mkdir()
            for pkg, deb in debs.items():
                print("using %s %s (%s)" % (pkg, deb_version(deb), deb.name))
                extract(deb, root)

            n, counts = build_wordnet(root, args.out_dir / WORDNET_CSV)
            print("wrote %s: %d rows, %d bytes" % (WORDNET_CSV, n, (args.out_dir / WORDNET_CSV).stat().st_size))
            for label, c in sorted(counts.items()):
                print("  %-10s %d" % (label, c))

            n, per_book = build_kjv(root, args.out_dir / KJV_TXT)
            print("wrote %s: %d verses, %d bytes" % (KJV_TXT, n, (args.out_dir / KJV_TXT).stat().st_size))
            for book, c in per_book.items():
                print("  %-12s %d" % (book, c))

            n = build_kjv_books(root, args.out_dir / KJV_BOOKS_CSV)
            print("wrote %s: %d rows, %d bytes" % (KJV_BOOKS_CSV, n, (args.out_dir / KJV_BOOKS_CSV).stat().st_size))
    except BuildError as e:
        print("build_samples: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
