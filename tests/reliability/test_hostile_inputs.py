"""Every hostile input gets a specific plain message (CLI exit 2, data panel), or is read right.

The corpus lives in ``hostile.py``. The CLI is run in this process through ``cli.main`` (the
exit code it returns is the process's); a few cases also run as a real subprocess.
"""

from __future__ import annotations

import errno
import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import hostile
import pytest

from tinystudio.core.data import inspect_data, load_dataset
from tinystudio.core.errors import DataError

WAIT_MS = 90_000
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

LIGHT = [c for c in hostile.CASES if not c.heavy]
HEAVY = [c for c in hostile.CASES if c.heavy]
REFUSED = [c for c in hostile.CASES if c.exit_code == 2]


def _assert_cli_answer(case: hostile.Case, code: int, obj: dict | None, err: str) -> None:
    assert code == case.exit_code, (case.name, code, err)
    assert "Traceback" not in err and "Internal error" not in err
    assert obj is not None, f"{case.name}: no JSON on stdout"
    if case.exit_code == 0:
        assert "error" not in obj and not [p for p in obj["problems"] if p["severity"] == "fatal"]
        if case.check:
            case.check(obj)
        return
    if "error" in obj:  # the file cannot be read at all
        assert obj["code"] == case.code, obj
        assert case.message in obj["error"] and case.message in err
    else:  # read, but a fatal problem: the report says which
        fatal = [p for p in obj["problems"] if p["severity"] == "fatal"]
        assert fatal and fatal[0]["code"] == case.code, (case.name, fatal)
        assert case.message in fatal[0]["message"]


@pytest.mark.parametrize("case", LIGHT, ids=lambda c: c.name)
def test_cli_inspect(case, corpus, run_cli):
    code, obj, err = run_cli("inspect", corpus[case.name], "--json")
    _assert_cli_answer(case, code, obj, err)


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_cli_train_refuses_with_the_same_message(case, corpus, run_cli, tmp_path):
    out = tmp_path / "model"
    code, obj, err = run_cli("train", corpus[case.name], "--out", out, "--max-time", "2", "--json")
    assert code == 2, err
    assert obj["code"] == case.code and case.message in obj["error"], obj
    assert "Traceback" not in err and not out.exists()  # nothing written


@pytest.mark.parametrize("name", ["semicolon_decimal_comma.csv", "utf16le_nobom.csv", "cjk_gbk.csv",
                                  "real_workbook.xlsx"])
def test_cli_trains_on_usable_hostile_files(name, corpus, run_cli, tmp_path):
    code, obj, err = run_cli("train", corpus[name], "--out", tmp_path / "m", "--preset", "tiny",
                             "--max-time", "2", "--json")  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "m" / "config.json").is_file() and 0.0 <= obj["accuracy"] <= 1.0


def test_decimal_commas_stay_inside_their_values(corpus):
    data = load_dataset(corpus["semicolon_decimal_comma.csv"])
    assert data.report.format.delimiter == ";"
    assert sorted(data.label_names) == ["food", "travel"]
    assert "onion soup number 0" in data.texts[0]


def test_mixed_encodings_read_both_parts_right(corpus):
    data = load_dataset(corpus["mixed_encoding.csv"])
    assert "café crème au lait" in data.texts and "crêpe à 2€" in data.texts
    assert "encoding_fallback" in {p.code for p in data.report.problems}


