//! What a reference to a resource's attribute denotes, whatever the format spells it.
//!
//! Adapters keep references as written (`aws_s3_bucket.logs.arn`, `!GetAtt Logs.Arn`,
//! `!Ref Logs`), so that messages show the user's own words; the resolver asks here what each
//! one means. Terraform: the provider's attribute reference of each resource type. CloudFormation:
//! the `Ref` return value and `Fn::GetAtt` attributes of each type (AWS CloudFormation User Guide,
//! "Return values" of `AWS::S3::Bucket`, `AWS::Logs::LogGroup`, `AWS::IAM::Role`, `AWS::KMS::Key`,
//! `AWS::KMS::Alias`, `AWS::CloudTrail::Trail`, `AWS::Logs::MetricFilter`, `AWS::CloudWatch::Alarm`,
//! `AWS::SNS::Topic`, `AWS::SNS::Subscription`). An SNS topic is the odd one: its Terraform `id`
//! and its CloudFormation `Ref` are its ARN, not its name.

use crate::model::{Format, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    /// The resource's name (a bucket's, log group's, role's, alias's or trail's).
    Name,
    Arn,
    /// The ARN followed by `:*`: CloudFormation's `Arn` of a log group (Terraform's has none).
    ArnWithWildcard,
    /// A KMS key's id (a UUID).
    KeyId,
}

/// The meaning of attribute `attr` of a `kind` resource written in `format`.
pub fn meaning(format: Format, kind: Kind, attr: &str) -> Option<Attribute> {
    use Attribute::*;
    Some(match (format, kind, attr) {
        (Format::Terraform, Kind::Topic, "id" | "arn") => Arn,
        (Format::Terraform, Kind::Alarm, "alarm_name") => Name,
        (Format::CloudFormation, Kind::Topic, "Ref" | "TopicArn") => Arn,
        (Format::CloudFormation, Kind::Topic, "TopicName") => Name,
        (Format::CloudFormation, Kind::Subscription, "Ref") => Arn,
        (Format::Terraform, Kind::Bucket, "id" | "bucket") => Name,
        (
            Format::Terraform,
            Kind::LogGroup | Kind::Role | Kind::KeyAlias | Kind::Trail | Kind::MetricFilter | Kind::Topic | Kind::Alarm,
            "id" | "name",
        ) => Name,
        (Format::Terraform, Kind::Key, "id" | "key_id") => KeyId,
        (Format::Terraform, _, "arn") => Arn,
        (Format::CloudFormation, Kind::Key, "Ref" | "KeyId") => KeyId,
        (Format::CloudFormation, _, "Ref") => Name,
        (Format::CloudFormation, Kind::LogGroup, "Arn") => ArnWithWildcard,
        (Format::CloudFormation, Kind::Bucket | Kind::Role | Kind::Key | Kind::Trail | Kind::Alarm, "Arn") => Arn,
        _ => return None,
    })
}

/// How `format` spells the reference to `attribute` of a `kind` resource: the symbol that stands
/// for a value the scan does not fix (a generated name, a key id).
pub fn spelling(format: Format, kind: Kind, attribute: Attribute) -> &'static str {
    match (format, attribute) {
        // A topic's `id` and `Ref` are its ARN.
        (Format::Terraform, Attribute::Name) if kind == Kind::Topic => "name",
        (Format::CloudFormation, Attribute::Name) if kind == Kind::Topic => "TopicName",
        (Format::CloudFormation, Attribute::Arn | Attribute::ArnWithWildcard) if kind == Kind::Topic => "Ref",
        (Format::Terraform, Attribute::Name) => "id",
        (Format::Terraform, Attribute::KeyId) => "key_id",
        (Format::Terraform, _) => "arn",
        (_, Attribute::Name | Attribute::KeyId) => "Ref",
        (_, _) => "Arn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_spells_its_own_attributes() {
        assert_eq!(
            meaning(Format::Terraform, Kind::Bucket, "bucket"),
            Some(Attribute::Name)
        );
        assert_eq!(
            meaning(Format::CloudFormation, Kind::Bucket, "Ref"),
            Some(Attribute::Name)
        );
        assert_eq!(
            meaning(Format::CloudFormation, Kind::Key, "Ref"),
            Some(Attribute::KeyId)
        );
        assert_eq!(
            meaning(Format::CloudFormation, Kind::LogGroup, "Arn"),
            Some(Attribute::ArnWithWildcard)
        );
        assert_eq!(meaning(Format::Terraform, Kind::LogGroup, "arn"), Some(Attribute::Arn));
        assert_eq!(meaning(Format::Terraform, Kind::Bucket, "Ref"), None);
        assert_eq!(meaning(Format::Terraform, Kind::Bucket, "bucket_domain_name"), None);
        assert_eq!(spelling(Format::CloudFormation, Kind::Key, Attribute::KeyId), "Ref");
        assert_eq!(spelling(Format::Terraform, Kind::Key, Attribute::KeyId), "key_id");
        // An SNS topic's `id` and `Ref` are its ARN.
        assert_eq!(meaning(Format::Terraform, Kind::Topic, "id"), Some(Attribute::Arn));
        assert_eq!(
            meaning(Format::CloudFormation, Kind::Topic, "Ref"),
            Some(Attribute::Arn)
        );
        assert_eq!(spelling(Format::Terraform, Kind::Topic, Attribute::Name), "name");
        assert_eq!(
            meaning(
                Format::Terraform,
                Kind::Topic,
                spelling(Format::Terraform, Kind::Topic, Attribute::Name)
            ),
            Some(Attribute::Name)
        );
    }
}
