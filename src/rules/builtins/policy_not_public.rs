//! `policy_not_public`: no statement of a resource policy grants everyone (`"*"`, `{"AWS": "*"}`,
//! or `NotPrincipal`) without a condition that restricts the caller
//! ([`crate::policy::is_public_grant`], [`crate::policy::restricts_caller`]):
//!
//! ```toml
//! expect = { builtin = "policy_not_public", args = { policy = "policy" } }
//! ```
//!
//! The policy field may be any policy field of the target (a key policy, a bucket policy). The
//! check points at the first public statement. It is unknown, never a guess, when a statement
//! that could be public cannot be read: the document or the statement is unreadable, its
//! `Effect` is not known, a principal is not known (a parameter or variable without a value), or
//! a condition on a key that restricts the caller has a value that is not known.

use crate::finding::Verdict;
use crate::model::{Kind, Part, Resource, Text, schema};
use crate::policy::{self, Effect, Policy, PrincipalKind, Statement};
use crate::rules::builtins::Outcome;
use crate::rules::builtins::policy_docs::statement_name;

/// The arguments of one `policy_not_public` call.
#[derive(Debug, Clone)]
pub struct Query {
    /// The model field holding the document.
    pub policy: String,
}

impl Query {
    pub fn parse(args: &toml::Value, kinds: &[Kind]) -> Result<Query, String> {
        let table = args.as_table().ok_or("`args` is a table")?;
        if let Some(k) = table.keys().find(|k| k.as_str() != "policy") {
            return Err(format!("`policy_not_public` has no argument `{k}` (it takes policy)"));
        }
        let policy = table
            .get("policy")
            .ok_or("`policy_not_public` needs `policy`")?
            .as_str()
            .ok_or("`policy` takes a string")?
            .to_string();
        for kind in kinds {
            let ok = schema::field(schema::fields(*kind), &policy).is_some_and(|f| matches!(f.ty, schema::Ty::Policy));
            if !ok {
                return Err(format!(
                    "`policy = \"{policy}\"` is not a policy field of a {} (see `ctlint explain --fields`)",
                    kind.noun()
                ));
            }
        }
        Ok(Query { policy })
    }

    pub fn check(&self, target: &Resource) -> Outcome {
        // No document: nothing grants anything (a key's default policy is filled in as a value).
        let Some(doc) = target.field(&self.policy) else {
            return Outcome::pass(target);
        };
        let name = crate::rules::eval::source_name(target, &[&self.policy]);
        let outcome = |verdict, span, state| Outcome {
            verdict,
            span,
            state,
            attribute: self.policy.clone(),
        };
        let p = Policy::parse(doc);
        if let Some(why) = &p.unreadable {
            return outcome(
                Verdict::Unknown,
                doc.span,
                format!("cannot tell whether `{name}` grants everyone access: {why}"),
            );
        }
        let mut public: Vec<&Statement> = Vec::new();
        let mut unknown: Option<(&Statement, String)> = None;
        for st in &p.statements {
            match judge(st) {
                Judged::Public => public.push(st),
                Judged::Maybe(why) => {
                    unknown.get_or_insert((st, why));
                }
                Judged::NotPublic => {}
            }
        }
        if let Some(first) = public.first() {
            let mut state = format!(
                "{} allows {} {} with no condition that restricts the caller to an account, organization or source",
                statement_name(first),
                everyone(first),
                actions(first),
            );
            if public.len() > 1 {
                let others: Vec<String> = public[1..].iter().map(|s| statement_name(s)).collect();
                state.push_str(&format!(
                    ", and so {} {}",
                    if others.len() == 1 { "does" } else { "do" },
                    others.join(", ")
                ));
            }
            return outcome(Verdict::Fail, first.span, state);
        }
        match unknown {
            Some((st, why)) => outcome(
                Verdict::Unknown,
                st.span,
                format!(
                    "cannot tell whether {} of `{name}` grants everyone access: {why}",
                    statement_name(st)
                ),
            ),
            None => Outcome::pass(target),
        }
    }
}

enum Judged {
    Public,
    NotPublic,
    /// Could be public, depending on what the scan does not fix.
    Maybe(String),
}

