#!/bin/sh
# Trains the paper reference (lssl_paper.py) on phantom-train-s$SEED, embeds phantom-test-s$SEED
# (unseen subjects), scores it with score.py and lssl's own probe. Skips runs already written.
#   bench/reference/measure.sh EXP_DIR "0 1 2" "lssl ae" [extra lssl_paper.py flags]
# EXP_DIR holds phantom-train-s<S> (lssl simulate --subjects 36 --seed S) and phantom-test-s<S>
# (--subjects 24 --seed S+1000); results go to EXP_DIR/runs/<method><TAG>-s<S>.{csv,json,log,score.json,probe.json,probe-cn-ad.json}.
# TAG (environment) names a variant, e.g. TAG=-lr3e-4 with the flag --lr 3e-4.
set -e
EXP=$1; SEEDS=$2; METHODS=$3; shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$(dirname "$HERE")")
mkdir -p "$EXP/runs"
for seed in $SEEDS; do
  for method in $METHODS; do
    base="$EXP/runs/$method${TAG:-}-s$seed"
    if [ ! -s "$base.json" ]; then
      /usr/bin/python3 "$HERE/lssl_paper.py" --cohort "$EXP/phantom-train-s$seed" --embed "$EXP/phantom-test-s$seed" \
        --out "$base.csv" --method "$method" --seed "$seed" --threads 1 "$@" > "$base.json" 2> "$base.log"
    fi
    /usr/bin/python3 "$HERE/score.py" "$base.csv" "$EXP/phantom-test-s$seed/ground_truth.tsv" > "$base.score.json"
    node "$ROOT/dist/cli/lssl.js" probe "$base.csv" --target diagnosis --features delta --json > "$base.probe.json"
    # the same probe on CN and AD subjects only (a binary task: AD atrophies 3.5x faster than CN)
    /usr/bin/python3 -c "import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
d = rows[0].index('diagnosis')
csv.writer(sys.stdout, lineterminator='\\n').writerows([rows[0]] + [r for r in rows[1:] if r[d] in ('CN', 'AD')])" "$base.csv" > "$base.cn-ad.csv"
    node "$ROOT/dist/cli/lssl.js" probe "$base.cn-ad.csv" --target diagnosis --features delta --json > "$base.probe-cn-ad.json"
    echo "$base done"
  done
done
