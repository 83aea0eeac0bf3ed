#!/usr/bin/env bash
# Studies one run after another in Maven's JVM against embedded Spark (local[N], N = this machine's cores): the wall
# time of `mvn digits:run` for mlp-study-10 (15 runs) and a small CNN study (the seed CNN on the first 12,000
# training images for 2 epochs, two variants by two seeds), alternately, each in a fresh reports folder so nothing
# is reused; then the median of each. BENCHMARKS.md, "Studies: sequential or on Spark".
#
# Usage: scripts/spark_vs_sequential.sh [rounds, default 3]; extra Maven options in MVN_ARGS (-o, -Dmaven.repo.local=).
# Needs the plugin and digits-spark installed (`mvn -B install -Pspark -DskipTests`).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
cores=$(nproc)
work=$(mktemp -d)
mkdir -p "$work/cnn-experiments"
cp experiments/cnn.yaml "$work/cnn-experiments/"
cat > "$work/cnn-experiments/cnn-study-small.yaml" <<'YAML'
name: cnn-study-small
description: the seed CNN on its first 12,000 training images for 2 epochs, at two learning rates, two seeds each
study:
  base: cnn
  overrides: {dataset.trainLimit: 12000, training.epochs: 2}
  repeats: 2
  variants:
    - {name: lr-0.02, overrides: {training.optimizer.learningRate: 0.02}}
YAML

# run LABEL EXPERIMENTS_DIR STUDY MASTER: one digits:run, timed (MASTER none: one run after another in Maven's JVM);
# its log kept beside the figures
run() {
  local out="$work/$1-$(date +%s%N)" start end pid state stopped=0
  start=$(date +%s.%N)
  mvn -B ${MVN_ARGS:-} digits:run -Dexperiment="$3" -Ddigits.experimentsDir="$2" -Ddigits.reportsDir="$out" \
      -Ddigits.spark.master="$4" > "$out.log" 2>&1 &
  pid=$!
  # seconds in which Maven's JVM was stopped (SIGSTOP by someone else's benchmark): such a time is not a measurement
  while kill -0 "$pid" 2>/dev/null; do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    [ "$state" = T ] && stopped=$((stopped + 1))
    sleep 1
  done
  if ! wait "$pid"; then
    echo "failed: see $out.log" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  # the 1-minute load average after the run: other work on the machine shows here
  printf '%s %s %.1f load %s stopped %ss\n' "$3" "$4" "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1 /proc/loadavg)" "$stopped"
}

lscpu | sed -n 's/^Model name: *//p; s/^CPU(s): *//p' | paste -sd ' ' -
# odd rounds sequential first, even rounds Spark first: a drift in the machine's load falls on both
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order=(none "local[$cores]"); else order=("local[$cores]" none); fi
  for m in "${order[@]}"; do run mlp experiments mlp-study-10 "$m"; done
  for m in "${order[@]}"; do run cnn "$work/cnn-experiments" cnn-study-small "$m"; done
done | tee "$work/times.txt"
echo "median wall time (s) over $rounds round(s):"
sort -k1,1 -k2,2 -k3,3n "$work/times.txt" | awk '
  { key = $1 " " $2; t[key, ++n[key]] = $3 }
  END { for (k in n) { m = n[k]; mid = (m % 2) ? t[k, (m + 1) / 2] : (t[k, m / 2] + t[k, m / 2 + 1]) / 2; print k, mid } }' | sort
echo "logs and reports: $work"
