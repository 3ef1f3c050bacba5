//! `allows_trail_tampering` (CT401): does an identity policy let whoever holds it stop, delete
//! or reconfigure every trail, or delete the trails' log files, with no condition attached?
//!
//! ```toml
//! expect = { builtin = "allows_trail_tampering", args = {
//!   trail_actions  = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],   # asked on any trail
//!   object_actions = ["s3:DeleteObject"],     # asked on the log files of each trail's bucket
//! } }
//! ```
//!
//! Each action is asked of each statement on its own. A trail action is asked on a trail of any
//! name, in the account and region the policy is deployed in (in each partition): a statement
//! whose `Resource` covers it (`*`, `arn:aws:cloudtrail:*:*:trail/*`) reaches every trail. An
//! object action is asked on an object under `<prefix>/AWSLogs/` of each trail's bucket in the
//! scan (of any bucket when the scan has no trail). The check fails on an `Allow` statement that
//! certainly applies, has no `Condition`, and that no `Deny` of the same document covering the
//! same request (with or without a condition of its own) takes back. A statement that only may
//! apply because of a value ctlint cannot resolve makes the verdict unknown; one that names
//! particular trails or buckets does not count.

use crate::finding::Verdict;
use crate::model::Resource;
use crate::model::{Kind, Part, Sym, Text};
use crate::policy::{Effect, Policy, Principal, Request, Statement, Tri, statement_applies};
use crate::rules::builtins::Outcome;
use crate::rules::builtins::policy_docs::{
    any, documents, expanded, statement_has_unknown, statement_name, trail_buckets,
};
use crate::rules::eval::Ctx;
use crate::rules::path::Path;

#[derive(Debug, Clone)]
pub struct Query {
    pub trail_actions: Vec<String>,
    pub object_actions: Vec<String>,
}

pub(crate) fn actions(table: &toml::Table, name: &str, builtin: &str) -> Result<Vec<String>, String> {
    let Some(v) = table.get(name) else {
        return Ok(Vec::new());
    };
    v.as_array()
        .ok_or_else(|| format!("`{name}` takes a list of actions"))?
        .iter()
        .map(|a| {
            let a = a.as_str().ok_or_else(|| format!("`{name}` takes a list of strings"))?;
            let concrete = a
                .split_once(':')
                .is_some_and(|(s, n)| !s.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()));
            if concrete {
                Ok(a.to_string())
            } else {
                Err(format!(
                    "`{builtin}`: `{a}` is not an action: write `service:Action`, without wildcards"
                ))
            }
        })
        .collect()
}

pub(crate) fn check_args(args: &toml::Value, allowed: &[&str], builtin: &str) -> Result<toml::Table, String> {
    let table = args.as_table().ok_or("`args` is a table")?;
    if let Some(k) = table.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "`{builtin}` has no argument `{k}` (it takes {})",
            allowed.join(", ")
        ));
    }
    Ok(table.clone())
}

pub(crate) fn check_kinds(kinds: &[Kind], allowed: &[Kind], builtin: &str) -> Result<(), String> {
    match kinds.iter().find(|k| !allowed.contains(k)) {
        Some(k) => Err(format!(
            "`{builtin}` reads the policies of a {}, not of a {}",
            allowed.iter().map(|k| k.noun()).collect::<Vec<_>>().join(", a "),
            k.noun()
        )),
        None => Ok(()),
    }
}

impl Query {
    pub fn parse(args: &toml::Value, kinds: &[Kind]) -> Result<Query, String> {
        const NAME: &str = "allows_trail_tampering";
        let table = check_args(args, &["trail_actions", "object_actions"], NAME)?;
        check_kinds(kinds, &[Kind::Policy, Kind::Role], NAME)?;
        let q = Query {
            trail_actions: actions(&table, "trail_actions", NAME)?,
            object_actions: actions(&table, "object_actions", NAME)?,
        };
        if q.trail_actions.is_empty() && q.object_actions.is_empty() {
            return Err(format!("`{NAME}` needs `trail_actions` or `object_actions`"));
        }
        Ok(q)
    }

    /// The trail requests to ask: (action, resource, what the resource is in words), in the
    /// partitions the policy may be deployed in.
    fn trail_requests(&self, partitions: &[Part], region: &Part) -> Vec<(String, Text, String)> {
        let mut out = Vec::new();
        for a in &self.trail_actions {
            for p in partitions {
                let mut t = Text::lit("arn:");
                t.push(p.clone());
                t.push(Part::Lit(":cloudtrail:".into()));
                t.push(region.clone());
                t.push(Part::Lit(":".into()));
                t.push(Part::Sym(Sym::Account));
                t.push(Part::Lit(":trail/".into()));
                t.push(any("a trail name"));
                out.push((a.clone(), t, "every trail".to_string()));
            }
        }
        out
    }

