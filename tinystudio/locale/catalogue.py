"""Find the translatable strings in the source and keep the ``.po`` files up to date.

    python -m tinystudio.locale.catalogue update          # every language's .po
    python -m tinystudio.locale.catalogue new fr "Français"   # start a new language
    python -m tinystudio.locale.catalogue check           # untranslated / broken entries

Strings are found by reading the source (``ast``), not by running it: the first argument of
``tr()``, ``tr_noop()``, ``tr_n()`` (and its plural) and the second of ``tr_ctx()``.
"""

from __future__ import annotations

import ast
import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tinystudio.i18n import DOMAIN, LOCALE_DIR, parse_po, po_quote

PACKAGE = Path(__file__).resolve().parent.parent
FUNCS = {"tr": 0, "tr_noop": 0, "tr_n": 0, "tr_ctx": 1}


@dataclass
class Message:
    msgid: str
    context: str = ""
    plural: str = ""
    places: list[str] = field(default_factory=list)


@dataclass
class Problem:
    place: str
    what: str


def extract(root: Path = PACKAGE) -> tuple[dict[tuple[str, str], Message], list[Problem]]:
    """Every translatable message in the package, in source order, and the calls whose text
    cannot be translated (an f-string or a variable inside ``tr()`` is only known at run time)."""
    found: dict[tuple[str, str], Message] = {}
    problems: list[Problem] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                       key=lambda n: (n.lineno, n.col_offset))
        at_import = _import_time_nodes(tree)
        called = {c.func.id for c in calls if isinstance(c.func, ast.Name) and c.func.id in FUNCS}
        for n in ast.walk(tree):  # a local `tr = ...` would hide the function in its scope
            name = n.id if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) else (
                n.arg if isinstance(n, ast.arg) else None)
            if name in called:
                problems.append(Problem(f"{rel}:{n.lineno}", f"the name {name!r} is reused for a "
                                        "variable here; rename the variable"))
        for node in calls:
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else None)
            if name not in FUNCS or len(node.args) <= FUNCS[name]:
                continue
            place = f"{rel}:{node.lineno}"
            if name != "tr_noop" and id(node) in at_import:
                problems.append(Problem(place, f"{name}() runs at import time, before the language "
                                               "is chosen: use tr_noop() there and tr() where shown"))
            arg = node.args[FUNCS[name]]
            text = _const(arg)
            if text is None:
                # tr(variable) translates a string marked elsewhere: fine; an f-string is not.
                if isinstance(arg, ast.JoinedStr):
                    problems.append(Problem(place, f"{name}() of an f-string cannot be translated; "
                                                   "use tr('... {x}').format(x=...)"))
                continue
            context = ""
            if name == "tr_ctx":
                context = _const(node.args[0]) or ""
            plural = ""
            if name == "tr_n":
                plural = _const(node.args[1]) if len(node.args) > 1 else None
                if plural is None:
                    problems.append(Problem(place, "tr_n() needs two literal strings"))
                    continue
            msg = found.setdefault((context, text), Message(text, context, plural))
            msg.places.append(place)
            if plural and not msg.plural:
                msg.plural = plural
    return found, problems


def _import_time_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes evaluated when the module is imported: module and class bodies
    (not function bodies or lambdas) and the default values of function parameters."""
    found: set[int] = set()

    def visit(node, running: bool):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for d in [*node.args.defaults, *node.args.kw_defaults, *getattr(node, "decorator_list", [])]:
                if d is not None:
                    visit(d, running)
            return
        if running:
            found.add(id(node))
        for child in ast.iter_child_nodes(node):
            visit(child, running)

    visit(tree, True)
    return found


def _const(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "a" "b" split over + lines
        left, right = _const(node.left), _const(node.right)
        return left + right if left is not None and right is not None else None
    return None


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a str.format text (sorted), to check a translation keeps them."""
    try:
        return sorted({f[1] for f in string.Formatter().parse(text) if f[1] is not None})
    except ValueError:
        return ["<broken braces>"]


