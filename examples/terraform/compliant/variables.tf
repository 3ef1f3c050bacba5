variable "region" {
  description = "Home region of the trail."
  type        = string
  default     = "us-east-1"
}

variable "trail_name" {
  description = "Name of the trail; also the prefix of the bucket, log group, keys and role."
  type        = string
  default     = "org-audit"
}

variable "log_group_retention_days" {
  description = "Days the trail's events are kept in CloudWatch Logs (at least 365)."
  type        = number
  default     = 365
}

variable "bucket_retention_days" {
  description = "Days the log files are kept in S3 before they expire (at least 365)."
  type        = number
  default     = 730
}