fn judge(st: &Statement) -> Judged {
    if st.unreadable {
        return Judged::Maybe("the statement cannot be read".into());
    }
    if st.effect == Effect::Deny {
        return Judged::NotPublic;
    }
    let unknown_principal = st.principal.as_ref().and_then(|p| {
        p.entries
            .iter()
            .find(|e| matches!(e.kind, PrincipalKind::Aws | PrincipalKind::Unknown) && e.text.first_unknown().is_some())
    });
    let everyone = st.principal_is_everyone();
    if !everyone && unknown_principal.is_none() {
        return Judged::NotPublic;
    }
    if policy::restricts_caller(st) {
        return Judged::NotPublic;
    }
    if restricts_if_known(st) {
        return Judged::Maybe("a condition that restricts the caller has a value that is not known".into());
    }
    if !everyone {
        let e = unknown_principal.expect("an unknown principal");
        let why = e
            .text
            .first_unknown()
            .map_or_else(String::new, |u| format!(": {} is not known: {}", u.expr, u.reason));
        return Judged::Maybe(format!("the principal may be everyone (`\"*\"`){why}"));
    }
    if st.effect == Effect::Unknown {
        return Judged::Maybe("its `Effect` is not known".into());
    }
    Judged::Public
}

/// Would a condition restrict the caller if its unknown values were fixed ones?
fn restricts_if_known(st: &Statement) -> bool {
    let has_unknown = st
        .conditions
        .iter()
        .any(|c| c.values.iter().any(|v| v.text.first_unknown().is_some()));
    if !has_unknown {
        return false;
    }
    let mut fixed = st.clone();
    for c in &mut fixed.conditions {
        for v in &mut c.values {
            let parts = v
                .text
                .0
                .iter()
                .map(|p| match p {
                    Part::Unknown(_) => Part::Lit("0".into()),
                    p => p.clone(),
                })
                .collect();
            v.text = Text(parts);
        }
    }
    policy::restricts_caller(&fixed)
}

fn everyone(st: &Statement) -> &'static str {
    if st.not_principal.is_some() {
        "everyone but the principals in `NotPrincipal`"
    } else {
        "everyone (`\"*\"`)"
    }
}

fn actions(st: &Statement) -> String {
    let list = |v: &policy::Values| -> Vec<String> { v.items.iter().map(|i| format!("`{}`", i.text)).collect() };
    match (&st.action, &st.not_action) {
        (Some(a), _) => list(a).join(", "),
        (None, Some(n)) => format!("every action but {}", list(n).join(", ")),
        (None, None) => "its actions".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{V, Val};
    use crate::source::Span;

    fn judged(json: &str) -> &'static str {
        let p = Policy::parse(&Val::new(V::Str(json.into()), Span::default()));
        match judge(&p.statements[0]) {
            Judged::Public => "public",
            Judged::NotPublic => "not public",
            Judged::Maybe(_) => "maybe",
        }
    }

    #[test]
    fn grants_to_everyone_without_a_caller_condition_are_public() {
        let st = |principal: &str, condition: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"kms:*","Resource":"*"{condition}}}]}}"#
            )
        };
        assert_eq!(judged(&st(r#""*""#, "")), "public");
        assert_eq!(judged(&st(r#"{"AWS":"*"}"#, "")), "public");
        assert_eq!(
            judged(&st(r#"{"AWS":"arn:aws:iam::111122223333:root"}"#, "")),
            "not public"
        );
        assert_eq!(
            judged(&st(r#"{"Service":"cloudtrail.amazonaws.com"}"#, "")),
            "not public"
        );
        let caller = r#","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}"#;
        assert_eq!(judged(&st(r#""*""#, caller)), "not public");
        let via = r#","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}"#;
        assert_eq!(judged(&st(r#""*""#, via)), "public");
        let if_exists = r#","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}"#;
        assert_eq!(judged(&st(r#""*""#, if_exists)), "public");
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}"#;
        assert_eq!(judged(deny), "not public");
    }

    #[test]
    fn arguments_are_checked_when_the_rule_loads() {
        let v: toml::Value = toml::from_str(r#"args = { policy = "policy" }"#).unwrap();
        assert!(Query::parse(&v["args"], &[Kind::Key, Kind::Bucket]).is_ok());
        let v: toml::Value = toml::from_str(r#"args = { policy = "description" }"#).unwrap();
        assert!(
            Query::parse(&v["args"], &[Kind::Key])
                .unwrap_err()
                .contains("not a policy field")
        );
        let v: toml::Value = toml::from_str(r#"args = { policy = "policy", colour = "red" }"#).unwrap();
        assert!(
            Query::parse(&v["args"], &[Kind::Key])
                .unwrap_err()
                .contains("no argument `colour`")
        );
    }
}
