#!/usr/bin/env python3
"""Generate src/adapt/names/generated.rs: the attribute and property names of every resource type
ctlint reads, from the real schemas (CT901 unknown-attribute; docs/rules.md).

    scripts/gen-attribute-names.py [--tf-schema FILE] [--out FILE]

- Terraform: `terraform providers schema -json` of the hashicorp/aws provider, made offline from
  a local filesystem mirror (TF_PLUGIN_DIR, default /opt/tf-plugins), or read from --tf-schema.
- CloudFormation: the resource provider schemas cfn-lint ships (the installed `cfnlint` package,
  `data/schemas`, region us-east-1), the version pinned in requirements-dev.txt.

Not run by CI (it needs terraform and the provider binary); the generated file is committed, and
`src/adapt/names` tests that it covers every type the adapters read, sorted. Run it again after
raising the provider or cfn-lint version, and review the diff.

Per block (a resource, or a nested block / property object whose names are known) it writes the
names that may be set, the names that exist but cannot be set (Terraform computed-only
attributes), the required names, and the nested blocks. CloudFormation read-only properties are
left among the names: cfn-lint accepts them, so ctlint does too.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The Terraform resource types the adapter reads: those that become a model resource
# (`terraform::kind_of`) and those folded into one (`terraform::FOLDED`).
TERRAFORM_TYPES = [
    "aws_cloudtrail",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_metric_alarm",
    "aws_iam_policy",
    "aws_iam_policy_attachment",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_kms_alias",
    "aws_kms_key",
    "aws_kms_key_policy",
    "aws_s3_bucket",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_sns_topic",
    "aws_sns_topic_subscription",
]

# The CloudFormation types the adapter reads (`cloudformation::kind_of` and `cloudformation::FOLDED`).
CLOUDFORMATION_TYPES = [
    "AWS::CloudTrail::Trail",
    "AWS::CloudWatch::Alarm",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::KMS::Alias",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::Logs::MetricFilter",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
]

# AWS provider 6.0 "Enhanced Region Support" injects a top-level `region` argument into every
# regional resource without listing it in each resource's code
# (https://hashicorp.github.io/terraform-provider-aws/enhanced-region-support). The schema made
# here may come from provider 5, which does not have it; configurations written for 6 do. IAM is
# global and has no such argument.
PROVIDER_6_REGION = [t for t in TERRAFORM_TYPES if not t.startswith("aws_iam_")]


def terraform_schema(args):
    if args.tf_schema:
        with open(args.tf_schema) as f:
            return json.load(f), None
    plugins = os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")
    versions = os.path.join(plugins, "registry.terraform.io", "hashicorp", "aws")
    version = sorted(os.listdir(versions), key=lambda v: [int(x) for x in re.findall(r"\d+", v)])[-1]
    work = tempfile.mkdtemp()
    try:
        rc = os.path.join(work, "terraformrc")
        with open(rc, "w") as f:
            f.write(
                'provider_installation {\n  filesystem_mirror { path = "%s" }\n  direct { exclude = ["*/*"] }\n}\n'
                % plugins
            )
        with open(os.path.join(work, "main.tf"), "w") as f:
            f.write(
                'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "%s" }\n  }\n}\n'
                % version
            )
        env = dict(os.environ, TF_CLI_CONFIG_FILE=rc, TF_IN_AUTOMATION="1")
        subprocess.run(["terraform", "init", "-input=false", "-backend=false"], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        out = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=work, env=env, check=True,
                             stdout=subprocess.PIPE).stdout
        return json.loads(out), version
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Block:
    """The names of one block, as the generated Rust `Block` holds them."""

    def __init__(self):
        self.names = set()
        self.read_only = set()
        self.required = set()
        self.nested = {}


def tf_block(schema, top_level_region=False):
    b = Block()
    for name, a in schema.get("attributes", {}).items():
        if a.get("optional") or a.get("required"):
            b.names.add(name)
        else:
            b.read_only.add(name)
        if a.get("required"):
            b.required.add(name)
    for name, bt in schema.get("block_types", {}).items():
        b.names.add(name)
        if bt.get("min_items", 0) >= 1:
            b.required.add(name)
        b.nested[name] = tf_block(bt["block"])
    if top_level_region:
        b.names.add("region")
        b.read_only.discard("region")
    return b


def cfnlint_schemas():
    import cfnlint

    root = os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas", "providers")
    region = os.path.join(root, "us_east_1")
    if os.path.isdir(region):
        # cfn-lint < 1.2x: one file per type.
        def load(t):
            with open(os.path.join(region, t.replace("::", "-").lower() + ".json")) as f:
                return json.load(f)
    else:
        # cfn-lint 1.2x+: `us_east_1.py` maps each type to a schema in `schemas/resources/`.
        with open(os.path.join(root, "us_east_1.py")) as f:
            hashes = dict(re.findall(r'"(AWS::[^"]+)": "([0-9a-f]+)"', f.read()))
        resources = os.path.join(os.path.dirname(root), "resources")

        def load(t):
            with open(os.path.join(resources, hashes[t] + ".json")) as f:
                return json.load(f)

    from cfnlint.version import __version__

    return load, __version__


def resolve(schema, root, depth=0):
    """Follow `$ref`s into `definitions`."""
    while isinstance(schema, dict) and "$ref" in schema and depth < 32:
        ref = schema["$ref"]
        if not ref.startswith("#/definitions/"):
            return {}
        schema = root.get("definitions", {}).get(ref[len("#/definitions/"):], {})
        depth += 1
    return schema if isinstance(schema, dict) else {}


def object_schema(schema, root):
    """The object a property holds (itself, or the items of a list), when its names are closed."""
    s = resolve(schema, root)
    if s.get("type") == "array" or "items" in s:
        s = resolve(s.get("items", {}), root)
    props = dict(s.get("properties", {}))
    for key in ("oneOf", "anyOf", "allOf"):
        for alt in s.get(key, []):
            props.update(resolve(alt, root).get("properties", {}))
    if not props or s.get("additionalProperties", True) is not False or "patternProperties" in s:
        return None
    return s, props


def cfn_block(props, required, root, seen):
    b = Block()
    b.names.update(props)
    b.required.update(required)
    for name, p in props.items():
        key = json.dumps(p, sort_keys=True)
        if key in seen:
            continue
        found = object_schema(p, root)
        if found is None:
            continue
        s, sub = found
        req = set(s.get("required", []))
        b.nested[name] = cfn_block(sub, req, root, seen | {key})
    return b


def rust_list(items):
    return "&[" + ", ".join(json.dumps(i) for i in sorted(items)) + "]"


def render(blocks_by_type, prefix, statics, interned):
    """Write each block as a static (identical blocks once) and return the table rows."""

    def emit(b):
        nested = "&[" + ", ".join(
            "(%s, &%s)" % (json.dumps(n), emit(b.nested[n])) for n in sorted(b.nested)
        ) + "]"
        body = "Block {\n    names: %s,\n    read_only: %s,\n    required: %s,\n    nested: %s,\n}" % (
            rust_list(b.names),
            rust_list(b.read_only),
            rust_list(b.required),
            nested,
        )
        if body not in interned:
            name = "%s%d" % (prefix, len([k for k in interned.values() if k.startswith(prefix)]))
            interned[body] = name
            statics.append("static %s: Block = %s;" % (name, body))
        return interned[body]

    return ["    (%s, &%s)," % (json.dumps(t), emit(blocks_by_type[t])) for t in sorted(blocks_by_type)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tf-schema", help="the output of `terraform providers schema -json`")
    ap.add_argument("--out", default=os.path.join(REPO, "src", "adapt", "names", "generated.rs"))
    args = ap.parse_args()

    schema, tf_version = terraform_schema(args)
    providers = schema["provider_schemas"]
    aws = next(v for k, v in providers.items() if k.endswith("hashicorp/aws"))
    resources = aws["resource_schemas"]
    tf = {t: tf_block(resources[t]["block"], t in PROVIDER_6_REGION) for t in TERRAFORM_TYPES}

    load, cfn_version = cfnlint_schemas()
    cfn = {}
    for t in CLOUDFORMATION_TYPES:
        s = load(t)
        cfn[t] = cfn_block(s["properties"], set(s.get("required", [])), s, frozenset())

    statics, interned = [], {}
    tf_rows = render(tf, "TF", statics, interned)
    cfn_rows = render(cfn, "CFN", statics, interned)
    tf_from = "hashicorp/aws %s (`terraform providers schema -json`)" % (tf_version or "(given schema)")
    cfn_from = "cfn-lint %s (`cfnlint/data/schemas`, us-east-1)" % (cfn_version or "")
    out = [
        "//! @generated by `scripts/gen-attribute-names.py`: do not edit.",
        "//!",
        "//! Terraform: %s," % tf_from,
        "//! plus the top-level `region` of provider 6 on regional resources.",
        "//! CloudFormation: %s." % cfn_from,
        "",
        "use super::Block;",
        "",
        "/// Terraform resource types, sorted.",
        "pub static TERRAFORM: &[(&str, &Block)] = &[",
        *tf_rows,
        "];",
        "",
        "/// CloudFormation resource types, sorted.",
        "pub static CLOUDFORMATION: &[(&str, &Block)] = &[",
        *cfn_rows,
        "];",
        "",
        *("%s\n" % s for s in statics),
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")
    subprocess.run(["rustfmt", "--edition", "2024", args.out], check=True)
    print("wrote %s: %d Terraform and %d CloudFormation types, %d blocks" % (
        os.path.relpath(args.out, REPO), len(tf), len(cfn), len(statics)), file=sys.stderr)


if __name__ == "__main__":
    main()
