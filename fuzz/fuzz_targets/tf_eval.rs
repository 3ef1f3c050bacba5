//! The Terraform expression evaluator: the input (lossy UTF-8) is the expression of a local,
//! `locals { x = <input> }`, and a trail, its bucket, bucket policy, log group and key read
//! `local.x` in many attributes, directly and through functions, indexing and templates. The
//! module is linted and the report rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const TRAILER: &str = r#"
}

variable "v" {
  default = "dflt"
}

resource "aws_cloudtrail" "t" {
  name                          = local.x
  s3_bucket_name                = aws_s3_bucket.b.id
  is_multi_region_trail         = local.x
  enable_log_file_validation    = !local.x
  include_global_service_events = local.x == true ? true : local.x
  enable_logging                = tobool(local.x)
  kms_key_id                    = "${local.x}"
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.g.arn}:${local.x}"
  cloud_watch_logs_role_arn     = format("arn:aws:iam::%s:role/%s", local.x, var.v)
  is_organization_trail         = lookup(local.x, "org", false)
  count                         = length(local.x) > 0 ? 1 : 0

  event_selector {
    read_write_type           = local.x[0]
    include_management_events = try(local.x.mgmt, local.x)
    exclude_management_event_sources = local.x
  }

  dynamic "event_selector" {
    for_each = local.x
    content {
      read_write_type = event_selector.value
    }
  }

  depends_on = [aws_s3_bucket_policy.p]
}

resource "aws_s3_bucket" "b" {
  bucket = join("-", [local.x, "logs"])
  tags   = merge(local.x, { a = "b" })
}

resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = local.x
  }
}

resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode(local.x)
}

resource "aws_s3_bucket_policy" "q" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.d.json
}

data "aws_iam_policy_document" "d" {
  statement {
    effect    = local.x
    actions   = [local.x, "s3:PutObject"]
    resources = ["${aws_s3_bucket.b.arn}/${local.x}"]
    principals {
      type        = "Service"
      identifiers = local.x
    }
    condition {
      test     = "StringEquals"
      variable = local.x
      values   = [local.x]
    }
  }
}

resource "aws_cloudwatch_log_group" "g" {
  name              = "/aws/cloudtrail/${local.x}"
  kms_key_id        = local.x
  retention_in_days = local.x
}

resource "aws_kms_key" "k" {
  enable_key_rotation = local.x
  policy              = jsondecode(local.x)
}
"#;

fuzz_target!(|data: &[u8]| {
    let expr = String::from_utf8_lossy(data);
    let mut text = String::with_capacity(expr.len() + TRAILER.len() + 32);
    text.push_str("locals {\n  x = ");
    text.push_str(&expr);
    text.push_str(TRAILER);
    let dir = common::scratch_dir("tf_eval");
    std::fs::write(dir.join("main.tf"), text).expect("write input");
    common::lint_and_render(dir);
});
