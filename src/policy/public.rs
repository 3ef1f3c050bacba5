//! Which conditions restrict who can use a grant to `Principal: "*"`.
//!
//! Amazon S3 calls a bucket policy public unless each statement that grants to everyone is
//! limited by a *fixed* (wildcard-free) value of a key that identifies the caller or where the
//! call comes from: `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceVpc`,
//! `aws:SourceVpce`, `aws:userid`, or `aws:SourceIp` to a set of CIDRs
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>).
//! IAM Access Analyzer judges access against a zone of trust, an account or organisation
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html>); the keys
//! that pin the caller to one — `aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:SourceOrgID`, `aws:SourceOrgPaths` — are
//! added here on that reading (the stored AWS pages do not list them for S3), and KMS key
//! policies restrict `"*"` with `kms:CallerAccount`
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account>),
//! as CloudTrail's default key policy does.
//!
//! Only conditions that must hold do restrict: a positive operator without `…IfExists` or
//! `ForAllValues:` (both are true when the key is missing), whose every value is fixed. A
//! symbol (this account, trail `t`'s ARN) is one fixed value; an unknown is not known to be.
//! For ARN keys, an ARN whose account field is fixed (`arn:aws:cloudtrail:*:111111111111:trail/*`)
//! restricts to that account, which is what the check is for.

use crate::model::{Part, Text};

use super::condition::{Base, Condition, SetOp};
use super::statement::Statement;

/// Context keys whose fixed value limits who can make the request.
pub const CALLER_KEYS: [&str; 14] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "kms:CallerAccount",
];

const ARN_KEYS: [&str; 2] = ["aws:SourceArn", "aws:PrincipalArn"];

/// Does some condition of the statement restrict the caller to fixed identities or origins?
pub fn restricts_caller(st: &Statement) -> bool {
    st.conditions.iter().any(condition_restricts_caller)
}

/// The conditions of the statement that restrict the caller.
pub fn caller_restrictions(st: &Statement) -> impl Iterator<Item = &Condition> {
    st.conditions.iter().filter(|c| condition_restricts_caller(c))
}

/// Is `st` a grant to everyone that no condition narrows to fixed callers?
pub fn is_public_grant(st: &Statement) -> bool {
    st.effect != super::statement::Effect::Deny && st.principal_is_everyone() && !restricts_caller(st)
}

fn condition_restricts_caller(c: &Condition) -> bool {
    let Some(key) = CALLER_KEYS.iter().find(|k| k.eq_ignore_ascii_case(&c.key)) else {
        return false;
    };
    let op = &c.operator;
    if op.if_exists || op.set == Some(SetOp::ForAllValues) || c.values.is_empty() {
        return false;
    }
    let arn_key = ARN_KEYS.contains(key);
    let fits = match op.base {
        Base::StringEquals | Base::StringEqualsIgnoreCase | Base::ArnEquals => true,
        Base::StringLike | Base::ArnLike => true,
        Base::IpAddress => *key == "aws:SourceIp",
        _ => false,
    };
    fits && c.values.iter().all(|v| {
        if *key == "aws:SourceIp" {
            // `0.0.0.0/0` and `::/0` are every address.
            !v.text.as_lit().is_some_and(|s| s.ends_with("/0")) && fixed(&v.text)
        } else if *key == "aws:userid" {
            // `AROLEID:*` is any session of one role, which S3 also counts as fixed.
            fixed(&v.text)
                || v.text
                    .as_lit()
                    .and_then(|s| s.strip_suffix(":*"))
                    .is_some_and(|role| !role.is_empty() && !role.contains(['*', '?']))
        } else {
            fixed(&v.text) || (arn_key && fixed_account(&v.text))
        }
    })
}

/// No wildcard and nothing unknown.
fn fixed(t: &Text) -> bool {
    t.0.iter().all(|p| match p {
        Part::Lit(s) => !s.contains(['*', '?']),
        Part::Sym(_) => true,
        Part::Unknown(_) => false,
    })
}

fn fixed_account(t: &Text) -> bool {
    let c = t.split(":");
    c.len() >= 6 && fixed(&c[4]) && c[4].is_present() == Some(true)
}
