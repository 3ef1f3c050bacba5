//! The fields of every model kind: their names, types, documented defaults, and how Terraform and
//! CloudFormation spell them.
//!
//! Both adapters read these tables, so a field is added in one place and both formats fill it the
//! same way. The rule loader checks every JSONPath a rule uses against them, so a typo in a rule
//! file is a load error and not a rule that silently never fires. `ctlint explain` and the README
//! list them.
//!
//! Defaults are only those that the Terraform AWS provider or CloudFormation (through the AWS API)
//! document. A field without a documented default is absent when not written, and rules see "not
//! set".

use super::Kind;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    Bool(bool),
    Num(f64),
    Str(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Bool,
    Num,
    Str,
    /// A list of strings; a single string is accepted and becomes a one-item list.
    StrList,
    /// An IAM, bucket or key policy document, normalised by [`crate::model::policy`].
    Policy,
    /// A nested object: a Terraform block (or object attribute), a CloudFormation mapping.
    Obj(&'static [Field]),
    /// A list of objects: repeated Terraform blocks, a CloudFormation list of mappings.
    List(&'static [Field]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The model name rules use.
    pub name: &'static str,
    /// The Terraform attribute or block name; empty when Terraform has no such field on the
    /// main resource (it comes from a split resource instead).
    pub tf: &'static str,
    /// The CloudFormation property name; empty when not on the main resource.
    pub cfn: &'static str,
    pub ty: Ty,
    /// Terraform provider default when not set.
    pub tf_default: Option<Lit>,
    /// CloudFormation / AWS API default when not set.
    pub cfn_default: Option<Lit>,
    pub doc: &'static str,
}

const fn f(name: &'static str, tf: &'static str, cfn: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        tf,
        cfn,
        ty,
        tf_default: None,
        cfn_default: None,
        doc,
    }
}

const fn d(mut field: Field, default: Lit) -> Field {
    field.tf_default = Some(default);
    field.cfn_default = Some(default);
    field
}

const fn d_tf(mut field: Field, default: Lit) -> Field {
    field.tf_default = Some(default);
    field
}

use Lit::{Bool as B, Num as N, Str as S};

const DATA_RESOURCE: &[Field] = &[
    f(
        "type",
        "type",
        "Type",
        Ty::Str,
        "`AWS::S3::Object`, `AWS::Lambda::Function`…",
    ),
    f("values", "values", "Values", Ty::StrList, "ARNs or ARN prefixes"),
];

const EVENT_SELECTOR: &[Field] = &[
    d(
        f(
            "read_write_type",
            "read_write_type",
            "ReadWriteType",
            Ty::Str,
            "`All`, `ReadOnly` or `WriteOnly`",
        ),
        S("All"),
    ),
    d(
        f(
            "include_management_events",
            "include_management_events",
            "IncludeManagementEvents",
            Ty::Bool,
            "whether the selector records management events",
        ),
        B(true),
    ),
    f(
        "exclude_management_event_sources",
        "exclude_management_event_sources",
        "ExcludeManagementEventSources",
        Ty::StrList,
        "event sources left out of management events",
    ),
    f(
        "data_resources",
        "data_resource",
        "DataResources",
        Ty::List(DATA_RESOURCE),
        "data events recorded",
    ),
];

const FIELD_SELECTOR: &[Field] = &[
    f(
        "field",
        "field",
        "Field",
        Ty::Str,
        "`eventCategory`, `readOnly`, `eventSource`, `resources.type`…",
    ),
    f("equals", "equals", "Equals", Ty::StrList, ""),
    f("not_equals", "not_equals", "NotEquals", Ty::StrList, ""),
    f("starts_with", "starts_with", "StartsWith", Ty::StrList, ""),
    f("not_starts_with", "not_starts_with", "NotStartsWith", Ty::StrList, ""),
    f("ends_with", "ends_with", "EndsWith", Ty::StrList, ""),
    f("not_ends_with", "not_ends_with", "NotEndsWith", Ty::StrList, ""),
];

const ADVANCED_EVENT_SELECTOR: &[Field] = &[
    f("name", "name", "Name", Ty::Str, ""),
    f(
        "field_selectors",
        "field_selector",
        "FieldSelectors",
        Ty::List(FIELD_SELECTOR),
        "conditions, all of which must match",
    ),
];

const INSIGHT_SELECTOR: &[Field] = &[f("insight_type", "insight_type", "InsightType", Ty::Str, "")];

pub const TRAIL: &[Field] = &[
    f("name", "name", "TrailName", Ty::Str, "trail name"),
    f(
        "s3_bucket_name",
        "s3_bucket_name",
        "S3BucketName",
        Ty::Str,
        "bucket the log files are delivered to (link `bucket`)",
    ),
    f(
        "s3_key_prefix",
        "s3_key_prefix",
        "S3KeyPrefix",
        Ty::Str,
        "prefix of the delivered objects",
    ),
    d(
        f(
            "is_multi_region",
            "is_multi_region_trail",
            "IsMultiRegionTrail",
            Ty::Bool,
            "records events in every region",
        ),
        B(false),
    ),
    // The provider documents `true`; CloudFormation documents no default (and has been seen to
    // reject multi-region trails that omit it), so only Terraform gets one.
    d_tf(
        f(
            "include_global_service_events",
            "include_global_service_events",
            "IncludeGlobalServiceEvents",
            Ty::Bool,
            "records events of global services such as IAM",
        ),
        B(true),
    ),
    // CloudFormation requires IsLogging, so only Terraform has a default.
    d_tf(
        f(
            "is_logging",
            "enable_logging",
            "IsLogging",
            Ty::Bool,
            "the trail is logging",
        ),
        B(true),
    ),
    d(
        f(
            "log_file_validation",
            "enable_log_file_validation",
            "EnableLogFileValidation",
            Ty::Bool,
            "digest files are delivered",
        ),
        B(false),
    ),
    f(
        "kms_key_id",
        "kms_key_id",
        "KMSKeyId",
        Ty::Str,
        "KMS key that encrypts the log files (link `key`)",
    ),
    f(
        "cloud_watch_logs_group_arn",
        "cloud_watch_logs_group_arn",
        "CloudWatchLogsLogGroupArn",
        Ty::Str,
        "log group ARN events are sent to (link `log_group`)",
    ),
    f(
        "cloud_watch_logs_role_arn",
        "cloud_watch_logs_role_arn",
        "CloudWatchLogsRoleArn",
        Ty::Str,
        "role CloudTrail assumes to write to the log group (link `role`)",
    ),
    d(
        f(
            "is_organization_trail",
            "is_organization_trail",
            "IsOrganizationTrail",
            Ty::Bool,
            "logs every account of the organization",
        ),
        B(false),
    ),
    f("sns_topic_name", "sns_topic_name", "SnsTopicName", Ty::Str, ""),
    f(
        "event_selectors",
        "event_selector",
        "EventSelectors",
        Ty::List(EVENT_SELECTOR),
        "classic event selectors",
    ),
    f(
        "advanced_event_selectors",
        "advanced_event_selector",
        "AdvancedEventSelectors",
        Ty::List(ADVANCED_EVENT_SELECTOR),
        "advanced event selectors",
    ),
    f(
        "provider",
        "provider",
        "",
        Ty::Str,
        "Terraform `provider` meta-argument: another provider configuration (CT013)",
    ),
    f(
        "insight_selectors",
        "insight_selector",
        "InsightSelectors",
        Ty::List(INSIGHT_SELECTOR),
        "",
    ),
];

const VERSIONING: &[Field] = &[
    f(
        "status",
        "status",
        "Status",
        Ty::Str,
        "`Enabled`, `Suspended` or `Disabled`",
    ),
    f("mfa_delete", "mfa_delete", "", Ty::Str, "`Enabled` or `Disabled`"),
];

const LOGGING: &[Field] = &[
    f(
        "target_bucket",
        "target_bucket",
        "DestinationBucketName",
        Ty::Str,
        "bucket receiving access logs (CloudFormation: this bucket when unset)",
    ),
    f("target_prefix", "target_prefix", "LogFilePrefix", Ty::Str, ""),
];

const LIFECYCLE_RULE: &[Field] = &[
    f("id", "id", "Id", Ty::Str, ""),
    f("status", "status", "Status", Ty::Str, "`Enabled` or `Disabled`"),
    f(
        "prefix",
        "prefix",
        "Prefix",
        Ty::Str,
        "object key prefix the rule applies to (also from `filter`)",
    ),
    f(
        "expiration_days",
        "",
        "ExpirationInDays",
        Ty::Num,
        "current versions expire after this many days",
    ),
    f(
        "noncurrent_expiration_days",
        "",
        "NoncurrentVersionExpirationInDays",
        Ty::Num,
        "noncurrent versions expire after this many days",
    ),
    f(
        "expiration_date",
        "",
        "ExpirationDate",
        Ty::Str,
        "current versions expire on this date",
    ),
    f(
        "tag_filter",
        "",
        "TagFilters",
        Ty::Bool,
        "the rule applies only to objects with given tags (CloudTrail log files have none)",
    ),
];

const PUBLIC_ACCESS_BLOCK: &[Field] = &[
    d(
        f(
            "block_public_acls",
            "block_public_acls",
            "BlockPublicAcls",
            Ty::Bool,
            "",
        ),
        B(false),
    ),
    d(
        f(
            "block_public_policy",
            "block_public_policy",
            "BlockPublicPolicy",
            Ty::Bool,
            "",
        ),
        B(false),
    ),
    d(
        f(
            "ignore_public_acls",
            "ignore_public_acls",
            "IgnorePublicAcls",
            Ty::Bool,
            "",
        ),
        B(false),
    ),
    d(
        f(
            "restrict_public_buckets",
            "restrict_public_buckets",
            "RestrictPublicBuckets",
            Ty::Bool,
            "",
        ),
        B(false),
    ),
];

const ENCRYPTION: &[Field] = &[
    f(
        "sse_algorithm",
        "sse_algorithm",
        "SSEAlgorithm",
        Ty::Str,
        "`AES256`, `aws:kms`, `aws:kms:dsse`",
    ),
    f("kms_master_key_id", "kms_master_key_id", "KMSMasterKeyID", Ty::Str, ""),
];

const OBJECT_LOCK: &[Field] = &[
    f("enabled", "", "ObjectLockEnabled", Ty::Bool, ""),
    f("mode", "mode", "Mode", Ty::Str, "`GOVERNANCE` or `COMPLIANCE`"),
    f("days", "days", "Days", Ty::Num, ""),
    f("years", "years", "Years", Ty::Num, ""),
];

/// Bucket fields that Terraform sets through split resources (`aws_s3_bucket_versioning`…) or
/// legacy inline blocks have an empty `tf` name: the S3 adapter fills them.
pub const BUCKET: &[Field] = &[
    f(
        "name",
        "bucket",
        "BucketName",
        Ty::Str,
        "bucket name (generated when not set)",
    ),
    f(
        "acl",
        "acl",
        "AccessControl",
        Ty::Str,
        "canned ACL, as the S3 API names it (`private`, `log-delivery-write`…; CloudFormation's `LogDeliveryWrite` is mapped)",
    ),
    f(
        "versioning",
        "",
        "VersioningConfiguration",
        Ty::Obj(VERSIONING),
        "versioning configuration",
    ),
    f(
        "logging",
        "",
        "LoggingConfiguration",
        Ty::Obj(LOGGING),
        "server access logging (set = on)",
    ),
    f("lifecycle_rules", "", "", Ty::List(LIFECYCLE_RULE), "lifecycle rules"),
    f("policy", "", "", Ty::Policy, "bucket policy"),
    f(
        "public_access_block",
        "",
        "PublicAccessBlockConfiguration",
        Ty::Obj(PUBLIC_ACCESS_BLOCK),
        "public access block",
    ),
    f("encryption", "", "", Ty::Obj(ENCRYPTION), "default encryption"),
    f("object_lock", "", "", Ty::Obj(OBJECT_LOCK), "object lock"),
];

pub const LOG_GROUP: &[Field] = &[
    f(
        "name",
        "name",
        "LogGroupName",
        Ty::Str,
        "log group name (generated when not set)",
    ),
    d(
        f(
            "retention_in_days",
            "retention_in_days",
            "RetentionInDays",
            Ty::Num,
            "days events are kept; 0 = never expire",
        ),
        N(0.0),
    ),
    f(
        "kms_key_id",
        "kms_key_id",
        "KmsKeyId",
        Ty::Str,
        "KMS key ARN that encrypts the group (link `key`)",
    ),
    f("log_group_class", "log_group_class", "LogGroupClass", Ty::Str, ""),
];

pub const KEY: &[Field] = &[
    f("description", "description", "Description", Ty::Str, ""),
    d(
        f(
            "enable_key_rotation",
            "enable_key_rotation",
            "EnableKeyRotation",
            Ty::Bool,
            "automatic yearly rotation",
        ),
        B(false),
    ),
    d(
        f(
            "key_spec",
            "customer_master_key_spec",
            "KeySpec",
            Ty::Str,
            "`SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`…",
        ),
        S("SYMMETRIC_DEFAULT"),
    ),
    d(
        f(
            "key_usage",
            "key_usage",
            "KeyUsage",
            Ty::Str,
            "`ENCRYPT_DECRYPT`, `SIGN_VERIFY`…",
        ),
        S("ENCRYPT_DECRYPT"),
    ),
    // `aws_kms_key` always has AWS_KMS key material (imported material is `aws_kms_external_key`).
    d(
        f(
            "origin",
            "",
            "Origin",
            Ty::Str,
            "`AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`",
        ),
        S("AWS_KMS"),
    ),
    d(f("is_enabled", "is_enabled", "Enabled", Ty::Bool, ""), B(true)),
    d(f("multi_region", "multi_region", "MultiRegion", Ty::Bool, ""), B(false)),
    f(
        "policy",
        "policy",
        "KeyPolicy",
        Ty::Policy,
        "key policy (the AWS default key policy when not set)",
    ),
];

pub const KEY_ALIAS: &[Field] = &[
    f("name", "name", "AliasName", Ty::Str, "`alias/…`"),
    f(
        "target_key_id",
        "target_key_id",
        "TargetKeyId",
        Ty::Str,
        "the key it names (link `key`)",
    ),
];

const ROLE_POLICY: &[Field] = &[
    f("name", "", "PolicyName", Ty::Str, ""),
    f("document", "", "PolicyDocument", Ty::Policy, ""),
];

pub const ROLE: &[Field] = &[
    f(
        "name",
        "name",
        "RoleName",
        Ty::Str,
        "role name (generated when not set)",
    ),
    f("path", "path", "Path", Ty::Str, ""),
    f(
        "assume_role_policy",
        "assume_role_policy",
        "AssumeRolePolicyDocument",
        Ty::Policy,
        "trust policy",
    ),
    f(
        "policies",
        "",
        "Policies",
        Ty::List(ROLE_POLICY),
        "inline policies and the documents of attached policies defined in the scan",
    ),
    f(
        "managed_policy_arns",
        "managed_policy_arns",
        "ManagedPolicyArns",
        Ty::StrList,
        "attached managed policy ARNs",
    ),
];

/// `aws_iam_policy`, `AWS::IAM::ManagedPolicy` (an `AWS::IAM::Policy` is inline: it folds into
/// the roles it names, like `aws_iam_role_policy`).
pub const POLICY: &[Field] = &[
    f("name", "name", "ManagedPolicyName", Ty::Str, ""),
    f(
        "document",
        "policy",
        "PolicyDocument",
        Ty::Policy,
        "the policy document",
    ),
    f("roles", "", "Roles", Ty::StrList, "roles it is attached to"),
];

const METRIC_TRANSFORMATION: &[Field] = &[
    f(
        "name",
        "name",
        "MetricName",
        Ty::Str,
        "the metric the filter publishes to",
    ),
    f(
        "namespace",
        "namespace",
        "MetricNamespace",
        Ty::Str,
        "the metric's namespace",
    ),
    f("value", "value", "MetricValue", Ty::Str, "what is published per match"),
];

/// `aws_cloudwatch_log_metric_filter`, `AWS::Logs::MetricFilter` (CT207).
pub const METRIC_FILTER: &[Field] = &[
    f("name", "name", "FilterName", Ty::Str, "filter name"),
    f(
        "pattern",
        "pattern",
        "FilterPattern",
        Ty::Str,
        "the CloudWatch Logs filter pattern (docs/filter-patterns.md)",
    ),
    f(
        "log_group_name",
        "log_group_name",
        "LogGroupName",
        Ty::Str,
        "the log group it filters (link `log_group`)",
    ),
    f(
        "metric_transformations",
        "metric_transformation",
        "MetricTransformations",
        Ty::List(METRIC_TRANSFORMATION),
        "the metrics it publishes",
    ),
];

/// `aws_cloudwatch_metric_alarm`, `AWS::CloudWatch::Alarm` (CT207).
pub const ALARM: &[Field] = &[
    f("name", "alarm_name", "AlarmName", Ty::Str, "alarm name"),
    f(
        "namespace",
        "namespace",
        "Namespace",
        Ty::Str,
        "namespace of the metric it watches",
    ),
    f(
        "metric_name",
        "metric_name",
        "MetricName",
        Ty::Str,
        "the metric it watches (with `namespace`, link `metric_filter`)",
    ),
    f(
        "alarm_actions",
        "alarm_actions",
        "AlarmActions",
        Ty::StrList,
        "ARNs notified or run on entering ALARM (link `topic` for SNS topics)",
    ),
    d(
        f(
            "actions_enabled",
            "actions_enabled",
            "ActionsEnabled",
            Ty::Bool,
            "whether the actions run",
        ),
        B(true),
    ),
];

const TOPIC_SUBSCRIPTION: &[Field] = &[
    f(
        "protocol",
        "",
        "Protocol",
        Ty::Str,
        "`email`, `sqs`, `lambda`, `https`…",
    ),
    f("endpoint", "", "Endpoint", Ty::Str, ""),
];

/// `aws_sns_topic`, `AWS::SNS::Topic` (CT207).
pub const TOPIC: &[Field] = &[
    f(
        "name",
        "name",
        "TopicName",
        Ty::Str,
        "topic name (generated when not set)",
    ),
    f(
        "subscriptions",
        "",
        "Subscription",
        Ty::List(TOPIC_SUBSCRIPTION),
        "subscriptions declared on the topic itself (CloudFormation only)",
    ),
];

/// `aws_sns_topic_subscription`, `AWS::SNS::Subscription` (CT207).
pub const SUBSCRIPTION: &[Field] = &[
    f(
        "topic_arn",
        "topic_arn",
        "TopicArn",
        Ty::Str,
        "the topic it subscribes to (link `topic`)",
    ),
    f(
        "protocol",
        "protocol",
        "Protocol",
        Ty::Str,
        "`email`, `sqs`, `lambda`, `https`…",
    ),
    f("endpoint", "endpoint", "Endpoint", Ty::Str, ""),
];

pub fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Trail => TRAIL,
        Kind::Bucket => BUCKET,
        Kind::LogGroup => LOG_GROUP,
        Kind::Key => KEY,
        Kind::KeyAlias => KEY_ALIAS,
        Kind::Role => ROLE,
        Kind::Policy => POLICY,
        Kind::MetricFilter => METRIC_FILTER,
        Kind::Alarm => ALARM,
        Kind::Topic => TOPIC,
        Kind::Subscription => SUBSCRIPTION,
    }
}

