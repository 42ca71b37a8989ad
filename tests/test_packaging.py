"""The installer recipes in packaging/: cheap static checks in every run, the real build on request.

Building the Linux installers takes several minutes and ~3 GB of disk, so it only runs with
``TINYSTUDIO_BUILD_INSTALLERS=1`` (packaging/README.md).
"""

from __future__ import annotations

import ast
import json
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

import tinystudio
from tinystudio import resources

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"


def test_spec_is_python_and_keeps_what_the_bundle_needs():
    spec = (PKG / "tinystudio.spec").read_text()
    compile(spec, "tinystudio.spec", "exec")
    # pyqtgraph loads these invisibly to PyInstaller (shared/PLATFORM.md).
    for name in ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"):
        assert f'"{name}"' in spec
    for name in ("PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore", "tkinter"):
        assert f'"{name}"' in spec
    drop = ast.literal_eval(re.search(r"^DROP = (\[.*?^\])", spec, re.M | re.S).group(1))
    must_stay = [
        "torch/bin/torch_shm_manager",  # or `import torch` fails in the bundle
        "torch/lib/libtorch_cpu.so",
        "torch/lib/libc10.so",
        "torch/lib/libgomp.so.1",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/lib/libQt6OpenGLWidgets.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "onnxruntime/capi/libonnxruntime.so.1",
    ]
    for path in must_stay:
        assert not any(fnmatch(path, pattern) for pattern in drop), path
    assert not re.search(r"^[^#]*strip=True", spec, re.M)  # global strip breaks numpy's OpenBLAS
    assert '"resources/samples"' in spec  # the layout tinystudio/resources.py expects


def test_torch_modules_that_read_their_own_source_keep_it_in_the_bundle():
    """torch's config modules call inspect.getsource() on import: a torch upgrade may add one."""
    import importlib.util

    spec = (PKG / "tinystudio.spec").read_text()
    torch_dir = Path(importlib.util.find_spec("torch").origin).parent
    needed = set()
    for path in torch_dir.rglob("*.py"):
        if "testing" in path.parts or "install_config_module(" not in path.read_text(
            errors="ignore"
        ):
            continue
        needed.add(".".join(path.relative_to(torch_dir.parent).with_suffix("").parts))
    assert needed, "torch no longer has config modules? re-check TORCH_SOURCES in the spec"
    missing = sorted(name for name in needed if f'"{name}"' not in spec)
    assert not missing, f"add to TORCH_SOURCES in packaging/tinystudio.spec: {missing}"


def test_entry_point_calls_freeze_support_before_the_app():
    src = (PKG / "tinystudio_main.py").read_text()
    assert src.index("multiprocessing.freeze_support()") < src.index(
        "from tinystudio.cli import main"
    )


def test_resources_resolve_the_same_frozen_or_not(monkeypatch, tmp_path):
    assert resources.sample_path("wordnet_topics.csv").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.sample_path("wordnet_topics.csv") == (
        tmp_path / "resources" / "samples" / "wordnet_topics.csv"
    )


def test_no_worker_processes_in_the_app():
    """A frozen app re-runs itself for each child process: keep training in-process."""
    for path in (ROOT / "tinystudio").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"num_workers\s*=\s*[1-9]", text), path
        assert not re.search(r"^\s*(import|from) (torch\.)?multiprocessing", text, re.M), path