@pytest.mark.parametrize("name", ["empty.csv", "archive.csv", "labels_all_identical.csv"])
def test_real_subprocess_exit_code_and_message(name, corpus):
    case = hostile.BY_NAME[name]
    proc = subprocess.run([sys.executable, "-m", "tinystudio.cli", "inspect", str(corpus[name])],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert case.message in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("case", HEAVY, ids=lambda c: c.name)
def test_heavy_inputs_through_the_cli(case, tmp_path, run_cli):
    path = hostile.build(tmp_path, [case.name])[case.name]
    code, obj, err = run_cli("inspect", path, "--json")
    _assert_cli_answer(case, code, obj, err)
    if case.name == "one_50mb_field.csv":
        data = load_dataset(path)
        assert max(map(len, data.texts)) >= 50 * 1024 * 1024 - 12


# -- the path disappears or becomes unreadable ------------------------------------------------


def _csv(tmp_path, rows: int = 200_000):
    path = tmp_path / "moving.csv"
    path.write_text("text,label\n" + "".join(f"row {i} words,{'ab'[i % 2]}\n" for i in range(rows)))
    return path


def test_missing_path_and_folder(tmp_path, run_cli):
    code, obj, _ = run_cli("inspect", tmp_path / "nowhere.csv", "--json")
    assert code == 2 and obj["code"] == "file_not_found" and "cannot find" in obj["error"]
    code, obj, _ = run_cli("inspect", tmp_path, "--json")
    assert code == 2 and obj["code"] == "not_a_file" and "is a folder" in obj["error"]


@pytest.mark.parametrize("fn", [inspect_data, load_dataset])
def test_file_deleted_between_sniffing_and_reading(fn, tmp_path, monkeypatch):
    import tinystudio.core.data.reading as reading

    path, real = _csv(tmp_path), reading._open_text

    def vanish(name, fmt, newline):
        if os.path.exists(name):
            os.unlink(name)
        return real(name, fmt, newline)

    monkeypatch.setattr(reading, "_open_text", vanish)
    with pytest.raises(DataError, match="moved, deleted or became unreadable") as info:
        fn(path)
    assert info.value.code == "read_failed"


@pytest.mark.parametrize("fn", [inspect_data, load_dataset])
def test_read_error_midway(fn, tmp_path):
    """A drive unplugged mid-load: the read fails half-way through the file."""
    path = _csv(tmp_path)

    def unplug(fraction: float) -> None:
        if 0 < fraction < 1:
            raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(DataError) as info:
        fn(path, on_progress=unplug)
    assert info.value.code == "read_failed"


def test_file_deleted_midway_keeps_what_was_open(tmp_path):
    """On POSIX an open file survives its deletion: the load completes with every row."""
    path = _csv(tmp_path)

    def delete(fraction: float) -> None:
        if 0 < fraction < 1 and path.exists():
            path.unlink()

    data = load_dataset(path, on_progress=delete)
    assert data.report.rows_used == 200_000 and not path.exists()


def test_permission_denied_simulated(tmp_path, monkeypatch, run_cli):
    """CI runs as root, which ignores file modes: a refused open() is simulated."""
    import builtins

    path, real_open = _csv(tmp_path, 100), builtins.open

    def deny(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    code, obj, err = run_cli("inspect", path, "--json")
    assert code == 2 and obj["code"] == "cannot_open" and "permission" in obj["error"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_permission_denied_for_real(tmp_path):
    """A file its reader may not open. Root reads any file, and CI runs as root: there the
    command runs in a forked child that has become the unprivileged user 'nobody', so the
    refusal is the operating system's own."""
    import json
    import tempfile

    if IS_ROOT:
        root = Path(__file__).resolve().parents[2]
        closed = [p for p in (root, *root.parents) if not p.stat().st_mode & 0o001]
        if closed:  # 'nobody' could not even import TinyStudio from this checkout
            pytest.skip(f"the checkout is not reachable by an unprivileged user ({closed[-1]} is closed to others)")
    folder = Path(tempfile.mkdtemp(prefix="tinystudio-perm-"))  # not under root's 0700 tmp_path
    folder.chmod(0o755)
    path = _csv(folder, 100)
    path.chmod(0)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.close(read)
            if IS_ROOT:
                os.setgid(65534)
                os.setuid(65534)
            sys.stdout = sys.stderr = os.fdopen(write, "w")
            from tinystudio.cli import main

            code = main(["inspect", str(path), "--json"])
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = pipe.read()
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    path.chmod(0o644)
    shutil.rmtree(folder, ignore_errors=True)
    obj = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    assert code == 2 and obj["code"] == "cannot_open", (code, out)
    assert "permission" in obj["error"].lower() and "Traceback" not in out


# -- the data panel ---------------------------------------------------------------------------


def _open_in_panel(qtbot, person, window, path):
    """Open ``path`` as a person does (the Open button, the path typed into the file dialog);
    returns ("ready", result) or ("failed", message, the error box's text)."""
    panel = window.data_panel
    outcome = []

    def ready(result):
        outcome.append(("ready", result))

    def failed(message, _details):
        outcome.append(("failed", message))

    panel.data_ready.connect(ready)
    panel.load_failed.connect(failed)
    try:
        person.will_choose_file(path)
        person.click(person.find(window, "openFileButton"))
        qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    finally:
        panel.data_ready.disconnect(ready)
        panel.load_failed.disconnect(failed)
    if outcome[0][0] == "failed":  # the error box is in the way of the next click: read, OK
        _title, text, _details = person.read_and_close_message()
        return (*outcome[0], text)
    return outcome[0]


def test_data_panel_shows_each_message_and_stays_usable(window, qtbot, person, corpus, classify_sample):
    panel, wrong = window.data_panel, []
    start = person.find(window, "startTraining")
    for case in (c for c in hostile.CASES if c.gui):
        kind, value, *box = _open_in_panel(qtbot, person, window, corpus[case.name])
        banner = html.unescape(panel.banner.text())
        if case.exit_code == 0:
            ok = kind == "ready" and value.dataset is not None and "Ready to train" in banner
        elif kind == "failed":  # cannot be read: the banner and a dialog say why
            ok = case.message in value and case.message in banner and box == [value]
        else:  # read, with a fatal problem: training is blocked and the banner says why
            ok = value.dataset is None and "Training cannot start" in banner
            ok = ok and case.message in banner and not start.isEnabled() and not window.tabs.isTabEnabled(1)
        if not ok or "Traceback" in banner or "bug" in banner:
            wrong.append((case.name, kind, banner))
    assert not wrong, wrong
    # Still usable: the good sample opens and training can start.
    kind, result = _open_in_panel(qtbot, person, window, classify_sample)
    assert kind == "ready" and result.dataset is not None and window.tabs.isTabEnabled(1)
    assert start.isEnabled()
