//! Amazon Resource Names over symbolic text.
//!
//! `arn:partition:service:region:account-id:resource` (AWS, "Identify AWS resources with Amazon
//! Resource Names": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>).
//! Any part may be a symbol ("this partition", "this account", a resource's name) or unknown;
//! building and splitting never guess what a symbol stands for.

use super::value::{Part, Sym, Text};

/// The partition a region belongs to: literal for a literal region (`cn-north-1` is in `aws-cn`,
/// `us-gov-west-1` in `aws-us-gov`, the ISO regions in theirs, every other in `aws`), else "this
/// partition". AWS: "Partitions" in the AWS General Reference
/// (<https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>).
pub fn partition_of(region: &Part) -> Part {
    let Part::Lit(r) = region else {
        return Part::Sym(Sym::Partition);
    };
    let p = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
    ]
    .iter()
    .find(|(prefix, _)| r.starts_with(prefix))
    .map_or("aws", |(_, p)| p);
    Part::Lit(p.into())
}

/// The ARN of a resource: `arn:<partition>:<service>:<region>:<account>:<resource>`. `region`
/// and `account` are empty for global services (`arn:<partition>:s3:::bucket`).
pub fn build(service: &str, partition: Part, region: Option<Part>, account: Option<Part>, resource: Text) -> Text {
    let mut t = Text::lit("arn:");
    t.push(partition);
    t.push(Part::Lit(format!(":{service}:")));
    if let Some(r) = region {
        t.push(r);
    }
    t.push(Part::Lit(":".into()));
    if let Some(a) = account {
        t.push(a);
    }
    t.push(Part::Lit(":".into()));
    t.append(resource);
    t
}

/// `arn:<partition>:iam::<account>:root`: the account as a principal.
pub fn account_root() -> Text {
    build(
        "iam",
        Part::Sym(Sym::Partition),
        None,
        Some(Part::Sym(Sym::Account)),
        Text::lit("root"),
    )
}

/// `arn:<partition>:s3:::<bucket>`.
pub fn bucket(partition: Part, name: Text) -> Text {
    build("s3", partition, None, None, name)
}

/// The parts of an ARN; `resource` keeps its own `:` and `/` (`log-group:name:*`,
/// `role/path/name`).
#[derive(Debug, Clone, PartialEq)]
pub struct Arn {
    pub partition: Text,
    pub service: Text,
    pub region: Text,
    pub account: Text,
    pub resource: Text,
}

/// Split a text that starts with a literal `arn:` into its parts; `None` for anything else (a
/// plain name, or too few fields).
pub fn parse(t: &Text) -> Option<Arn> {
    if !matches!(t.0.first(), Some(Part::Lit(s)) if s.starts_with("arn:")) {
        return None;
    }
    let mut fields = t.split(":");
    if fields.len() < 6 {
        return None;
    }
    let rest = fields.split_off(5);
    let mut resource = Text::default();
    for (i, f) in rest.into_iter().enumerate() {
        if i > 0 {
            resource.push(Part::Lit(":".into()));
        }
        resource.append(f);
    }
    let mut fields = fields.into_iter().skip(1);
    Some(Arn {
        partition: fields.next()?,
        service: fields.next()?,
        region: fields.next()?,
        account: fields.next()?,
        resource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_splits_symbolic_arns() {
        let mut res = Text::lit("log-group:");
        res.push(Part::Sym(Sym::Region));
        res.push(Part::Lit(":*".into()));
        let arn = build(
            "logs",
            partition_of(&Part::Sym(Sym::Region)),
            Some(Part::Sym(Sym::Region)),
            Some(Part::Sym(Sym::Account)),
            res.clone(),
        );
        assert_eq!(
            arn.to_string(),
            "arn:<partition>:logs:<region>:<account>:log-group:<region>:*"
        );
        let parts = parse(&arn).unwrap();
        assert_eq!(parts.partition, Text::sym(Sym::Partition));
        assert_eq!(parts.service, Text::lit("logs"));
        assert_eq!(parts.account, Text::sym(Sym::Account));
        assert_eq!(parts.resource, res);
        assert_eq!(account_root().to_string(), "arn:<partition>:iam::<account>:root");
        assert_eq!(
            parse(&bucket(Part::Sym(Sym::Partition), Text::lit("b")))
                .unwrap()
                .resource,
            Text::lit("b")
        );
        assert_eq!(partition_of(&Part::Lit("eu-west-1".into())), Part::Lit("aws".into()));
        assert_eq!(
            partition_of(&Part::Lit("cn-northwest-1".into())),
            Part::Lit("aws-cn".into())
        );
        assert_eq!(
            partition_of(&Part::Lit("us-gov-east-1".into())),
            Part::Lit("aws-us-gov".into())
        );
        assert!(parse(&Text::lit("my-bucket")).is_none());
        assert!(parse(&Text::lit("arn:aws:s3")).is_none());
    }
}
