#!/usr/bin/env bash
# End-to-end performance of ctlint, side by side with Checkov, as whole processes.
#
#   scripts/bench.sh            # everything: build, corpora, Checkov venv, checks, timings
#   RUNS=3 scripts/bench.sh     # fewer counted runs per command (default 5, after 1 warm-up)
#
# Environment knobs:
#   RUNS             counted runs of each command (default 5); WARMUP runs first (default 1)
#   RUNS_BIG         counted runs on the big corpus (default 3: one Checkov run takes minutes)
#   BIG_FILES        files in the big corpus (default 10000); MEDIUM_FILES (default 1000)
#   CHECKOV_VERSION  Checkov to install in the venv (default 3.3.30, what docs/performance.md used)
#   SKIP_CHECKOV=1   time ctlint only
#   STACKS           trail scopes in the stacks corpus (default 2000); STACKS_SEED (default 3)
#   ONLY=stacks      only the build and the stacks corpus: generation, correctness, read floor
#   BUDGET           fail when ctlint's wall time on the stacks corpus exceeds BUDGET times the
#                    read floor (median of paired ratios; default 10); AIM (default 5) is noted
#
# What it does (all output under target/, nothing else is touched):
#   1. cargo build --release --locked
#   2. scripts/gen-corpus.py target/bench-corpus (BIG_FILES) and target/bench-corpus-medium
#   3. a venv target/bench-venv with `pip install checkov==CHECKOV_VERSION`
#   4. correctness: ctlint --format json twice on the big corpus (must be byte-identical), the
#      findings compared with the generator's manifest of planted mistakes, Checkov's failed
#      checks counted by check id (-o json)
#   5. timings, each command alternated with its yardstick (A B A B ...) so a ratio is taken
#      pair by pair: ctlint vs Checkov on examples/, the medium and the big corpus, and ctlint
#      with one thread (RAYON_NUM_THREADS=1) vs the default on the big corpus. Each run's wall
#      time comes from a monotonic clock, user/sys seconds and peak RSS from wait4() (the
#      largest single process, as /usr/bin/time -v reports it).
#
#   6. the stacks corpus (target/bench-corpus-2000: STACKS trail scopes, i.e. Terraform module
#      directories or CloudFormation templates that set up a trail, with the usual share of other
#      files, about 67,000 files for 2000): correctness as in 4, then ctlint paired with the read
#      floor (scripts/read-floor: the same discovery as ctlint, every candidate file read into
#      memory, nothing parsed), warm caches. Prints "OVER BUDGET" and exits 1 when the median
#      ratio exceeds BUDGET.
#
# Results: target/bench-results/summary.md (and the raw outputs next to it). Exits 1 when a
# corpus does not match its planted mistakes, when output differs between runs or thread
# counts, or when the stacks corpus is over budget; everything is still measured and written.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
RUNS_BIG=${RUNS_BIG:-3}
BIG_FILES=${BIG_FILES:-10000}
MEDIUM_FILES=${MEDIUM_FILES:-1000}
CHECKOV_VERSION=${CHECKOV_VERSION:-3.3.30}
SKIP_CHECKOV=${SKIP_CHECKOV:-0}
STACKS=${STACKS:-2000}
STACKS_SEED=${STACKS_SEED:-3}
ONLY=${ONLY:-all}
# IGNORE=CT401,CT402: rules left out of every ctlint run (ctlint --ignore) and of the comparison
# with the planted mistakes (check-corpus.py --ignore=...); empty (the default): all rules on.
IGNORE=${IGNORE:-}
IGNORE_ARGS=()
[ -z "$IGNORE" ] || IGNORE_ARGS=(--ignore "$IGNORE")
BUDGET=${BUDGET:-10}
AIM=${AIM:-5}
case "$ONLY" in all | stacks) ;; *) echo "ONLY must be all or stacks" >&2; exit 2 ;; esac
[ "$ONLY" = all ] || SKIP_CHECKOV=1
FAILED=()

OUT=target/bench-results
BIG=target/bench-corpus
MEDIUM=target/bench-corpus-medium
STACKS_CORPUS=target/bench-corpus-$STACKS
READ_FLOOR=$ROOT/target/read-floor/release/ctlint-read-floor
VENV=target/bench-venv
CTLINT=$ROOT/target/release/ctlint
CHECKOV=$ROOT/$VENV/bin/checkov
mkdir -p "$OUT"
SUMMARY=$OUT/summary.md
started=$(date +%s)

