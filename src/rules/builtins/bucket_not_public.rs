//! `bucket_not_public`: does a bucket's ACL or policy open it to the public, once its Block
//! Public Access settings have been applied?
//!
//! - A canned ACL is public when it grants the `AllUsers` or `AuthenticatedUsers` group:
//!   `public-read`, `public-read-write`, `authenticated-read`
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl>,
//!   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>).
//! - A policy statement is public when it allows everyone (`"*"`, `{"AWS": "*"}`, a
//!   `NotPrincipal`) without a condition that pins the caller ([`crate::policy::is_public_grant`],
//!   which follows S3's meaning of "public"). Service principals such as CloudTrail's are not
//!   everyone.
//! - Block Public Access: `ignore_public_acls` makes S3 ignore public ACLs, and
//!   `restrict_public_buckets` limits a public policy to AWS services and the bucket owner's
//!   account, so either neutralises what it covers. `block_public_acls` and
//!   `block_public_policy` only reject *new* public ACLs and policies and "don't affect existing"
//!   ones (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html>):
//!   a public ACL or policy declared next to them may have been applied first, or be kept from
//!   before, so they do not make it private.
//!
//! A value that cannot be resolved (an ACL from a variable, a policy from a parameter, a principal
//! or caller condition that cannot be read, a Block Public Access setting that is unknown) makes
//! the verdict unknown where it could decide it.

use super::Outcome;
use super::policy_docs::statement_name;
use crate::finding::Verdict;
use crate::model::{Resource, V};
use crate::policy::{self, CALLER_KEYS, Effect, Policy, PrincipalKind, Statement};
use crate::rules::eval::Ctx;

/// Canned ACLs that grant the `AllUsers` or `AuthenticatedUsers` group.
const PUBLIC_ACLS: [(&str, &str); 3] = [
    (
        "public-read",
        "lets anyone list the bucket (the `AllUsers` group has READ)",
    ),
    (
        "public-read-write",
        "lets anyone list and write the bucket (the `AllUsers` group has READ and WRITE)",
    ),
    (
        "authenticated-read",
        "lets any AWS account list the bucket (the `AuthenticatedUsers` group has READ)",
    ),
];

/// Is a Block Public Access setting on? `None` when it cannot be resolved.
fn setting(bucket: &Resource, name: &str) -> Option<bool> {
    match bucket.field("public_access_block").and_then(|b| b.get(name)) {
        None => Some(false),
        Some(v) => match &v.v {
            V::Bool(b) => Some(*b),
            V::Null => Some(false),
            _ => None,
        },
    }
}

fn outcome(verdict: Verdict, span: crate::source::Span, state: String, attribute: &str) -> Outcome {
    Outcome {
        verdict,
        span,
        state,
        attribute: attribute.to_string(),
    }
}

pub fn check(bucket: &Resource, cx: &Ctx<'_>) -> Outcome {
    let mut found = Vec::new();
    acl(bucket, cx, &mut found);
    policy(bucket, &mut found);
    found
        .iter()
        .find(|o| o.verdict == Verdict::Fail)
        .or_else(|| found.first())
        .cloned()
        .unwrap_or_else(|| Outcome::pass(bucket))
}

/// A finding on something public, weighed against the Block Public Access setting that would
/// neutralise it.
fn weigh(
    bucket: &Resource,
    what: &str,
    span: crate::source::Span,
    attribute: &str,
    public: Option<bool>,
    neutraliser: &str,
) -> Option<Outcome> {
    let spelled = if bucket.format == crate::model::Format::Terraform {
        neutraliser.to_string()
    } else {
        crate::model::schema::field(crate::model::schema::fields(bucket.kind), "public_access_block")
            .and_then(|f| match f.ty {
                crate::model::schema::Ty::Obj(sub) => crate::model::schema::field(sub, neutraliser),
                _ => None,
            })
            .map_or(neutraliser.to_string(), |f| f.cfn.to_string())
    };
    let verdict = match (public, setting(bucket, neutraliser)) {
        (Some(false), _) | (_, Some(true)) => return None,
        (Some(true), Some(false)) => Verdict::Fail,
        _ => Verdict::Unknown,
    };
    let off = match setting(bucket, neutraliser) {
        Some(false) if bucket.field("public_access_block").is_none() => {
            format!("and the bucket has no public access block, so `{spelled}` is off")
        }
        Some(false) => format!("and the bucket's public access block does not set `{spelled}` to true"),
        _ => format!("unless `{spelled}` (which cannot be resolved) is true"),
    };
    Some(outcome(verdict, span, format!("{what}, {off}"), attribute))
}