/// Find a field by model name in a field list.
pub fn field(fields: &'static [Field], name: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.name == name)
}

/// Check that a dotted model path (`versioning.status`, `event_selectors.read_write_type`) names
/// fields of `kind`. Policy documents are open-ended below their field.
pub fn path_exists(kind: Kind, path: &[&str]) -> bool {
    let mut current = fields(kind);
    for (i, seg) in path.iter().enumerate() {
        let Some(fd) = field(current, seg) else {
            return false;
        };
        match fd.ty {
            Ty::Obj(sub) | Ty::List(sub) => current = sub,
            Ty::Policy => return true,
            _ => return i + 1 == path.len(),
        }
    }
    true
}

/// The type of the field a dotted model path ends at; `None` inside policy documents (open-ended)
/// or for a path that names no field.
pub fn path_type(kind: Kind, path: &[&str]) -> Option<Ty> {
    let mut current = fields(kind);
    let mut ty = None;
    for seg in path {
        let fd = field(current, seg)?;
        ty = Some(fd.ty);
        match fd.ty {
            Ty::Obj(sub) | Ty::List(sub) => current = sub,
            Ty::Policy => return None,
            _ => {}
        }
    }
    ty
}

/// Every field of every kind as Markdown tables (`ctlint explain --fields`).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Model fields\n\nRules select these with JSONPath on the target's fields (`$.is_multi_region`).\n",
    );
    for kind in Kind::ALL {
        out.push_str(&format!("\n## {kind}\n\n| field | type | Terraform | CloudFormation | default | notes |\n|---|---|---|---|---|---|\n"));
        rows(fields(kind), "", &mut out);
    }
    out
}