log() { printf '\n== %s\n' "$*" >&2; }

log "machine"
{
  echo "# ctlint benchmark results"
  echo
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- nproc: $(nproc)"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -sr)"
  echo "- rustc: $(rustc --version)"
  echo "- python: $(python3 --version 2>&1)"
} >"$SUMMARY"

log "cargo build --release --locked"
t0=$(date +%s)
cargo build --release --locked
echo "- ctlint: $("$CTLINT" --version 2>/dev/null || echo "ctlint (version flag unavailable)"), release build took $(( $(date +%s) - t0 )) s" >>"$SUMMARY"

log "read floor: cargo build --release --locked (scripts/read-floor)"
CARGO_TARGET_DIR=$ROOT/target/read-floor cargo build --release --locked --manifest-path scripts/read-floor/Cargo.toml

log "corpora"
t0=$(date +%s)
rm -f "$OUT"/corpus-*.txt
if [ "$ONLY" = all ]; then
  python3 scripts/gen-corpus.py "$BIG" --files "$BIG_FILES" --seed 1 | tee "$OUT/corpus-big.txt"
  python3 scripts/gen-corpus.py "$MEDIUM" --files "$MEDIUM_FILES" --seed 2 | tee "$OUT/corpus-medium.txt"
fi
python3 scripts/gen-corpus.py "$STACKS_CORPUS" --stacks "$STACKS" --seed "$STACKS_SEED" | tee "$OUT/corpus-stacks.txt"
echo "- corpora generated in $(( $(date +%s) - t0 )) s: $(head -qn1 "$OUT"/corpus-{big,medium,stacks}.txt 2>/dev/null | paste -sd ';' -)" >>"$SUMMARY"

if [ "$SKIP_CHECKOV" != 1 ]; then
  log "Checkov $CHECKOV_VERSION in $VENV"
  if ! "$CHECKOV" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet "checkov==$CHECKOV_VERSION"
  fi
  echo "- checkov: $("$CHECKOV" --version)" >>"$SUMMARY"
fi

# The timing harness: runs commands in turn, reads each finished child's rusage.
cat >"$OUT/timer.py" <<'PY'
import json, os, statistics, subprocess, sys, time

def run(argv, env):
    e = dict(os.environ)
    e.update(env)
    t = time.monotonic()
    p = subprocess.Popen(argv, env=e, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "cpu": ru.ru_utime + ru.ru_stime,
            "peak_mib": ru.ru_maxrss / 1024, "exit": p.returncode}

def fmt(xs, unit):
    f = "%.3f" if unit == "s" else "%.1f"
    return " / ".join(f % v for v in (min(xs), statistics.median(xs), max(xs)))

spec = json.loads(sys.argv[1])
a, b = spec["a"], spec.get("b")
for _ in range(spec["warmup"]):
    run(a["argv"], a.get("env", {}))
    if b:
        run(b["argv"], b.get("env", {}))
ra, rb = [], []
for _ in range(spec["runs"]):
    ra.append(run(a["argv"], a.get("env", {})))
    if b:
        rb.append(run(b["argv"], b.get("env", {})))
rows = ["| %s | command | runs | wall s | user s | sys s | cpu s | peak MiB | exit |" % spec["title"],
        "|---|---|---|---|---|---|---|---|---|"]
for label, cmd, rs in ((a["label"], a, ra), (b and b["label"], b, rb)):
    if not cmd:
        continue
    rows.append("| %s | `%s` | %d | %s | %s | %s | %s | %s | %s |" % (
        label, " ".join(("%s=%s " % kv for kv in cmd.get("env", {}).items())) + " ".join(cmd["show"]), len(rs),
        fmt([r["wall"] for r in rs], "s"), fmt([r["user"] for r in rs], "s"), fmt([r["sys"] for r in rs], "s"),
        fmt([r["cpu"] for r in rs], "s"), fmt([r["peak_mib"] for r in rs], "m"),
        ",".join(sorted({str(r["exit"]) for r in rs}))))
