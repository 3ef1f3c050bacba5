#!/usr/bin/env bash
# Regenerates the Terraform plan fixtures (`terraform show -json`) from their configurations, so
# that the plans under tests/ are real Terraform output rather than hand-written JSON. Not run by
# CI: it needs `terraform` and a local mirror of the hashicorp/aws provider (TF_PLUGIN_DIR,
# default /opt/tf-plugins), and plans offline with placeholder credentials.
#
# Each pair is `configuration directory -> plan file`. The plan is pretty-printed (Terraform
# writes one line) so that fixture expectations can name lines.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
plugins="${TF_PLUGIN_DIR:-/opt/tf-plugins}"

pairs=(
  "tests/fixtures/plan/parity/terraform tests/fixtures/plan/parity/plan/plan.json"
  "tests/fixtures/plan/src/CT009-unknown tests/fixtures/CT009-trail-cloudwatch-arn-malformed/unknown-plan.json"
  "tests/fixtures/plan/src/CT001-modules tests/fixtures/CT001-trail-not-multi-region/bad-plan-modules.json"
  "tests/fixtures/CT001-trail-not-multi-region/bad-plan-beside tests/fixtures/CT001-trail-not-multi-region/bad-plan-beside/plan.json"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror { path = "$plugins" }
  direct { exclude = ["*/*"] }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1

for pair in "${pairs[@]}"; do
  read -r src out <<<"$pair"
  dir="$work/$(basename "$src")"
  rm -rf "$dir"
  cp -r "$src" "$dir"
  rm -f "$dir"/*.json.expect "$dir/plan.json"
  # Plan without AWS: placeholder credentials, no account or credential look-ups.
  cat > "$dir/zz_fixture_override.tf" <<'TF'
provider "aws" {
  access_key                  = "fixture"
  secret_key                  = "fixture"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
TF
  (cd "$dir" && terraform init -input=false -backend=false >/dev/null \
    && terraform plan -input=false -refresh=false -out=plan.out >/dev/null \
    && terraform show -json plan.out) | python3 -m json.tool --indent 2 > "$work/plan.json"
  mkdir -p "$(dirname "$out")"
  mv "$work/plan.json" "$out"
  echo "$src -> $out"
done

# The `.tf.json` copy of the parity setup must plan to the same changes as its HCL.
json_plan="$work/parity-json.json"
(cd "$work" && rm -rf tfjson && cp -r "$repo/tests/fixtures/plan/parity/terraform-json" tfjson \
  && cp terraform/zz_fixture_override.tf tfjson/ && cd tfjson \
  && terraform init -input=false -backend=false >/dev/null \
  && terraform plan -input=false -refresh=false -out=plan.out >/dev/null \
  && terraform show -json plan.out) > "$json_plan"
python3 - tests/fixtures/plan/parity/plan/plan.json "$json_plan" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
same = a["planned_values"] == b["planned_values"] and [c["change"] for c in a["resource_changes"]] == [
    c["change"] for c in b["resource_changes"]
]
sys.exit(0 if same else "terraform-json/ does not plan to the same changes as terraform/")
PY
echo "terraform-json/ plans like terraform/"