fn rows(fields: &'static [Field], prefix: &str, out: &mut String) {
    let lit = |l: Option<Lit>| match l {
        Some(Lit::Bool(b)) => b.to_string(),
        Some(Lit::Num(n)) => n.to_string(),
        Some(Lit::Str(s)) => format!("`{s}`"),
        None => String::new(),
    };
    for f in fields {
        let ty = match f.ty {
            Ty::Bool => "bool",
            Ty::Num => "number",
            Ty::Str => "string",
            Ty::StrList => "list of strings",
            Ty::Policy => "policy",
            Ty::Obj(_) => "object",
            Ty::List(_) => "list of objects",
        };
        let default = match (lit(f.tf_default), lit(f.cfn_default)) {
            (a, b) if a == b => a,
            (a, b) if b.is_empty() => format!("{a} (Terraform only)"),
            (a, b) => format!("Terraform {a}, CloudFormation {b}"),
        };
        let name = |n: &str| {
            if n.is_empty() {
                "—".to_string()
            } else {
                format!("`{n}`")
            }
        };
        out.push_str(&format!(
            "| `{prefix}{}` | {ty} | {} | {} | {default} | {} |\n",
            f.name,
            name(f.tf),
            name(f.cfn),
            f.doc
        ));
        if let Ty::Obj(sub) | Ty::List(sub) = f.ty {
            rows(sub, &format!("{prefix}{}.", f.name), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked() {
        assert!(path_exists(Kind::Trail, &["is_multi_region"]));
        assert!(path_exists(Kind::Trail, &["event_selectors", "read_write_type"]));
        assert!(path_exists(Kind::Bucket, &["policy", "Statement", "Effect"]));
        assert!(!path_exists(Kind::Trail, &["is_multiregion"]));
        assert!(!path_exists(Kind::Trail, &["is_multi_region", "x"]));
    }

    #[test]
    fn names_are_unique_per_kind() {
        for kind in Kind::ALL {
            let fs = fields(kind);
            for (i, a) in fs.iter().enumerate() {
                assert!(fs[i + 1..].iter().all(|b| b.name != a.name), "{kind}: {}", a.name);
            }
        }
    }
}
