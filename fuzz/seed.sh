#!/usr/bin/env bash
# Seed corpus/<target>/ from the repository's fixtures, examples and third-party corpus.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import hashlib, os, re

roots = ["../tests/fixtures", "../examples", "../tests/corpus"]
for t in ["yaml", "json", "hcl", "pipeline", "tf_eval"]:
    os.makedirs(f"corpus/{t}", exist_ok=True)

def put(target, data):
    with open(f"corpus/{target}/seed-{hashlib.sha1(data).hexdigest()}", "wb") as f:
        f.write(data)

exprs = set()
for root in roots:
    for d, _, names in os.walk(root):
        for name in names:
            path = os.path.join(d, name)
            low = path.lower()
            data = open(path, "rb").read()
            if low.endswith((".yaml", ".yml")):
                put("yaml", data)
            if low.endswith(".json"):
                put("json", data)
                put("yaml", data)
            if low.endswith(".tf"):
                put("hcl", data)
                for m in re.finditer(rb"^\s*[A-Za-z_][\w-]*\s*=\s*(.+?)\s*$", data, re.M):
                    if m.group(1) not in (b"{", b"["):
                        exprs.add(m.group(1))
            if low.endswith((".yaml", ".yml", ".json", ".tf")):
                put("pipeline", data)

extra = [
    b'true', b'false', b'null', b'"x"', b'1', b'[true, false]', b'{ mgmt = true, org = true }',
    b'["ReadOnly", "All"]', b'"${var.v}-x"',
    b'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Principal = "*" }] })',
    b'[for s in ["a","b"] : upper(s)]', b'{ for k, v in { a = 1 } : k => v }',
    b'var.v == "dflt" ? true : false', b'format("%s-%d", "a", 1)', b'join(",", ["a", "b"])',
    b'merge({ a = 1 }, { b = 2 })', b'lookup({ a = 1 }, "a", 0)', b'element(["a"], 3)',
    b'concat([1], [2])', b'try(local.nope, 1)', b'coalesce("", "x")', b'tonumber("1e3")',
    b'<<EOF\nheredoc ${var.v}\nEOF\n', b'"%{ if true }yes%{ else }no%{ endif }"',
    b'"%{ for x in [1,2] }${x}%{ endfor }"', b'data.aws_caller_identity.current.account_id',
    b'aws_s3_bucket.b.arn', b'-(1) * 3 / 0 % 2', b'!true && false || true', b'[1, 2, 3][1]',
    b'{ a = [1] }.a[0]', b'[{ a = 1 }][*].a', b'jsondecode("{\\"a\\": [1, true, null]}")',
    b'distinct(flatten([[1], [1, [2]]]))', b'compact(["", "a"])', b'length("abc")',
    b'replace("aaa", "a", "b")', b'trimprefix(trimsuffix(" x ", " "), " ")', b'lower(upper("Ab"))',
    b'tolist(toset(["a"]))', b'file("x")',
]
for e in list(exprs) + extra:
    put("tf_eval", e)
for t in ["yaml", "json", "hcl", "pipeline", "tf_eval"]:
    print(t, len(os.listdir(f"corpus/{t}")))
PY
