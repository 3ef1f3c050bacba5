//! The policy rules: the input (lossy UTF-8, read as JSON text) is every policy of a complete
//! trail setup — the bucket policy, the trail key's and the log group key's policies, the
//! CloudWatch Logs role's trust and permissions, a managed policy — and a standalone policy
//! file. The setup is linted with every default rule (the policy engine decides each question)
//! and the report rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const SETUP: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

locals {
  doc = <<EOT
@DOC@
EOT
}

resource "aws_s3_bucket" "logs" {
  bucket = "trail-logs"
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = local.doc
}

resource "aws_kms_key" "trail" {
  enable_key_rotation = true
  policy              = local.doc
}

resource "aws_kms_key" "logs" {
  enable_key_rotation = true
  policy              = local.doc
}

resource "aws_cloudwatch_log_group" "trail" {
  name       = "cloudtrail/main"
  kms_key_id = aws_kms_key.logs.arn
}

resource "aws_iam_role" "cloudwatch" {
  name               = "cloudtrail-to-cloudwatch"
  assume_role_policy = local.doc
}

resource "aws_iam_role_policy" "cloudwatch" {
  role   = aws_iam_role.cloudwatch.id
  policy = local.doc
}

resource "aws_iam_policy" "reader" {
  policy = local.doc
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.logs.id
  s3_key_prefix              = "org"
  kms_key_id                 = aws_kms_key.trail.arn
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.cloudwatch.arn
}
"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A heredoc ends at a line that is only its marker.
    let doc: String = text.lines().filter(|l| l.trim() != "EOT").collect::<Vec<_>>().join("\n");
    let dir = common::scratch_dir("policy");
    std::fs::write(dir.join("main.tf"), SETUP.replace("@DOC@", &doc)).expect("write setup");
    std::fs::write(dir.join("policy.json"), data).expect("write policy");
    common::lint_and_render(dir);
});