fn acl(bucket: &Resource, cx: &Ctx<'_>, found: &mut Vec<Outcome>) {
    let Some(v) = bucket.field("acl") else { return };
    let name = if bucket.format == crate::model::Format::Terraform {
        "acl"
    } else {
        "AccessControl"
    };
    let (public, what) = match v.as_str() {
        Some(s) => match PUBLIC_ACLS.iter().find(|(a, _)| *a == s) {
            Some((a, why)) => (Some(true), format!("the canned ACL `{a}` {why}")),
            None => return,
        },
        None if v.is_null() => return,
        None => (
            None,
            format!(
                "cannot tell whether the ACL is public: {}",
                crate::rules::describe::state(Some(v), name, cx.sources)
            ),
        ),
    };
    found.extend(weigh(bucket, &what, v.span, "acl", public, "ignore_public_acls"));
}

fn policy(bucket: &Resource, found: &mut Vec<Outcome>) {
    let Some(doc) = bucket.field("policy") else { return };
    if doc.is_null() {
        return;
    }
    let p = Policy::parse(doc);
    if let Some(why) = &p.unreadable {
        let what = format!("cannot tell whether the bucket policy is public: {why}");
        found.extend(weigh(
            bucket,
            &what,
            doc.span,
            "policy",
            None,
            "restrict_public_buckets",
        ));
        return;
    }
    for st in &p.statements {
        let Some((public, what)) = statement(st) else { continue };
        found.extend(weigh(
            bucket,
            &what,
            st.span,
            "policy",
            public,
            "restrict_public_buckets",
        ));
    }
}

/// Whether a statement grants the public: `Some(true)`, `None` (cannot tell), or not at all.
fn statement(st: &Statement) -> Option<(Option<bool>, String)> {
    let name = statement_name(st);
    if st.unreadable || st.effect == Effect::Unknown {
        return Some((
            None,
            format!("cannot tell whether {name} of the bucket policy is public: it cannot be read"),
        ));
    }
    if st.effect == Effect::Deny {
        return None;
    }
    if policy::is_public_grant(st) {
        // A caller condition whose value cannot be resolved may restrict the caller.
        let unresolved = st.conditions.iter().any(|c| {
            CALLER_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&c.key))
                && c.values.iter().any(|v| v.text.first_unknown().is_some())
        });
        let who = if st.not_principal.is_some() {
            "everyone but the principals `NotPrincipal` names"
        } else {
            "everyone (`Principal: \"*\"`)"
        };
        let cond = if st.conditions.is_empty() {
            "without a condition".to_string()
        } else {
            "and no condition restricts the caller to fixed accounts, sources or networks".to_string()
        };
        return Some(if unresolved {
            (
                None,
                format!(
                    "{name} of the bucket policy allows {who} unless a condition whose value cannot be resolved restricts the caller"
                ),
            )
        } else {
            (Some(true), format!("{name} of the bucket policy allows {who} {cond}"))
        });
    }
    // A principal that cannot be resolved may be everyone.
    let unresolved = st.principal.iter().flat_map(|p| &p.entries).any(|e| {
        e.kind == PrincipalKind::Unknown || (e.kind == PrincipalKind::Aws && e.text.first_unknown().is_some())
    });
    (unresolved && !policy::restricts_caller(st)).then(|| {
        (
            None,
            format!("cannot tell whether {name} of the bucket policy is public: its principal cannot be resolved"),
        )
    })
}
