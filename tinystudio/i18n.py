"""Interface languages: one message catalogue for the core, the CLI and the app (no Qt here).

Every visible English string is wrapped where it is used::

    from tinystudio.i18n import tr, tr_n, tr_noop

    raise DataError(tr("The file {name} is empty.").format(name=path.name))
    label = tr_n("{n} row", "{n} rows", n).format(n=n)
    TITLE = tr_noop("Accuracy")      # module level: only marked; call tr(TITLE) where it is shown

The translations live in ``tinystudio/locale/<lang>/LC_MESSAGES/tinystudio.po`` (gettext's
plain-text format, read directly: there is no compile step and nothing to keep in sync). Adding
a language is adding one such file: see ``tinystudio/locale/README.md``.

The language is chosen once per process, before windows or messages are made: ``--lang`` (or
``TINYSTUDIO_LANG``) first, then the app's saved View > Language choice, then the operating
system's language (``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` here; the app asks Qt).
Strings already made keep their language, so switching in the app takes effect on restart.
"""

from __future__ import annotations

import ast
import datetime as _dt
import os
import re
from pathlib import Path

ENGLISH = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "tinystudio"

_catalogue: dict[tuple[str, str], list[str]] = {}  # (context, msgid) -> msgstr forms
_plural_rule = None  # n -> index into the msgstr forms
_language = ENGLISH
_forced: str | None = None  # --lang on the command line


# -- translating ---------------------------------------------------------------------------
def tr(text: str) -> str:
    """``text`` in the interface language (the English text itself when not translated)."""
    if not text:  # "" is the catalogue's header entry, never a message
        return text
    forms = _catalogue.get(("", text))
    return forms[0] if forms and forms[0] else text


def tr_ctx(context: str, text: str) -> str:
    """Like :func:`tr` for a short text whose meaning depends on where it is used."""
    forms = _catalogue.get((context, text))
    return forms[0] if forms and forms[0] else text


