# A CloudTrail setup with realistic mistakes. ctlint must report each rule on the line that carries
# its "expect" marker comment (tests check the markers).
#
# Two trails share one bucket:
# - `regional` was copied from a workload stack: single-region, no log file validation, only
#   read events, and never connected to CloudWatch Logs;
# - `global` is multi-region and sends events to CloudWatch Logs, but leaves out global service
#   events, is not encrypted with a customer managed key, points at the log group with a
#   malformed ARN, and was left stopped.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  regional_trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${var.name}-regional"
  global_trail_arn   = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${var.name}-global"

  log_group_name = "/aws/cloudtrail/${var.name}"
}

# Mistake: no cloud_watch_logs_group_arn / cloud_watch_logs_role_arn, so no metric filters or
# alarms can ever see this trail's events.
resource "aws_cloudtrail" "regional" { # expect: CT004
  name           = "${var.name}-regional"
  s3_bucket_name = aws_s3_bucket.trail.id
  kms_key_id     = aws_kms_key.trail.arn

  # Mistake: records only the home region; activity in every other region goes unseen.
  is_multi_region_trail = false # expect: CT001

  # Mistake: no digest files, so altered or deleted log files cannot be detected.
  enable_log_file_validation = false # expect: CT002

  # Mistake: no S3 data events, so nobody can tell who read or deleted which object.
  event_selector { # expect: CT008
    # Mistake: read events only; every write (CreateUser, DeleteTrail, ...) is dropped.
    read_write_type           = "ReadOnly" # expect: CT007
    include_management_events = true
  }

  depends_on = [aws_s3_bucket_policy.trail]
}

# Mistake: no kms_key_id; the log files are only SSE-S3 encrypted by default. Mistake: no event
# selectors, so no S3 data events either.
resource "aws_cloudtrail" "global" { # expect: CT003, CT008
  name                       = "${var.name}-global"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true

  # Mistake: IAM, STS and other global services are not recorded.
  include_global_service_events = false # expect: CT006

  # Mistake: logging was stopped during an incident drill and never turned back on.
  enable_logging = false # expect: CT005

  # Mistake: the arn attribute of aws_cloudwatch_log_group has no ":*"; CloudTrail needs
  # "${aws_cloudwatch_log_group.trail.arn}:*".
  cloud_watch_logs_group_arn = aws_cloudwatch_log_group.trail.arn # expect: CT009
  cloud_watch_logs_role_arn  = aws_iam_role.cloudtrail_cloudwatch.arn

  depends_on = [aws_s3_bucket_policy.trail]
}