    pub fn check(&self, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
        let region = path
            .target()
            .map_or(Part::Sym(Sym::Region), |id| cx.resolver.region_of(id));
        let buckets = trail_buckets(cx);
        let mut unknown: Option<Outcome> = None;
        for doc in documents(target, true, cx) {
            let policy = Policy::parse(doc.val);
            if let Some(why) = &policy.unreadable {
                unknown.get_or_insert(Outcome {
                    verdict: Verdict::Unknown,
                    span: doc.val.span,
                    state: format!("cannot tell what the policy allows: {why}"),
                    attribute: doc.field.into(),
                });
                continue;
            }
            let statements: Vec<Statement> = policy.statements.iter().map(|s| expanded(s, cx)).collect();
            let partitions = partitions(&region, &statements);
            let trail_requests = self.trail_requests(&partitions, &region);
            // A Deny takes a request back whatever its condition: unconditioned it denies, and
            // conditioned it makes the grant conditional.
            let denies: Vec<Statement> = statements
                .iter()
                .filter(|s| s.effect == Effect::Deny)
                .map(|s| Statement {
                    conditions: Vec::new(),
                    ..s.clone()
                })
                .collect();
            for st in &statements {
                if st.effect == Effect::Deny || !st.conditions.is_empty() {
                    continue;
                }
                let judge = |action: &str, resource: Text, what: &str, unknown: &mut Option<Outcome>| {
                    judge(st, &denies, action, resource, what, doc.field, unknown)
                };
                for (action, resource, what) in &trail_requests {
                    if (st.unreadable || action_may_match(st, action))
                        && let Some(fail) = judge(action, resource.clone(), what, &mut unknown)
                    {
                        return fail;
                    }
                }
                let granted = self
                    .object_actions
                    .iter()
                    .filter(|a| st.unreadable || action_may_match(st, a));
                // A scan has a trail bucket per trail: ask only about the buckets the statement's
                // resources may name, found by name, or the rule is quadratic.
                let mut candidates: Option<Vec<usize>> = None;
                for action in granted {
                    for p in &partitions {
                        if buckets.is_empty() {
                            let mut t = Text::lit("arn:");
                            t.push(p.clone());
                            t.push(Part::Lit(":s3:::".into()));
                            t.push(any("a bucket"));
                            t.push(Part::Lit("/".into()));
                            t.push(any("an object key"));
                            if let Some(fail) = judge(action, t, "the objects of every bucket", &mut unknown) {
                                return fail;
                            }
                            continue;
                        }
                        let named = candidates.get_or_insert_with(|| match bucket_names(st) {
                            None => (0..buckets.list.len()).collect(),
                            // A bucket the statement can only maybe name matters only when
                            // the statement holds an unresolved value (see `judge`).
                            Some(names) => buckets
                                .candidates(&names, !st.unreadable && !statement_has_unknown(st))
                                .into_iter()
                                .filter(|&i| names.iter().any(|n| name_may_match(n, &buckets.list[i].name)))
                                .collect(),
                        });
                        for &bi in named.iter() {
                            let b = &buckets.list[bi];
                            let mut t = Text::lit("arn:");
                            t.push(p.clone());
                            t.push(Part::Lit(":s3:::".into()));
                            t.append(b.name.clone());
                            t.push(Part::Lit("/".into()));
                            t.append(b.logs_prefix.clone());
                            t.push(any("a log file"));
                            let what = format!("the log files in trail bucket `{}`", b.name);
                            if let Some(fail) = judge(action, t, &what, &mut unknown) {
                                return fail;
                            }
                        }
                    }
                }
            }
        }
        unknown.unwrap_or_else(|| Outcome::pass(target))
    }
}

/// Ask one request of an `Allow` statement without a condition, against the document's Denies:
/// the failing outcome when it certainly grants it; an unknown is kept in `unknown` (the first).
fn judge(
    st: &Statement,
    denies: &[Statement],
    action: &str,
    resource: Text,
    what: &str,
    field: &str,
    unknown: &mut Option<Outcome>,
) -> Option<Outcome> {
    let req = Request::new(Principal::Unknown, action, resource);
    let applies = if st.unreadable {
        Tri::Maybe
    } else {
        statement_applies(st, &req)
    };
    // A Deny that may cover the request (another partition's spelling of the same ARN) takes it
    // back too, unless only an unresolved value makes it so.
    let deny = Tri::any(denies.iter().map(|d| statement_applies(d, &req)));
    let unresolved_deny = deny == Tri::Maybe
        && denies
            .iter()
            .any(|d| statement_applies(d, &req) == Tri::Maybe && statement_has_unknown(d));
    let denied = deny != Tri::No;
    let outcome = |verdict, state: String| Outcome {
        verdict,
        span: st.span,
        state,
        attribute: field.into(),
    };
    let name = statement_name(st);
    match applies {
        Tri::Yes if unresolved_deny => {
            unknown.get_or_insert_with(|| outcome(Verdict::Unknown, format!(
                "{name} allows `{action}` on {what} without a condition, and whether a Deny takes it back depends on a value ctlint cannot resolve"
            )));
        }
        Tri::Yes if denied => {}
        Tri::Yes if st.effect == Effect::Allow => {
            return Some(outcome(
                Verdict::Fail,
                format!("{name} allows `{action}` on {what} without a condition"),
            ));
        }
        Tri::Yes => {
            unknown.get_or_insert_with(|| {
                outcome(
                    Verdict::Unknown,
                    format!("{name} would allow `{action}` on {what}, but its `Effect` is not known"),
                )
            });
        }
        Tri::Maybe if !denied && (st.unreadable || statement_has_unknown(st)) => {
            unknown.get_or_insert_with(|| {
                outcome(
                    Verdict::Unknown,
                    format!(
                        "cannot tell whether {name} allows `{action}` on {what}: it holds a value ctlint cannot resolve"
                    ),
                )
            });
        }
        _ => {}
    }
    None
}

