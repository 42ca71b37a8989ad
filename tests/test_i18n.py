"""Interface languages: every marked string has a Chinese translation, the language is chosen
the documented way, and the app factory installs it (ours and Qt's own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tinystudio import i18n
from tinystudio.locale import catalogue

ROOT = Path(__file__).resolve().parent.parent  # the checkout under test, not an installed copy


@pytest.fixture
def restore_language(monkeypatch):
    yield
    i18n.force_language(None)
    i18n.set_language(i18n.ENGLISH)


def test_every_marked_string_has_a_translation_in_every_language():
    messages, problems = catalogue.extract()
    assert not problems, "\n".join(f"{p.place}: {p.what}" for p in problems)
    assert len(messages) > 40
    langs = catalogue.languages()
    assert "zh_CN" in langs
    for lang in langs:
        missing = catalogue.check(lang, messages)
        assert not missing, f"{lang}: {len(missing)} problems\n" + "\n".join(
            f"{p.place}: {p.what}" for p in missing[:60])


def test_the_check_catches_a_missing_translation_and_broken_placeholders(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        'from tinystudio.i18n import tr\nA = tr("Step {n}")\nB = tr("No such text anywhere")\n'
        'def f():\n    return tr(f"{A}")\n', encoding="utf-8")
    messages, problems = catalogue.extract(tmp_path / "pkg")
    # module-level tr() runs before the language is chosen; an f-string cannot be looked up
    assert [p.place for p in problems] == ["pkg/m.py:2", "pkg/m.py:3", "pkg/m.py:5"]
    po = tmp_path / "zh.po"
    po.write_text('msgid "Step {n}"\nmsgstr "第 {m} 步"\n', encoding="utf-8")
    monkeypatch.setattr(catalogue, "po_path", lambda lang: po)
    found = [p.what for p in catalogue.check("zh_CN", messages)]
    assert any("placeholders} differ" in w for w in found)
    assert any("not translated: 'No such text anywhere'" in w for w in found)


@pytest.mark.parametrize(("name", "lang"), [
    ("zh_CN.UTF-8", "zh_CN"), ("zh-Hans-CN", "zh_CN"), ("zh", "zh_CN"), ("zh_CN", "zh_CN"),
    ("en_US.UTF-8", "en"), ("C", None), ("POSIX", None), ("", None), ("xx_YY", None),
])
def test_locale_names_find_the_language(name, lang):
    assert i18n.match_language(name) == lang


def test_lang_option_beats_the_saved_choice_which_beats_the_system(monkeypatch, restore_language):
    monkeypatch.delenv("TINYSTUDIO_LANG", raising=False)
    assert i18n.choose_language(None, "zh_CN") == "zh_CN"
    assert i18n.choose_language("en", "zh_CN") == "en"
    assert i18n.choose_language(None, "C") == "en"
    monkeypatch.setenv("TINYSTUDIO_LANG", "zh_CN")
    assert i18n.choose_language("en", "en_GB") == "zh_CN"
    monkeypatch.delenv("TINYSTUDIO_LANG")
    i18n.force_language("zh_CN")
    assert i18n.choose_language("en", "en_GB") == "zh_CN"


def test_cli_environment_order(monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.system_language() == "zh_CN"
    monkeypatch.setenv("LC_ALL", "C")
    assert i18n.system_language() is None
    monkeypatch.setenv("LANGUAGE", "fr:zh_CN")
    assert i18n.system_language() == "zh_CN"


def test_chinese_text_numbers_and_dates(restore_language):
    import datetime

    assert i18n.tr("&File") == "&File"
    i18n.set_language("zh_CN")
    assert i18n.tr("&File") == "文件(&F)"
    assert i18n.tr("a text nobody marked") == "a text nobody marked"
    assert i18n.tr("") == ""  # not the catalogue's header
    assert i18n.tr_n("{n} row", "{n} rows", 3) in ("{n} rows", "{n} 行")
    assert i18n.fmt_percent(0.8534) == "85.3%"
    assert i18n.fmt_number(12345.678, 1) == "12,345.7"
    assert i18n.fmt_datetime(datetime.datetime(2026, 11, 29, 23, 5)) == "2026年11月29日 23:05"


def test_plural_rules_of_other_languages():
    ru = i18n._plural_function("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
                               "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);")
    assert [ru(n) for n in (1, 2, 5, 11, 21, 22, 25)] == [0, 1, 2, 2, 0, 1, 2]
    assert i18n._plural_function("nplurals=1; plural=0;")(7) == 0


def test_make_app_installs_chinese_and_qt_translations(qapp, monkeypatch, restore_language):
    from PySide6.QtWidgets import QDialogButtonBox

    from tinystudio.gui.app import make_app

    monkeypatch.setenv("TINYSTUDIO_LANG", "zh_CN")
    make_app()
    assert i18n.current_language() == "zh_CN"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])
    monkeypatch.setenv("TINYSTUDIO_LANG", "en")
    make_app()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    assert [b.text() for b in box.buttons()] == ["OK"]


def test_cli_answers_in_the_system_language():
    env = {k: v for k, v in os.environ.items() if k not in ("TINYSTUDIO_LANG", "LANGUAGE", "LC_ALL")}
    env["LANG"] = "zh_CN.UTF-8"
    proc = subprocess.run([sys.executable, "-m", "tinystudio.cli", "--help"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0
    assert "训练" in proc.stdout
    env["LANG"] = "C.UTF-8"
    proc = subprocess.run([sys.executable, "-m", "tinystudio.cli", "--lang", "en", "--help"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert "训练" not in proc.stdout and "Train" in proc.stdout


def _cli(args, lang_env: dict, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("TINYSTUDIO_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(lang_env)
    return subprocess.run([sys.executable, "-m", "tinystudio.cli", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)


def test_inspect_of_a_bad_file_answers_in_the_system_language(tmp_path):
    import json
    import re

    bad = tmp_path / "one_column.csv"
    bad.write_text("text\nhello there\ngood morning\n", encoding="utf-8")
    cjk = re.compile(r"[\u4e00-\u9fff]")

    proc = _cli(["inspect", bad], {"LANG": "zh_CN.UTF-8"}, tmp_path)
    assert proc.returncode == 2
    assert cjk.search(proc.stdout + proc.stderr), proc.stdout + proc.stderr
    proc = _cli(["inspect", tmp_path / "missing.csv", "--json"], {"LANG": "zh_CN.UTF-8"}, tmp_path)
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert set(out) == {"error", "code"} and cjk.search(out["error"])  # keys stay English
    # The same in English with --lang, whatever the system says.
    proc = _cli(["--lang", "en", "inspect", bad], {"LANG": "zh_CN.UTF-8"}, tmp_path)
    assert proc.returncode == 2 and not cjk.search(proc.stdout + proc.stderr)


def test_a_model_s_save_time_is_written_the_language_s_way(restore_language):
    from tinystudio.gui.model_list import _when

    local = __import__("datetime").datetime(2026, 11, 29, 23, 45, tzinfo=__import__("datetime").timezone.utc)
    stamp = local.strftime("%Y-%m-%dT%H:%M:%S%z")
    shown = local.astimezone()
    assert _when(stamp) == shown.strftime("%Y-%m-%d %H:%M")
    i18n.set_language("zh_CN")
    assert _when(stamp) == shown.strftime("%Y年%m月%d日 %H:%M")


def test_a_new_language_is_one_file(tmp_path, monkeypatch, restore_language):
    """`catalogue new` starts the file; with one translation in it the language is offered and used."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(catalogue, "LOCALE_DIR", tmp_path)
    assert catalogue.main(["new", "fr", "Français", "nplurals=2; plural=(n > 1);"]) == 0
    po = tmp_path / "fr" / "LC_MESSAGES" / "tinystudio.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgid "&File"' in text and "X-Language-Name: Français" in text
    po.write_text(text.replace('msgid "&File"\nmsgstr ""', 'msgid "&File"\nmsgstr "&Fichier"'),
                  encoding="utf-8")
    assert i18n.available_languages() == ["en", "fr"]
    assert i18n.language_name("fr") == "Français"
    assert i18n.match_language("fr_FR.UTF-8") == "fr"
    i18n.set_language("fr")
    assert i18n.tr("&File") == "&Fichier"
    assert i18n.tr("&Help") == "&Help"  # not translated yet: English, never empty
    assert any("not translated" in p.what for p in catalogue.check("fr"))