if b:
    for k, name in (("wall", "wall"), ("cpu", "cpu"), ("peak_mib", "peak")):
        ratios = [x[k] / y[k] if y[k] else float("nan") for x, y in zip(ra, rb)]
        rows.append("| ratio %s/%s | %s | %d | %s | | | | | |" % (
            a["label"], b["label"], name, len(ratios), " / ".join("%.4f" % v for v in (min(ratios), statistics.median(ratios), max(ratios)))))
    inv = [y["wall"] / x["wall"] for x, y in zip(ra, rb) if x["wall"]]
    rows.append("| times as long %s/%s | wall | %d | %s | | | | | |" % (
        b["label"], a["label"], len(inv), " / ".join("%.1f" % v for v in (min(inv), statistics.median(inv), max(inv)))))
print("\n".join(rows))
print()
if spec.get("json"):
    with open(spec["json"], "w") as f:
        json.dump({"a": ra, "b": rb}, f)
floor = run(["true"], {})["peak_mib"]
print("(min / median / max over the counted runs, after %d warm-up run(s); ratios pair by pair, A/B; a peak cannot "
      "read below the harness's own, %.1f MiB here)" % (spec["warmup"], floor))
PY

# bench TITLE RUNS LABEL_A "ENV_A" CMD_A... -- LABEL_B "ENV_B" CMD_B...  (B optional)
bench() {
  local title=$1 runs=$2
  shift 2
  python3 - "$title" "$runs" "$WARMUP" "$ROOT" "$@" <<'PY' >"$OUT/spec.json"
import json, sys
title, runs, warmup, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
args = sys.argv[5:]
def side(xs):
    label, env = xs[0], dict(kv.split("=", 1) for kv in xs[1].split() if kv)
    argv = xs[2:]
    return {"label": label, "env": env, "argv": argv,
            "show": [x.replace(root + "/", "") for x in argv]}
if "--" in args:
    i = args.index("--")
    spec = {"a": side(args[:i]), "b": side(args[i + 1:])}
else:
    spec = {"a": side(args)}
spec.update(title=title, runs=runs, warmup=warmup)
import os
if os.environ.get("BENCH_JSON"):
    spec["json"] = os.environ["BENCH_JSON"]
print(json.dumps(spec))
PY
  log "timing: $title"
  python3 "$OUT/timer.py" "$(cat "$OUT/spec.json")" | tee -a "$SUMMARY"
  echo >>"$SUMMARY"
}

checkov_cmd() {
  echo "$CHECKOV -d $1 --framework terraform,cloudformation --skip-download --quiet"
}

# same_output CORPUS NAME: ctlint --format json twice and with one thread, byte-identical;
# leaves the report in $OUT/ctlint-NAME-1.json
same_output() {
  local corpus=$1 name=$2
  "$CTLINT" check "$corpus" "${IGNORE_ARGS[@]}" --format json >"$OUT/ctlint-$name-1.json" || true
  "$CTLINT" check "$corpus" "${IGNORE_ARGS[@]}" --format json >"$OUT/ctlint-$name-2.json" || true
  RAYON_NUM_THREADS=1 "$CTLINT" check "$corpus" "${IGNORE_ARGS[@]}" --format json >"$OUT/ctlint-$name-1thread.json" || true
  if cmp -s "$OUT/ctlint-$name-1.json" "$OUT/ctlint-$name-2.json"; then
    echo "- ctlint --format json on $corpus: two runs byte-identical ($(wc -c <"$OUT/ctlint-$name-1.json") bytes)" >>"$SUMMARY"
  else
    echo "- ctlint --format json on $corpus: two runs DIFFER (see $OUT/ctlint-$name-{1,2}.json)" >>"$SUMMARY"
    FAILED+=("$name: output differs between runs")
  fi
  if cmp -s "$OUT/ctlint-$name-1.json" "$OUT/ctlint-$name-1thread.json"; then
    echo "- ctlint with RAYON_NUM_THREADS=1 on $corpus: byte-identical to the default" >>"$SUMMARY"
  else
    echo "- ctlint with RAYON_NUM_THREADS=1 on $corpus: output DIFFERS from the default" >>"$SUMMARY"
    FAILED+=("$name: output differs with one thread")
  fi
}

