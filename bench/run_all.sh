#!/usr/bin/env bash
# Every benchmark, one after the other: JSON into bench/results/, tables on stdout, and the
# seconds each part took. About 15 minutes on a quiet 2-core machine; --quick for ~6 min.
# Figures are only comparable within one run: the machine's load is printed before each part.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=bench/results
mkdir -p "$OUT"
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
if [ "${1:-}" = "--quick" ]; then
    T=20; CLS=30; GEN=15; PRE=30; CMP=15; INF=5; GUI=10
else
    T=50; CLS=60; GEN=30; PRE=60; CMP=20; INF=10; GUI=20
fi
START=$(date +%s)
part() {  # part TITLE TABLE-HEADER COMMAND...: run, print its table, time it
    local title=$1 header=$2; shift 2
    local t0; t0=$(date +%s)
    echo; echo "## $title (load $(cut -d' ' -f1 /proc/loadavg))"
    "$@" | sed -n "/^$header/,\$p"
    echo "(${title%%:*}: $(( $(date +%s) - t0 )) s)"
}
echo "# TinyStudio benchmarks: $(nproc) cores, $(uname -srm), $(date -u +%FT%TZ)"
part "1. generate: TinyStudio's trainer vs a plain PyTorch loop, ${T} s each" "| run" \
    $PY bench/bench_train.py --seconds "$T" --json "$OUT/train.json"
part "2. classify: model kinds and presets vs scikit-learn baselines" "| data" \
    $PY bench/bench_models.py --max-time "$CLS" --gen-time "$GEN" --json "$OUT/models.json"
part "3. run-time estimate vs real runs" "| task" \
    $PY bench/bench_eta.py --json "$OUT/eta.json"
part "4. data: load and tokenize 10k / 100k / 1M rows" "| texts" \
    $PY bench/bench_data.py --json "$OUT/data.json"
part "5. inference: every kind, fp32 vs int8" "| model" \
    $PY bench/bench_infer.py --train-seconds "$INF" --json "$OUT/infer.json"
part "6. compression lab" "| task" \
    $PY bench/bench_compress.py --train-time "$CMP" --distill-time "$CMP" --json "$OUT/compress.json"
part "7. few labels: pre-training" "| labels" \
    $PY bench/bench_fewlabels.py --per-class 20 --pretrain-time "$PRE" --json "$OUT/fewlabels.json"
part "8. app: start-up, event-loop lag, app vs CLI training" "cold start" \
    $PY bench/bench_gui.py --seconds "$GUI" --starts 3 --tp-kinds auto --tp-repeats 1 --json "$OUT/gui.json"
echo; echo "# all benchmarks: $(( $(date +%s) - START )) s"
