# The customer managed key of the `regional` trail. Its policy lets CloudTrail use it.

resource "aws_kms_key" "trail" {
  description             = "Encrypts the log files of the ${var.name}-regional trail"
  deletion_window_in_days = 30

  # Mistake: automatic rotation turned off.
  enable_key_rotation = false # expect: CT303

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableAccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowCloudTrailToEncryptLogs"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey*"
        Resource  = "*"
        Condition = {
          StringLike = {
            "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"
          }
          StringEquals = {
            "aws:SourceArn" = local.regional_trail_arn
          }
        }
      },
      {
        Sid       = "AllowCloudTrailToDescribeKey"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_alias" "trail" {
  name          = "alias/${var.name}-cloudtrail"
  target_key_id = aws_kms_key.trail.key_id
}
