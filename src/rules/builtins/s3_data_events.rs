//! `s3_data_events_complete`: does the trail record S3 object-level data events, read and write,
//! for every bucket?
//!
//! - No selectors: a trail records management events only (fail).
//! - Classic selectors: a `data_resource` of type `AWS::S3::Object` whose values include the
//!   all-buckets prefix (`arn:<partition>:s3`, or `arn:<partition>:s3:::`), with the selector's
//!   `read_write_type` (default `All`). Values naming buckets (`arn:aws:s3:::bucket/`) cover only
//!   those buckets.
//! - Advanced selectors: `eventCategory` equals `Data` and `resources.type` equals
//!   `AWS::S3::Object`; a `resources.ARN` condition that selects (`equals`, `starts_with`,
//!   `ends_with`) narrows it to some buckets, one that excludes (`not_…`, such as the trail's own
//!   bucket) does not; an `eventName` condition that selects narrows it to some operations;
//!   `readOnly` narrows it to reads or writes.

use super::Outcome;
use super::selectors::{Blame, Coverage, Selectors, condition, strings};
use crate::model::{Part, Resource, Sym, Val};
use crate::rules::describe;
use crate::source::SourceMap;

const S3_OBJECT: &str = "AWS::S3::Object";

const MISSING: [&str; 3] = [
    "no S3 object-level read or write events are recorded for all buckets",
    "S3 object-level write events are not recorded for all buckets",
    "S3 object-level read events are not recorded for all buckets",
];

pub fn check(trail: &Resource, sources: &SourceMap) -> Outcome {
    let selectors = match Selectors::of(trail) {
        Ok(s) => s,
        Err(unknown) => return unknown,
    };
    let mut cov = Coverage::default();
    let state = match selectors {
        Selectors::None => "the trail has no event selectors, so it records management events only",
        Selectors::Classic(list) => {
            list.iter().for_each(|s| classic(s, &mut cov, sources));
            "no event selector records S3 object-level events"
        }
        Selectors::Advanced(list) => {
            list.iter().for_each(|s| advanced(s, &mut cov, sources));
            "no event selector records S3 object-level events"
        }
    };
    let field = selectors.field();
    let fallback = Blame {
        span: trail.field(field).map_or(trail.header, |l| l.span),
        state: state.into(),
        attribute: field,
    };
    cov.outcome(trail, fallback, false, MISSING)
}

/// `arn:aws:s3`, `arn:aws:s3:::` (any partition, also "this partition"): every bucket.
fn all_buckets(v: &Val) -> Option<bool> {
    if v.has_unknown() {
        return None;
    }
    if let Some(s) = v.as_str() {
        let rest = s.strip_prefix("arn:").and_then(|r| r.split_once(':'));
        return Some(matches!(rest, Some((_, "s3" | "s3:::"))));
    }
    let text = v.text()?;
    Some(matches!(
        text.as_ref().0.as_slice(),
        [Part::Lit(a), Part::Sym(Sym::Partition), Part::Lit(b)]
            if a == "arn:" && (b == ":s3" || b == ":s3:::")
    ))
}

fn classic(s: &Val, cov: &mut Coverage, sources: &SourceMap) {
    for r in s.get("data_resources").and_then(Val::as_list).unwrap_or(&[]) {
        let ty = r.get("type");
        match ty.and_then(Val::as_str) {
            Some(S3_OBJECT) => {}
            Some(_) => continue,
            None => {
                cov.unknown(ty, r, "type", sources);
                continue;
            }
        }
        let values = r.get("values");
        if values.is_some_and(|v| v.as_list().is_none() && v.has_unknown()) {
            cov.unknown(values, r, "values", sources);
            continue;
        }
        let mut all = false;
        for v in values.and_then(Val::as_list).unwrap_or(&[]) {
            match all_buckets(v) {
                Some(found) => all |= found,
                None => cov.unknown(Some(v), r, "values", sources),
            }
        }
        if all {
            cov.read_write_type(s, sources);
        } else {
            cov.blame(
                values.map_or(r.span, |v| v.span),
                format!(
                    "{}, which names buckets rather than all of them (`arn:aws:s3`)",
                    describe::state(values, "values", sources)
                ),
                "event_selectors.data_resources.values",
            );
        }
    }
}

fn advanced(s: &Val, cov: &mut Coverage, sources: &SourceMap) {
    let (Some(category), Some(ty)) = (condition(s, "eventCategory"), condition(s, "resources.type")) else {
        return;
    };
    if let Some(u) = [category, ty]
        .into_iter()
        .find(|f| f.get("equals").is_some_and(Val::has_unknown))
    {
        return cov.unknown(u.get("equals"), s, "equals", sources);
    }
    if !strings(category, "equals").iter().any(|c| c == "Data") || !strings(ty, "equals").iter().any(|t| t == S3_OBJECT)
    {
        return;
    }
    // Selecting conditions narrow the selector; excluding ones (`not_…`) leave the rest.
    let narrowing = [("resources.ARN", "some buckets"), ("eventName", "some operations")]
        .into_iter()
        .find_map(|(field, what)| {
            let f = condition(s, field)?;
            ["equals", "starts_with", "ends_with"]
                .into_iter()
                .find_map(|k| f.get(k).filter(|v| v.is_present() == Some(true)))
                .map(|n| (field, what, n))
        });
    if let Some((field, what, n)) = narrowing {
        return cov.blame(
            n.span,
            format!(
                "{}, which selects {what} rather than all of them",
                describe::state(Some(n), field, sources)
            ),
            "advanced_event_selectors.field_selectors",
        );
    }
    cov.read_only(s, sources);
}
