#!/usr/bin/env bash
# Set up TinyStudio in ./.venv: system libraries Qt needs (Debian/Ubuntu, when root), then
# torch==2.13.0 FIRST (any other version, or an open range with no torch installed, makes pip
# download a multi-GB CUDA build), then the project with its test extras. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}

# Qt's shared libraries. Offscreen (tests) needs the first set; a real window the second too.
QT_OFFSCREEN_DEBS="libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3"
QT_WINDOW_DEBS="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
want_debs="$QT_OFFSCREEN_DEBS"
if [ "${1:-}" = "--window" ]; then want_debs="$want_debs $QT_WINDOW_DEBS"; fi
if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
  missing=""
  for pkg in $want_debs; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
    if [ "$SUDO" = "none" ]; then
      echo "setup: Qt needs these system packages; please install them:$missing" >&2
    else
      echo "setup: installing system packages Qt needs:$missing"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $($PY --version)"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q torch==2.13.0
"$VENV/bin/python" -m pip install -q -e ".[test]"
echo "setup: ready ($VENV)"