def test_icons_exist_in_every_format():
    for n in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
        assert (ICONS / f"tinystudio-{n}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ico = (ICONS / "tinystudio.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    widths = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= widths
    icns = (ICONS / "tinystudio.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic10" in icns  # the 1024 px Retina image


def test_linux_desktop_entry_and_deb_control():
    desktop = (PKG / "linux" / "tinystudio.desktop").read_text()
    fields = dict(line.split("=", 1) for line in desktop.splitlines() if "=" in line)
    assert fields["Type"] == "Application"
    assert fields["Exec"].split()[0] == "tinystudio"
    assert fields["Icon"] == "tinystudio"
    control = (PKG / "linux" / "control.in").read_text()
    depends = re.search(r"^Depends: (.*)$", control, re.M).group(1)
    for pkg in ("libgl1", "libegl1", "libfontconfig1", "fonts-dejavu-core", "fonts-noto-cjk"):
        assert pkg in depends  # fonts-noto-cjk: Chinese/Japanese/Korean text, not boxes
    for placeholder in ("@VERSION@", "@ARCH@", "@SIZE_KB@"):
        assert placeholder in control


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("script", ["build_linux.sh", "macos/build_macos.sh"])
def test_build_scripts_parse(script):
    subprocess.run(["bash", "-n", str(PKG / script)], check=True)


def test_macos_entitlements_enable_only_what_is_needed():
    ent = plistlib.loads((PKG / "macos" / "entitlements.plist").read_bytes())
    assert ent.get("com.apple.security.cs.allow-jit") is not True
    assert set(ent) <= {
        "com.apple.security.cs.allow-unsigned-executable-memory",
        "com.apple.security.cs.disable-library-validation",
    }


def test_inno_setup_script_installs_per_user_with_start_menu_entry():
    iss = (PKG / "windows" / "tinystudio.iss").read_text()
    assert "PrivilegesRequired=lowest" in iss
    assert re.search(r'^Name: "\{autoprograms\}\\TinyStudio"', iss, re.M)
    assert "AppId={{" in iss  # fixed, so upgrades replace the old version
    icon = re.search(r"^SetupIconFile=(.*)$", iss, re.M).group(1).replace("\\", "/")
    assert (PKG / "windows" / icon).resolve() == (ICONS / "tinystudio.ico").resolve()


def test_ci_workflow_builds_tests_and_uploads_on_three_systems():
    yaml = pytest.importorskip("yaml")
    text = (ROOT / ".github" / "workflows" / "build-installers.yml").read_text()
    assert "NOT RUN HERE" in text
    flow = yaml.safe_load(text)
    # YAML reads the key `on` as True; a push must start it (issue 15).
    triggers = flow.get("on", flow.get(True))
    assert "push" in triggers and "workflow_dispatch" in triggers
    jobs = flow["jobs"]
    assert set(jobs) == {"linux", "windows", "macos"}
    for name, job in jobs.items():
        runs = " ".join(step.get("run", "") for step in job["steps"])
        uses = [step.get("uses", "") for step in job["steps"]]
        assert "--selftest" in runs or "build_macos.sh" in runs, name
        assert any(u.startswith("actions/upload-artifact") for u in uses), name
    assert "--selftest" in (PKG / "macos" / "build_macos.sh").read_text()


def test_build_outputs_are_ignored_by_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = [
        "packaging/dist/tinystudio_0.1.0_amd64.deb",
        "packaging/build/x",
        "packaging/.build-venv/x",
        "packaging/dist/tinystudio-0.1.0-linux-amd64.tar.gz",
    ]
    out = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split() == paths


@pytest.mark.skipif(
    os.environ.get("TINYSTUDIO_BUILD_INSTALLERS") != "1",
    reason="builds the Linux installers (minutes, GBs): set TINYSTUDIO_BUILD_INSTALLERS=1",
)
def test_linux_installer_builds_installs_and_passes_its_selftest():
    proc = subprocess.run(
        ["bash", str(PKG / "build_linux.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["version"] == tinystudio.__version__
    assert report["selftest"]["ok"] is True and report["selftest"]["frozen"] is True
    assert report["uninstalled_cleanly"] is True


def test_deb_depends_on_a_cjk_font_for_the_chinese_interface():
    """Chinese data and the Chinese interface show boxes without a CJK font: a dependency
    (with the WenQuanYi fonts as alternatives), not only a recommendation."""
    control = (PKG / "linux" / "control.in").read_text()
    depends = re.search(r"^Depends: (.*)$", control, re.M).group(1)
    assert "fonts-noto-cjk | fonts-wqy-microhei" in depends
