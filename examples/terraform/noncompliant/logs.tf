# The log group the `global` trail sends events to.

# Mistake: no kms_key_id; events are stored with the service's default encryption only.
resource "aws_cloudwatch_log_group" "trail" { # expect: CT202
  name = local.log_group_name

  # Mistake: 30 days is far less than the year investigations and CIS expect.
  retention_in_days = 30 # expect: CT201
}
