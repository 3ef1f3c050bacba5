//! `trail_key_usable`: can CloudTrail encrypt a trail's log files with the trail's key?
//!
//! CloudTrail and Amazon S3 support only symmetric encryption KMS keys
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-kms-works-with-cloudtrail.html>),
//! the key must be enabled, and its key policy must grant `cloudtrail.amazonaws.com`, which an AWS
//! managed key's policy (alias `aws/<service>`) cannot: its properties and policy cannot be edited
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/editing-keys.html>). The builtin runs
//! on both ends of the link:
//!
//! - on a **trail**: its `kms_key_id` does not name an AWS managed key (`alias/aws/…`, or an alias
//!   ARN `arn:…:alias/aws/…`). Such a link is external to the scan, so the key itself is never
//!   reached; a value that cannot be resolved passes here (the link is reported as unknown by
//!   the rule's `trail.key` target);
//! - on a **key**: `key_spec` is `SYMMETRIC_DEFAULT`, `key_usage` is `ENCRYPT_DECRYPT` and
//!   `is_enabled` is true.

use crate::finding::Verdict;
use crate::model::{Kind, Resource, Val};
use crate::rules::builtins::Outcome;
use crate::rules::describe;
use crate::rules::eval::{Ctx, display_name};
use crate::rules::path::Path;

/// The key properties CloudTrail needs: (field, required value, why).
const KEY_NEEDS: [(&str, &str, &str); 2] = [
    (
        "key_spec",
        "SYMMETRIC_DEFAULT",
        "CloudTrail and Amazon S3 support only symmetric encryption keys",
    ),
    (
        "key_usage",
        "ENCRYPT_DECRYPT",
        "CloudTrail needs a key for encryption and decryption",
    ),
];

pub fn check(target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
    match target.kind {
        Kind::Trail => trail(target),
        _ => key(target, path, cx),
    }
}

fn trail(trail: &Resource) -> Outcome {
    // `kms_key_id = null` (and a plan's null) leaves it unset, as omitting it does.
    let Some(v) = trail.field("kms_key_id").filter(|v| !v.is_null()) else {
        return not_applicable(trail, "kms_key_id");
    };
    let managed = v
        .text()
        .and_then(|t| t.as_lit().map(str::to_string))
        .filter(|s| is_aws_managed_alias(s));
    match managed {
        Some(alias) => Outcome {
            verdict: Verdict::Fail,
            span: v.span,
            state: format!(
                "trail `{}` encrypts its log files with the AWS managed key `{alias}` (`{}`): the policy of an AWS managed key cannot be changed, and it does not let CloudTrail use the key",
                display_name(trail),
                crate::rules::eval::source_name(trail, &["kms_key_id"]),
            ),
            attribute: "kms_key_id".into(),
        },
        None => Outcome::pass(trail),
    }
}

/// `alias/aws/s3`, `arn:aws:kms:us-east-1:111122223333:alias/aws/s3`.
fn is_aws_managed_alias(s: &str) -> bool {
    let alias = match s.strip_prefix("arn:") {
        Some(rest) => rest.splitn(5, ':').nth(4).unwrap_or(""),
        None => s,
    };
    alias.starts_with("alias/aws/")
}

fn key(key: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
    let of = path
        .get("trail")
        .map(|t| format!(" of trail `{}`", display_name(&cx.model.resources[t])))
        .unwrap_or_default();
    let who = format!("KMS key `{}`{of}", display_name(key));
    let mut fails: Vec<(&Val, String, String)> = Vec::new();
    let mut unknown: Option<(&Val, String)> = None;
    let mut judge = |field: &str, holds: &dyn Fn(&Val) -> Option<bool>, why: &str| {
        let Some(v) = key.field(field) else { return };
        let state = describe::state(Some(v), &crate::rules::eval::source_name(key, &[field]), cx.sources);
        match holds(v) {
            Some(true) => {}
            Some(false) => fails.push((v, format!("{state}: {why}"), field.to_string())),
            None => {
                unknown.get_or_insert((v, state));
            }
        }
    };
    for (field, wanted, why) in KEY_NEEDS {
        let holds = |v: &Val| match v.v {
            crate::model::V::Unknown(_) => None,
            _ => Some(v.as_str() == Some(wanted)),
        };
        judge(field, &holds, why);
    }
    judge(
        "is_enabled",
        &|v: &Val| match v.v {
            crate::model::V::Unknown(_) => None,
            _ => Some(v.as_bool() == Some(true)),
        },
        "CloudTrail cannot deliver log files while the key is disabled",
    );
    if let Some((first, _, attribute)) = fails.first() {
        let span = if first.origin == crate::model::Origin::Defaulted {
            key.header
        } else {
            first.span
        };
        let reasons: Vec<&str> = fails.iter().map(|(_, s, _)| s.as_str()).collect();
        return Outcome {
            verdict: Verdict::Fail,
            span,
            state: format!("{who} cannot encrypt log files: {}", reasons.join("; ")),
            attribute: attribute.clone(),
        };
    }
    match unknown {
        Some((v, state)) => Outcome {
            verdict: Verdict::Unknown,
            span: v.span,
            state,
            attribute: String::new(),
        },
        None => Outcome::pass(key),
    }
}

fn not_applicable(target: &Resource, field: &str) -> Outcome {
    Outcome {
        verdict: Verdict::NotApplicable,
        span: target.header,
        state: format!("`{field}` is not set"),
        attribute: field.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_aliases() {
        assert!(is_aws_managed_alias("alias/aws/s3"));
        assert!(is_aws_managed_alias("arn:aws:kms:us-east-1:111122223333:alias/aws/s3"));
        assert!(!is_aws_managed_alias("alias/cloudtrail"));
        assert!(!is_aws_managed_alias("arn:aws:kms:us-east-1:111122223333:alias/awsome"));
        assert!(!is_aws_managed_alias(
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        ));
    }
}
