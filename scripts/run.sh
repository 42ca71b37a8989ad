#!/usr/bin/env bash
# Set up (if needed) and start TinyStudio with the bundled sample dataset. Without a screen,
# run the headless demo instead: train on the sample, print the scores, answer a prompt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --window
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; then
  exec .venv/bin/tinystudio "$@"
fi
echo "No screen found: running the headless demo (tinystudio demo)."
exec .venv/bin/tinystudio demo "$@"
