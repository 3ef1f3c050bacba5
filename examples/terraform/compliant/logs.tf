# The CloudWatch Logs log group the trail sends events to: kept for a year, encrypted with its
# own customer managed key.

resource "aws_cloudwatch_log_group" "trail" {
  name              = local.log_group_name
  retention_in_days = var.log_group_retention_days
  kms_key_id        = aws_kms_key.logs.arn
}
