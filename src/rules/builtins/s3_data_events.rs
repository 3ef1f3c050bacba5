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

//!
//! The same reading serves `lambda_data_events_complete` (CT012) through [`DataKind`]: another
//! resource type, another all-resources prefix, and which of reads and writes it has.
use super::Outcome;
use super::selectors::{Blame, Coverage, Selectors, condition, strings};
use crate::model::{Part, Resource, Sym, Val};
use crate::rules::describe;
use crate::source::SourceMap;

/// A kind of data event a trail must record for every resource of its type.
pub struct DataKind {
    /// The data resource type (`AWS::S3::Object`).
    pub ty: &'static str,
    /// The service of the all-resources ARN prefix (`arn:aws:s3`).
    pub service: &'static str,
    /// Further all-resources prefixes after the service (`:::` for `arn:aws:s3:::`).
    pub suffixes: &'static [&'static str],
    /// The resources, in the plural ("buckets").
    pub plural: &'static str,
    /// "S3 object-level events".
    pub events: &'static str,
    /// The resource type has read-only data events (S3 `GetObject`); when not (Lambda `Invoke`
    /// is a write), recording writes is enough.
    pub has_reads: bool,
    /// What is missing: neither, no writes, no reads.
    pub missing: [&'static str; 3],
}

pub const S3: DataKind = DataKind {
    ty: "AWS::S3::Object",
    service: "s3",
    suffixes: &[":::"],
    plural: "buckets",
    events: "S3 object-level events",
    has_reads: true,
    missing: [
        "no S3 object-level read or write events are recorded for all buckets",
        "S3 object-level write events are not recorded for all buckets",
        "S3 object-level read events are not recorded for all buckets",
    ],
};

pub fn check(trail: &Resource, sources: &SourceMap) -> Outcome {
    check_kind(trail, sources, &S3)
}

pub fn check_kind(trail: &Resource, sources: &SourceMap, kind: &DataKind) -> Outcome {
    let selectors = match Selectors::of(trail) {
        Ok(s) => s,
        Err(unknown) => return unknown,
    };
    let mut cov = Coverage::default();
    let none = format!("no event selector records {}", kind.events);
    let mut at = None;
    let state = match selectors {
        Selectors::None(written) => {
            let (span, state) = Selectors::none_blame(trail, written, sources);
            at = Some(span);
            state
        }
        Selectors::Classic(list) => {
            list.iter().for_each(|s| classic(s, &mut cov, sources, kind));
            none
        }
        Selectors::Advanced(list) => {
            list.iter().for_each(|s| advanced(s, &mut cov, sources, kind));
            none
        }
    };
    if !kind.has_reads && cov.write {
        cov.read = true;
    }
    let field = selectors.field();
    let fallback = Blame {
        span: at.unwrap_or_else(|| trail.field(field).map_or(trail.header, |l| l.span)),
        state,
        attribute: field,
    };
    cov.outcome(trail, fallback, false, kind.missing)
}

/// `arn:aws:s3`, `arn:aws:s3:::` (any partition, also "this partition"): every resource.
fn all_resources(v: &Val, kind: &DataKind) -> Option<bool> {
    if v.has_unknown() {
        return None;
    }
    let fits = |rest: &str| {
        rest.strip_prefix(kind.service)
            .is_some_and(|after| after.is_empty() || kind.suffixes.contains(&after))
    };
    if let Some(s) = v.as_str() {
        let rest = s.strip_prefix("arn:").and_then(|r| r.split_once(':'));
        return Some(rest.is_some_and(|(_, rest)| fits(rest)));
    }
    let text = v.text()?;
    Some(matches!(
        text.as_ref().0.as_slice(),
        [Part::Lit(a), Part::Sym(Sym::Partition), Part::Lit(b)]
            if a == "arn:" && b.strip_prefix(':').is_some_and(fits)
    ))
}

fn classic(s: &Val, cov: &mut Coverage, sources: &SourceMap, kind: &DataKind) {
    for r in s.get("data_resources").and_then(Val::as_list).unwrap_or(&[]) {
        let ty = r.get("type");
        match ty.and_then(Val::as_str) {
            Some(t) if t == kind.ty => {}
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
            match all_resources(v, kind) {
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
                    "{}, which names {} rather than all of them (`arn:aws:{}`)",
                    describe::state(values, "values", sources),
                    kind.plural,
                    kind.service
                ),
                "event_selectors.data_resources.values",
            );
        }
    }
}

fn advanced(s: &Val, cov: &mut Coverage, sources: &SourceMap, kind: &DataKind) {
    let (Some(category), Some(ty)) = (condition(s, "eventCategory"), condition(s, "resources.type")) else {
        return;
    };
    if let Some(u) = [category, ty]
        .into_iter()
        .find(|f| f.get("equals").is_some_and(Val::has_unknown))
    {
        return cov.unknown(u.get("equals"), s, "equals", sources);
    }
    if !strings(category, "equals").iter().any(|c| c == "Data") || !strings(ty, "equals").iter().any(|t| t == kind.ty) {
        return;
    }
    // Selecting conditions narrow the selector; excluding ones (`not_…`) leave the rest.
    let some = format!("some {}", kind.plural);
    let narrowing = [("resources.ARN", some.as_str()), ("eventName", "some operations")]
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
