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
# Results: target/bench-results/summary.md (and the raw outputs next to it).
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

OUT=target/bench-results
BIG=target/bench-corpus
MEDIUM=target/bench-corpus-medium
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

log "corpora"
t0=$(date +%s)
python3 scripts/gen-corpus.py "$BIG" --files "$BIG_FILES" --seed 1 | tee "$OUT/corpus-big.txt"
python3 scripts/gen-corpus.py "$MEDIUM" --files "$MEDIUM_FILES" --seed 2 | tee "$OUT/corpus-medium.txt"
echo "- corpora generated in $(( $(date +%s) - t0 )) s: $(head -1 "$OUT/corpus-big.txt"); $(head -1 "$OUT/corpus-medium.txt")" >>"$SUMMARY"

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
print(json.dumps(spec))
PY
  log "timing: $title"
  python3 "$OUT/timer.py" "$(cat "$OUT/spec.json")" | tee -a "$SUMMARY"
  echo >>"$SUMMARY"
}

checkov_cmd() {
  echo "$CHECKOV -d $1 --framework terraform,cloudformation --skip-download --quiet"
}

log "correctness"
{
  echo
  echo "## Correctness"
  echo
} >>"$SUMMARY"
"$CTLINT" check "$BIG" --format json >"$OUT/ctlint-big-1.json" || true
"$CTLINT" check "$BIG" --format json >"$OUT/ctlint-big-2.json" || true
if cmp -s "$OUT/ctlint-big-1.json" "$OUT/ctlint-big-2.json"; then
  echo "- ctlint --format json on the big corpus: two runs byte-identical ($(wc -c <"$OUT/ctlint-big-1.json") bytes)" >>"$SUMMARY"
else
  echo "- ctlint --format json on the big corpus: two runs DIFFER (see $OUT/ctlint-big-{1,2}.json)" >>"$SUMMARY"
fi
RAYON_NUM_THREADS=1 "$CTLINT" check "$BIG" --format json >"$OUT/ctlint-big-1thread.json" || true
if cmp -s "$OUT/ctlint-big-1.json" "$OUT/ctlint-big-1thread.json"; then
  echo "- ctlint with RAYON_NUM_THREADS=1: byte-identical to the default" >>"$SUMMARY"
else
  echo "- ctlint with RAYON_NUM_THREADS=1: output DIFFERS from the default" >>"$SUMMARY"
fi
for corpus in "$BIG" "$MEDIUM"; do
  [ "$corpus" = "$BIG" ] || "$CTLINT" check "$corpus" --format json >"$OUT/ctlint-medium.json" || true
  report=$OUT/ctlint-big-1.json
  [ "$corpus" = "$BIG" ] || report=$OUT/ctlint-medium.json
  python3 - "$corpus" "$report" <<'PY' | tee -a "$SUMMARY"
import collections, json, os, sys
corpus, report = sys.argv[1].rstrip("/"), sys.argv[2]
m = json.load(open(os.path.join(corpus, ".ctlint-bench-corpus")))
d = json.load(open(report))
scopes = {e["scope"]: e for e in m["expected"]}
def scope_of(path):
    rel = path.split(corpus + "/", 1)[-1]
    d = rel.rsplit("/", 1)[0]
    if d in scopes and scopes[d]["kind"] == "terraform":
        return d
    return rel if rel in scopes else "(outside any trail scope) " + rel
got = collections.defaultdict(collections.Counter)
for f in d["findings"]:
    got[scope_of(f["location"]["file"])][(f["rule"], f["verdict"])] += 1
want = {s: collections.Counter([(r, "fail") for r in e["fail"]] + [(r, "unknown") for r in e["unknown"]]) for s, e in scopes.items()}
bad = [s for s in sorted(set(want) | set(got)) if want.get(s, collections.Counter()) != got.get(s, collections.Counter())]
by_rule = collections.Counter((f["rule"], f["verdict"]) for f in d["findings"])
print("- %s: %d files, %d trails (%d compliant); ctlint %d findings, %d CT000, %d errors; %d of %d trail scopes "
      "match the planted mistakes exactly%s; %d bad setups planted in .terraform/, node_modules/ and build/ "
      "(gitignored), none reported: %s" % (
    corpus, m["files"], m["trails"], m["trails_compliant"], len(d["findings"]), by_rule[("CT000", "fail")],
    len(d["errors"]), len(scopes) - len([s for s in bad if s in scopes]), len(scopes),
    "" if not bad else " (MISMATCHES: %s)" % "; ".join("%s want %s got %s" % (s, sorted(want.get(s, {}).items()), sorted(got.get(s, {}).items())) for s in bad[:5]),
    len(m["skipped_planted"]),
    "yes" if not any(x in f["location"]["file"] for f in d["findings"] for x in ("/.terraform/", "/node_modules/", "/build/")) else "NO"))
print("- planted failures by rule: " + ", ".join("%s %d" % kv for kv in m["expected_fail_counts"].items())
      + "; unknowns: " + (", ".join("%s %d" % kv for kv in m["expected_unknown_counts"].items()) or "none"))
print("- ctlint findings by rule: " + ", ".join("%s %s %d" % (r, v, n) for (r, v), n in sorted(by_rule.items())))
PY
done

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
if [ "$SKIP_CHECKOV" != 1 ]; then
  bench "examples/" "$RUNS" ctlint "" "$CTLINT" check examples -- checkov "BC_SKIP_MAPPING=TRUE" $(checkov_cmd examples)
  bench "medium ($MEDIUM_FILES files)" "$RUNS" ctlint "" "$CTLINT" check "$MEDIUM" -- checkov "BC_SKIP_MAPPING=TRUE" $(checkov_cmd "$MEDIUM")
  bench "big ($BIG_FILES files)" "$RUNS_BIG" ctlint "" "$CTLINT" check "$BIG" -- checkov "BC_SKIP_MAPPING=TRUE" $(checkov_cmd "$BIG")
else
  bench "examples/" "$RUNS" ctlint "" "$CTLINT" check examples
  bench "medium ($MEDIUM_FILES files)" "$RUNS" ctlint "" "$CTLINT" check "$MEDIUM"
  bench "big ($BIG_FILES files)" "$RUNS_BIG" ctlint "" "$CTLINT" check "$BIG"
fi
bench "big, threads" "$RUNS_BIG" "1 thread" "RAYON_NUM_THREADS=1" "$CTLINT" check "$BIG" -- "default" "" "$CTLINT" check "$BIG"

echo "- scripts/bench.sh took $(( $(date +%s) - started )) s in all" >>"$SUMMARY"
log "done: $SUMMARY"
cat "$SUMMARY"
