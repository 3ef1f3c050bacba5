#!/usr/bin/env python3
"""Compare ctlint's JSON report on a generated corpus with the corpus's manifest.

    scripts/check-corpus.py CORPUS REPORT.json [--quiet] [--ignore=RULE,...]

Every trail scope (a Terraform module directory or a CloudFormation template, as the manifest
lists them) must get exactly the multiset of (rule, verdict) the generator planted: its `fail`
rules as fail, its `unknown` rules as unknown, nothing else. A finding outside every scope is a
mismatch too, and so is any finding in `.terraform/`, `node_modules/` or `build/`. Prints the
summary lines bench.sh puts in its report, then each mismatch (all of them, to stderr, unless
--quiet). --ignore=CT401,CT402 leaves those rules out on both sides (for a report made with
ctlint --ignore). Exits 1 when a scope does not match, 0 when all do.
"""
import collections
import json
import os
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quiet = "--quiet" in sys.argv
    ignored = {r for a in sys.argv[1:] if a.startswith("--ignore=") for r in a.split("=", 1)[1].split(",") if r}
    corpus, report = args[0].rstrip("/"), args[1]
    m = json.load(open(os.path.join(corpus, ".ctlint-bench-corpus")))
    d = json.load(open(report))
    scopes = {e["scope"]: e for e in m["expected"]}

    def scope_of(path):
        rel = path.split(corpus + "/", 1)[-1]
        dirname = rel.rsplit("/", 1)[0]
        if dirname in scopes and scopes[dirname]["kind"] == "terraform":
            return dirname
        return rel if rel in scopes else "(outside any trail scope) " + rel

    got = collections.defaultdict(collections.Counter)
    # Registry modules called by workload stacks: the corpus writes no .terraform/modules/
    # modules.json, so ctlint says, rightly, that it cannot read them (an unknown CT000 on each
    # call). They are counted here, not planted per scope.
    unread_modules = [f for f in d["findings"]
                      if f["rule"] == "CT000" and f["verdict"] == "unknown" and " is not read, so what it defines is not checked" in f["message"]]
    for f in d["findings"]:
        if f["rule"] in ignored or f in unread_modules:
            continue
        got[scope_of(f["location"]["file"])][(f["rule"], f["verdict"])] += 1
    want = {s: collections.Counter([(r, "fail") for r in e["fail"] if r not in ignored]
                                   + [(r, "unknown") for r in e["unknown"] if r not in ignored])
            for s, e in scopes.items()}
    empty = collections.Counter()
    bad = [s for s in sorted(set(want) | set(got)) if want.get(s, empty) != got.get(s, empty)]
    in_skipped = [f for f in d["findings"] for x in ("/.terraform/", "/node_modules/", "/build/") if x in f["location"]["file"]]
    by_rule = collections.Counter((f["rule"], f["verdict"]) for f in d["findings"])
    matched = len(scopes) - len([s for s in bad if s in scopes])
    print("- %d module calls the corpus gives no modules.json for are reported as unknown (not read), as they should be" % len(unread_modules))
    print("- %s: %d files, %d trail scopes (stacks; %d compliant); ctlint %d findings, %d CT000, %d errors; "
          "**%d of %d trail scopes match the planted mistakes exactly**%s; %d bad setups planted in .terraform/, "
          "node_modules/ and build/ (gitignored), none reported: %s%s" % (
              corpus, m["files"], m["trails"], m["trails_compliant"], len(d["findings"]), by_rule[("CT000", "fail")],
              len(d["errors"]), matched, len(scopes),
              "" if not bad else " (%d MISMATCHES, first: %s)" % (len(bad), "; ".join(
                  "%s want %s got %s" % (s, sorted(want.get(s, {}).items()), sorted(got.get(s, {}).items())) for s in bad[:3])),
              len(m["skipped_planted"]), "yes" if not in_skipped else "NO",
              "" if not ignored else "; rules left out of the comparison: " + ", ".join(sorted(ignored))))
    print("- planted failures by rule: " + ", ".join("%s %d" % kv for kv in m["expected_fail_counts"].items())
          + "; unknowns: " + (", ".join("%s %d" % kv for kv in m["expected_unknown_counts"].items()) or "none"))
    if m.get("policy_variant_counts"):
        print("- policy mistakes by variant: " + ", ".join("%s %s %d" % (r, v, n) for (r, v, n) in m["policy_variant_counts"]))
    print("- ctlint findings by rule: " + ", ".join("%s %s %d" % (r, v, n) for (r, v), n in sorted(by_rule.items())))
    if bad and not quiet:
        for s in bad:
            e = scopes.get(s, {})
            print("MISMATCH %s (policy %s): want %s got %s" % (
                s, e.get("policy", {}), sorted(want.get(s, {}).items()), sorted(got.get(s, {}).items())), file=sys.stderr)
    sys.exit(1 if bad or in_skipped else 0)


if __name__ == "__main__":
    main()