# -- the .po files -------------------------------------------------------------------------
def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read(lang: str) -> tuple[str, dict[tuple[str, str], dict]]:
    entries = parse_po(po_path(lang).read_text(encoding="utf-8"))
    header = next((e["msgstr"][0] for e in entries if not e["msgid"] and not e["msgctxt"]), "")
    return header, {(e["msgctxt"], e["msgid"]): e for e in entries if e["msgid"]}


def write(lang: str, header: str, messages: dict[tuple[str, str], Message],
          old: dict[tuple[str, str], dict]) -> None:
    """Write ``lang``'s .po: every message of the source, in source order, keeping the existing
    translations (messages no longer in the source are dropped)."""
    nplurals = int((re.search(r"nplurals=(\d+)", header) or ["", "2"])[1])
    out = ['msgid ""', "msgstr " + _multiline(header), ""]
    for key, msg in messages.items():
        prev = old.get(key, {})
        files = dict.fromkeys(p.rsplit(":", 1)[0] for p in msg.places)  # no line numbers: less churn
        out.append("#: " + " ".join(list(files)[:3]))
        flags = sorted(set(prev.get("flags", set())) - {"python-brace-format"}
                       | ({"python-brace-format"} if placeholders(msg.msgid) else set()))
        if flags:
            out.append("#, " + ", ".join(flags))
        if msg.context:
            out.append("msgctxt " + po_quote(msg.context))
        out.append("msgid " + _multiline(msg.msgid))
        forms = list(prev.get("msgstr", []))
        if msg.plural:
            out.append("msgid_plural " + _multiline(msg.plural))
            forms += [""] * (nplurals - len(forms))
            for i in range(nplurals):
                out.append(f"msgstr[{i}] " + _multiline(forms[i]))
        else:
            out.append("msgstr " + _multiline(forms[0] if forms else ""))
        out.append("")
    po_path(lang).parent.mkdir(parents=True, exist_ok=True)
    po_path(lang).write_text("\n".join(out), encoding="utf-8")


def _multiline(text: str) -> str:
    if "\n" not in text[:-1]:
        return po_quote(text)
    parts = text.splitlines(keepends=True)
    return '""\n' + "\n".join(po_quote(p) for p in parts)


def check(lang: str, messages=None) -> list[Problem]:
    """Messages of the source without a translation in ``lang``, and translations whose
    ``{placeholders}`` differ from the English text's (they would fail when formatted)."""
    if messages is None:
        messages, _problems = extract()
    _header, entries = read(lang)
    problems = []
    for key, msg in messages.items():
        where = msg.places[0]
        entry = entries.get(key)
        if entry is None or not any(entry["msgstr"]) or "fuzzy" in entry["flags"]:
            problems.append(Problem(where, f"not translated: {msg.msgid!r}"))
            continue
        want = placeholders(msg.msgid) if not msg.plural else placeholders(msg.plural)
        for form in entry["msgstr"]:
            if not form:
                problems.append(Problem(where, f"a plural form is empty: {msg.msgid!r}"))
            elif placeholders(form) != want and not (msg.plural and placeholders(form) == placeholders(msg.msgid)):
                problems.append(Problem(where, f"{{placeholders}} differ: {msg.msgid!r} -> {form!r}"))
    return problems


HEADER = """Project-Id-Version: TinyStudio
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
Language: {lang}
X-Language-Name: {name}
Plural-Forms: {plural}
"""


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    messages, problems = extract()
    if cmd == "new":
        lang, name = argv[1], argv[2]
        plural = argv[3] if len(argv) > 3 else "nplurals=2; plural=(n != 1);"
        if po_path(lang).exists():
            print(f"{po_path(lang)} exists already")
            return 1
        write(lang, HEADER.format(lang=lang, name=name, plural=plural), messages, {})
        print(f"wrote {po_path(lang)}: {len(messages)} messages to translate")
        return 0
    if cmd == "update":
        for lang in languages():
            header, old = read(lang)
            write(lang, header, messages, old)
            print(f"{lang}: {len(messages)} messages")
    for p in problems:
        print(f"{p.place}: {p.what}")
    bad = len(problems)
    for lang in languages():
        missing = check(lang, messages)
        bad += len(missing)
        for p in missing:
            print(f"{lang} {p.place}: {p.what}")
    return 1 if bad and cmd == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