# matches CORPUS NAME: every trail scope gets exactly its planted (rule, verdict) multiset
matches() {
  local corpus=$1 name=$2
  if ! python3 scripts/check-corpus.py "$corpus" "$OUT/ctlint-$name-1.json" ${IGNORE:+--ignore=$IGNORE} 2>"$OUT/mismatches-$name.txt" | tee -a "$SUMMARY"; then
    FAILED+=("$name: findings do not match the planted mistakes (see $OUT/mismatches-$name.txt)")
  fi
}

log "correctness"
{
  echo
  echo "## Correctness"
  echo
} >>"$SUMMARY"
if [ "$ONLY" = all ]; then
  same_output "$BIG" big
  matches "$BIG" big
  "$CTLINT" check "$MEDIUM" "${IGNORE_ARGS[@]}" --format json >"$OUT/ctlint-medium-1.json" || true
  matches "$MEDIUM" medium
fi
same_output "$STACKS_CORPUS" stacks
matches "$STACKS_CORPUS" stacks

if [ "$SKIP_CHECKOV" != 1 ]; then
  BC_SKIP_MAPPING=TRUE $(checkov_cmd "$BIG") -o json >"$OUT/checkov-big.json" 2>"$OUT/checkov-big.stderr" || true
  python3 - "$BIG" "$OUT/checkov-big.json" <<'PY' | tee -a "$SUMMARY"
import collections, json, os, sys
corpus = sys.argv[1]
m = json.load(open(os.path.join(corpus, ".ctlint-bench-corpus")))
d = json.load(open(sys.argv[2]))
d = d if isinstance(d, list) else [d]
# Checkov checks that match a ctlint rule (Checkov applies the bucket, log group and key checks
# to every bucket, log group and key; ctlint only to the trail's).
pairs = [("CT001", "CKV_AWS_67", "trail multi-region"), ("CT002", "CKV_AWS_36", "log file validation"),
         ("CT003", "CKV_AWS_35", "trail KMS"), ("CT004", "CKV2_AWS_10", "trail to CloudWatch Logs"),
         ("CT005", "CKV_AWS_251", "trail logging"), ("CT101", "CKV_AWS_21", "bucket versioning"),
         ("CT102", "CKV_AWS_18", "bucket access logging"), ("CT104", "CKV2_AWS_6", "public access block (TF)"),
         ("CT104", "CKV_AWS_53..56", "public access block settings (CFN)"),
         ("CT201", "CKV_AWS_338", "log group retention >= 1 year"), ("CT202", "CKV_AWS_158", "log group KMS"),
         ("CT303", "CKV_AWS_7", "KMS rotation")]
failed = collections.Counter(); skipped_dirs = collections.Counter(); parse = 0; total = 0
for rep in d:
    r = rep["results"]
    parse += len(r.get("parsing_errors", []))
    for f in r["failed_checks"]:
        total += 1
        p = f["file_path"]
        where = "build/" if "/build/" in p else ".terraform/" if "/.terraform/" in p else "node_modules/" if "/node_modules/" in p else ""
        cid = f["check_id"]
        if cid in ("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"):
            cid = "CKV_AWS_53..56"
        failed[(cid, where)] += 1
        if where:
            skipped_dirs[where] += 1
print("- Checkov: %d failed checks in all, %d parsing errors; failed checks in directories ctlint skips: %s"
      % (total, parse, dict(skipped_dirs) or "none"))
print()
print("| ctlint rule | planted | Checkov check | Checkov failed (outside skipped dirs) | Checkov failed in build/ etc. |")
print("|---|---|---|---|---|")
for rule, cid, what in pairs:
    inside = failed[(cid, "")]
    outside = sum(n for (c, w), n in failed.items() if c == cid and w)
    print("| %s %s | %d | %s | %d | %d |" % (rule, what, m["expected_fail_counts"].get(rule, 0), cid, inside, outside))
print()
PY
fi

{
  echo
  echo "## Timings"
  echo
} >>"$SUMMARY"
if [ "$ONLY" != all ]; then
  :
