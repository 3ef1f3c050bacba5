# The bucket both trails deliver to. Its policy is right; its settings are not.

# Mistake: no server access logging (no logging block, no aws_s3_bucket_logging), so reads and
# deletions of log files leave no record.
resource "aws_s3_bucket" "trail" { # expect: CT102
  bucket = "${var.name}-cloudtrail-${local.account_id}"
}

resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id

  versioning_configuration {
    # Mistake: versioning suspended to save storage; overwritten or deleted log files are gone.
    status = "Suspended" # expect: CT101
  }
}

resource "aws_s3_bucket_public_access_block" "trail" {
  bucket             = aws_s3_bucket.trail.id
  block_public_acls  = true
  ignore_public_acls = true

  # Mistake: turned off when the first bucket policy was rejected, and never turned back on.
  block_public_policy = false # expect: CT104

  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id

  rule {
    id     = "archive-trail-logs"
    status = "Enabled"

    filter {
      prefix = "AWSLogs/"
    }

    transition {
      days          = 30
      storage_class = "GLACIER"
    }

    # Mistake: log files are deleted after 90 days; a breach found later has no trail.
    expiration {
      days = 90 # expect: CT108
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSCloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.trail.arn
        Condition = {
          StringEquals = { "aws:SourceArn" = [local.regional_trail_arn, local.global_trail_arn] }
        }
      },
      {
        Sid       = "AWSCloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.trail.arn}/AWSLogs/${local.account_id}/*"
        Condition = {
          StringEquals = {
            "s3:x-amz-acl"  = "bucket-owner-full-control"
            "aws:SourceArn" = [local.regional_trail_arn, local.global_trail_arn]
          }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.trail.arn, "${aws_s3_bucket.trail.arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  })
}
