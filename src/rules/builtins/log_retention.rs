//! `trail_logs_retained`: does any enabled lifecycle rule of a trail bucket delete the trail's log
//! files before `min_retention_days`?
//!
//! CloudTrail writes to `<s3_key_prefix>/AWSLogs/…` (`AWSLogs/…` without a prefix). A rule
//! reaches those objects when its prefix and that path agree as far as both go: an empty prefix,
//! `AWSLogs/`, or `AWSLogs/123456789012/CloudTrail/us-east-1/` (part of the logs) all do. Rules
//! that filter on tags never match (log files carry no tags). Reaching the logs, a rule fails when
//! it expires current versions after fewer days than the minimum, or on a fixed date; expiring
//! noncurrent versions and transitions to colder storage keep the logs.

use super::Outcome;
use crate::finding::Verdict;
use crate::model::{Edge, Resource, ResourceId, Val};
use crate::rules::describe;
use crate::rules::eval::Ctx;
use crate::source::Span;

pub fn check(bucket: &Resource, id: ResourceId, cx: &Ctx<'_>) -> Outcome {
    let pass = Outcome::pass(bucket);
    let Some(rules) = bucket.field("lifecycle_rules") else {
        return pass;
    };
    // Declared by the rule (Builtin::params), so the loader guarantees a value.
    let min = cx.config.number("min_retention_days").unwrap_or(f64::INFINITY);
    let (prefixes, unknown_prefix) = log_prefixes(id, cx);
    let mut unknown: Option<Outcome> = None;
    let unknown_at = |v: Option<&Val>, at: Span, name: &str| Outcome {
        verdict: Verdict::Unknown,
        span: v.map_or(at, |v| v.span),
        state: describe::state(v, name, cx.sources),
        attribute: format!("lifecycle_rules.{name}"),
    };
    let Some(list) = rules.as_list() else {
        return unknown_at(Some(rules), bucket.header, "lifecycle_rules");
    };
    for rule in list {
        let status = rule.get("status");
        match status.and_then(Val::as_str) {
            Some("Enabled") => {}
            Some(_) => continue,
            None => {
                unknown.get_or_insert_with(|| unknown_at(status, rule.span, "status"));
                continue;
            }
        }
        if rule.get("tag_filter").and_then(Val::as_bool) == Some(true) {
            continue;
        }
        let prefix = rule.get("prefix");
        match prefix.map(|p| p.as_str()) {
            None => {}
            Some(Some(p))
                if p.is_empty()
                    || prefixes
                        .iter()
                        .any(|log| p.starts_with(log.as_str()) || log.starts_with(p)) => {}
            // Where some trail writes is not known: this rule may reach its logs.
            Some(Some(_)) if unknown_prefix.is_some() => {
                unknown = unknown.or(unknown_prefix.clone());
                continue;
            }
            Some(Some(_)) => continue,
            Some(None) => {
                unknown.get_or_insert_with(|| unknown_at(prefix, rule.span, "prefix"));
                continue;
            }
        }
        let scope = match prefix.and_then(Val::as_str) {
            Some(p) if !p.is_empty() => format!("the rule covers `{p}`, where the trail writes its log files"),
            _ => "the rule covers every object, the trail's log files included".into(),
        };
        if let Some(date) = rule.get("expiration_date") {
            return Outcome {
                verdict: Verdict::Fail,
                span: date.span,
                state: format!(
                    "{} ({scope}), so log files are deleted on that date however recent",
                    describe::state(Some(date), "expiration_date", cx.sources)
                ),
                attribute: "lifecycle_rules.expiration_date".into(),
            };
        }
        let days = rule.get("expiration_days");
        match days.map(|d| d.as_num()) {
            None => {}
            Some(Some(n)) if n < min => {
                return Outcome {
                    verdict: Verdict::Fail,
                    span: days.map_or(rule.span, |d| d.span),
                    state: format!("{} ({scope})", describe::state(days, "expiration_days", cx.sources)),
                    attribute: "lifecycle_rules.expiration_days".into(),
                };
            }
            Some(Some(_)) => {}
            Some(None) => {
                unknown.get_or_insert_with(|| unknown_at(days, rule.span, "expiration_days"));
            }
        }
    }
    unknown.unwrap_or(pass)
}

/// Where the trails that deliver to this bucket write: `<prefix>/AWSLogs/`, or `AWSLogs/`. An
/// unresolvable prefix makes the verdict unknown when it matters, reported at the trail.
fn log_prefixes(bucket: ResourceId, cx: &Ctx<'_>) -> (Vec<String>, Option<Outcome>) {
    let mut out = Vec::new();
    let mut unknown = None;
    for &id in cx.model.linked_from(bucket, Edge::Bucket) {
        let trail = &cx.model.resources[id];
        let prefix = trail.field("s3_key_prefix");
        match prefix.map(|p| p.as_str()) {
            None => out.push("AWSLogs/".to_string()),
            Some(Some(p)) if p.trim_matches('/').is_empty() => out.push("AWSLogs/".to_string()),
            Some(Some(p)) => out.push(format!("{}/AWSLogs/", p.trim_end_matches('/'))),
            Some(None) => {
                unknown.get_or_insert_with(|| Outcome {
                    verdict: Verdict::Unknown,
                    span: prefix.map_or(trail.header, |p| p.span),
                    state: describe::state(prefix, "s3_key_prefix", cx.sources),
                    attribute: "s3_key_prefix".into(),
                });
            }
        }
    }
    (out, unknown)
}
