# A CloudTrail setup that follows the recommended settings: a multi-region trail recording all
# management events, with log file validation, encrypted with a customer managed KMS key, sent
# to CloudWatch Logs, and delivered to a locked-down, versioned, access-logged bucket.

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

  # The trail's ARN, built from its name rather than read from aws_cloudtrail.main.arn, so that
  # the bucket policy, the key policy and the role's trust policy can name the trail without a
  # dependency cycle (the trail depends on all three).
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${var.trail_name}"

  log_group_name = "/aws/cloudtrail/${var.trail_name}"
}

resource "aws_cloudtrail" "main" {
  name           = var.trail_name
  s3_bucket_name = aws_s3_bucket.trail.id

  # Record every region, including global services such as IAM and STS.
  is_multi_region_trail         = true
  include_global_service_events = true

  # Deliver digest files so tampering with log files can be detected.
  enable_log_file_validation = true

  # Encrypt log files with a customer managed key (SSE-KMS) instead of the default SSE-S3.
  kms_key_id = aws_kms_key.trail.arn

  # Send events to CloudWatch Logs. The log group ARN must end in ":*".
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.cloudtrail_cloudwatch.arn

  # All management events, read and write, no event source left out.
  advanced_event_selector {
    name = "All management events"

    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  # S3 object-level events (GetObject, PutObject, DeleteObject...) in every bucket, except the
  # trail's own log files, which would otherwise log their own delivery.
  advanced_event_selector {
    name = "S3 object events outside the trail bucket"

    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }

    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }

    field_selector {
      field           = "resources.ARN"
      not_starts_with = ["${aws_s3_bucket.trail.arn}/"]
    }
  }

  # CloudTrail checks that it can write to the bucket when the trail is created.
  depends_on = [aws_s3_bucket_policy.trail]
}