elif [ "$SKIP_CHECKOV" != 1 ]; then
  bench "examples/" "$RUNS" ctlint "" "$CTLINT" check examples "${IGNORE_ARGS[@]}" -- checkov "BC_SKIP_MAPPING=TRUE" $(checkov_cmd examples)
  bench "medium ($MEDIUM_FILES files)" "$RUNS" ctlint "" "$CTLINT" check "$MEDIUM" "${IGNORE_ARGS[@]}" -- checkov "BC_SKIP_MAPPING=TRUE" $(checkov_cmd "$MEDIUM")
  bench "big ($BIG_FILES files)" "$RUNS_BIG" ctlint "" "$CTLINT" check "$BIG" "${IGNORE_ARGS[@]}" -- checkov "BC_SKIP_MAPPING=TRUE" $(checkov_cmd "$BIG")
else
  bench "examples/" "$RUNS" ctlint "" "$CTLINT" check examples "${IGNORE_ARGS[@]}"
  bench "medium ($MEDIUM_FILES files)" "$RUNS" ctlint "" "$CTLINT" check "$MEDIUM" "${IGNORE_ARGS[@]}"
  bench "big ($BIG_FILES files)" "$RUNS_BIG" ctlint "" "$CTLINT" check "$BIG" "${IGNORE_ARGS[@]}"
fi
[ "$ONLY" != all ] || bench "big, threads" "$RUNS_BIG" "1 thread" "RAYON_NUM_THREADS=1" "$CTLINT" check "$BIG" "${IGNORE_ARGS[@]}" -- "default" "" "$CTLINT" check "$BIG" "${IGNORE_ARGS[@]}"

# The read floor: the same discovery as ctlint and every candidate file read into memory, no
# parsing, on the same thread pool; caches warm (the correctness runs above and the warm-up pair
# read the corpus). ctlint runs with its default human output, as in the other timings.
log "read floor"
floor_says=$("$READ_FLOOR" "$STACKS_CORPUS")
{
  echo
  echo "## The $STACKS-stack corpus against the read floor"
  echo
  echo "- $(head -1 "$OUT/corpus-stacks.txt")"
  echo "- the read floor (\`scripts/read-floor\`) reads $floor_says; ctlint's summary: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%d files read as Terraform, CloudFormation or policies, %d resources" % (s["files"], s["resources"]))' "$OUT/ctlint-stacks-1.json")"
  echo
} >>"$SUMMARY"
BENCH_JSON=$OUT/stacks-floor.json bench "$STACKS stacks vs read floor" "$RUNS" ctlint "" "$CTLINT" check "$STACKS_CORPUS" "${IGNORE_ARGS[@]}" -- "read floor" "" "$READ_FLOOR" "$STACKS_CORPUS"
verdict=$(python3 - "$OUT/stacks-floor.json" "$BUDGET" "$AIM" <<'PY'
import json, statistics, sys
d = json.load(open(sys.argv[1]))
budget, aim = float(sys.argv[2]), float(sys.argv[3])
ratios = [a["wall"] / b["wall"] for a, b in zip(d["a"], d["b"])]
r = statistics.median(ratios)
a = statistics.median(x["wall"] for x in d["a"])
b = statistics.median(x["wall"] for x in d["b"])
peak = max(x["peak_mib"] for x in d["a"])
state = "OVER BUDGET" if r > budget else ("within budget, over the %gx aim" % aim if r > aim else "within the %gx aim" % aim)
print("ctlint %.3f s, read floor %.3f s (medians of %d pairs); ctlint / read floor = %.2fx (median of the pair ratios, %.2f-%.2f); ctlint peak RSS %.0f MiB; budget %gx: %s"
      % (a, b, len(ratios), r, min(ratios), max(ratios), peak, budget, state))
PY
)
echo "- **$verdict**" >>"$SUMMARY"
log "$verdict"
case "$verdict" in *"OVER BUDGET"*) FAILED+=("OVER BUDGET: $verdict") ;; esac

echo "- scripts/bench.sh took $(( $(date +%s) - started )) s in all" >>"$SUMMARY"
if [ ${#FAILED[@]} -gt 0 ]; then
  printf -- '- FAILED: %s\n' "${FAILED[@]}" >>"$SUMMARY"
fi
log "done: $SUMMARY"
cat "$SUMMARY"
if [ ${#FAILED[@]} -gt 0 ]; then
  printf '\nbench.sh FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
