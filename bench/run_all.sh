#!/usr/bin/env bash
# Every benchmark, one after the other, JSON into bench/results/ and tables on stdout.
# About 15 minutes on a 2-core machine with the default budgets; pass --quick for ~5 min.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=bench/results
mkdir -p "$OUT"
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
if [ "${1:-}" = "--quick" ]; then T=20; GEN=20; CLS=30; PRE=30; else T=90; GEN=60; CLS=60; PRE=120; fi
echo "## machine: $(nproc) cores, $(uname -srm), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## 1. generate training vs a plain PyTorch loop"; $PY bench/bench_train.py --seconds "$T" --json "$OUT/train.json" | sed -n '/^| run/,$p'
echo "## 2. every model kind and preset, with scikit-learn baselines"; $PY bench/bench_models.py --max-time "$CLS" --gen-time "$GEN" --json "$OUT/models.json" | sed -n '/^| data/,$p'
echo "## 2b. time estimate before training"; $PY bench/bench_eta.py --json "$OUT/eta.json" | sed -n '/^| task/,$p'
echo "## 3. data loading and tokenization"; $PY bench/bench_data.py --json "$OUT/data.json" | sed -n '/^| rows/,$p'
echo "## 4. few labels: pre-training"; $PY bench/bench_fewlabels.py --per-class 20 --pretrain-time "$PRE" --json "$OUT/fewlabels.json" | sed -n '/^| labels/,$p'
if [ -f bench/bench_compress.py ]; then echo "## 5. compression and inference"; $PY bench/bench_compress.py --json "$OUT/compress.json" | tail -30; fi
if [ -f bench/bench_gui.py ]; then echo "## 6. app: start-up and event-loop lag"; $PY bench/bench_gui.py | tail -15; fi
