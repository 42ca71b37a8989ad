#!/usr/bin/env bash
# Smoke test of the real app under a virtual screen (Xvfb), driven with xdotool like a person:
# start `tinystudio` (the bundled sample opens by itself) -> Train tab (Ctrl+2) -> Start
# (Ctrl+Enter) -> wait for the model -> Try it tab (Ctrl+4) -> type a sentence. Each step is
# checked from outside (window title, the model folder on disk, the screen changing), and
# screenshotted into ${CI_LOG_DIR:-ci-logs}/smoke/. Any Python traceback the app prints fails
# it. Needs: xvfb-run, xdotool, imagemagick's `import`, and .venv (scripts/setup.sh --window).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOG=$(mkdir -p "${CI_LOG_DIR:-ci-logs}/smoke" && cd "${CI_LOG_DIR:-ci-logs}/smoke" && pwd)
TIMEOUT=${SMOKE_TIMEOUT:-360}  # seconds for the whole run
VENV=$(cd "${VENV:-.venv}" 2>/dev/null && pwd || echo "${VENV:-.venv}")  # as scripts/setup.sh

fail() {
  echo "smoke: FAILED - $*" >&2
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null || true
  [ -f "$LOG/app.stderr" ] && { echo "--- app stderr (last 40 lines) ---" >&2; tail -40 "$LOG/app.stderr" >&2; }
  exit 1
}

if [ "${SMOKE_INNER:-}" != 1 ]; then
  for tool in xvfb-run xdotool import; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install xvfb xauth xdotool imagemagick)"
  done
  [ -x "$VENV/bin/tinystudio" ] || fail "$VENV/bin/tinystudio missing: run scripts/setup.sh --window first"
  rm -f "$LOG"/*.png "$LOG"/app.stderr
  exec timeout "$TIMEOUT" xvfb-run -a -s "-screen 0 1280x800x24" env SMOKE_INNER=1 bash "$0" "$@"
fi

# -- inside the virtual screen -------------------------------------------------------------
HOME_DIR=$(mktemp -d)  # fresh settings and workspace: no "reopen the last file?" question
export HOME=$HOME_DIR XDG_CONFIG_HOME=$HOME_DIR/config XDG_DATA_HOME=$HOME_DIR/data XDG_CACHE_HOME=$HOME_DIR/cache
export TINYSTUDIO_LANG=en QT_QPA_PLATFORM=xcb
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}  # this checkout's code, whatever .venv points at
trap 'rm -rf "$HOME_DIR"' EXIT
step=0
shot() {  # shot NAME: screenshot of the whole screen
  step=$((step + 1))
  import -window root "$LOG/$(printf %02d "$step")-$1.png"
  echo "smoke: step $step $1 ($(date +%T))"
}
wait_for() {  # wait_for SECONDS WHAT CMD...: until CMD succeeds
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$APP_PID" 2>/dev/null || fail "the app ended while waiting for: $what"
    grep -q "Traceback (most recent call last)" "$LOG/app.stderr" && fail "the app printed a traceback while waiting for: $what"
    sleep 0.2
  done
  shot "timeout"
  fail "gave up after $seconds s waiting for: $what"
}
title_has() { xdotool getwindowname "$WID" | grep -qF -- "$1"; }
model_saved() { find "$XDG_DATA_HOME" -path "*models*" -name config.json | grep -q .; }

"$VENV/bin/tinystudio" 2>"$LOG/app.stderr" &
APP_PID=$!
wait_for 60 "the main window" xdotool search --onlyvisible --classname tinystudio
WID=$(xdotool search --onlyvisible --classname tinystudio | head -1)
# No window manager here: place the window ourselves, so the screenshots are the same each run.
xdotool windowmove "$WID" 0 0 windowsize "$WID" 1280 800
xdotool mousemove --window "$WID" 640 12 click 1  # a click on the window gives it the keyboard
xdotool windowfocus --sync "$WID" || true

# 1. The bundled sample opens by itself: its name comes into the title.
wait_for 60 "the sample in the title" title_has "wordnet_topics.csv"
sleep 1
shot "data"

# 2. The Train tab (Ctrl+2), then Start (Ctrl+Enter).
xdotool key --clearmodifiers ctrl+2
sleep 1
shot "train-tab"
before=$(xdotool getwindowname "$WID")
xdotool key --clearmodifiers ctrl+Return
sleep 3
shot "training"
# Done: the model folder is written and the title marks the unsaved model with a star.
wait_for 240 "a saved model after Start" model_saved
wait_for 20 "the unsaved-model star in the title" title_has "*"
echo "smoke: title went from '$before' to '$(xdotool getwindowname "$WID")'"
sleep 1
shot "trained"

# 3. Try it (Ctrl+4): the text box has the keyboard; type, and the model answers.
xdotool key --clearmodifiers ctrl+4
sleep 1
shot "try-tab"
xdotool type --delay 40 "a large wild cat with a striped coat"
sleep 3
shot "try-typed"
changed=$(compare -metric AE "$LOG/$(printf %02d $((step - 1)))-try-tab.png" "$LOG/$(printf %02d "$step")-try-typed.png" null: 2>&1 || true)
[ "${changed%% *}" -gt 2000 ] 2>/dev/null || fail "typing into Try it changed only ${changed} pixels"

grep -q "Traceback (most recent call last)" "$LOG/app.stderr" && fail "the app printed a traceback"
xdotool key --clearmodifiers ctrl+q  # asks: quit with a model not saved in a project? -> Yes (Enter)
sleep 1
xdotool key Return 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
kill "$APP_PID" 2>/dev/null || true
echo "smoke: ok - opened the sample, trained by Ctrl+Enter, typed into Try it; screenshots in $LOG"