/// Can the statement's `Action` name `action`? `NotAction` and unreadable lists may.
fn action_may_match(st: &Statement, action: &str) -> bool {
    if st.not_action.is_some() {
        return true;
    }
    let Some(actions) = &st.action else { return true };
    let wanted = Text::lit(action);
    actions.items.iter().any(|i| match i.text.as_lit() {
        // A written-out action names one action, compared without regard to case.
        Some(l) if !l.contains(['*', '?']) => l.eq_ignore_ascii_case(action),
        _ => crate::policy::matches(&i.text, &wanted, crate::policy::Mode::GLOB_FOLD) != Tri::No,
    })
}

/// The bucket-name patterns the statement's `Resource` names (the part of each S3 ARN before the
/// first `/`); `None` when it may name any bucket (`*`, `NotResource`, an item not read as an S3
/// ARN).
fn bucket_names(st: &Statement) -> Option<Vec<Text>> {
    if st.not_resource.is_some() || st.unreadable {
        return None;
    }
    let resources = st.resource.as_ref()?;
    let mut out = Vec::new();
    for i in &resources.items {
        let fields = i.text.split(":");
        match fields.get(2).and_then(|f| f.as_lit()) {
            Some("s3") if fields.len() >= 6 && fields[0].as_lit() == Some("arn") => {
                let mut rest = Text::default();
                for (n, f) in fields[5..].iter().enumerate() {
                    if n > 0 {
                        rest.push(Part::Lit(":".into()));
                    }
                    rest.append(f.clone());
                }
                let name = rest.split_once("/").map_or(rest.clone(), |(n, _)| n);
                out.push(name);
            }
            // Another service's ARN names no bucket.
            Some(_) if fields.len() >= 3 && fields[0].as_lit() == Some("arn") => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Can the bucket-name pattern `pattern` name the bucket `name`? Two literals compare directly.
fn name_may_match(pattern: &Text, name: &Text) -> bool {
    if let (Some(p), Some(n)) = (pattern.as_lit(), name.as_lit())
        && !p.contains(['*', '?'])
    {
        return p == n;
    }
    crate::policy::matches(pattern, name, crate::policy::Mode::GLOB) != Tri::No
}

/// The partition of a literal region; otherwise the symbolic partition and each literal one the
/// document's resources name (a policy written for `aws` is deployed there, and a Deny spelt
/// `arn:aws:…` covers it).
fn partitions(region: &Part, statements: &[Statement]) -> Vec<Part> {
    if let Part::Lit(_) = region {
        return vec![crate::model::arn::partition_of(region)];
    }
    let mut out = vec![Part::Sym(Sym::Partition)];
    for st in statements {
        for v in [&st.resource, &st.not_resource].into_iter().flatten() {
            for i in &v.items {
                let parts = i.text.split(":");
                if parts.len() >= 6
                    && let Some(p) = parts[1].as_lit()
                    && !p.is_empty()
                    && !p.contains(['*', '?'])
                {
                    let lit = Part::Lit(p.to_string());
                    if !out.contains(&lit) {
                        out.push(lit);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str, kinds: &[Kind]) -> Result<Query, String> {
        let v: toml::Value = toml::from_str(&format!("args = {args}")).unwrap();
        Query::parse(&v["args"], kinds)
    }

    #[test]
    fn arguments_are_checked_when_the_rule_loads() {
        let ok = r#"{ trail_actions = ["cloudtrail:StopLogging"], object_actions = ["s3:DeleteObject"] }"#;
        assert!(parse(ok, &[Kind::Policy, Kind::Role]).is_ok());
        let e = parse(ok, &[Kind::Bucket]).unwrap_err();
        assert!(e.contains("not of a S3 bucket") || e.contains("not of a"), "{e}");
        let e = parse(&ok.replace("StopLogging", "Stop*"), &[Kind::Policy]).unwrap_err();
        assert!(e.contains("without wildcards"), "{e}");
        let e = parse(r#"{ colour = "red" }"#, &[Kind::Policy]).unwrap_err();
        assert!(e.contains("no argument `colour`"), "{e}");
        assert!(parse("{}", &[Kind::Policy]).is_err());
    }
}
