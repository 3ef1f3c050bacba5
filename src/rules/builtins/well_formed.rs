//! `policies_well_formed` (CT403): is every policy document of the target one that IAM (or S3,
//! or AWS KMS) accepts and reads as written?
//!
//! Every document is read by the policy engine, which records what does not have the documented
//! shape ([`crate::policy::Problem`]: no `Statement`, no or a misspelt `Effect`, both or neither
//! of `Action`/`NotAction`, both `Resource` and `NotResource`, an unknown element, principal type
//! or condition operator…). On top of that, what each kind of policy requires:
//!
//! | document | `Principal`/`NotPrincipal` | `Resource`/`NotResource` |
//! |---|---|---|
//! | identity policy | not allowed | required |
//! | trust policy | required | — |
//! | bucket policy | required | required |
//! | key policy | required (`Principal`) | required |
//!
//! (a standalone policy file may be any of these: only what every policy needs is required of
//! it), and `Version: 2012-10-17` on a document that uses policy variables (without it IAM reads
//! the policy as `2008-10-17`, where `${aws:username}` is literal text; a document without
//! variables means the same in both). A document that cannot be read (a variable without a
//! value) is unknown; a default policy AWS supplies is not checked.

use crate::finding::Verdict;
use crate::model::{Kind, Resource, V, Val};
use crate::policy::{Policy, Problem};
use crate::rules::builtins::Outcome;
use crate::rules::builtins::policy_docs::{DocKind, documents, statement_name};
use crate::rules::builtins::tampering::check_kinds;
use crate::rules::eval::Ctx;

pub fn parse(kinds: &[Kind]) -> Result<(), String> {
    check_kinds(
        kinds,
        &[Kind::Policy, Kind::Role, Kind::Bucket, Kind::Key],
        "policies_well_formed",
    )
}

/// The problems of one document, in source order.
pub fn problems(policy: &Policy, doc: &Val, kind: DocKind) -> Vec<Problem> {
    let mut out = policy.problems.clone();
    let mut add = |span, message: String| out.push(Problem { span, message });
    // Policy variables need `Version: 2012-10-17`; without it (2008-10-17 is the default) they
    // are literal text.
    let current = policy.version.as_ref().is_some_and(|v| v.value == "2012-10-17");
    if !current
        && policy.unreadable.is_none()
        && let Some(var) = variable(doc)
    {
        add(
            policy.version.as_ref().map_or(policy.span, |v| v.span),
            format!(
                "the {} uses the policy variable `{var}` but {}: IAM reads the variable as plain text (write \"Version\": \"2012-10-17\")",
                kind.noun(),
                match &policy.version {
                    Some(v) => format!("its Version is {}", v.value),
                    None => "has no Version, so it is read as 2008-10-17".to_string(),
                }
            ),
        );
    }
    for st in policy.statements.iter().filter(|s| !s.unreadable) {
        let name = statement_name(st);
        let principal = st.principal.as_ref().or(st.not_principal.as_ref());
        match (kind, principal) {
            (DocKind::Identity, Some(p)) => add(
                p.span,
                format!(
                    "{name} of an identity policy has a {}: the principal is the identity the policy is attached to",
                    if st.principal.is_some() {
                        "Principal"
                    } else {
                        "NotPrincipal"
                    }
                ),
            ),
            (DocKind::Trust | DocKind::Bucket | DocKind::Key, None) => {
                add(st.span, format!("{name} of a {} has no Principal", kind.noun()))
            }
            (DocKind::Key, Some(p)) if st.principal.is_none() => add(
                p.span,
                format!("{name} of a key policy has a NotPrincipal: AWS KMS requires Principal"),
            ),
            _ => {}
        }
        if needs_resource(kind) && st.resource.is_none() && st.not_resource.is_none() {
            add(
                st.span,
                format!("{name} of {} has neither Resource nor NotResource", kind.a()),
            );
        }
    }
    out.sort_by_key(|p| (p.span.start, p.span.end));
    out.dedup();
    out
}

/// The first policy variable (`${aws:username}`) in a string of the document.
fn variable(v: &Val) -> Option<String> {
    let find = |s: &str| {
        let start = s.find("${")?;
        let end = s[start..].find('}')?;
        Some(s[start..start + end + 1].to_string())
    };
    match &v.v {
        V::Str(s) => find(s),
        V::Text(t) => t.0.iter().find_map(|p| match p {
            crate::model::Part::Lit(s) => find(s),
            _ => None,
        }),
        V::List(items) => items.iter().find_map(variable),
        V::Map(entries) => entries.iter().find_map(|(_, v)| variable(v)),
        _ => None,
    }
}

fn needs_resource(kind: DocKind) -> bool {
    !matches!(kind, DocKind::Trust | DocKind::Standalone)
}

pub fn check(target: &Resource, cx: &Ctx<'_>) -> Outcome {
    let mut unknown: Option<Outcome> = None;
    let mut found: Vec<(Problem, &'static str)> = Vec::new();
    for doc in documents(target, false, cx) {
        let policy = Policy::parse(doc.val);
        if let Some(why) = &policy.unreadable
            && policy.problems.is_empty()
        {
            unknown.get_or_insert(Outcome {
                verdict: Verdict::Unknown,
                span: doc.val.span,
                state: format!("cannot tell whether the {} is well formed: {why}", doc.kind.noun()),
                attribute: doc.field.into(),
            });
            continue;
        }
        found.extend(problems(&policy, doc.val, doc.kind).into_iter().map(|p| (p, doc.field)));
    }
    let Some((first, field)) = found.first() else {
        return unknown.unwrap_or_else(|| Outcome::pass(target));
    };
    let mut state = first.message.clone();
    if found.len() > 1 {
        let rest: Vec<&str> = found[1..].iter().map(|(p, _)| p.message.as_str()).collect();
        state.push_str(&format!(" (and {} more: {})", rest.len(), rest.join("; ")));
    }
    Outcome {
        verdict: Verdict::Fail,
        span: first.span,
        state,
        attribute: (*field).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn messages(json: &str, kind: DocKind) -> Vec<String> {
        let doc = crate::model::policy::normalize(Val::new(V::Str(json.into()), Span::default()));
        let p = Policy::parse(&doc);
        problems(&p, &doc, kind).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn each_kind_of_policy_has_its_requirements() {
        let identity_with_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(messages(identity_with_principal, DocKind::Identity)[0].contains("has a Principal"));
        assert!(messages(identity_with_principal, DocKind::Bucket).is_empty());
        assert!(messages(identity_with_principal, DocKind::Standalone).is_empty());
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(messages(trust, DocKind::Trust).is_empty());
        assert!(messages(trust, DocKind::Key)[0].contains("neither Resource nor NotResource"));
        let no_version = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(messages(no_version, DocKind::Identity).is_empty());
        let variable = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#;
        assert!(messages(variable, DocKind::Identity)[0].contains("`${aws:username}`"));
    }
}