def tr_n(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for the count ``n`` (still to be ``.format``-ed)."""
    forms = _catalogue.get(("", singular))
    if forms and _plural_rule is not None:
        i = _plural_rule(int(n))
        if 0 <= i < len(forms) and forms[i]:
            return forms[i]
    return singular if int(n) == 1 else plural


def tr_noop(text: str) -> str:
    """Mark ``text`` for translation without translating it (module-level constants):
    pass it through :func:`tr` where it is shown, so it follows the language chosen later."""
    return text


# -- numbers, percentages, dates (the conventions are entries of the catalogue too) ---------
def fmt_number(x: float, digits: int = 0) -> str:
    """``x`` with the language's digit grouping and decimal mark (``12,345.6``)."""
    s = f"{x:,.{digits}f}"
    group, point = tr_ctx("thousands separator", ","), tr_ctx("decimal separator", ".")
    if (group, point) == (",", "."):
        return s
    return s.replace(",", "\0").replace(".", point).replace("\0", group)


def fmt_percent(fraction: float, digits: int = 1) -> str:
    """``0.853`` -> ``85.3%`` (``85,3 %`` in languages that write it so)."""
    return tr_ctx("percent", "{number}%").format(number=fmt_number(fraction * 100, digits))


def fmt_datetime(when: _dt.datetime | float) -> str:
    """A date and time, written the language's way."""
    if not isinstance(when, _dt.datetime):
        when = _dt.datetime.fromtimestamp(when)
    return when.strftime(tr_ctx("date and time format (strftime)", "%Y-%m-%d %H:%M"))


def fmt_date(when: _dt.date | float) -> str:
    if not isinstance(when, _dt.date):
        when = _dt.datetime.fromtimestamp(when)
    return when.strftime(tr_ctx("date format (strftime)", "%Y-%m-%d"))


# -- choosing the language -------------------------------------------------------------------
def available_languages() -> list[str]:
    """English plus every language with a catalogue, e.g. ``["en", "zh_CN"]``."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [ENGLISH, *found]


def language_name(lang: str) -> str:
    """The language's own name for itself (shown in View > Language)."""
    if lang == ENGLISH:
        return "English"
    header = _read_po(_po_path(lang)).get(("", ""), [""])[0]
    m = re.search(r"^X-Language-Name:\s*(.+)$", header, re.M)
    return m.group(1).strip() if m else lang


def match_language(name: str | None) -> str | None:
    """The available language for a locale name (``zh_CN.UTF-8``, ``zh-Hans-CN``, ``zh``),
    or ``None``. ``C``/``POSIX`` and unknown languages give ``None``."""
    if not name:
        return None
    base = re.split(r"[.@]", name.strip())[0].replace("-", "_")
    if base in ("", "C", "POSIX"):
        return None
    langs = available_languages()
    lower = {lang.lower(): lang for lang in langs}
    if base.lower() in lower:
        return lower[base.lower()]
    parts = base.split("_")
    if len(parts) > 2:  # zh_Hans_CN -> zh_CN
        key = f"{parts[0]}_{parts[-1]}".lower()
        if key in lower:
            return lower[key]
    same = [lang for lang in langs if lang.split("_")[0].lower() == parts[0].lower()]
    return same[0] if same else None


def system_language() -> str | None:
    """The language the environment asks for (gettext's order of variables), if we have it."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if not value:
            continue
        for name in value.split(":"):
            lang = match_language(name)
            if lang:
                return lang
        if var != "LANGUAGE":  # LC_ALL=C means English, whatever LANG says
            return None
    return None


def force_language(name: str | None) -> None:
    """``--lang``: this language wins over saved settings and the system's (``None`` undoes)."""
    global _forced
    _forced = match_language(name) or ENGLISH if name else None
    if _forced:
        set_language(_forced)


def forced_language() -> str | None:
    """The language given by ``--lang`` or ``TINYSTUDIO_LANG``, if any."""
    if _forced:
        return _forced
    env = os.environ.get("TINYSTUDIO_LANG")
    return (match_language(env) or ENGLISH) if env else None


def choose_language(saved: str | None = None, system: str | None = None) -> str:
    """``--lang`` > the saved choice > the system's language > English."""
    return forced_language() or match_language(saved) or match_language(system) or ENGLISH


def set_language(lang: str | None) -> str:
    """Load ``lang``'s catalogue (English when ``None`` or unknown); returns the language set."""
    global _catalogue, _plural_rule, _language
    lang = match_language(lang) or ENGLISH
    if lang == ENGLISH:
        _catalogue, _plural_rule = {}, None
    else:
        _catalogue = _read_po(_po_path(lang))
        _plural_rule = _plural_function(_catalogue.get(("", ""), [""])[0])
    _language = lang
    return lang


def current_language() -> str:
    return _language


def setup_cli_language() -> str:
    """The CLI's language: ``--lang``/``TINYSTUDIO_LANG``, else the environment's."""
    return set_language(forced_language() or system_language())


# -- the .po reader ----------------------------------------------------------------------------
def _po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read_po(path: Path) -> dict[tuple[str, str], list[str]]:
    """Entries of a gettext ``.po`` file: ``(msgctxt, msgid) -> [msgstr forms]``.
    Fuzzy and obsolete (``#~``) entries are skipped, as gettext does."""
    entries: dict[tuple[str, str], list[str]] = {}
    for entry in parse_po(path.read_text(encoding="utf-8")):
        if "fuzzy" in entry["flags"] and entry["msgid"]:
            continue
        forms = entry["msgstr"]
        if any(forms):
            entries[(entry["msgctxt"], entry["msgid"])] = forms
    return entries


def parse_po(text: str) -> list[dict]:
    """Parse ``.po`` text into entries ``{msgctxt, msgid, msgid_plural, msgstr: [..], flags,
    comments}`` (also used by the tools that update the file)."""
    entries: list[dict] = []
    cur: dict | None = None
    field: tuple[str, int] | None = None

    def start():
        return {"msgctxt": "", "msgid": "", "msgid_plural": "", "msgstr": [], "flags": set(),
                "comments": []}

    def finish():
        nonlocal cur
        if cur is not None and (cur["msgid"] or cur["msgstr"]):
            entries.append(cur)
        cur = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
                field = None
            continue
        if line.startswith("#"):
            if cur is not None and field is not None:
                finish()
                field = None
            if cur is None:
                cur = start()
            if line.startswith("#,"):
                cur["flags"].update(f.strip() for f in line[2:].split(","))
            else:
                cur["comments"].append(raw)
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if m:
            key, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if key in ("msgctxt", "msgid") and cur is not None and field is not None and field[0] == "msgstr":
                finish()
            if key == "msgctxt" and cur is not None and field is not None and field[0] != "msgstr":
                finish()
            if cur is None:
                cur = start()
            if key == "msgstr":
                i = int(index or 0)
                while len(cur["msgstr"]) <= i:
                    cur["msgstr"].append("")
                cur["msgstr"][i] = value
                field = ("msgstr", i)
            else:
                cur[key] = value
                field = (key, 0)
        elif line.startswith('"') and cur is not None and field is not None:
            key, i = field
            if key == "msgstr":
                cur["msgstr"][i] += _unquote(line)
            else:
                cur[key] += _unquote(line)
    finish()
    return entries


def _unquote(s: str) -> str:
    return ast.literal_eval(s)


def po_quote(s: str) -> str:
    """A Python string as a ``.po`` string literal."""
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{out}"'


def _plural_function(header: str):
    """The ``Plural-Forms`` rule of a catalogue header as a function of ``n`` (C syntax
    turned into Python; only the plain expressions gettext headers use are accepted)."""
    m = re.search(r"plural=([^;\n]+)", header)
    if not m:
        return lambda n: 0 if n == 1 else 1
    expr = _strip_parens(m.group(1).strip())
    if not re.fullmatch(r"[n0-9\s()<>=!&|?:%+\-*/]+", expr):
        return lambda n: 0 if n == 1 else 1
    py = expr.replace("&&", " and ").replace("||", " or ").replace("!=", "\0").replace("!", " not ")
    py = _ternary(py.replace("\0", "!=").replace("/", "//"))
    code = compile(py, "<plural>", "eval")
    return lambda n: int(eval(code, {"__builtins__": {}}, {"n": n}))  # noqa: S307 - checked above


def _ternary(expr: str) -> str:
    """C's right-nested ``a ? b : c ? d : e`` as Python's ``(b if a else (d if c else e))``."""
    if "?" not in expr:
        return expr
    cond, rest = expr.split("?", 1)
    then, other = rest.split(":", 1)
    return f"(({then}) if ({cond}) else ({_ternary(other)}))"


def _strip_parens(expr: str) -> str:
    while expr.startswith("(") and expr.endswith(")"):
        depth = 0
        for i, ch in enumerate(expr):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(expr) - 1:
                return expr
        expr = expr[1:-1].strip()
    return expr
