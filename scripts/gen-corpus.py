#!/usr/bin/env python3
"""Generate a large, realistic infrastructure-as-code repository for benchmarking ctlint.

    scripts/gen-corpus.py OUT_DIR [--files N] [--seed S]

Writes exactly N files (default 10,000) under OUT_DIR, plus one manifest,
OUT_DIR/.ctlint-bench-corpus (JSON, a name ctlint and Checkov never read), that lists the
CloudTrail mistakes the generator planted and where. The same N and seed always give the same
bytes (Python standard library only, no clock, no environment).

What is in it, roughly by share of files:

- Terraform (about half): reusable modules under terraform/modules/ and root stacks under
  terraform/live/<env>/<region>/, 3-8 `.tf` files each. About one module in eight sets up a
  CloudTrail trail (trail, S3 bucket with the v4 split resources, KMS keys with jsonencode
  policies, log group, IAM role, alarms, variables with defaults, locals); the rest is ordinary
  workload code (VPCs, instances, security groups with dynamic blocks, Lambda functions, ECS,
  RDS, DynamoDB, SQS/SNS, application buckets, log groups and keys that are not the trail's),
  so most of the content is not CloudTrail, as in real repositories.
- CloudFormation (about 15%): YAML templates with short-form tags (!Sub, !Ref, !GetAtt, !If,
  !Equals, !Join, !Select, !FindInMap, !ImportValue) and JSON templates with the long forms;
  about one in eight defines a trail; plus SAM templates.
- IAM policy documents (about 5%): policies/**/*.json with `Statement`.
- Noise that a linter must skip or ignore (about 30%): `.terraform/` directories with provider
  junk and downloaded module copies (with bad trails in them), `node_modules/` (with a bad
  CloudFormation trail template in them), a `build/` directory listed in the root `.gitignore`
  and full of `.tf` files with bad trails, Kubernetes manifests, Helm values, GitHub workflows,
  docker-compose files, serverless.yml, package.json / package-lock.json, README.md files.

Trails are a mix of compliant ones and ones with 1-5 planted mistakes, each of which maps to one
ctlint rule (CT001-CT403); a compliant trail passes every rule, so its bucket policy, keys, role
and the identity policies around it have the shapes AWS documents. The manifest gives, per scope (Terraform module directory or template
file), the rules that must fail, the rules that must be unknown, the variant of each policy
mistake (`policy`), and the mistakes planted in the directories that must be skipped.

Policy mistakes (CT103, CT105-CT107 in the trail bucket's policy, CT203 in the log group key's,
CT204-CT206 in the CloudWatch Logs role's trust and permissions, CT301, CT302, CT304 in the trail
key's policy and CT305 in its properties, CT401-CT403 in the identity policies of the trail's
operators and log readers) are planted through POLICY_PLANTINGS and TrailPlan: statements are
built as data and written in every syntax (jsonencode, aws_iam_policy_document, heredoc JSON,
CloudFormation YAML and JSON); see "Policy plantings" below.

    scripts/gen-corpus.py OUT_DIR --stacks N [--seed S]

writes exactly N trail scopes ("stacks": a Terraform module directory or a CloudFormation
template that sets up a trail) instead, with the usual share of other files around them (about
33 files per stack), for benchmarks sized by stacks rather than files.
"""

import argparse
import collections
import json
import os
import random
import shutil
import sys

MARKER = ".ctlint-bench-corpus"

