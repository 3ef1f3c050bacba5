variable "region" {
  description = "Home region of the trails."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of the trails, bucket, log group, key and role."
  type        = string
  default     = "acme-audit"
}