TEAMS = [
    "payments", "identity", "search", "platform", "data", "ml", "web", "mobile", "infra",
    "security", "billing", "catalog", "checkout", "ledger", "notify", "growth", "risk", "media",
]
ENVS = ["dev", "staging", "prod", "sandbox", "qa"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"]
APP_WORDS = [
    "api", "worker", "gateway", "ingest", "export", "reports", "scheduler", "auth", "orders",
    "invoices", "events", "profile", "images", "feeds", "alerts", "sessions", "audit", "etl",
]
INSTANCE_TYPES = ["t3.micro", "t3.small", "t3.medium", "m5.large", "m6i.xlarge", "c6g.large", "r6i.large"]
RUNTIMES = ["python3.12", "python3.11", "nodejs20.x", "nodejs18.x", "java21", "provided.al2023"]

# Mistakes planted in trails; each maps to the rule that must report it.
TRAIL_MISTAKES = ["CT001", "CT002", "CT003", "CT004", "CT005", "CT006", "CT007", "CT008", "CT009"]
BUCKET_MISTAKES = ["CT101", "CT102", "CT104", "CT108"]
LOG_MISTAKES = ["CT201", "CT202"]
KEY_MISTAKES = ["CT303", "CT303L"]  # trail key, log group key


def sub(text, **kw):
    """Replace @name@ placeholders (HCL, YAML and JSON use braces themselves)."""
    for k, v in kw.items():
        text = text.replace("@" + k + "@", str(v))
    if "@" in text.replace("@@", ""):
        left = [w for w in text.split("@")[1::2] if w and w.replace("_", "").isalnum()]
        if left:
            raise ValueError("unfilled placeholder(s): %s" % ", ".join(sorted(set(left))))
    return text


class Corpus:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.files = {}  # path -> str or bytes, in insertion order
        self.expected = []  # {"scope", "fail": [...], "unknown": [...]}
        self.skipped_planted = []  # {"scope", "fail": [...]} in dirs a linter must skip
        self.counter = 0

    def uid(self):
        self.counter += 1
        return self.counter

    def add(self, path, content):
        if path in self.files:
            raise ValueError("duplicate path " + path)
        self.files[path] = content

    def account(self):
        return "".join(str(self.rng.randint(0, 9)) for _ in range(12))


# ---------------------------------------------------------------------------------------------
# Policy documents: statements as data, written out in every syntax the corpus uses
# ---------------------------------------------------------------------------------------------
#
# A statement is a dict in the JSON shape of IAM (Sid, Effect, Principal, Action, Resource,
# Condition). Its strings may hold tokens, {{region}}, {{partition}}, {{account}} and
# {{log_group}} (the trail log group's name), which each syntax spells its own way: in Terraform
# as interpolations of locals or data sources (or literals where a literal provider region fixes
# them), in CloudFormation as ${AWS::Region}, ${AWS::Partition}, ${AWS::AccountId} inside !Sub /
# Fn::Sub. The same statements can then be written as a jsonencode() object, an
# aws_iam_policy_document, a heredoc of JSON, CloudFormation YAML or CloudFormation JSON, so a
# planted mistake is the same mistake whatever the spelling.

# {{trail_arn}} and {{bucket_arn}} come first: their spellings may hold the other tokens.
TOKENS = ("trail_arn", "bucket_arn", "trail_name", "region", "partition", "account", "log_group")
TRAIL_ARN = "arn:{{partition}}:cloudtrail:{{region}}:{{account}}:trail/{{trail_name}}"


def tf_spelling(rng, provider_region):
    """How one Terraform module spells the tokens. A literal provider region also fixes the
    partition, so `arn:aws:` and `logs.eu-west-1.amazonaws.com` may be written out."""
    sp = {
        "trail_arn": rng.choice(["${local.trail_arn}", TRAIL_ARN]),
        "bucket_arn": "${aws_s3_bucket.trail.arn}",
        "trail_name": rng.choice(["${local.trail_name}", "${var.name}-trail"]),
        "region": rng.choice(["${local.region}", "${data.aws_region.current.name}"]),
        "partition": rng.choice(["${local.partition}", "${data.aws_partition.current.partition}"]),
        "account": rng.choice(["${local.account_id}", "${data.aws_caller_identity.current.account_id}"]),
        "log_group": rng.choice(["${local.log_group_name}", "/aws/cloudtrail/${var.name}"]),
    }
    if provider_region and rng.random() < 0.5:
        sp["region"] = provider_region
    if provider_region and rng.random() < 0.5:
        sp["partition"] = "aws"
    return sp


CFN_SPELLING = {"trail_arn": TRAIL_ARN, "bucket_arn": "${TrailBucket.Arn}", "trail_name": "${Name}-trail",
                "region": "${AWS::Region}", "partition": "${AWS::Partition}", "account": "${AWS::AccountId}",
                "log_group": "/aws/cloudtrail/${Name}"}


def has_tokens(s):
    return isinstance(s, str) and "{{" in s


def fill(s, spelling):
    for t in TOKENS:
        s = s.replace("{{%s}}" % t, spelling[t])
    return s


def tf_str(s, spelling):
    """A Terraform string literal (a template where it interpolates)."""
    return json.dumps(fill(s, spelling), ensure_ascii=False)


def hcl_value(v, spelling, indent):
    pad = "  " * indent
    if isinstance(v, str):
        return tf_str(v, spelling)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(hcl_value(x, spelling, indent) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        keys = [k if k.replace("_", "").isalnum() else json.dumps(k) for k in v]
        width = max(len(k) for k in keys)
        inner = "".join("%s  %-*s = %s\n" % (pad, width, k, hcl_value(x, spelling, indent + 1)) for k, x in zip(keys, v.values()))
        return "{\n" + inner + pad + "}"
    return str(v)


def hcl_jsonencode(statements, spelling, indent=1):
    """`jsonencode({ Version = ..., Statement = [...] })`, as most modules write it."""
    pad = "  " * indent
    body = ",\n".join(pad + "    " + hcl_value(s, spelling, indent + 2) for s in statements)
    return ("jsonencode({\n%s  Version = \"2012-10-17\"\n%s  Statement = [\n%s\n%s  ]\n%s})"
            % (pad, pad, body, pad, pad))


def hcl_heredoc(statements, spelling, indent=1):
    """A heredoc of JSON (interpolations still work inside it)."""
    pad = "  " * indent
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
    doc = fill(doc, spelling)
    return "<<-EOT\n" + "".join(pad + "  " + line + "\n" for line in doc.split("\n")) + pad + "EOT"


def as_list(v):
    return v if isinstance(v, list) else [v]


def hcl_policy_document(name, statements, spelling):
    """`data "aws_iam_policy_document"` with one statement block per statement."""
    out = ['data "aws_iam_policy_document" "%s" {\n' % name]
    for s in statements:
        out.append("  statement {\n")
        if "Sid" in s:
            out.append("    sid       = %s\n" % tf_str(s["Sid"], spelling))
        out.append("    effect    = %s\n" % tf_str(s.get("Effect", "Allow"), spelling))
        if "NotAction" in s:
            out.append("    not_actions = %s\n" % hcl_value(as_list(s["NotAction"]), spelling, 2))
        else:
            out.append("    actions   = %s\n" % hcl_value(as_list(s["Action"]), spelling, 2))
        if "Resource" in s:  # none in a trust policy
            out.append("    resources = %s\n" % hcl_value(as_list(s["Resource"]), spelling, 2))
        p = s.get("Principal")
        if p == "*":
            out.append('\n    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n')
        elif p:
            for kind, ids in p.items():
                out.append("\n    principals {\n      type        = %s\n      identifiers = %s\n    }\n"
                           % (json.dumps(kind), hcl_value(as_list(ids), spelling, 3)))
        for test, kv in s.get("Condition", {}).items():
            for var, vals in kv.items():
                out.append("\n    condition {\n      test     = %s\n      variable = %s\n      values   = %s\n    }\n"
                           % (json.dumps(test), json.dumps(var), hcl_value(as_list(vals), spelling, 3)))
        out.append("  }\n")
    out.append("}\n")
    return "".join(out)


def cfn_json_value(v, join=False):
    """CloudFormation JSON: tokens become Fn::Sub (or, for the service principal, Fn::Join)."""
    if isinstance(v, str) and has_tokens(v):
        if join and v == "logs.{{region}}.amazonaws.com":
            return {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
        return {"Fn::Sub": fill(v, CFN_SPELLING)}
    if isinstance(v, list):
        return [cfn_json_value(x, join) for x in v]
    if isinstance(v, dict):
        return {k: cfn_json_value(x, join) for k, x in v.items()}
    return v


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if has_tokens(v):
        return "!Sub " + json.dumps(fill(v, CFN_SPELLING))
    if v == "*" or v[:1] in "!&*{[|>'\"%@`#" or ": " in v or v in ("true", "false", "yes", "no"):
        return json.dumps(v)
    return v


def cfn_yaml_policy(statements, indent, flow_actions=False):
    """The policy document as CloudFormation YAML under a key at `indent` spaces."""
    pad = " " * indent
    out = [pad + 'Version: "2012-10-17"\n', pad + "Statement:\n"]
    for s in statements:
        first = True
        for k, v in s.items():
            lead = pad + ("  - " if first else "    ")
            first = False
            if isinstance(v, str):
                out.append("%s%s: %s\n" % (lead, k, yaml_scalar(v)))
            elif isinstance(v, list):
                if flow_actions and not any(has_tokens(x) for x in v):
                    out.append("%s%s: [%s]\n" % (lead, k, ", ".join(v)))
                else:
                    out.append("%s%s:\n" % (lead, k) + "".join("%s      - %s\n" % (pad, yaml_scalar(x)) for x in v))
            else:  # Principal or Condition: one or two levels of mapping
                out.append("%s%s:\n" % (lead, k))
                for k2, v2 in v.items():
                    if isinstance(v2, dict):
                        out.append("%s      %s:\n" % (pad, k2))
                        for k3, v3 in v2.items():
                            out.append("%s        %s: %s\n" % (pad, k3, yaml_scalar(v3) if isinstance(v3, str)
                                                              else "[" + ", ".join(yaml_scalar(x) for x in v3) + "]"))
                    elif isinstance(v2, list):
                        out.append("%s      %s:\n" % (pad, k2) + "".join("%s        - %s\n" % (pad, yaml_scalar(x)) for x in v2))
                    else:
                        out.append("%s      %s: %s\n" % (pad, k2, yaml_scalar(v2)))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Policy plantings: which statements a policy of a trail setup has, and the mistakes in them
# ---------------------------------------------------------------------------------------------
#
# Each policy rule that the generator plants is one entry in POLICY_PLANTINGS: the policy it is
# about, and the names of its mistakes with the verdict each must get. A trail's plan (TrailPlan)
# holds at most one variant per rule, chosen so that it agrees with the trail's other mistakes
# (`compatible`); the statements function of each policy (bucket_statements,
# logs_key_statements, trail_key_statements, role_trust_statements,
# role_permission_statements, operators_statements, readers_statements) builds the compliant
# statements and then spoils them as the variants say, and every syntax writes the result.
# To plant another rule: add its entry (POLICY_MISTAKES and pick_mistakes take it from there),
# teach `compatible` and pick_mistakes how it interacts with the others, and extend the
# statements function of its policy.

POLICY_PLANTINGS = {
    # rule: {variant: (verdict, formats it can be written in)}. "own-bucket": only where the
    # module or template defines the trail's bucket (not an external log archive bucket).
    "CT203": {
        "policy": "log group key",
        "variants": {
            "no_statement": ("fail", ("tf", "cfn")),       # only the account's statement
            "no_policy": ("fail", ("tf",)),                # no policy: the default key policy
            "other_region": ("fail", ("tf-literal-region",)),  # logs.<another region>.amazonaws.com
            "other_group": ("fail", ("tf", "cfn")),        # encryption context scoped to another group
            # On purpose: a literal region where nothing fixes the stack's region.
            "literal_region_unfixed": ("unknown", ("tf-unfixed-region", "cfn")),
        },
    },
    "CT103": {
        "policy": "trail bucket",  # with a public access block that does not restrict the policy (CT104)
        "variants": {
            "public_read": ("fail", ("tf", "cfn")),        # Principal "*" s3:GetObject on the log files
            "public_aws_star": ("fail", ("tf", "cfn")),    # {AWS: "*"} s3:GetObject, s3:ListBucket
            "public_ifexists": ("fail", ("tf", "cfn")),    # "*" with StringEqualsIfExists aws:SourceAccount
        },
    },
    "CT105": {
        "policy": "trail bucket",
        "variants": {
            "no_acl_check": ("fail", ("tf", "cfn")),       # no s3:GetBucketAcl statement
            "wrong_prefix": ("fail", ("tf", "cfn")),       # s3:PutObject under a prefix the trail does not use
            "other_trail": ("fail", ("tf", "cfn")),        # s3:PutObject scoped to another trail's ARN
        },
    },
    "CT106": {
        "policy": "trail bucket",
        "variants": {
            "acl_unscoped": ("fail", ("tf", "cfn")),       # s3:GetBucketAcl without aws:SourceArn/SourceAccount
            "write_unscoped": ("fail", ("tf", "cfn")),     # s3:PutObject with only s3:x-amz-acl
        },
    },
    "CT107": {
        "policy": "trail bucket",
        "variants": {
            "no_deny": ("fail", ("tf", "cfn")),            # no Deny on aws:SecureTransport = false
            "deny_put_only": ("fail", ("tf", "cfn")),      # the Deny covers s3:PutObject only
            "deny_named_principal": ("fail", ("tf", "cfn")),  # the Deny names the account, not "*"
            "deny_bucket_only": ("fail", ("tf", "cfn")),   # the Deny is on the bucket ARN, not its objects
        },
    },
    "CT204": {
        "policy": "role trust",
        "variants": {
            "other_service": ("fail", ("tf", "cfn")),      # trusts logs.amazonaws.com, not CloudTrail
            "other_trail": ("fail", ("tf", "cfn")),        # aws:SourceArn of another trail
            "deny": ("fail", ("tf", "cfn")),               # an explicit Deny for CloudTrail
            # On purpose: aws:SourceAccount as a literal account that nothing fixes.
            "literal_account": ("unknown", ("tf", "cfn")),
        },
    },
    "CT205": {
        "policy": "role permissions",
        "variants": {
            "put_only": ("fail", ("tf", "cfn")),           # logs:PutLogEvents without logs:CreateLogStream
            "deny_create": ("fail", ("tf", "cfn")),        # an explicit Deny of logs:CreateLogStream
            "no_policy": ("fail", ("tf", "cfn")),          # a role with no policy
        },
    },
    "CT206": {
        "policy": "role permissions",  # each variant is an extra Allow statement
        "variants": {
            "read_actions": ("fail", ("tf", "cfn")),       # logs:DescribeLogStreams, logs:GetLogEvents
            "action_wildcard": ("fail", ("tf", "cfn")),    # logs:Describe*
            "resource_star": ("fail", ("tf", "cfn")),      # logs:PutLogEvents on "*"
            "other_groups": ("fail", ("tf", "cfn")),       # logs:PutLogEvents on every /aws/cloudtrail/ group
        },
    },
    "CT301": {
        "policy": "trail key",
        "variants": {
            "no_statement": ("fail", ("tf", "cfn")),       # no kms:GenerateDataKey for CloudTrail
            "no_describe": ("fail", ("tf", "cfn")),        # no kms:DescribeKey for CloudTrail
            "other_trail": ("fail", ("tf", "cfn")),        # aws:SourceArn of another trail
            "no_policy": ("fail", ("tf",)),                # no policy: the default key policy
            # On purpose: aws:SourceArn with a literal account that nothing fixes.
            "literal_account": ("unknown", ("tf", "cfn")),
        },
    },
    "CT302": {
        "policy": "trail key",
        "variants": {
            "unscoped": ("fail", ("tf", "cfn")),           # kms:GenerateDataKey* without a condition
            "source_account_only": ("fail", ("tf", "cfn")),  # only aws:SourceAccount
        },
    },
    "CT304": {
        "policy": "trail key",  # each variant is an extra Allow statement
        "variants": {
            "principal_star": ("fail", ("tf", "cfn")),     # "*" kms:Decrypt without a condition
            "via_service_only": ("fail", ("tf", "cfn")),   # {AWS: "*"} with only kms:ViaService
            "caller_ifexists": ("fail", ("tf", "cfn")),    # kms:CallerAccount under StringEqualsIfExists
        },
    },
    "CT305": {
        "policy": "trail key (properties)",
        "variants": {
            "asymmetric": ("fail", ("tf", "cfn")),         # RSA_2048
            "disabled": ("fail", ("tf", "cfn")),           # is_enabled = false / Enabled: false
            "hmac": ("fail", ("tf", "cfn")),               # HMAC_256, GENERATE_VERIFY_MAC
        },
    },
    "CT401": {
        "policy": "trail operators policy",
        "variants": {
            "stop_any_trail": ("fail", ("tf", "cfn")),     # cloudtrail:StopLogging on "*"
            "cloudtrail_wildcard": ("fail", ("tf", "cfn")),  # cloudtrail:* on every trail's ARN
            "not_action": ("fail", ("tf", "cfn")),         # NotAction iam:*, organizations:* on "*"
            "delete_log_files": ("fail", ("own-bucket",)),  # s3:DeleteObject on the trail bucket's objects
        },
    },
    "CT402": {
        "policy": "trail log readers policy",
        "variants": {
            "list_on_objects": ("fail", ("own-bucket",)),  # s3:ListBucket on <bucket>/* only
            "get_on_bucket": ("fail", ("own-bucket",)),    # s3:GetObject on the bucket ARN only
        },
    },
    "CT403": {
        "policy": "trail operators policy",
        "variants": {
            "effect_lowercase": ("fail", ("tf", "cfn")),   # Effect "allow"
            "principal_in_identity": ("fail", ("tf", "cfn")),  # a Principal in an identity policy
            "unknown_operator": ("fail", ("tf", "cfn")),   # StringEqual
        },
    },
}

# Verdicts a variant brings to another rule as well. CT302 asks whether the grant depends on
# aws:SourceArn, and ctlint reads a condition whose value it cannot fix (here a literal account)
# as not known for CT302 too (as its own unknown fixture, an aws:SourceArn from a variable).
ALSO = {("CT301", "literal_account"): [("CT302", "unknown")]}

POLICY_MISTAKES = [r for r, p in POLICY_PLANTINGS.items() if any(v == "fail" for v, _ in p["variants"].values())]
# The rules about the trail's own bucket (not planted on trails that deliver to an external bucket).
BUCKET_POLICY_MISTAKES = ["CT103", "CT105", "CT106", "CT107", "CT402"]
KEY_POLICY_MISTAKES = ["CT301", "CT302", "CT304", "CT305"]
ROLE_POLICY_MISTAKES = ["CT204", "CT205", "CT206"]

LOGS_ACTIONS = [
    ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
    ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
    ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
]


def compatible(rule, variant, policy, mistakes):
    """Whether a variant can be planted next to the other mistakes of the trail without changing
    their verdicts (rules are planted in code order, so a rule looks at the later ones in
    `mistakes` and at the variants already chosen in `policy`)."""
    if rule == "CT106":
        # CT105 on the write grant leaves only the ACL grant to unscope, and the other way round
        # (a grant that does not allow the trail at all is CT105's, not CT106's).
        if policy.get("CT105") in ("wrong_prefix", "other_trail"):
            return variant == "acl_unscoped"
        if policy.get("CT105") == "no_acl_check":
            return variant == "write_unscoped"
    if rule == "CT103" and "CT107" in mistakes:
        # Workaround: ctlint reports CT107 unknown instead of fail when an Allow with a
        # condition it cannot resolve (here StringEqualsIfExists aws:SourceAccount) matches the
        # request no Deny covers, though an Allow cannot deny anything (reported as a bug).
        return variant != "public_ifexists"
    if rule == "CT305" and "CT303" in mistakes:
        # AWS KMS rotates only symmetric encryption keys: CT303 does not apply to the others.
        return variant == "disabled"
    if rule == "CT205" and "CT206" in mistakes:
        return variant != "no_policy"
    if rule == "CT301":
        if "CT302" in mistakes or policy.get("CT302"):
            return variant == "no_describe"  # the others leave no grant to scope
        if "CT304" in mistakes:
            return variant != "no_policy"
    return True


class TrailPlan:
    """What one trail setup looks like, beyond its plain mistakes: where it is written (`fmt`
    is "tf" or "cfn"), whether a literal provider region fixes its region, whether it defines
    its own bucket, the trail's S3 key prefix, and the variant of each policy rule planted in it."""

    def __init__(self, fmt, provider_region=None, own_bucket=True):
        self.fmt = fmt
        self.provider_region = provider_region
        self.own_bucket = own_bucket
        self.prefix = ""  # the trail's s3_key_prefix with its "/", or ""
        self.policy = {}  # rule -> variant
        self.fail = []
        self.unknown = []

    def formats(self):
        f = {self.fmt}
        if self.fmt == "tf":
            f.add("tf-literal-region" if self.provider_region else "tf-unfixed-region")
        if self.own_bucket:
            f.add("own-bucket")
        return f

    def plant(self, rng, rule, verdict, mistakes=()):
        """Choose a variant of `rule` with that verdict that this setup can be written with."""
        variants = [name for name, (v, fmts) in POLICY_PLANTINGS[rule]["variants"].items()
                    if v == verdict and self.formats() & set(fmts) and compatible(rule, name, self.policy, mistakes)]
        if not variants:
            return False
        # The variants only some setups can have are chosen twice as often where they can.
        weighted = [n for n in variants for _ in range(2 if len(POLICY_PLANTINGS[rule]["variants"][n][1]) == 1 else 1)]
        self.policy[rule] = rng.choice(weighted)
        (self.fail if verdict == "fail" else self.unknown).append(rule)
        for other, v in ALSO.get((rule, self.policy[rule]), ()):
            (self.fail if v == "fail" else self.unknown).append(other)
        return True

    def v(self, rule):
        return self.policy.get(rule)


def other_region(rng, region):
    return rng.choice([r for r in REGIONS if r != region])


LITERAL_ACCOUNT = "111122223333"
CT_SERVICE = {"Service": "cloudtrail.amazonaws.com"}


def bucket_statements(rng, plan):
    """The trail bucket's policy: CloudTrail's two documented statements, scoped by aws:SourceArn
    (or aws:SourceAccount), and the Deny of plain HTTP; with the CT103, CT105, CT106 and CT107
    variants planted."""
    scope = rng.choice([("StringEquals", "aws:SourceArn", "{{trail_arn}}"), ("StringEquals", "aws:SourceArn", "{{trail_arn}}"),
                        ("ArnLike", "aws:SourceArn", "{{trail_arn}}"), ("StringEquals", "aws:SourceAccount", "{{account}}")])
    acl = {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": dict(CT_SERVICE), "Action": "s3:GetBucketAcl",
           "Resource": "{{bucket_arn}}"}
    if plan.v("CT106") != "acl_unscoped":
        acl["Condition"] = {scope[0]: {scope[1]: scope[2]}}
    prefix = plan.prefix
    if plan.v("CT105") == "wrong_prefix":
        prefix = rng.choice(["logs/", "cloudtrail-old/"]) if not prefix else rng.choice(["", "logs/"])
    write = {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": dict(CT_SERVICE), "Action": "s3:PutObject",
             "Resource": "{{bucket_arn}}/" + prefix + "AWSLogs/{{account}}/*"}
    wcond = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
    if plan.v("CT105") == "other_trail":
        wcond["StringEquals"]["aws:SourceArn"] = TRAIL_ARN.replace("{{trail_name}}", "{{trail_name}}-" + rng.choice(["legacy", "old", "org"]))
    elif plan.v("CT106") != "write_unscoped":
        if scope[0] == "StringEquals":
            wcond["StringEquals"][scope[1]] = scope[2]
        else:
            wcond[scope[0]] = {scope[1]: scope[2]}
    write["Condition"] = wcond
    out = [] if plan.v("CT105") == "no_acl_check" else [acl]
    out.append(write)
    v107 = plan.v("CT107")
    if v107 != "no_deny":
        deny = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": ["{{bucket_arn}}", "{{bucket_arn}}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        if v107 == "deny_put_only":
            deny["Action"] = "s3:PutObject"
        elif v107 == "deny_named_principal":
            deny["Principal"] = {"AWS": "arn:{{partition}}:iam::{{account}}:root"}
        elif v107 == "deny_bucket_only":
            deny["Resource"] = "{{bucket_arn}}"
        out.append(deny)
    v103 = plan.v("CT103")
    if v103 == "public_read":
        out.append({"Sid": "PublicReadReports", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "{{bucket_arn}}/*"})
    elif v103 == "public_aws_star":
        out.append({"Sid": "AuditorsRead", "Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["{{bucket_arn}}", "{{bucket_arn}}/*"]})
    elif v103 == "public_ifexists":
        out.append({"Sid": "AccountRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "{{bucket_arn}}/*",
                    "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "{{account}}"}}})
    return out


def trail_key_statements(rng, plan):
    """The trail key's policy: the account's statement, CloudTrail's kms:GenerateDataKey* scoped
    by the trail's encryption context and/or aws:SourceArn, kms:DescribeKey, and sometimes the
    console's decrypt statement (restricted by kms:CallerAccount); with the CT301, CT302 and CT304
    variants planted. None means no policy at all (Terraform's default key policy)."""
    v301, v302, v304 = plan.v("CT301"), plan.v("CT302"), plan.v("CT304")
    if v301 == "no_policy":
        return None
    out = [{"Sid": "EnableAccountAdministration", "Effect": "Allow",
            "Principal": {"AWS": "arn:{{partition}}:iam::{{account}}:root"}, "Action": "kms:*", "Resource": "*"}]
    gen = {"Sid": "AllowCloudTrailToEncryptLogs", "Effect": "Allow", "Principal": dict(CT_SERVICE),
           "Action": rng.choice(["kms:GenerateDataKey*", "kms:GenerateDataKey*", "kms:GenerateDataKey"]), "Resource": "*"}
    context = {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:{{partition}}:cloudtrail:*:{{account}}:trail/*"}}
    source = {"StringEquals": {"aws:SourceArn": "{{trail_arn}}"}}
    if v301 == "other_trail":
        other = "{{trail_name}}-" + rng.choice(["legacy", "old", "org"])
        gen["Condition"] = {"StringEquals": {"aws:SourceArn": TRAIL_ARN.replace("{{trail_name}}", other)}}
    elif v301 == "literal_account":
        gen["Condition"] = {"StringEquals": {"aws:SourceArn": TRAIL_ARN.replace("{{account}}", LITERAL_ACCOUNT)}}
    elif v302 == "source_account_only":
        gen["Condition"] = {"StringEquals": {"aws:SourceAccount": "{{account}}"}}
    elif v302 != "unscoped":
        c = rng.choice(["both", "both", "context", "source"])
        if c == "both":
            gen["Condition"] = dict(context, **source)
        else:
            gen["Condition"] = context if c == "context" else source
    if v301 != "no_statement":
        out.append(gen)
    if v301 != "no_describe":
        out.append({"Sid": "AllowCloudTrailToDescribeKey", "Effect": "Allow", "Principal": dict(CT_SERVICE),
                    "Action": "kms:DescribeKey", "Resource": "*"})
    if rng.random() < 0.4 and not v304:
        out.append({"Sid": "AllowPrincipalsInTheAccountToDecryptLogFiles", "Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": "{{account}}"},
                                  "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:{{partition}}:cloudtrail:*:{{account}}:trail/*"}}})
    if v304 == "principal_star":
        out.append({"Sid": "AllowDecryptLogFiles", "Effect": "Allow", "Principal": "*",
                    "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*"})
    elif v304 == "via_service_only":
        out.append({"Sid": "AllowDecryptThroughS3", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                    "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.{{region}}.amazonaws.com"}}})
    elif v304 == "caller_ifexists":
        out.append({"Sid": "AllowPrincipalsInTheAccountToDecryptLogFiles", "Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
                    "Condition": {"StringEqualsIfExists": {"kms:CallerAccount": "{{account}}"}}})
    return out


def trail_key_properties(plan):
    """The key spec, usage and state of the trail key (CT305), as (key spec, key usage, enabled)."""
    v = plan.v("CT305")
    if v == "asymmetric":
        return ("RSA_2048", "ENCRYPT_DECRYPT", None)
    if v == "hmac":
        return ("HMAC_256", "GENERATE_VERIFY_MAC", None)
    if v == "disabled":
        return (None, None, False)
    return (None, None, None)


def role_trust_statements(rng, plan):
    """The trust policy of the role CloudTrail assumes to write to CloudWatch Logs (CT204)."""
    v = plan.v("CT204")
    st = {"Sid": "CloudTrailAssumeRole", "Effect": "Allow", "Principal": dict(CT_SERVICE), "Action": "sts:AssumeRole"}
    c = rng.choice(["arn", "arn", "account", "none"])
    if c == "arn":
        st["Condition"] = {"StringEquals": {"aws:SourceArn": "{{trail_arn}}"}}
    elif c == "account":
        st["Condition"] = {"StringEquals": {"aws:SourceAccount": "{{account}}"}}
    if v == "other_service":
        st["Principal"] = {"Service": "logs.amazonaws.com"}
    elif v == "other_trail":
        st["Condition"] = {"StringEquals": {"aws:SourceArn": TRAIL_ARN.replace("{{trail_name}}", "{{trail_name}}-" + rng.choice(["legacy", "old"]))}}
    elif v == "literal_account":
        st["Condition"] = {"StringEquals": {"aws:SourceAccount": LITERAL_ACCOUNT}}
    out = [st]
    if v == "deny":
        out.append({"Sid": "NoCloudTrail", "Effect": "Deny", "Principal": dict(CT_SERVICE), "Action": "sts:AssumeRole"})
    return out


def role_permission_statements(rng, plan):
    """The policy of that role: logs:CreateLogStream and logs:PutLogEvents on the trail's streams,
    as the console writes it or on the group's streams (CT205, CT206). None: no policy."""
    v205, v206 = plan.v("CT205"), plan.v("CT206")
    if v205 == "no_policy":
        return None
    group = "arn:{{partition}}:logs:{{region}}:{{account}}:log-group:{{log_group}}"
    res = rng.choice([group + ":log-stream:{{account}}_CloudTrail_{{region}}*", group + ":log-stream:*", group + ":*"])
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    if v205 == "put_only":
        actions = ["logs:PutLogEvents"]
    if len(actions) == 2 and rng.random() < 0.4:  # the console's two statements
        out = [{"Sid": "AWSCloudTrailCreateLogStream2014110", "Effect": "Allow", "Action": ["logs:CreateLogStream"], "Resource": [res]},
               {"Sid": "AWSCloudTrailPutLogEvents20141101", "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": [res]}]
    else:
        out = [{"Sid": "WriteTrailEvents", "Effect": "Allow", "Action": actions, "Resource": res}]
    if v205 == "deny_create":
        out.append({"Sid": "NoNewStreams", "Effect": "Deny", "Action": "logs:CreateLogStream", "Resource": group + ":*"})
    if v206 == "read_actions":
        out.append({"Sid": "ReadTrailEvents", "Effect": "Allow", "Action": ["logs:DescribeLogStreams", "logs:GetLogEvents"],
                    "Resource": group + ":*"})
    elif v206 == "action_wildcard":
        out.append({"Sid": "DescribeTrailGroup", "Effect": "Allow", "Action": "logs:Describe*", "Resource": group + ":*"})
    elif v206 == "resource_star":
        out.append({"Sid": "PutAnywhere", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"})
    elif v206 == "other_groups":
        out.append({"Sid": "PutEveryTrailGroup", "Effect": "Allow", "Action": "logs:PutLogEvents",
                    "Resource": "arn:{{partition}}:logs:{{region}}:{{account}}:log-group:/aws/cloudtrail/*"})
    return out


def operators_statements(rng, plan):
    """An identity policy for the people who run the trail: read every trail, start, stop and
    update this one with MFA (or a principal tag); with the CT401 and CT403 variants planted."""
    v401, v403 = plan.v("CT401"), plan.v("CT403")
    read = {"Sid": "ReadTrails", "Effect": "Allow",
            "Action": ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:LookupEvents"],
            "Resource": "*"}
    manage = {"Sid": "ManageThisTrail", "Effect": "Allow",
              "Action": ["cloudtrail:StartLogging", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail"], "Resource": "{{trail_arn}}"}
    op = "StringEqual" if v403 == "unknown_operator" else "StringEquals"
    if v403 == "unknown_operator" or rng.random() < 0.5:
        manage["Condition"] = {op: {"aws:PrincipalTag/team": "security"}}
    else:
        manage["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    if v403 == "effect_lowercase":
        read["Effect"] = "allow"
    elif v403 == "principal_in_identity":
        read = dict(list(read.items())[:2] + [("Principal", {"AWS": "arn:{{partition}}:iam::{{account}}:root"})] + list(read.items())[2:])
    out = [read, manage]
    if v401 == "stop_any_trail":
        out.append({"Sid": "EmergencyStop", "Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"})
    elif v401 == "cloudtrail_wildcard":
        out.append({"Sid": "TrailAdmin", "Effect": "Allow", "Action": "cloudtrail:*",
                    "Resource": "arn:{{partition}}:cloudtrail:*:{{account}}:trail/*"})
    elif v401 == "not_action":
        out.append({"Sid": "EverythingButIam", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    elif v401 == "delete_log_files":
        out.append({"Sid": "PruneLogFiles", "Effect": "Allow", "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                    "Resource": "{{bucket_arn}}/*"})
    return out


def readers_statements(rng, plan):
    """An identity policy for the people who read the trail's log files (CT402)."""
    v = plan.v("CT402")
    if v == "list_on_objects":
        return [{"Sid": "ReadTrailLogs", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
                 "Resource": "{{bucket_arn}}/*"}]
    lst = {"Sid": "ListTrailLogs", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": "{{bucket_arn}}"}
    get = {"Sid": "ReadTrailLogs", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "{{bucket_arn}}/*"}
    if v == "get_on_bucket":
        get["Resource"] = "{{bucket_arn}}"
        return [lst, get]
    if rng.random() < 0.3:
        return [{"Sid": "ReadTrailLogs", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
                 "Resource": ["{{bucket_arn}}", "{{bucket_arn}}/*"]}]
    return [lst, get]


def logs_key_statements(rng, plan):
    """The statements of the trail log group key's policy, with the CT203 variant planted.
    None means no policy at all (Terraform's default key policy)."""
    variant = plan.policy.get("CT203")
    if variant == "no_policy":
        return None
    admin = {"Sid": "EnableAccountAdministration", "Effect": "Allow",
             "Principal": {"AWS": "arn:{{partition}}:iam::{{account}}:root"}, "Action": "kms:*", "Resource": "*"}
    out = [admin]
    if variant == "no_statement":
        if rng.random() < 0.5:
            out.append({"Sid": "AllowCloudTrailToDescribeKey", "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*"})
        return out
    service = "logs.{{region}}.amazonaws.com"
    if variant == "other_region":
        service = "logs.%s.amazonaws.com" % other_region(rng, plan.provider_region)
    elif variant == "literal_region_unfixed":
        service = "logs.%s.amazonaws.com" % rng.choice(REGIONS)
    logs = {"Sid": "AllowCloudWatchLogs", "Effect": "Allow", "Principal": {"Service": service},
            "Action": list(rng.choice(LOGS_ACTIONS)), "Resource": "*"}
    arn = "arn:{{partition}}:logs:{{region}}:{{account}}:log-group:"
    if variant == "other_group":
        cond = rng.choice([
            ("ArnEquals", arn + "{{log_group}}-legacy"),
            ("ArnEquals", arn + "/aws/lambda/audit"),
            ("ArnLike", arn + "/aws/lambda/*"),
            ("ArnLike", arn + "app/*"),
        ])
    else:
        cond = rng.choice([
            ("ArnEquals", arn + "{{log_group}}"),
            ("ArnEquals", arn + "{{log_group}}"),
            ("ArnLike", arn + "{{log_group}}"),
            ("ArnLike", arn + "/aws/cloudtrail/*"),
            None,
        ])
    if cond:
        logs["Condition"] = {cond[0]: {"kms:EncryptionContext:aws:logs:arn": cond[1]}}
    out.append(logs)
    return out


# ---------------------------------------------------------------------------------------------
# Terraform: CloudTrail modules
# ---------------------------------------------------------------------------------------------


def pick_mistakes(rng, external_bucket):
    """A set of planted mistakes for one trail: none (compliant) or 1-5, consistent with each
    other (no key rotation mistake on a trail without a key, no log group mistakes on a trail
    without CloudWatch Logs, no CT006 on a single-region trail, no key policy mistake without a
    trail key, no role mistake without a role, no bucket mistake on an external bucket; a public
    bucket (CT103) has a public access block that does not restrict its policy, CT104)."""
    if rng.random() < 0.4:
        return set()
    policy = [r for r in POLICY_MISTAKES if not (external_bucket and r in BUCKET_POLICY_MISTAKES)]
    pool = TRAIL_MISTAKES + LOG_MISTAKES + KEY_MISTAKES + policy + ([] if external_bucket else BUCKET_MISTAKES * 2)
    chosen = set(rng.sample(pool, rng.randint(1, 5)))
    if "CT001" in chosen:
        chosen.discard("CT006")
    if "CT003" in chosen:
        chosen.discard("CT303")
        chosen.difference_update(KEY_POLICY_MISTAKES)
    if "CT004" in chosen:
        for m in ["CT009", "CT201", "CT202", "CT303L", "CT203"] + ROLE_POLICY_MISTAKES:
            chosen.discard(m)
    if "CT202" in chosen:
        chosen.discard("CT303L")
        chosen.discard("CT203")
    if "CT103" in chosen:
        chosen.add("CT104")
    return chosen


# Share of trails with a log group key that get a CT203 unknown planted on purpose, and of trails
# with a role (CT204) or a trail key (CT301) that get a literal account nothing fixes.
UNKNOWN_CT203 = 0.04
UNKNOWN_CT204 = 0.03
UNKNOWN_CT301 = 0.03


def make_plan(rng, fmt, mistakes, provider_region=None, external_bucket=None):
    """Split the mistakes picked for a trail into the plain ones (mistakes the templates write
    themselves) and a TrailPlan with the policy mistakes, each given a variant this setup can be
    written with and that agrees with the others (one that cannot is dropped). Some trails get a
    planted CT203, CT204 or CT301 unknown where that rule has no mistake."""
    plan = TrailPlan(fmt, provider_region, own_bucket=not external_bucket)
    for rule in sorted(mistakes & set(POLICY_PLANTINGS)):
        plan.plant(rng, rule, "fail", mistakes)
    plain = mistakes - set(POLICY_PLANTINGS)
    has_logs_key = "CT004" not in mistakes and "CT202" not in mistakes
    if has_logs_key and "CT203" not in plan.policy and rng.random() < UNKNOWN_CT203:
        plan.plant(rng, "CT203", "unknown")
    if "CT004" not in mistakes and "CT204" not in plan.policy and rng.random() < UNKNOWN_CT204:
        plan.plant(rng, "CT204", "unknown")
    if ("CT003" not in mistakes and "CT301" not in plan.policy and "CT302" not in plan.policy
            and rng.random() < UNKNOWN_CT301):
        plan.plant(rng, "CT301", "unknown", mistakes)
    return plain, plan


def tf_trail_module(c, name, team, mistakes, external_bucket=None, unknown_validation=False, json_trail=False,
                    plan=None, region=None):
    """The files of one Terraform module that sets up a trail, and the rules that must fire.
    With json_trail the trail itself is written in JSON syntax (trail.tf.json). `plan` holds the
    policy mistakes (a compliant plan when None); with `region` (a root stack) the module has a
    `provider "aws"` whose region is that literal, or a variable defaulting to it."""
    rng = c.rng
    plan = plan or TrailPlan("tf", region)
    cmk = "CT003" not in mistakes
    cwl = "CT004" not in mistakes
    retention_via_var = rng.random() < 0.5
    multi_via_var = rng.random() < 0.3
    use_count = rng.random() < 0.2 and not json_trail
    legacy_bucket = rng.random() < 0.15 and not external_bucket
    files = {}

    # variables.tf
    retention = rng.choice([30, 60, 90, 180]) if "CT201" in mistakes else rng.choice([365, 400, 731, 1827, 3653])
    variables = sub(
        '''variable "name" {
  description = "@desc@"
  type        = string
  default     = "@name@"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default = {
    Team        = "@team@"
    CostCenter  = "@cc@"
    Environment = "@env@"
  }
}
''',
        name=name, team=team, cc=rng.randint(1000, 9999), env=rng.choice(ENVS),
        desc=rng.choice(
            [
                "Prefix of the trail, its bucket, log group, keys and role.",
                "Préfixe du trail, de son bucket, de ses clés et de son rôle — équipe sécurité.",
                "Präfix für Trail, Bucket und Schlüssel (Prüfpfad) 🔒",
                "監査ログ用のプレフィックス",
            ]
        ),
    )
    if retention_via_var:
        variables += sub(
            '''
variable "log_retention_days" {
  description = "How long CloudWatch Logs keeps the trail's events."
  type        = number
  default     = @ret@

  validation {
    condition     = var.log_retention_days >= 1
    error_message = "Retention must be at least one day."
  }
}
''',
            ret=retention,
        )
    if multi_via_var:
        variables += sub(
            '''
variable "multi_region" {
  description = "Record events in every region."
  type        = bool
  default     = @mr@
}
''',
            mr="false" if "CT001" in mistakes else "true",
        )
    if unknown_validation:
        variables += '''
variable "enable_log_file_validation" {
  description = "Write digest files. Set per environment in terraform.tfvars."
  type        = bool
}
'''
    if use_count:
        variables += '''
variable "create" {
  description = "Whether to create the trail."
  type        = bool
  default     = true
}
'''
    variables += sub(
        '''
variable "bucket_retention_days" {
  type    = number
  default = @days@
}
''',
        days=rng.choice([30, 90, 180]) if "CT108" in mistakes else rng.choice([730, 1095, 2555]),
    )
    files["variables.tf"] = variables

    # main.tf: versions, data sources, locals, the trail
    versions = sub(
        '''terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "@ver@"
    }
  }
}
''',
        ver=rng.choice(["~> 5.0", ">= 5.0", ">= 4.67, < 6.0", "~> 5.40"]),
    )
    split_versions = rng.random() < 0.5
    main = "" if split_versions else versions + "\n"
    if split_versions:
        files["versions.tf"] = versions
    if region:
        if rng.random() < 0.7:
            main += 'provider "aws" {\n  region = "%s"\n}\n\n' % region
        else:
            main += 'provider "aws" {\n  region = var.region\n}\n\n'
            variables += '\nvariable "region" {\n  type    = string\n  default = "%s"\n}\n' % region
            files["variables.tf"] = variables
    main += sub(
        '''data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  trail_name     = "${var.name}-trail"
  trail_arn      = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
  log_group_name = "/aws/cloudtrail/${var.name}"

  tags = merge(var.tags, {
    Module    = "cloudtrail"
    ManagedBy = "terraform"
  })
}

''',
    )
    lines = []
    header_comment = "# Organisation audit trail for %s.\n" % team
    if use_count:
        lines.append("  count = var.create ? 1 : 0\n")
    lines.append("  name                          = local.trail_name\n")
    if external_bucket:
        lines.append('  s3_bucket_name                = "%s"\n' % external_bucket)
    else:
        lines.append("  s3_bucket_name                = aws_s3_bucket.trail.%s\n" % rng.choice(["id", "id", "bucket"]))
    if rng.random() < 0.3:
        prefix = rng.choice(["cloudtrail", "audit", "org"])
        plan.prefix = prefix + "/"
        lines.append('  s3_key_prefix                 = "%s"\n' % prefix)
    if "CT006" in mistakes:
        lines.append("  include_global_service_events = false\n")
    elif rng.random() < 0.7:
        lines.append("  include_global_service_events = true\n")
    if multi_via_var:
        lines.append("  is_multi_region_trail         = var.multi_region\n")
    elif "CT001" in mistakes:
        if rng.random() < 0.7:
            lines.append("  is_multi_region_trail         = false\n")
        # else: not set, defaults to false
    else:
        lines.append("  is_multi_region_trail         = true\n")
    if unknown_validation:
        lines.append("  enable_log_file_validation    = var.enable_log_file_validation\n")
    elif "CT002" in mistakes:
        if rng.random() < 0.7:
            lines.append("  enable_log_file_validation    = false\n")
    else:
        lines.append("  enable_log_file_validation    = true\n")
    if "CT005" in mistakes:
        lines.append("  enable_logging                = false\n")
    elif rng.random() < 0.3:
        lines.append("  enable_logging                = true\n")
    if cmk:
        lines.append("  kms_key_id                    = aws_kms_key.trail.arn\n")
    if cwl:
        if "CT009" in mistakes:
            lines.append("  cloud_watch_logs_group_arn    = aws_cloudwatch_log_group.trail.arn\n")
        else:
            lines.append('  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"\n')
        lines.append("  cloud_watch_logs_role_arn     = aws_iam_role.cloudtrail_cloudwatch.arn\n")
    if rng.random() < 0.25:
        lines.append("  sns_topic_name                = aws_sns_topic.trail.name\n")
        files["sns.tf"] = sub(
            '''resource "aws_sns_topic" "trail" {
  name              = "${var.name}-trail-delivery"
  kms_master_key_id = "alias/aws/sns"
  tags              = local.tags
}
''',
        )
    if json_trail:
        files["main.tf"] = main
        files["trail.tf.json"] = tf_json_trail(rng, lines, "CT007" in mistakes, "CT008" not in mistakes, external_bucket)
    else:
        lines.append(tf_event_selectors(rng, "CT007" in mistakes, "CT008" not in mistakes))
        lines.append("  tags = local.tags\n")
        if not external_bucket:
            lines.append("\n  depends_on = [aws_s3_bucket_policy.trail]\n")
        main += header_comment + 'resource "aws_cloudtrail" "this" {\n' + "".join(lines) + "}\n"
        files["main.tf"] = main

    files["main.tf"] += tf_access_policies(rng, plan)

    # bucket.tf
    if not external_bucket:
        files["bucket.tf"] = tf_trail_bucket(rng, mistakes, legacy_bucket, cmk, plan)

    # kms.tf
    key_rotation = "false" if "CT303" in mistakes else "true"
    logs_key_rotation = "false" if "CT303L" in mistakes else "true"
    kms = tf_trail_key(rng, plan, key_rotation)
    if cwl and "CT202" not in mistakes:
        kms += tf_logs_key(rng, plan, logs_key_rotation)
    files["kms.tf"] = kms

    # logs.tf, iam.tf, alarms.tf
    if cwl:
        ret = "var.log_retention_days" if retention_via_var else str(retention)
        logs = sub(
            '''resource "aws_cloudwatch_log_group" "trail" {
  name              = local.log_group_name
  retention_in_days = @ret@
''',
            ret=ret,
        )
        if "CT202" not in mistakes:
            logs += "  kms_key_id        = aws_kms_key.logs.arn\n"
        logs += "  tags              = local.tags\n}\n"
        files["logs.tf"] = logs
        files["iam.tf"] = tf_trail_role(rng, plan)
        if rng.random() < 0.6:
            files["alarms.tf"] = tf_cis_alarms(rng)

    # outputs.tf
    idx = "[0]" if use_count else ""
    outputs = sub(
        '''output "trail_arn" {
  description = "ARN of the trail."
  value       = aws_cloudtrail.this@idx@.arn
}

output "kms_key_arn" {
  value = aws_kms_key.trail.arn
}
''',
        idx=idx,
    )
    if not external_bucket:
        outputs += '''
output "bucket_name" {
  value = aws_s3_bucket.trail.id
}
'''
    if cwl:
        outputs += '''
output "log_group_name" {
  value = aws_cloudwatch_log_group.trail.name
}
'''
    files["outputs.tf"] = outputs

    fail = []
    for m in sorted(mistakes):
        rule = "CT303" if m == "CT303L" else m
        fail.append(rule)
    fail += plan.fail
    unknown = (["CT002"] if unknown_validation else []) + plan.unknown
    return files, sorted(fail), sorted(unknown)


def tf_policy_expr(rng, name, statements, sp, styles=("jsonencode", "jsonencode", "document", "heredoc"), indent=1):
    """A policy attribute's value in one of the ways modules write it, and the
    `data "aws_iam_policy_document"` block it needs (or "")."""
    style = rng.choice(styles)
    if style == "document":
        return "data.aws_iam_policy_document.%s.json" % name, "\n" + hcl_policy_document(name, statements, sp)
    if style == "heredoc":
        return hcl_heredoc(statements, sp, indent), ""
    return hcl_jsonencode(statements, sp, indent), ""


def tf_trail_key(rng, plan, rotation):
    """The trail's key (CT301, CT302, CT304 in its policy, CT305 in its properties) and alias;
    the policy on the key, in an aws_kms_key_policy, or none (the default key policy)."""
    statements = trail_key_statements(rng, plan)
    sp = tf_spelling(rng, plan.provider_region)
    spec, usage, enabled = trail_key_properties(plan)
    out = sub(
        '''# Customer managed key for the trail's log files.
resource "aws_kms_key" "trail" {
  description             = "Encrypts the log files of the ${var.name} trail"
  deletion_window_in_days = 30
  enable_key_rotation     = @rot@
''',
        rot=rotation,
    )
    if spec:
        out += '  customer_master_key_spec = "%s"\n  key_usage                = "%s"\n' % (spec, usage)
    if enabled is not None:
        out += "  is_enabled              = %s\n" % ("true" if enabled else "false")
    extra = ""
    separate = statements is not None and rng.random() < 0.3
    if statements is not None and not separate:
        expr, extra = tf_policy_expr(rng, "trail_key", statements, sp)
        out += "\n  policy = " + expr + "\n"
    out += "\n  tags = local.tags\n}\n"
    if separate:
        expr, extra = tf_policy_expr(rng, "trail_key", statements, sp)
        out += '\nresource "aws_kms_key_policy" "trail" {\n  key_id = aws_kms_key.trail.id\n  policy = ' + expr + "\n}\n"
    out += extra
    out += '''
resource "aws_kms_alias" "trail" {
  name          = "alias/${var.name}-cloudtrail"
  target_key_id = aws_kms_key.trail.key_id
}
'''
    return out


def tf_trail_role(rng, plan):
    """The role CloudTrail assumes to write events to the log group: its trust policy (CT204) and
    its permissions (CT205, CT206) as an aws_iam_role_policy or an attached aws_iam_policy."""
    sp = tf_spelling(rng, plan.provider_region)
    trust, extra = tf_policy_expr(rng, "cloudtrail_assume", role_trust_statements(rng, plan), sp)
    out = ('''# The role CloudTrail assumes to write events to the log group.
resource "aws_iam_role" "cloudtrail_cloudwatch" {
  name = "${var.name}-cloudtrail-to-cloudwatch"

  assume_role_policy = ''' + trust + '''

  tags = local.tags
}
''' + extra)
    statements = role_permission_statements(rng, plan)
    if statements is None:
        return out
    policy, extra = tf_policy_expr(rng, "cloudtrail_cloudwatch", statements, sp)
    if rng.random() < 0.7:
        out += ('''
resource "aws_iam_role_policy" "cloudtrail_cloudwatch" {
  name = "write-trail-log-group"
  role = aws_iam_role.cloudtrail_cloudwatch.id

  policy = ''' + policy + "\n}\n")
    else:
        out += ('''
resource "aws_iam_policy" "cloudtrail_cloudwatch" {
  name   = "${var.name}-write-trail-log-group"
  policy = ''' + policy + '''
}

resource "aws_iam_role_policy_attachment" "cloudtrail_cloudwatch" {
  role       = aws_iam_role.cloudtrail_cloudwatch.name
  policy_arn = aws_iam_policy.cloudtrail_cloudwatch.arn
}
''')
    return out + extra


def tf_access_policies(rng, plan):
    """The identity policies of the trail's operators (CT401, CT403) and, with the trail's own
    bucket, of its log readers (CT402). Always there when one of them has a mistake planted."""
    out = ""
    sp = tf_spelling(rng, plan.provider_region)
    if plan.v("CT401") or plan.v("CT403") or rng.random() < 0.6:
        expr, extra = tf_policy_expr(rng, "trail_operators", operators_statements(rng, plan), sp)
        out += ('''
resource "aws_iam_policy" "trail_operators" {
  name        = "${var.name}-trail-operators"
  description = "Read every trail; start, stop and update this one."
  policy      = ''' + expr + "\n}\n" + extra)
    if plan.own_bucket and (plan.v("CT402") or rng.random() < 0.6):
        expr, extra = tf_policy_expr(rng, "trail_log_readers", readers_statements(rng, plan), sp)
        out += ('''
resource "aws_iam_policy" "trail_log_readers" {
  name   = "${var.name}-trail-log-readers"
  policy = ''' + expr + "\n}\n" + extra)
    return out


def tf_logs_key(rng, plan, rotation):
    """The trail log group's key and its policy (CT203), in one of the ways modules write it:
    jsonencode() on the key, a separate aws_kms_key_policy, an aws_iam_policy_document, or a
    heredoc of JSON."""
    statements = logs_key_statements(rng, plan)
    sp = tf_spelling(rng, plan.provider_region)
    head = sub(
        '''
# Customer managed key for the trail's log group.
resource "aws_kms_key" "logs" {
  description         = "Encrypts the CloudWatch Logs log group of the ${var.name} trail"
  enable_key_rotation = @rot@
''',
        rot=rotation,
    )
    if statements is None:
        return head + "  tags                = local.tags\n}\n"
    style = rng.choice(["inline", "key_policy", "key_policy", "document", "heredoc"])
    if style == "inline":
        return head + "  tags                = local.tags\n\n  policy = " + hcl_jsonencode(statements, sp) + "\n}\n"
    if style == "document":
        return (head + "  tags                = local.tags\n  policy              = data.aws_iam_policy_document.logs_key.json\n}\n\n"
                + hcl_policy_document("logs_key", statements, sp))
    if style == "heredoc":
        return head + "  tags                = local.tags\n\n  policy = " + hcl_heredoc(statements, sp) + "\n}\n"
    doc = hcl_jsonencode(statements, sp) if rng.random() < 0.7 else hcl_heredoc(statements, sp)
    return (head + "  tags                = local.tags\n}\n\n"
            'resource "aws_kms_key_policy" "logs" {\n  key_id = aws_kms_key.logs.id\n  policy = ' + doc + "\n}\n")


def tf_json_trail(rng, lines, bad_selectors, s3, external_bucket):
    """The trail in Terraform's JSON syntax, from the `  key = expr` lines of the HCL version."""
    attrs = {}
    for line in lines:
        key, expr = [x.strip() for x in line.split("=", 1)]
        if expr in ("true", "false"):
            attrs[key] = expr == "true"
        elif expr.startswith('"'):
            attrs[key] = json.loads(expr)
        else:
            attrs[key] = "${%s}" % expr
    selectors = []
    if bad_selectors:
        selectors.append(
            rng.choice(
                [
                    {"read_write_type": "WriteOnly", "include_management_events": True},
                    {"read_write_type": "ReadOnly"},
                    {"read_write_type": "All", "exclude_management_event_sources": ["kms.amazonaws.com"]},
                ]
            )
        )
    if s3:
        selectors.append(
            {
                "read_write_type": "All",
                "include_management_events": not bad_selectors,
                "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}],
            }
        )
    elif not bad_selectors and rng.random() < 0.5:
        selectors.append({"read_write_type": "All", "include_management_events": True})
    if selectors:
        attrs["event_selector"] = selectors
    attrs["tags"] = "${local.tags}"
    if not external_bucket:
        attrs["depends_on"] = ["aws_s3_bucket_policy.trail"]
    doc = {
        "//": "Generated by the platform team's trail tooling; edit the generator, not this file.",
        "resource": {"aws_cloudtrail": {"this": attrs}},
    }
    return json.dumps(doc, indent=2) + "\n"


def hcl_selector(rw=None, mgmt=None, excluded=None, data=None):
    """One classic `event_selector` block."""
    out = "\n  event_selector {\n"
    if rw is not None:
        out += '    read_write_type           = "%s"\n' % rw
    if mgmt is not None:
        out += "    include_management_events = %s\n" % ("true" if mgmt else "false")
    if excluded:
        out += '    exclude_management_event_sources = ["%s"]\n' % excluded
    if data:
        out += '\n    data_resource {\n      type   = "%s"\n      values = ["%s"]\n    }\n' % data
    return out + "  }\n"


def hcl_advanced(name, fields):
    """One `advanced_event_selector` block; fields are (field, operator, [values])."""
    out = '\n  advanced_event_selector {\n    name = "%s"\n' % name
    for field, op, values in fields:
        out += '\n    field_selector {\n      field  = "%s"\n      %s = [%s]\n    }\n' % (
            field, op, ", ".join('"%s"' % v for v in values))
    return out + "  }\n"


ALL_S3 = ("AWS::S3::Object", "arn:aws:s3")
SOME_S3 = ("AWS::S3::Object", "arn:aws:s3:::${var.name}-data/")
LAMBDA = ("AWS::Lambda::Function", "arn:aws:lambda")


def tf_event_selectors(rng, bad_mgmt, s3):
    """The trail's selectors. bad_mgmt: management events incomplete (CT007); s3: S3 object
    events for all buckets, read and write (else CT008)."""
    style = rng.choice(["classic", "classic", "advanced"])
    if not bad_mgmt and not s3 and rng.random() < 0.5:
        style = rng.choice(["none", "none", "dynamic"])
    if style == "none":
        return "\n"
    if style == "dynamic":
        return '''
  dynamic "event_selector" {
    for_each = [{ rw = "All", mgmt = true }]
    content {
      read_write_type           = event_selector.value.rw
      include_management_events = event_selector.value.mgmt
    }
  }

'''
    if style == "classic":
        if bad_mgmt:
            mgmt = rng.choice([
                hcl_selector(rw="ReadOnly", mgmt=True),
                hcl_selector(rw="WriteOnly"),
                hcl_selector(rw="All", mgmt=True, excluded="kms.amazonaws.com"),
                hcl_selector(rw="All", mgmt=False),
            ])
        else:
            mgmt = None
        if s3:
            if mgmt is None and rng.random() < 0.5:
                return hcl_selector(rw="All", mgmt=True, data=ALL_S3) + "\n"
            data = hcl_selector(rw="All", mgmt=False, data=ALL_S3)
        else:
            data = rng.choice([None, hcl_selector(rw="All", mgmt=False, data=SOME_S3),
                               hcl_selector(rw="All", mgmt=False, data=LAMBDA),
                               hcl_selector(rw="WriteOnly", mgmt=False, data=ALL_S3)])
        if mgmt is None:
            mgmt = hcl_selector(rw="All", mgmt=True)
        return mgmt + (data or "") + "\n"
    # advanced
    if bad_mgmt:
        mgmt = rng.choice([
            hcl_advanced("Management reads only", [("eventCategory", "equals", ["Management"]),
                                                    ("readOnly", "equals", ["true"])]),
            hcl_advanced("Management without KMS", [("eventCategory", "equals", ["Management"]),
                                                     ("eventSource", "not_equals", ["kms.amazonaws.com"])]),
        ])
    else:
        mgmt = hcl_advanced("All management events", [("eventCategory", "equals", ["Management"])])
    if s3:
        fields = [("eventCategory", "equals", ["Data"]), ("resources.type", "equals", ["AWS::S3::Object"])]
        if rng.random() < 0.5:
            fields.append(("resources.ARN", "not_starts_with", ["arn:aws:s3:::${var.name}-trail-logs/"]))
        data = hcl_advanced("S3 object events", fields)
    else:
        data = rng.choice([
            "",
            hcl_advanced("S3 object writes", [("eventCategory", "equals", ["Data"]),
                                              ("resources.type", "equals", ["AWS::S3::Object"]),
                                              ("readOnly", "equals", ["false"])]),
            hcl_advanced("One bucket", [("eventCategory", "equals", ["Data"]),
                                        ("resources.type", "equals", ["AWS::S3::Object"]),
                                        ("resources.ARN", "starts_with", ["arn:aws:s3:::${var.name}-data/"])]),
        ])
    return mgmt + data + "\n"


def tf_trail_bucket(rng, mistakes, legacy, cmk, plan):
    out = []
    if legacy:
        # AWS provider v3 style: inline blocks on aws_s3_bucket.
        inner = []
        if "CT101" in mistakes:
            if rng.random() < 0.5:
                inner.append("\n  versioning {\n    enabled = false\n  }\n")
        else:
            inner.append("\n  versioning {\n    enabled = true\n  }\n")
        if "CT102" not in mistakes:
            inner.append(
                "\n  logging {\n    target_bucket = aws_s3_bucket.access_logs.id\n"
                '    target_prefix = "trail/"\n  }\n'
            )
        inner.append(
            # A planted CT108 expires every object, so it reaches the logs whatever the trail's
            # key prefix.
            "\n  lifecycle_rule {\n    enabled = true\n"
            + ("" if "CT108" in mistakes else '    prefix  = "AWSLogs/"\n')
            + "\n    expiration {\n      days = var.bucket_retention_days\n    }\n  }\n"
        )
        inner.append(
            "\n  server_side_encryption_configuration {\n    rule {\n      apply_server_side_encryption_by_default {\n"
            + (
                '        sse_algorithm     = "aws:kms"\n        kms_master_key_id = aws_kms_key.trail.arn\n'
                if cmk
                else '        sse_algorithm = "AES256"\n'
            )
            + "      }\n    }\n  }\n"
        )
        out.append(
            '# Trail bucket, written before AWS provider v4.\nresource "aws_s3_bucket" "trail" {\n'
            '  bucket = "${var.name}-cloudtrail-${local.account_id}"\n'
            "  acl    = \"private\"\n" + "".join(inner) + "\n  tags = local.tags\n}\n"
        )
    else:
        out.append(
            'resource "aws_s3_bucket" "trail" {\n  bucket = "${var.name}-cloudtrail-${local.account_id}"\n'
            + ("  force_destroy = false\n" if rng.random() < 0.3 else "")
            + "  tags   = local.tags\n}\n"
        )
        out.append(
            '''
resource "aws_s3_bucket_ownership_controls" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}
'''
        )
        if "CT101" in mistakes:
            if rng.random() < 0.6:
                out.append(
                    '''
resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id

  versioning_configuration {
    status = "Suspended"
  }
}
'''
                )
        else:
            out.append(
                '''
resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id

  versioning_configuration {
    status = "Enabled"
  }
}
'''
            )
        if "CT102" not in mistakes:
            out.append(
                '''
resource "aws_s3_bucket_logging" "trail" {
  bucket        = aws_s3_bucket.trail.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${aws_s3_bucket.trail.id}/"
}
'''
            )
        sse = (
            '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.trail.arn\n'
            if cmk
            else '      sse_algorithm = "AES256"\n'
        )
        out.append(
            '\nresource "aws_s3_bucket_server_side_encryption_configuration" "trail" {\n'
            "  bucket = aws_s3_bucket.trail.id\n\n  rule {\n    apply_server_side_encryption_by_default {\n"
            + sse
            + "    }\n    bucket_key_enabled = true\n  }\n}\n"
        )
        out.append(
            sub(
                '''
resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    id     = "archive-trail-logs"
    status = "Enabled"

    filter {@filter@}

    transition {
      days          = @days@
      storage_class = "GLACIER"
    }

    expiration {
      days = var.bucket_retention_days
    }
  }
}
''',
                days=rng.choice([30, 60, 90, 180]),
                filter="" if "CT108" in mistakes else '\n      prefix = "AWSLogs/"\n    ',
            )
        )
    # public access block: legacy and split styles both use the separate resource
    if "CT104" in mistakes:
        if rng.random() < 0.6:
            # A public policy (CT103) is only public when the block does not restrict it.
            off = "restrict_public_buckets" if plan.v("CT103") else rng.choice(
                ["block_public_policy", "restrict_public_buckets", "block_public_acls"])
            vals = {k: "true" for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")}
            vals[off] = "false"
            out.append(
                '\nresource "aws_s3_bucket_public_access_block" "trail" {\n  bucket                  = aws_s3_bucket.trail.id\n'
                + "".join("  %-23s = %s\n" % (k, v) for k, v in vals.items())
                + "}\n"
            )
    else:
        out.append(
            '''
resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
'''
        )
    expr, extra = tf_policy_expr(rng, "trail_bucket", bucket_statements(rng, plan), tf_spelling(rng, plan.provider_region))
    out.append('\nresource "aws_s3_bucket_policy" "trail" {\n  bucket = aws_s3_bucket.trail.id\n\n  policy = ' + expr + "\n}\n" + extra)
    out.append(
        '''
# Receives the server access logs of the trail bucket (SSE-S3: access-log delivery does not
# support SSE-KMS).
resource "aws_s3_bucket" "access_logs" {
  bucket = "${var.name}-s3-access-logs-${local.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
'''
    )
    return "".join(out)


CIS_ALARMS = [
    ("unauthorized-api-calls", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'),
    ("console-signin-without-mfa", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'),
    ("root-account-usage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
    ("iam-policy-changes", '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = PutUserPolicy) }'),
    ("cloudtrail-config-changes", '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StopLogging) }'),
    ("kms-key-deletion", '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }'),
    ("security-group-changes", '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupIngress) }'),
    ("nacl-changes", '{ ($.eventName = CreateNetworkAcl) || ($.eventName = DeleteNetworkAcl) || ($.eventName = ReplaceNetworkAclEntry) }'),
]


def tf_cis_alarms(rng):
    n = rng.randint(3, len(CIS_ALARMS))
    body = '''resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-security-alarms"
  kms_master_key_id = aws_kms_key.trail.id
}

locals {
  alarms = {
'''
    for name, pattern in CIS_ALARMS[:n]:
        body += '    "%s" = %s\n' % (name, json.dumps(pattern))
    body += '''  }
}

resource "aws_cloudwatch_log_metric_filter" "cis" {
  for_each = local.alarms

  name           = each.key
  pattern        = each.value
  log_group_name = aws_cloudwatch_log_group.trail.name

  metric_transformation {
    name      = each.key
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cis" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = each.key
  namespace           = "CISBenchmark"
  period              = 300
  statistic           = "Sum"
  threshold           = 1
  alarm_actions       = [aws_sns_topic.alarms.arn]
  treat_missing_data  = "notBreaching"
}
'''
    return body


# ---------------------------------------------------------------------------------------------
# Terraform: everything else (workload code)
# ---------------------------------------------------------------------------------------------


def tf_vpc(rng, n):
    azs = rng.randint(2, 3)
    return sub(
        '''resource "aws_vpc" "@n@" {
  cidr_block           = "10.@o@.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = "${var.name}-@n@" })
}

resource "aws_subnet" "@n@_private" {
  count             = @azs@
  vpc_id            = aws_vpc.@n@.id
  cidr_block        = cidrsubnet(aws_vpc.@n@.cidr_block, 4, count.index)
  availability_zone = data.aws_availability_zones.available.names[count.index]

  tags = merge(local.tags, { Tier = "private" })
}

resource "aws_subnet" "@n@_public" {
  count                   = @azs@
  vpc_id                  = aws_vpc.@n@.id
  cidr_block              = cidrsubnet(aws_vpc.@n@.cidr_block, 4, count.index + 8)
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Tier = "public" })
}

resource "aws_internet_gateway" "@n@" {
  vpc_id = aws_vpc.@n@.id
}

resource "aws_eip" "@n@_nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "@n@" {
  allocation_id = aws_eip.@n@_nat.id
  subnet_id     = aws_subnet.@n@_public[0].id
}

resource "aws_route_table" "@n@_private" {
  vpc_id = aws_vpc.@n@.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.@n@.id
  }
}

resource "aws_route_table_association" "@n@_private" {
  count          = @azs@
  subnet_id      = aws_subnet.@n@_private[count.index].id
  route_table_id = aws_route_table.@n@_private.id
}

resource "aws_flow_log" "@n@" {
  log_destination      = aws_cloudwatch_log_group.@n@_flow.arn
  log_destination_type = "cloud-watch-logs"
  traffic_type         = "ALL"
  vpc_id               = aws_vpc.@n@.id
  iam_role_arn         = aws_iam_role.@n@_flow.arn
}

resource "aws_cloudwatch_log_group" "@n@_flow" {
  name              = "/vpc/${var.name}-@n@/flow-logs"
  retention_in_days = @ret@
}

resource "aws_iam_role" "@n@_flow" {
  name               = "${var.name}-@n@-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.@n@_flow_assume.json
}

data "aws_iam_policy_document" "@n@_flow_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}
''',
        n=n, o=rng.randint(0, 250), azs=azs, ret=rng.choice([7, 14, 30, 90]),
    )


def tf_security_group(rng, n):
    ports = rng.sample([22, 80, 443, 5432, 3306, 6379, 8080, 8443, 9090, 11211], rng.randint(1, 4))
    rules = ",\n".join(
        '    { port = %d, cidr = "%s", description = "%s" }'
        % (p, rng.choice(["10.0.0.0/8", "172.16.0.0/12", "0.0.0.0/0", "192.168.0.0/16"]), "allow %d" % p)
        for p in ports
    )
    return sub(
        '''locals {
  @n@_ingress = [
@rules@
  ]
}

resource "aws_security_group" "@n@" {
  name        = "${var.name}-@n@"
  description = "Security group for @n@"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = local.@n@_ingress
    content {
      description = ingress.value.description
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = local.tags
}
''',
        n=n, rules=rules,
    )


def tf_instance(rng, n):
    return sub(
        '''data "aws_ami" "@n@" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-*-x86_64"]
  }
}

resource "aws_instance" "@n@" {
  count                  = var.@n@_count
  ami                    = data.aws_ami.@n@.id
  instance_type          = "@it@"
  subnet_id              = element(var.subnet_ids, count.index)
  vpc_security_group_ids = [aws_security_group.@n@.id]
  iam_instance_profile   = aws_iam_instance_profile.@n@.name
  monitoring             = @mon@
  ebs_optimized          = true

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "@tok@"
  }

  root_block_device {
    volume_size = @vol@
    volume_type = "gp3"
    encrypted   = @enc@
  }

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    dnf install -y amazon-cloudwatch-agent
    echo "@n@ ${var.name}" > /etc/motd
  EOT

  tags = merge(local.tags, { Name = "${var.name}-@n@-${count.index}" })
}

variable "@n@_count" {
  type    = number
  default = @cnt@
}

resource "aws_iam_instance_profile" "@n@" {
  name = "${var.name}-@n@"
  role = aws_iam_role.@n@.name
}

resource "aws_iam_role" "@n@" {
  name = "${var.name}-@n@"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "@n@_ssm" {
  role       = aws_iam_role.@n@.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
''',
        n=n, it=rng.choice(INSTANCE_TYPES), mon=rng.choice(["true", "false"]),
        tok=rng.choice(["required", "optional"]), vol=rng.choice([8, 20, 50, 100]),
        enc=rng.choice(["true", "true", "false"]), cnt=rng.randint(1, 4),
    ) + tf_security_group(rng, n)


def tf_lambda(rng, n):
    return sub(
        '''resource "aws_lambda_function" "@n@" {
  function_name = "${var.name}-@n@"
  role          = aws_iam_role.@n@_lambda.arn
  handler       = "@handler@"
  runtime       = "@rt@"
  filename      = "${path.module}/dist/@n@.zip"
  memory_size   = @mem@
  timeout       = @to@
  architectures = ["@arch@"]

  environment {
    variables = {
      TABLE_NAME = "${var.name}-@n@"
      LOG_LEVEL  = "@lvl@"
      STAGE      = var.stage
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "@n@_lambda" {
  name              = "/aws/lambda/${aws_lambda_function.@n@.function_name}"
  retention_in_days = @ret@
}

resource "aws_iam_role" "@n@_lambda" {
  name = "${var.name}-@n@-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "@n@_lambda" {
  name = "runtime"
  role = aws_iam_role.@n@_lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.@n@_lambda.arn}:*"
      },
      {
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        Resource = "arn:aws:dynamodb:*:*:table/${var.name}-@n@"
      },
    ]
  })
}

resource "aws_lambda_permission" "@n@" {
  statement_id  = "AllowEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.@n@.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.@n@.arn
}

resource "aws_cloudwatch_event_rule" "@n@" {
  name                = "${var.name}-@n@-schedule"
  schedule_expression = "rate(@rate@ minutes)"
}

resource "aws_cloudwatch_event_target" "@n@" {
  rule = aws_cloudwatch_event_rule.@n@.name
  arn  = aws_lambda_function.@n@.arn
}
''',
        n=n, handler=rng.choice(["main.handler", "index.handler", "app.lambda_handler", "bootstrap"]),
        rt=rng.choice(RUNTIMES), mem=rng.choice([128, 256, 512, 1024, 2048]), to=rng.choice([3, 10, 30, 60, 300]),
        arch=rng.choice(["x86_64", "arm64"]), lvl=rng.choice(["INFO", "DEBUG", "WARN"]),
        ret=rng.choice([1, 3, 7, 14, 30]), rate=rng.choice([1, 5, 15, 60]),
    )


def tf_app_bucket(rng, n):
    """An application bucket (not a trail's): some are versioned and logged, many not."""
    out = sub(
        '''resource "aws_s3_bucket" "@n@" {
  bucket_prefix = "${var.name}-@n@-"
  tags          = local.tags
}
''',
        n=n,
    )
    if rng.random() < 0.5:
        out += sub(
            '''
resource "aws_s3_bucket_versioning" "@n@" {
  bucket = aws_s3_bucket.@n@.id
  versioning_configuration {
    status = "@st@"
  }
}
''',
            n=n, st=rng.choice(["Enabled", "Suspended"]),
        )
    if rng.random() < 0.6:
        out += sub(
            '''
resource "aws_s3_bucket_public_access_block" "@n@" {
  bucket                  = aws_s3_bucket.@n@.id
  block_public_acls       = true
  block_public_policy     = @bpp@
  ignore_public_acls      = true
  restrict_public_buckets = true
}
''',
            n=n, bpp=rng.choice(["true", "false"]),
        )
    out += sub(
        '''
resource "aws_s3_bucket_server_side_encryption_configuration" "@n@" {
  bucket = aws_s3_bucket.@n@.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_cors_configuration" "@n@" {
  bucket = aws_s3_bucket.@n@.id

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "PUT"]
    allowed_origins = ["https://${var.domain}"]
    max_age_seconds = 3000
  }
}
''',
        n=n,
    )
    return out


def tf_app_key(rng, n):
    return sub(
        '''resource "aws_kms_key" "@n@" {
  description             = "Application data key for @n@"
  deletion_window_in_days = @dw@
  enable_key_rotation     = @rot@
}

resource "aws_kms_alias" "@n@" {
  name          = "alias/${var.name}-@n@"
  target_key_id = aws_kms_key.@n@.key_id
}
''',
        n=n, dw=rng.choice([7, 10, 30]), rot=rng.choice(["true", "false"]),
    )


def tf_rds(rng, n):
    return sub(
        '''resource "aws_db_subnet_group" "@n@" {
  name       = "${var.name}-@n@"
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "@n@" {
  identifier                   = "${var.name}-@n@"
  engine                       = "@eng@"
  engine_version               = "@ver@"
  instance_class               = "@cls@"
  allocated_storage            = @st@
  max_allocated_storage        = @mst@
  storage_encrypted            = @enc@
  db_subnet_group_name         = aws_db_subnet_group.@n@.name
  vpc_security_group_ids       = [aws_security_group.@n@_db.id]
  username                     = "app"
  manage_master_user_password  = true
  backup_retention_period      = @br@
  deletion_protection          = @dp@
  multi_az                     = @maz@
  performance_insights_enabled = true
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${var.name}-@n@-final"
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  tags = local.tags
}

resource "aws_security_group" "@n@_db" {
  name   = "${var.name}-@n@-db"
  vpc_id = var.vpc_id

  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.app_security_group_ids
  }
}
''',
        n=n, eng=rng.choice(["postgres", "mysql"]), ver=rng.choice(["15.5", "16.1", "8.0.35"]),
        cls=rng.choice(["db.t4g.medium", "db.r6g.large", "db.m6g.xlarge"]), st=rng.choice([20, 50, 100]),
        mst=rng.choice([200, 500, 1000]), enc=rng.choice(["true", "true", "false"]), br=rng.choice([1, 7, 14, 35]),
        dp=rng.choice(["true", "false"]), maz=rng.choice(["true", "false"]),
    )


def tf_dynamodb(rng, n):
    return sub(
        '''resource "aws_dynamodb_table" "@n@" {
  name         = "${var.name}-@n@"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "gsi1pk"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi1"
    hash_key        = "gsi1pk"
    range_key       = "sk"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = @pitr@
  }

  server_side_encryption {
    enabled = true
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  tags = local.tags
}
''',
        n=n, pitr=rng.choice(["true", "false"]),
    )


def tf_queue(rng, n):
    return sub(
        '''resource "aws_sqs_queue" "@n@_dlq" {
  name                      = "${var.name}-@n@-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "@n@" {
  name                       = "${var.name}-@n@"
  visibility_timeout_seconds = @vt@
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.@n@_dlq.arn
    maxReceiveCount     = @mrc@
  })
}

resource "aws_sns_topic" "@n@" {
  name = "${var.name}-@n@"
}

resource "aws_sns_topic_subscription" "@n@" {
  topic_arn = aws_sns_topic.@n@.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.@n@.arn
}

resource "aws_sqs_queue_policy" "@n@" {
  queue_url = aws_sqs_queue.@n@.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.@n@.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.@n@.arn } }
    }]
  })
}
''',
        n=n, vt=rng.choice([30, 60, 300, 900]), mrc=rng.choice([3, 5, 10]),
    )


def tf_ecs(rng, n):
    return sub(
        '''resource "aws_ecs_cluster" "@n@" {
  name = "${var.name}-@n@"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "@n@" {
  family                   = "${var.name}-@n@"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = @cpu@
  memory                   = @mem@
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "@n@"
      image     = "${var.ecr_repository}:${var.image_tag}"
      essential = true
      portMappings = [
        { containerPort = @port@, protocol = "tcp" }
      ]
      environment = [
        { name = "PORT", value = "@port@" },
        { name = "ENV", value = var.stage },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/${var.name}-@n@"
          awslogs-region        = var.region
          awslogs-stream-prefix = "@n@"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "@n@" {
  name            = "${var.name}-@n@"
  cluster         = aws_ecs_cluster.@n@.id
  task_definition = aws_ecs_task_definition.@n@.arn
  desired_count   = @dc@
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.@n@.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
''',
        n=n, cpu=rng.choice([256, 512, 1024]), mem=rng.choice([512, 1024, 2048]), port=rng.choice([8080, 3000, 8000]),
        dc=rng.randint(1, 6),
    ) + tf_security_group(rng, n)


def tf_alb(rng, n):
    return sub(
        '''resource "aws_lb" "@n@" {
  name                       = substr("${var.name}-@n@", 0, 32)
  load_balancer_type         = "application"
  internal                   = @int@
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.@n@_alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = @dp@
}

resource "aws_lb_target_group" "@n@" {
  name        = substr("${var.name}-@n@", 0, 32)
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = var.vpc_id
  target_type = "ip"

  health_check {
    path                = "/healthz"
    healthy_threshold   = 2
    unhealthy_threshold = 3
    interval            = 15
  }
}

resource "aws_lb_listener" "@n@" {
  load_balancer_arn = aws_lb.@n@.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.@n@.arn
  }
}

resource "aws_security_group" "@n@_alb" {
  name   = "${var.name}-@n@-alb"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_route53_record" "@n@" {
  zone_id = var.zone_id
  name    = "@n@.${var.domain}"
  type    = "A"

  alias {
    name                   = aws_lb.@n@.dns_name
    zone_id                = aws_lb.@n@.zone_id
    evaluate_target_health = true
  }
}
''',
        n=n, int=rng.choice(["true", "false"]), dp=rng.choice(["true", "false"]),
    )


def tf_iam_policy_doc(rng, n):
    actions = rng.sample(
        ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage", "sqs:ReceiveMessage",
         "dynamodb:Query", "kms:Decrypt", "secretsmanager:GetSecretValue", "ssm:GetParameter",
         "logs:PutLogEvents", "ec2:DescribeInstances", "sns:Publish"],
        rng.randint(2, 5),
    )
    return sub(
        '''data "aws_iam_policy_document" "@n@" {
  statement {
    sid       = "App"
    effect    = "Allow"
    actions   = @actions@
    resources = ["*"]
  }

  statement {
    sid     = "DenyOutsideOrg"
    effect  = "Deny"
    actions = ["*"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.org_id]
    }
  }
}

resource "aws_iam_policy" "@n@" {
  name        = "${var.name}-@n@"
  description = "Policy for @n@"
  policy      = data.aws_iam_policy_document.@n@.json
}

resource "aws_iam_role" "@n@" {
  name                 = "${var.name}-@n@"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.tooling_account_id}:root" }
      Action    = "sts:AssumeRole"
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "@n@" {
  role       = aws_iam_role.@n@.name
  policy_arn = aws_iam_policy.@n@.arn
}
''',
        n=n, actions=json.dumps(actions),
    )


def tf_alarms(rng, n):
    return sub(
        '''resource "aws_cloudwatch_metric_alarm" "@n@_errors" {
  alarm_name          = "${var.name}-@n@-errors"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = @ep@
  metric_name         = "Errors"
  namespace           = "AWS/Lambda"
  period              = 60
  statistic           = "Sum"
  threshold           = @th@
  alarm_description   = "Errors in @n@"
  alarm_actions       = var.alarm_topic_arns

  dimensions = {
    FunctionName = "${var.name}-@n@"
  }
}

resource "aws_cloudwatch_dashboard" "@n@" {
  dashboard_name = "${var.name}-@n@"
  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          metrics = [["AWS/Lambda", "Invocations", "FunctionName", "${var.name}-@n@"]]
          period  = 300
          stat    = "Sum"
          region  = var.region
          title   = "@n@ invocations"
        }
      }
    ]
  })
}
''',
        n=n, ep=rng.choice([1, 2, 3, 5]), th=rng.choice([0, 1, 5, 10]),
    )


APP_SNIPPETS = [tf_vpc, tf_security_group, tf_instance, tf_lambda, tf_app_bucket, tf_app_key, tf_rds,
                tf_dynamodb, tf_queue, tf_ecs, tf_alb, tf_iam_policy_doc, tf_alarms]
SNIPPET_FILE = {
    "tf_vpc": "network", "tf_security_group": "security", "tf_instance": "compute", "tf_lambda": "lambda",
    "tf_app_bucket": "storage", "tf_app_key": "kms", "tf_rds": "database", "tf_dynamodb": "dynamodb",
    "tf_queue": "messaging", "tf_ecs": "ecs", "tf_alb": "alb", "tf_iam_policy_doc": "iam", "tf_alarms": "monitoring",
}

APP_VARIABLES = '''variable "name" {
  description = "Name prefix of every resource in this module."
  type        = string
  default     = "@name@"
}

variable "stage" {
  type    = string
  default = "@env@"
}

variable "region" {
  type    = string
  default = "@region@"
}

variable "vpc_id" {
  type    = string
  default = null
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "app_security_group_ids" {
  type    = list(string)
  default = []
}

variable "alarm_topic_arns" {
  type    = list(string)
  default = []
}

variable "domain" {
  type    = string
  default = "@team@.example.com"
}

variable "zone_id" {
  type    = string
  default = ""
}

variable "certificate_arn" {
  type    = string
  default = ""
}

variable "execution_role_arn" {
  type    = string
  default = ""
}

variable "ecr_repository" {
  type    = string
  default = "@acct@.dkr.ecr.@region@.amazonaws.com/@name@"
}

variable "image_tag" {
  type    = string
  default = "latest"
}

variable "org_id" {
  type    = string
  default = "o-@org@"
}

variable "tooling_account_id" {
  type    = string
  default = "@acct@"
}

variable "tags" {
  type = map(string)
  default = {
    Team = "@team@"
  }
}
'''


def tf_app_module(c, path, name, team, nfiles, root):
    """A module of workload code: nfiles .tf files (3-8)."""
    rng = c.rng
    files = {}
    env = rng.choice(ENVS)
    region = rng.choice(REGIONS)
    files["variables.tf"] = sub(
        APP_VARIABLES, name=name, env=env, region=region, team=team, acct=c.account(),
        org="".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10)),
    )
    header = ""
    if root:
        header = sub(
            '''terraform {
  required_version = ">= 1.6"

  backend "s3" {
    bucket         = "@team@-terraform-state-@acct@"
    key            = "@path@/terraform.tfstate"
    region         = "@region@"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Environment = var.stage
      Repository  = "github.com/acme/infrastructure"
    }
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

''',
            team=team, acct=c.account(), path=path, region=region,
        )
    main = header + '''data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  tags = merge(var.tags, {
    Stage   = var.stage
    Module  = "''' + name + '''"
  })
  short_name = substr(var.name, 0, 16)
}
'''
    if root and rng.random() < 0.7:
        for _ in range(rng.randint(1, 3)):
            mod = rng.choice(["vpc", "eks", "rds-aurora", "s3-bucket", "lambda", "security-group"])
            main += sub(
                '''
module "@m@_@i@" {
  source  = "terraform-aws-modules/@m@/aws"
  version = "~> @v@.0"

  name = "${var.name}-@m@-@i@"
  tags = local.tags
}
''',
                m=mod, i=c.uid(), v=rng.randint(3, 20),
            )
    files["main.tf"] = main
    n_snip = nfiles - 3
    if n_snip == 0:
        fn = rng.choice(APP_SNIPPETS)
        files["main.tf"] += "\n" + fn(rng, "%s_%d" % (rng.choice(APP_WORDS), c.uid()))
    used = set()
    for _ in range(n_snip):
        fn = rng.choice(APP_SNIPPETS)
        base = SNIPPET_FILE[fn.__name__]
        fname = base + ".tf"
        k = 2
        while fname in used:
            fname = "%s_%d.tf" % (base, k)
            k += 1
        used.add(fname)
        body = []
        for _ in range(rng.randint(1, 3)):
            body.append(fn(rng, "%s_%d" % (rng.choice(APP_WORDS), c.uid())))
        files[fname] = "\n".join(body)
    if rng.random() < 0.05:
        # Terraform's JSON syntax (CDKTF, generators)
        files["outputs.tf.json"] = json.dumps(
            {"output": {"name": {"description": "Name prefix.", "value": "${var.name}"}, "tags": {"value": "${local.tags}"}}},
            indent=2,
        ) + "\n"
    else:
        files["outputs.tf"] = '''output "name" {
  description = "Name prefix of the module's resources."
  value       = var.name
}

output "tags" {
  value = local.tags
}
'''
    # nfiles counts what was asked; trim extra snippet files if the dict overshoots
    while len(files) > nfiles:
        extra = [k for k in files if k not in ("main.tf", "variables.tf", "outputs.tf", "outputs.tf.json")]
        if not extra:
            break
        del files[extra[-1]]
    return {path + "/" + k: v for k, v in files.items()}


# ---------------------------------------------------------------------------------------------
# CloudFormation
# ---------------------------------------------------------------------------------------------


def cfn_yaml_access_policies(rng, plan):
    """The operators' and log readers' managed policies (CT401, CT402, CT403) in YAML."""
    out = ""
    if plan.v("CT401") or plan.v("CT403") or rng.random() < 0.6:
        out += ("  TrailOperatorsPolicy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
                '      Description: !Sub "Read every trail; start, stop and update ${Name}-trail."\n'
                "      PolicyDocument:\n" + cfn_yaml_policy(operators_statements(rng, plan), 8) + "\n")
    if plan.own_bucket and (plan.v("CT402") or rng.random() < 0.6):
        out += ("  TrailLogReadersPolicy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
                "      PolicyDocument:\n" + cfn_yaml_policy(readers_statements(rng, plan), 8, flow_actions=rng.random() < 0.4) + "\n")
    return out


def cfn_json_access_policies(rng, plan, res):
    """The same in JSON."""
    if plan.v("CT401") or plan.v("CT403") or rng.random() < 0.6:
        res["TrailOperatorsPolicy"] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
            "PolicyDocument": {"Version": "2012-10-17", "Statement": cfn_json_value(operators_statements(rng, plan))}}}
    if plan.own_bucket and (plan.v("CT402") or rng.random() < 0.6):
        res["TrailLogReadersPolicy"] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
            "PolicyDocument": {"Version": "2012-10-17", "Statement": cfn_json_value(readers_statements(rng, plan))}}}


def cfn_trail_yaml(c, name, mistakes, external_bucket=None, plan=None):
    rng = c.rng
    plan = plan or TrailPlan("cfn")
    cmk = "CT003" not in mistakes
    cwl = "CT004" not in mistakes
    retention_param = rng.random() < 0.5
    retention = rng.choice([30, 60, 90, 180]) if "CT201" in mistakes else rng.choice([365, 400, 731, 1827, 3653])
    multi_cond = rng.random() < 0.3 and "CT001" not in mistakes
    y = []
    y.append(
        sub(
            '''AWSTemplateFormatVersion: "2010-09-09"
Description: >-
  Audit trail for @name@: trail, bucket, keys, log group and role.

Parameters:
  Name:
    Type: String
    Default: @name@
    AllowedPattern: "[a-z0-9-]{3,60}"
  Environment:
    Type: String
    Default: prod
    AllowedValues: [dev, staging, prod]
''',
            name=name,
        )
    )
    if retention_param:
        y.append(
            sub(
                '''  LogRetentionDays:
    Type: Number
    Default: @r@
''',
                r=retention,
            )
        )
    y.append(
        '''
Conditions:
  IsProd: !Equals [!Ref Environment, prod]

Mappings:
  Settings:
    prod:
      GlacierAfterDays: 90
    dev:
      GlacierAfterDays: 30
    staging:
      GlacierAfterDays: 30

Resources:
'''
    )
    # keys
    spec, usage, enabled = trail_key_properties(plan)
    y.append(
        sub(
            '''  TrailKey:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "Encrypts the log files of the ${Name} trail"
      EnableKeyRotation: @rot@
      PendingWindowInDays: 30
''',
            rot="false" if "CT303" in mistakes else "true",
        )
        + ("      KeySpec: %s\n      KeyUsage: %s\n" % (spec, usage) if spec else "")
        + ("      Enabled: %s\n" % ("true" if enabled else "false") if enabled is not None else "")
        + "      KeyPolicy:\n" + cfn_yaml_policy(trail_key_statements(rng, plan), 8, flow_actions=rng.random() < 0.4)
        + '''
  TrailKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub "alias/${Name}-cloudtrail"
      TargetKeyId: !Ref TrailKey

'''
    )
    if not external_bucket:
        props = []
        if "CT104" in mistakes:
            if rng.random() < 0.6:
                # A public policy (CT103) is only public when the block does not restrict it.
                props.append(
                    '''      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: @bpp@
        IgnorePublicAcls: true
        RestrictPublicBuckets: @rpb@
'''.replace("@bpp@", "true" if plan.v("CT103") else "false").replace("@rpb@", "false" if plan.v("CT103") else "true")
                )
        else:
            props.append(
                '''      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
'''
            )
        if "CT101" in mistakes:
            if rng.random() < 0.6:
                props.append("      VersioningConfiguration:\n        Status: Suspended\n")
        else:
            props.append("      VersioningConfiguration:\n        Status: Enabled\n")
        if "CT102" not in mistakes:
            props.append(
                '''      LoggingConfiguration:
        DestinationBucketName: !Ref AccessLogsBucket
        LogFilePrefix: trail/
'''
            )
        props.append(
            '''      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
'''
            + (
                "              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: !GetAtt TrailKey.Arn\n"
                if cmk
                else "              SSEAlgorithm: AES256\n"
            )
            + '''      LifecycleConfiguration:
        Rules:
          - Id: archive-trail-logs
            Status: Enabled
'''
            + ("" if "CT108" in mistakes else "            Prefix: AWSLogs/\n")
            + '''            Transitions:
              - StorageClass: GLACIER
                TransitionInDays: !FindInMap [Settings, !Ref Environment, GlacierAfterDays]
'''
            + "            ExpirationInDays: %d\n" % (rng.choice([30, 90, 180]) if "CT108" in mistakes else 2555)
            + '''      Tags:
        - Key: Name
          Value: !Join ["-", [!Ref Name, cloudtrail]]
'''
        )
        y.append(
            "  TrailBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n"
            "    Properties:\n" + "".join(props) + "\n"
        )
        y.append(
            '''  AccessLogsBucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true

  TrailBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref TrailBucket
      PolicyDocument:
''' + cfn_yaml_policy(bucket_statements(rng, plan), 8, flow_actions=rng.random() < 0.4) + "\n"
        )
    if cwl:
        lg = ["  TrailLogGroup:\n    Type: AWS::Logs::LogGroup\n    Properties:\n",
              '      LogGroupName: !Sub "/aws/cloudtrail/${Name}"\n',
              "      RetentionInDays: %s\n" % ("!Ref LogRetentionDays" if retention_param else retention)]
        if "CT202" not in mistakes:
            lg.append("      KmsKeyId: !GetAtt LogsKey.Arn\n")
        y.append("".join(lg) + "\n")
        if "CT202" not in mistakes:
            statements = logs_key_statements(rng, plan)
            y.append(
                sub(
                    '''  LogsKey:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "Encrypts the log group of the ${Name} trail"
      EnableKeyRotation: @rot@
      KeyPolicy:
''',
                    rot="false" if "CT303L" in mistakes else "true",
                )
                + cfn_yaml_policy(statements, 8, flow_actions=rng.random() < 0.4)
                + "\n"
            )
        role = ("  CloudTrailLogsRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
                + cfn_yaml_policy(role_trust_statements(rng, plan), 8))
        perms = role_permission_statements(rng, plan)
        if perms is not None:
            role += ("      Policies:\n        - PolicyName: write-trail-log-group\n          PolicyDocument:\n"
                     + cfn_yaml_policy(perms, 12, flow_actions=rng.random() < 0.4))
        y.append(role + "\n")
    y.append(cfn_yaml_access_policies(rng, plan))
    t = ["  Trail:\n    Type: AWS::CloudTrail::Trail\n"]
    if not external_bucket:
        t.append("    DependsOn: TrailBucketPolicy\n")
    t.append('    Properties:\n      TrailName: !Sub "${Name}-trail"\n')
    if external_bucket:
        t.append("      S3BucketName: %s\n" % external_bucket)
    else:
        t.append("      S3BucketName: !Ref TrailBucket\n")
    t.append("      IsLogging: %s\n" % ("false" if "CT005" in mistakes else "true"))
    if multi_cond:
        t.append("      IsMultiRegionTrail: !If [IsProd, true, false]\n")
    elif "CT001" in mistakes:
        if rng.random() < 0.7:
            t.append("      IsMultiRegionTrail: false\n")
    else:
        t.append("      IsMultiRegionTrail: true\n")
    if "CT006" in mistakes:
        t.append("      IncludeGlobalServiceEvents: false\n")
    else:
        t.append("      IncludeGlobalServiceEvents: true\n")
    if "CT002" in mistakes:
        if rng.random() < 0.7:
            t.append("      EnableLogFileValidation: false\n")
    else:
        t.append("      EnableLogFileValidation: true\n")
    if cmk:
        t.append("      KMSKeyId: !GetAtt TrailKey.Arn\n")
    if cwl:
        if "CT009" in mistakes:
            t.append("      CloudWatchLogsLogGroupArn: !Ref TrailLogGroup\n")
        else:
            t.append("      CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn\n")
        t.append("      CloudWatchLogsRoleArn: !GetAtt CloudTrailLogsRole.Arn\n")
    selectors = []
    if "CT007" in mistakes:
        selectors.append(
            rng.choice(
                [
                    "        - ReadWriteType: ReadOnly\n          IncludeManagementEvents: true\n",
                    "        - ReadWriteType: WriteOnly\n",
                    "        - ReadWriteType: All\n          IncludeManagementEvents: true\n"
                    "          ExcludeManagementEventSources:\n            - kms.amazonaws.com\n",
                ]
            )
        )
    if "CT008" not in mistakes:
        selectors.append(
            "        - ReadWriteType: All\n          IncludeManagementEvents: %s\n"
            "          DataResources:\n            - Type: AWS::S3::Object\n              Values:\n"
            '                - !Sub "arn:${AWS::Partition}:s3"\n' % ("false" if "CT007" in mistakes else "true")
        )
    elif "CT007" not in mistakes and rng.random() < 0.5:
        selectors.append(
            "        - ReadWriteType: All\n          IncludeManagementEvents: true\n"
            "          DataResources:\n            - Type: AWS::S3::Object\n              Values:\n"
            '                - !Sub "arn:${AWS::Partition}:s3:::${Name}-data/"\n'
        )
    if selectors:
        t.append("      EventSelectors:\n" + "".join(selectors))
    t.append("      Tags:\n        - Key: Team\n          Value: !Select [0, !Split [\"-\", !Ref Name]]\n")
    y.append("".join(t))
    y.append(
        '''
Outputs:
  TrailArn:
    Value: !GetAtt Trail.Arn
    Export:
      Name: !Sub "${AWS::StackName}-TrailArn"
'''
    )
    fail = sorted(["CT303" if m == "CT303L" else m for m in mistakes] + plan.fail)
    return "".join(y), fail, sorted(plan.unknown)


def cfn_trail_json(c, name, mistakes, external_bucket=None, plan=None):
    """Long-form JSON template with a trail; mistakes as in the YAML one."""
    rng = c.rng
    plan = plan or TrailPlan("cfn")
    cmk = "CT003" not in mistakes
    cwl = "CT004" not in mistakes
    retention = rng.choice([30, 60, 90, 180]) if "CT201" in mistakes else rng.choice([365, 731, 3653])
    res = {}
    spec, usage, enabled = trail_key_properties(plan)
    key_props = {
        "Description": {"Fn::Sub": "Encrypts the log files of the ${Name} trail"},
        "EnableKeyRotation": "CT303" not in mistakes,
    }
    if spec:
        key_props["KeySpec"] = spec
        key_props["KeyUsage"] = usage
    if enabled is not None:
        key_props["Enabled"] = enabled
    key_props["KeyPolicy"] = {"Version": "2012-10-17", "Statement": cfn_json_value(trail_key_statements(rng, plan))}
    res["TrailKey"] = {"Type": "AWS::KMS::Key", "Properties": key_props}
    if not external_bucket:
        props = {}
        if "CT104" not in mistakes:
            props["PublicAccessBlockConfiguration"] = {
                "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
            }
        elif rng.random() < 0.6:
            # A public policy (CT103) is only public when the block does not restrict it.
            props["PublicAccessBlockConfiguration"] = {
                "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": False,
                "RestrictPublicBuckets": not plan.v("CT103"),
            }
        if "CT101" not in mistakes:
            props["VersioningConfiguration"] = {"Status": "Enabled"}
        elif rng.random() < 0.6:
            props["VersioningConfiguration"] = {"Status": "Suspended"}
        if "CT102" not in mistakes:
            props["LoggingConfiguration"] = {"DestinationBucketName": {"Ref": "AccessLogsBucket"}, "LogFilePrefix": "trail/"}
        props["LifecycleConfiguration"] = {
            "Rules": [
                {
                    "Id": "expire-trail-logs",
                    "Status": "Enabled",
                    "Prefix": "" if "CT108" in mistakes else "AWSLogs/",
                    "ExpirationInDays": rng.choice([30, 90, 180]) if "CT108" in mistakes else rng.choice([730, 2555]),
                }
            ]
        }
        props["BucketEncryption"] = {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["TrailKey", "Arn"]}}}
                if cmk
                else {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]
        }
        res["TrailBucket"] = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": props}
        res["AccessLogsBucket"] = {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
                }
            },
        }
        res["TrailBucketPolicy"] = {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "TrailBucket"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": cfn_json_value(bucket_statements(rng, plan))},
            },
        }
    if cwl:
        lg = {"LogGroupName": {"Fn::Sub": "/aws/cloudtrail/${Name}"}, "RetentionInDays": retention}
        if "CT202" not in mistakes:
            lg["KmsKeyId"] = {"Fn::GetAtt": ["LogsKey", "Arn"]}
            res["LogsKey"] = {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "EnableKeyRotation": "CT303L" not in mistakes,
                    "KeyPolicy": {
                        "Version": "2012-10-17",
                        "Statement": cfn_json_value(logs_key_statements(rng, plan), join=rng.random() < 0.5),
                    },
                },
            }
        res["TrailLogGroup"] = {"Type": "AWS::Logs::LogGroup", "Properties": lg}
        role = {"AssumeRolePolicyDocument": {"Version": "2012-10-17",
                                             "Statement": cfn_json_value(role_trust_statements(rng, plan))}}
        perms = role_permission_statements(rng, plan)
        if perms is not None:
            role["Policies"] = [{"PolicyName": "write-trail-log-group",
                                 "PolicyDocument": {"Version": "2012-10-17", "Statement": cfn_json_value(perms)}}]
        res["CloudTrailLogsRole"] = {"Type": "AWS::IAM::Role", "Properties": role}
    cfn_json_access_policies(rng, plan, res)
    tp = {"TrailName": {"Fn::Sub": "${Name}-trail"}}
    tp["S3BucketName"] = external_bucket if external_bucket else {"Ref": "TrailBucket"}
    tp["IsLogging"] = "CT005" not in mistakes
    if "CT001" not in mistakes:
        tp["IsMultiRegionTrail"] = True
    elif rng.random() < 0.7:
        tp["IsMultiRegionTrail"] = False
    tp["IncludeGlobalServiceEvents"] = "CT006" not in mistakes
    if "CT002" not in mistakes:
        tp["EnableLogFileValidation"] = True
    elif rng.random() < 0.7:
        tp["EnableLogFileValidation"] = "false"
    if cmk:
        tp["KMSKeyId"] = {"Fn::GetAtt": ["TrailKey", "Arn"]}
    if cwl:
        tp["CloudWatchLogsLogGroupArn"] = (
            {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${TrailLogGroup}"}
            if "CT009" in mistakes
            else {"Fn::GetAtt": ["TrailLogGroup", "Arn"]}
        )
        tp["CloudWatchLogsRoleArn"] = {"Fn::GetAtt": ["CloudTrailLogsRole", "Arn"]}
    selectors = []
    if "CT007" in mistakes:
        selectors.append({"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True})
    if "CT008" not in mistakes:
        selectors.append(
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": "CT007" not in mistakes,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "arn:${AWS::Partition}:s3:::"}]}],
            }
        )
    if selectors:
        tp["EventSelectors"] = selectors
    trail = {"Type": "AWS::CloudTrail::Trail", "Properties": tp}
    if not external_bucket:
        trail["DependsOn"] = "TrailBucketPolicy"
    res["Trail"] = trail
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Audit trail for %s (generated by the platform team's CDK app)" % name,
        "Parameters": {"Name": {"Type": "String", "Default": name}},
        "Resources": res,
        "Outputs": {"TrailArn": {"Value": {"Fn::GetAtt": ["Trail", "Arn"]}}},
    }
    fail = sorted(["CT303" if m == "CT303L" else m for m in mistakes] + plan.fail)
    return json.dumps(doc, indent=rng.choice([2, 2, 4])) + "\n", fail, sorted(plan.unknown)


CFN_APP_YAML = [
    '''  @N@Function:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-@n@"
      Runtime: @rt@
      Handler: index.handler
      MemorySize: @mem@
      Timeout: 30
      Role: !GetAtt @N@Role.Arn
      Code:
        S3Bucket: !ImportValue artifacts-bucket
        S3Key: !Sub "lambda/@n@/${Version}.zip"
      Environment:
        Variables:
          TABLE: !Ref @N@Table
          STAGE: !If [IsProd, prod, nonprod]
      TracingConfig:
        Mode: Active

  @N@Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
      Policies:
        - PolicyName: table-access
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - dynamodb:GetItem
                  - dynamodb:PutItem
                  - dynamodb:Query
                Resource: !GetAtt @N@Table.Arn

  @N@LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/aws/lambda/${@N@Function}"
      RetentionInDays: @ret@

  @N@Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: pk
          AttributeType: S
        - AttributeName: sk
          AttributeType: S
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
        - AttributeName: sk
          KeyType: RANGE
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: !If [IsProd, true, false]
      SSESpecification:
        SSEEnabled: true
''',
    '''  @N@Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${AWS::StackName}-@n@"
      VisibilityTimeout: @vt@
      SqsManagedSseEnabled: true
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt @N@DeadLetterQueue.Arn
        maxReceiveCount: 5

  @N@DeadLetterQueue:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600

  @N@Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Join ["-", [!Ref AWS::StackName, @n@]]
      Subscription:
        - Protocol: sqs
          Endpoint: !GetAtt @N@Queue.Arn

  @N@QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues:
        - !Ref @N@Queue
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: sns.amazonaws.com
            Action: sqs:SendMessage
            Resource: !GetAtt @N@Queue.Arn
            Condition:
              ArnEquals:
                aws:SourceArn: !Ref @N@Topic
''',
    '''  @N@SecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "@n@ in ${AWS::StackName}"
      VpcId: !ImportValue shared-vpc-id
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: @port@
          ToPort: @port@
          CidrIp: @cidr@
      SecurityGroupEgress:
        - IpProtocol: "-1"
          CidrIp: 0.0.0.0/0

  @N@LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: !FindInMap [RegionMap, !Ref "AWS::Region", AMI]
        InstanceType: @it@
        SecurityGroupIds:
          - !Ref @N@SecurityGroup
        MetadataOptions:
          HttpTokens: required
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeSize: @vol@
              Encrypted: true
        UserData:
          Fn::Base64: !Sub |
            #!/bin/bash
            echo "@n@ ${AWS::StackName}" > /etc/motd

  @N@AutoScalingGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "1"
      MaxSize: "@max@"
      LaunchTemplate:
        LaunchTemplateId: !Ref @N@LaunchTemplate
        Version: !GetAtt @N@LaunchTemplate.LatestVersionNumber
      VPCZoneIdentifier: !Split [",", !ImportValue shared-private-subnets]
''',
    '''  @N@Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-@n@-${AWS::AccountId}"
      VersioningConfiguration:
        Status: @vs@
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AES256
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [GET, HEAD]
            AllowedOrigins: ["*"]
            MaxAge: 3600

  @N@Key:
    Type: AWS::KMS::Key
    Properties:
      Description: application data key
      EnableKeyRotation: @rot@
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
''',
]


def cfn_app_yaml(c, stack):
    rng = c.rng
    parts = [
        sub(
            '''AWSTemplateFormatVersion: "2010-09-09"
Description: @stack@ service stack
Transform: AWS::LanguageExtensions

Parameters:
  Environment:
    Type: String
    Default: @env@
    AllowedValues: [dev, staging, prod]
  Version:
    Type: String
    Default: "1.@minor@.0"

Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  NotProd: !Not [!Condition IsProd]

Mappings:
  RegionMap:
    us-east-1:
      AMI: ami-0c02fb55956c7d316
    eu-west-1:
      AMI: ami-0d71ea30463e0ff8d

Resources:
''',
            stack=stack, env=rng.choice(ENVS[:3]), minor=rng.randint(0, 40),
        )
    ]
    outputs = ["\nOutputs:\n"]
    for _ in range(rng.randint(1, 4)):
        n = "%s%d" % (rng.choice(APP_WORDS), c.uid())
        N = n[0].upper() + n[1:]
        tmpl = rng.choice(CFN_APP_YAML)
        parts.append(
            sub(
                tmpl, n=n, N=N, rt=rng.choice(RUNTIMES), mem=rng.choice([128, 256, 512]), ret=rng.choice([7, 14, 30]),
                vt=rng.choice([30, 60, 300]), port=rng.choice([80, 443, 8080, 22]),
                cidr=rng.choice(["10.0.0.0/8", "0.0.0.0/0"]), it=rng.choice(INSTANCE_TYPES), vol=rng.choice([8, 30]),
                max=rng.randint(2, 10), vs=rng.choice(["Enabled", "Suspended"]), rot=rng.choice(["true", "false"]),
            )
            + "\n"
        )
        first = tmpl.split(":", 1)[0].strip()
        logical = sub(first, N=N)
        outputs.append(
            "  %sId:\n    Value: !Ref %s\n    Export:\n      Name: !Sub \"${AWS::StackName}-%s\"\n" % (logical, logical, logical)
        )
    return "".join(parts) + "".join(outputs)


def cfn_app_json(c, stack):
    rng = c.rng
    res = {}
    for _ in range(rng.randint(2, 6)):
        n = "%s%d" % (rng.choice(APP_WORDS).capitalize(), c.uid())
        kind = rng.choice(["table", "queue", "topic", "bucket", "function"])
        if kind == "table":
            res[n + "Table"] = {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                },
            }
        elif kind == "queue":
            res[n + "Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": rng.choice([30, 120])}}
        elif kind == "topic":
            res[n + "Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": n}}
        elif kind == "bucket":
            res[n + "Bucket"] = {
                "Type": "AWS::S3::Bucket",
                "UpdateReplacePolicy": "Retain",
                "DeletionPolicy": "Retain",
                "Properties": {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                    },
                    "Tags": [{"Key": "aws-cdk:auto-delete-objects", "Value": "false"}],
                },
                "Metadata": {"aws:cdk:path": "%s/%s/Resource" % (stack, n)},
            }
        else:
            res[n + "ServiceRole"] = {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}],
                        "Version": "2012-10-17",
                    },
                    "ManagedPolicyArns": [
                        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]}
                    ],
                },
            }
            res[n + "Function"] = {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}, "S3Key": "%064x.zip" % rng.getrandbits(256)},
                    "Role": {"Fn::GetAtt": [n + "ServiceRole", "Arn"]},
                    "Handler": "index.handler",
                    "Runtime": rng.choice(RUNTIMES),
                    "Timeout": 30,
                },
                "DependsOn": [n + "ServiceRole"],
            }
    doc = {
        "Description": "%s (generated by CDK)" % stack,
        "Resources": res,
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
            }
        },
    }
    return json.dumps(doc, indent=1) + "\n"


def sam_template(c, stack):
    rng = c.rng
    fns = []
    for _ in range(rng.randint(1, 4)):
        n = "%s%d" % (rng.choice(APP_WORDS).capitalize(), c.uid())
        fns.append(
            sub(
                '''  @n@Function:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/@low@/
      Handler: app.handler
      Events:
        Api:
          Type: Api
          Properties:
            Path: /@low@
            Method: @m@
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Table
''',
                n=n, low=n.lower(), m=rng.choice(["get", "post", "put"]),
            )
        )
    return sub(
        '''AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: @stack@ (SAM)

Globals:
  Function:
    Runtime: @rt@
    Timeout: 15
    Tracing: Active

Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey:
        Name: id
        Type: String

''',
        stack=stack, rt=rng.choice(RUNTIMES),
    ) + "\n".join(fns)


# ---------------------------------------------------------------------------------------------
# Policies and noise
# ---------------------------------------------------------------------------------------------


def policy_json(c):
    rng = c.rng
    stmts = []
    for i in range(rng.randint(1, 5)):
        svc = rng.choice(["s3", "sqs", "dynamodb", "kms", "logs", "ec2", "lambda", "sns", "ssm", "secretsmanager"])
        acts = ["%s:%s" % (svc, a) for a in rng.sample(["Get*", "List*", "Describe*", "Put*", "Delete*", "Create*", "Update*"], rng.randint(1, 4))]
        st = {
            "Sid": "Stmt%d" % i,
            "Effect": rng.choice(["Allow", "Allow", "Allow", "Deny"]),
            "Action": acts if len(acts) > 1 else acts[0],
            "Resource": rng.choice(["*", "arn:aws:%s:*:%s:*" % (svc, c.account()), ["arn:aws:s3:::acme-%d" % c.uid(), "arn:aws:s3:::acme-%d/*" % c.uid()]]),
        }
        if svc == "s3" and st["Effect"] == "Allow" and "s3:Delete*" in acts:
            # An application's own buckets: s3:Delete* on "*" would reach the trail buckets'
            # log files (CT401), which these policies are not about.
            n = c.uid()
            st["Resource"] = ["arn:aws:s3:::acme-%d" % n, "arn:aws:s3:::acme-%d/*" % n]
        if rng.random() < 0.3:
            st["Condition"] = {"StringEquals": {"aws:RequestedRegion": rng.sample(REGIONS, 2)}}
        stmts.append(st)
    return json.dumps({"Version": "2012-10-17", "Statement": stmts}, indent=rng.choice([2, 4])) + "\n"


def k8s_yaml(c, app):
    rng = c.rng
    return sub(
        '''apiVersion: apps/v1
kind: Deployment
metadata:
  name: @app@
  labels:
    app.kubernetes.io/name: @app@
spec:
  replicas: @rep@
  selector:
    matchLabels:
      app.kubernetes.io/name: @app@
  template:
    metadata:
      labels:
        app.kubernetes.io/name: @app@
    spec:
      serviceAccountName: @app@
      containers:
        - name: @app@
          image: ghcr.io/acme/@app@:1.@minor@.0
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: @app@
spec:
  selector:
    app.kubernetes.io/name: @app@
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: @app@-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
''',
        app=app, rep=rng.randint(1, 5), minor=rng.randint(0, 99),
    )


def helm_values(c, app):
    return sub(
        '''replicaCount: 2
image:
  repository: ghcr.io/acme/@app@
  tag: ""
serviceAccount:
  create: true
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::@acct@:role/@app@
resources:
  limits:
    cpu: 500m
    memory: 512Mi
ingress:
  enabled: true
  className: alb
  hosts:
    - host: @app@.example.com
      paths:
        - path: /
          pathType: Prefix
''',
        app=app, acct=c.account(),
    )


def workflow_yaml(app):
    return sub(
        '''name: @app@
on:
  push:
    branches: [main]
  pull_request:
jobs:
  plan:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: hashicorp/setup-terraform@v3
      - run: terraform init -backend=false && terraform validate
        working-directory: terraform/live
''',
        app=app,
    )


def serverless_yml(c, app):
    return sub(
        '''service: @app@
frameworkVersion: "3"
provider:
  name: aws
  runtime: nodejs18.x
  region: us-east-1
functions:
  handler:
    handler: src/handler.main
    events:
      - httpApi: "GET /@app@"
resources:
  Resources:
    @App@Bucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: @app@-${sls:stage}-uploads
''',
        app=app, App=app.capitalize(),
    )


def package_json(app, deps):
    return json.dumps(
        {
            "name": app,
            "version": "1.0.0",
            "private": True,
            "scripts": {"build": "tsc", "test": "jest", "cdk": "cdk"},
            "dependencies": {d: "^%d.%d.0" % (2 + len(d) % 3, len(d)) for d in deps},
        },
        indent=2,
    ) + "\n"


def package_lock(c, app, deps):
    rng = c.rng
    pkgs = {"": {"name": app, "version": "1.0.0"}}
    for i in range(rng.randint(50, 200)):
        d = "%s-%d" % (rng.choice(["lodash", "aws-sdk", "constructs", "tslib", "semver", "yaml", "debug", "ms"]), i)
        pkgs["node_modules/" + d] = {
            "version": "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 20)),
            "resolved": "https://registry.npmjs.org/%s/-/%s.tgz" % (d, d),
            "integrity": "sha512-%032x" % rng.getrandbits(128),
        }
    return json.dumps({"name": app, "lockfileVersion": 3, "requires": True, "packages": pkgs}, indent=2) + "\n"


def readme(title, rng):
    paras = [
        "This directory is managed by the platform team. Changes go through pull requests; the plan runs in CI.",
        "Run `terraform init` and `terraform plan` from this directory. State lives in the shared S3 backend.",
        "Resources are tagged with the owning team and cost center. Do not edit them in the console.",
        "See the runbook in Confluence for incident procedures and the on-call rotation.",
    ]
    return "# %s\n\n%s\n" % (title, "\n\n".join(rng.sample(paras, rng.randint(1, 4))))


# ---------------------------------------------------------------------------------------------
# The repository
# ---------------------------------------------------------------------------------------------


# Files per trail scope in the default mix (10,000 files hold about 299 trails), and the share of
# those scopes that are CloudFormation templates (the rest are Terraform modules).
FILES_PER_STACK = 10000 / 299
CFN_STACK_SHARE = 0.627


def generate(n_files, seed, stacks=None):
    """With `stacks`, the corpus has exactly that many trail scopes (outside the directories a
    linter skips), split between Terraform and CloudFormation as in the default mix, and about
    FILES_PER_STACK files per scope of everything else around them; n_files is then ignored."""
    c = Corpus(seed)
    rng = c.rng
    if stacks is not None:
        n_files = int(stacks * FILES_PER_STACK)
        cfn_target = round(stacks * CFN_STACK_SHARE)
        tf_target = stacks - cfn_target
    budget = {
        "terraform": int(n_files * 0.50),
        "cloudformation": int(n_files * 0.15),
        "policies": int(n_files * 0.05),
    }
    noise_dotterraform = int(n_files * 0.08)
    noise_node = int(n_files * 0.08)
    noise_build = int(n_files * 0.04)

    c.add(".gitignore", "# Terraform\n*.tfstate\n*.tfstate.*\ncrash.log\n\n# Packaged artefacts\nbuild/\n")
    c.add("README.md", "# acme infrastructure\n\nTerraform, CloudFormation and IAM policies of every team.\n")

    # --- Terraform: reusable modules and live root stacks; about 1 module in 8 has a trail
    tf_used = 0
    live_stacks = []  # for .terraform junk
    trail_every = 8
    mod_i = 0
    tf_trails = 0
    while True:
        if stacks is not None:
            if tf_trails == tf_target and mod_i % trail_every == 0:
                break
            budget["terraform"] = tf_used + 8
        nfiles = rng.randint(3, 8)
        remaining = budget["terraform"] - tf_used
        if remaining < 3:
            break
        nfiles = min(nfiles, remaining)
        mod_i += 1
        team = rng.choice(TEAMS)
        uid = c.uid()
        is_trail = mod_i % trail_every == 1 and remaining >= 5
        if is_trail:
            nfiles = max(nfiles, 5)
        root = rng.random() < 0.5
        region = None
        if root:
            region = rng.choice(REGIONS)
            path = "terraform/live/%s/%s/%s-%s-%d" % (rng.choice(ENVS), region, team, rng.choice(APP_WORDS), uid)
        else:
            path = "terraform/modules/%s-%s-%d" % (team, "cloudtrail" if is_trail else rng.choice(APP_WORDS), uid)
        if is_trail:
            external = None
            if rng.random() < 0.12:
                external = "org-log-archive-%d-%s" % (uid, c.account())
            mistakes, plan = make_plan(rng, "tf", pick_mistakes(rng, external), region, external)
            unknown_validation = "CT002" not in mistakes and rng.random() < 0.08
            files, fail, unknown = tf_trail_module(
                c, "%s-audit-%d" % (team, uid), team, mistakes, external, unknown_validation,
                json_trail=rng.random() < 0.1, plan=plan, region=region,
            )
            # keep within the module's share of files: drop optional files first
            for opt in ("sns.tf", "alarms.tf", "versions.tf", "outputs.tf"):
                if len(files) > nfiles and opt in files:
                    if opt == "versions.tf":
                        files["main.tf"] = files.pop("versions.tf") + "\n" + files["main.tf"]
                    else:
                        del files[opt]
            for k, v in files.items():
                c.add(path + "/" + k, v)
            tf_used += len(files)
            tf_trails += 1
            c.expected.append({"scope": path, "kind": "terraform", "fail": fail, "unknown": unknown,
                               "policy": plan.policy})
        else:
            files = tf_app_module(c, path, "%s-%s-%d" % (team, rng.choice(APP_WORDS), uid), team, nfiles, root)
            for k, v in files.items():
                c.add(k, v)
            tf_used += len(files)
        if root:
            live_stacks.append(path)
        if rng.random() < 0.3:
            c.add(path + "/README.md", readme(path.rsplit("/", 1)[-1], rng))

    # --- CloudFormation
    cfn_used = 0
    cfn_i = 0
    cfn_trails = 0
    while (cfn_used < budget["cloudformation"] if stacks is None
           else not (cfn_trails == cfn_target and cfn_i % trail_every == 0)):
        cfn_i += 1
        team = rng.choice(TEAMS)
        uid = c.uid()
        stack = "%s-%s-%d" % (team, rng.choice(APP_WORDS), uid)
        d = "cloudformation/%s/%s" % (team, rng.choice(ENVS))
        if cfn_i % trail_every == 1:
            external = None
            if rng.random() < 0.12:
                external = "org-log-archive-%d-%s" % (uid, c.account())
            mistakes, plan = make_plan(rng, "cfn", pick_mistakes(rng, external), None, external)
            name = "%s-audit-%d" % (team, uid)
            if rng.random() < 0.7:
                text, fail, unknown = cfn_trail_yaml(c, name, mistakes, external, plan)
                path = "%s/%s-trail.%s" % (d, stack, rng.choice(["yaml", "yml", "yaml", "template"]))
            else:
                text, fail, unknown = cfn_trail_json(c, name, mistakes, external, plan)
                path = "%s/%s-trail.json" % (d, stack)
            c.add(path, text)
            cfn_trails += 1
            c.expected.append({"scope": path, "kind": "cloudformation", "fail": fail, "unknown": unknown,
                               "policy": plan.policy})
        else:
            r = rng.random()
            if r < 0.55:
                c.add("%s/%s.yaml" % (d, stack), cfn_app_yaml(c, stack))
            elif r < 0.85:
                c.add("%s/%s.template.json" % (d, stack), cfn_app_json(c, stack))
            else:
                c.add("%s/%s-sam.yaml" % (d, stack), sam_template(c, stack))
        cfn_used += 1

    # --- IAM policy documents
    for i in range(budget["policies"]):
        team = rng.choice(TEAMS)
        c.add("policies/%s/%s-%d.json" % (team, rng.choice(APP_WORDS), c.uid()), policy_json(c))

    # --- noise: .terraform/ in live stacks (provider junk, downloaded module copies with bad trails)
    used = 0
    si = 0
    while used + 4 <= noise_dotterraform and live_stacks:
        stack = live_stacks[si % len(live_stacks)]
        si += 1
        if stack + "/.terraform/modules/modules.json" in c.files:
            break
        dt = stack + "/.terraform"
        c.add(stack + "/.terraform.lock.hcl", '# This file is maintained automatically by "terraform init".\nprovider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.40.0"\n  constraints = "~> 5.40"\n  hashes = [\n    "h1:%032x",\n  ]\n}\n' % rng.getrandbits(128))
        c.add(dt + "/modules/modules.json", json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "audit", "Source": "registry.terraform.io/acme/cloudtrail/aws", "Version": "1.2.0", "Dir": ".terraform/modules/audit"}]}) + "\n")
        c.add(dt + "/providers/registry.terraform.io/hashicorp/aws/5.40.0/linux_amd64/terraform-provider-aws_v5.40.0_x5", bytes(rng.getrandbits(8) for _ in range(2048)))
        used += 4
        # a downloaded module: a bad trail that must not be reported
        bad = {"CT001", "CT002", "CT005", "CT101", "CT104"}
        files, fail, _ = tf_trail_module(c, "vendored-%d" % c.uid(), "vendor", bad)
        take = min(len(files), noise_dotterraform - used)
        if take >= 3:
            for k in list(files)[:take]:
                c.add(dt + "/modules/audit/" + k, files[k])
            used += take
            c.skipped_planted.append({"scope": dt + "/modules/audit", "why": ".terraform/", "fail": fail})

    # --- noise: node_modules (package junk and a CloudFormation trail template in a package)
    used = 0
    app_i = 0
    while used < noise_node:
        app_i += 1
        app = "%s-%s" % (rng.choice(APP_WORDS), c.uid())
        base = "apps/%s" % app
        deps = rng.sample(["aws-cdk-lib", "constructs", "source-map-support", "yaml", "zod", "axios", "pino"], 4)
        c.add(base + "/package.json", package_json(app, deps))
        c.add(base + "/cdk.json", json.dumps({"app": "npx ts-node bin/app.ts", "context": {"@aws-cdk/core:stackRelativeExports": True}}, indent=2) + "\n")
        used += 2
        for dep in deps:
            if used >= noise_node:
                break
            nm = base + "/node_modules/" + dep
            c.add(nm + "/package.json", package_json(dep, ["tslib"]))
            used += 1
            if used < noise_node and rng.random() < 0.5:
                c.add(nm + "/tsconfig.json", json.dumps({"compilerOptions": {"target": "ES2020", "strict": True}}, indent=2) + "\n")
                used += 1
            if used < noise_node and rng.random() < 0.3:
                c.add(nm + "/.github/workflows/ci.yml", workflow_yaml(dep))
                used += 1
        if used < noise_node:
            mistakes = {"CT001", "CT002", "CT003", "CT005"}
            text, fail, _ = cfn_trail_json(c, "nm-%d" % c.uid(), mistakes, None)
            p = base + "/node_modules/aws-cdk-lib/aws-cloudtrail/test/integ.trail.template.json"
            c.add(p, text)
            c.skipped_planted.append({"scope": p, "why": "node_modules/", "fail": fail})
            used += 1
        if used < noise_node and rng.random() < 0.3:
            c.add(base + "/package-lock.json", package_lock(c, app, deps))
            used += 1

    # --- noise: build/ (ignored by .gitignore), full of .tf files with bad trails
    used = 0
    while used + 3 <= noise_build:
        bad = set(rng.sample(TRAIL_MISTAKES[:3] + ["CT005", "CT101", "CT102"], 3))
        p = "build/terraform/%d" % c.uid()
        files, fail, _ = tf_trail_module(c, "build-%d" % c.uid(), "build", bad)
        take = min(len(files), noise_build - used)
        for k in list(files)[:take]:
            c.add(p + "/" + k, files[k])
        used += take
        c.skipped_planted.append({"scope": p, "why": ".gitignore build/", "fail": fail})

    # --- misc noise up to exactly n_files: k8s, helm, workflows, serverless, READMEs, docs
    k = 0
    while len(c.files) < n_files:
        k += 1
        app = "%s-%d" % (rng.choice(APP_WORDS), c.uid())
        r = k % 8
        if r == 0:
            c.add("k8s/%s/deployment.yaml" % app, k8s_yaml(c, app))
        elif r == 1:
            c.add("charts/%s/values.yaml" % app, helm_values(c, app))
        elif r == 2:
            c.add(".github/workflows/%s.yml" % app, workflow_yaml(app))
        elif r == 3:
            c.add("services/%s/serverless.yml" % app, serverless_yml(c, app))
        elif r == 4:
            c.add("services/%s/docker-compose.yml" % app, "services:\n  %s:\n    image: %s:latest\n    ports:\n      - \"8080:8080\"\n" % (app, app))
        elif r == 5:
            c.add("docs/%s.md" % app, readme(app, rng))
        elif r == 6:
            c.add("k8s/%s/kustomization.yaml" % app, "resources:\n  - deployment.yaml\nnamespace: %s\n" % app)
        else:
            c.add("services/%s/Makefile" % app, "plan:\n\tterraform plan\n")
    if len(c.files) > n_files and stacks is None:
        # only when n_files is tiny: drop trailing noise
        for key in list(c.files)[n_files:]:
            del c.files[key]
    # Files from Windows editors: CRLF line endings in some, a UTF-8 byte order mark on some
    # templates and policies.
    for path in list(c.files):
        text = c.files[path]
        if isinstance(text, bytes):
            continue
        r = rng.random()
        if r < 0.03:
            c.files[path] = text.replace("\n", "\r\n")
        elif r < 0.05 and path.startswith(("cloudformation/", "policies/")):
            c.files[path] = "\ufeff" + text
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, default=10000, help="number of files to write (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--stacks", type=int, default=None,
                    help="write exactly this many trail scopes (Terraform module directories or CloudFormation "
                         "templates that set up a trail), with the usual share of other files around them "
                         "(about %d files per stack); --files is then ignored" % round(FILES_PER_STACK))
    args = ap.parse_args()
    if args.stacks is not None and args.stacks < 1:
        ap.error("--stacks must be at least 1")
    if args.stacks is None and args.files < 100:
        ap.error("--files must be at least 100")
    out = args.out_dir
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, MARKER)):
            sys.exit("%s exists, is not empty and is not a generated corpus; refusing to delete it" % out)
        shutil.rmtree(out)
    c = generate(args.files, args.seed, args.stacks)
    total_bytes = 0
    for rel, content in c.files.items():
        p = os.path.join(out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        total_bytes += len(data)
        with open(p, "wb") as f:
            f.write(data)
    fail_counts = {}
    unknown_counts = {}
    for e in c.expected:
        for r in e["fail"]:
            fail_counts[r] = fail_counts.get(r, 0) + 1
        for r in e["unknown"]:
            unknown_counts[r] = unknown_counts.get(r, 0) + 1
    manifest = {
        "generator": "scripts/gen-corpus.py",
        "files": len(c.files),
        "bytes": total_bytes,
        "seed": args.seed,
        "stacks": args.stacks,
        "trails": len(c.expected),
        "trails_compliant": sum(1 for e in c.expected if not e["fail"] and not e["unknown"]),
        "expected_fail_counts": dict(sorted(fail_counts.items())),
        "expected_unknown_counts": dict(sorted(unknown_counts.items())),
        "policy_variant_counts": sorted(
            [r, v, n] for (r, v), n in collections.Counter((r, v) for e in c.expected for r, v in e["policy"].items()).items()
        ),
        "expected": c.expected,
        "skipped_planted": c.skipped_planted,
    }
    with open(os.path.join(out, MARKER), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    ext = {}
    for rel in c.files:
        e = rel.rsplit("/", 1)[-1]
        e = ".tf" if e.endswith(".tf") else (os.path.splitext(e)[1] or e)
        ext[e] = ext.get(e, 0) + 1
    print(
        "wrote %d files (%.1f MB) to %s: %d trails (%d compliant), %d planted failures, %d planted unknowns, "
        "%d bad setups in skipped directories"
        % (
            len(c.files), total_bytes / 1e6, out, len(c.expected), manifest["trails_compliant"],
            sum(fail_counts.values()), sum(unknown_counts.values()), len(c.skipped_planted),
        )
    )
    print("by extension: " + ", ".join("%s %d" % kv for kv in sorted(ext.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
