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
use crate::finding::Verdict;
use crate::model::{Part, Resource, Sym, V, Val};
use crate::rules::describe;
use crate::source::{SourceMap, Span};

const S3_OBJECT: &str = "AWS::S3::Object";

#[derive(Default)]
struct Coverage {
    read: bool,
    write: bool,
}

/// Why coverage is incomplete, at the first place that shows it.
struct Blame {
    span: Span,
    state: String,
    attribute: &'static str,
}

pub fn check(trail: &Resource, sources: &SourceMap) -> Outcome {
    let classic = trail.field("event_selectors").and_then(Val::as_list).unwrap_or(&[]);
    let advanced = trail
        .field("advanced_event_selectors")
        .and_then(Val::as_list)
        .unwrap_or(&[]);
    if let Some(s) = classic.iter().chain(advanced).find(|s| matches!(s.v, V::Unknown(_))) {
        let u = s.unknown_info().expect("an unknown value says why");
        return Outcome {
            verdict: Verdict::Unknown,
            span: s.span,
            state: format!(
                "the event selectors come from `{}`, which cannot be resolved: {}",
                u.expr, u.reason
            ),
            attribute: "event_selectors".into(),
        };
    }
    let (list, (cov, blame, unknown)) = if !advanced.is_empty() {
        ("advanced_event_selectors", advanced_coverage(advanced, sources))
    } else {
        ("event_selectors", classic_coverage(classic, sources))
    };
    if cov.read && cov.write {
        return Outcome {
            verdict: Verdict::Pass,
            span: trail.header,
            state: String::new(),
            attribute: String::new(),
        };
    }
    if let Some(u) = unknown {
        return u;
    }
    let missing = match (cov.read, cov.write) {
        (false, false) => "no S3 object-level read or write events are recorded for all buckets",
        (true, false) => "S3 object-level write events are not recorded for all buckets",
        _ => "S3 object-level read events are not recorded for all buckets",
    };
    let b = blame.map_or_else(
        || Blame {
            span: trail.field(list).map_or(trail.header, |l| l.span),
            state: if classic.is_empty() && advanced.is_empty() {
                "the trail has no event selectors, so it records management events only".into()
            } else {
                "no event selector records S3 object-level events".into()
            },
            attribute: if advanced.is_empty() {
                "event_selectors"
            } else {
                "advanced_event_selectors"
            },
        },
        |b| Blame {
            state: format!("{}, so {missing}", b.state),
            ..b
        },
    );
    Outcome {
        verdict: Verdict::Fail,
        span: b.span,
        state: b.state,
        attribute: b.attribute.into(),
    }
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
    let parts = &text.as_ref().0;
    Some(matches!(
        parts.as_slice(),
        [Part::Lit(a), Part::Sym(Sym::Partition), Part::Lit(b)]
            if a == "arn:" && (b == ":s3" || b == ":s3:::")
    ))
}

fn classic_coverage(selectors: &[Val], sources: &SourceMap) -> (Coverage, Option<Blame>, Option<Outcome>) {
    let mut cov = Coverage::default();
    let mut blame = None;
    let mut unknown = None;
    for s in selectors {
        let resources = s.get("data_resources").and_then(Val::as_list).unwrap_or(&[]);
        for r in resources {
            let ty = r.get("type");
            match ty.and_then(Val::as_str) {
                Some(S3_OBJECT) => {}
                Some(_) => continue,
                None => {
                    unknown.get_or_insert_with(|| unknown_outcome(ty, r, "type", sources));
                    continue;
                }
            }
            let values = r.get("values");
            if values.is_some_and(|v| v.as_list().is_none() && v.has_unknown()) {
                unknown.get_or_insert_with(|| unknown_outcome(values, r, "values", sources));
                continue;
            }
            let items = values.and_then(Val::as_list).unwrap_or(&[]);
            let mut all = false;
            for v in items {
                match all_buckets(v) {
                    Some(true) => all = true,
                    Some(false) => {}
                    None => {
                        unknown.get_or_insert_with(|| unknown_outcome(Some(v), r, "values", sources));
                    }
                }
            }
            if !all {
                blame.get_or_insert_with(|| Blame {
                    span: values.map_or(r.span, |v| v.span),
                    state: format!(
                        "{}, which names buckets rather than all of them (`arn:aws:s3`)",
                        describe::state(values, "values", sources)
                    ),
                    attribute: "event_selectors.data_resources.values",
                });
                continue;
            }
            let rw = s.get("read_write_type");
            match rw.and_then(Val::as_str) {
                Some("All") => {
                    cov.read = true;
                    cov.write = true;
                }
                Some("ReadOnly") => cov.read = true,
                Some("WriteOnly") => cov.write = true,
                _ => {
                    unknown.get_or_insert_with(|| unknown_outcome(rw, s, "read_write_type", sources));
                    continue;
                }
            }
            if rw.and_then(Val::as_str) != Some("All") {
                blame.get_or_insert_with(|| Blame {
                    span: rw.map_or(s.span, |r| r.span),
                    state: describe::state(rw, "read_write_type", sources),
                    attribute: "event_selectors.read_write_type",
                });
            }
        }
    }
    (cov, blame, unknown)
}

fn advanced_coverage(selectors: &[Val], sources: &SourceMap) -> (Coverage, Option<Blame>, Option<Outcome>) {
    let mut cov = Coverage::default();
    let mut blame = None;
    let mut unknown = None;
    for s in selectors {
        let fields = s.get("field_selectors").and_then(Val::as_list).unwrap_or(&[]);
        let find = |name: &str| {
            fields
                .iter()
                .find(|f| f.get("field").and_then(Val::as_str) == Some(name))
        };
        let equals = |f: &Val, key: &str| -> Vec<String> {
            f.get(key)
                .and_then(Val::as_list)
                .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let (Some(category), Some(ty)) = (find("eventCategory"), find("resources.type")) else {
            continue;
        };
        if let Some(u) = [category, ty]
            .into_iter()
            .find(|f| f.get("equals").is_some_and(Val::has_unknown))
        {
            unknown.get_or_insert_with(|| unknown_outcome(u.get("equals"), s, "equals", sources));
            continue;
        }
        if !equals(category, "equals").iter().any(|c| c == "Data")
            || !equals(ty, "equals").iter().any(|t| t == S3_OBJECT)
        {
            continue;
        }
        // Selecting conditions narrow the selector; excluding ones (`not_…`) leave the rest.
        let narrowing = [("resources.ARN", "some buckets"), ("eventName", "some operations")]
            .into_iter()
            .find_map(|(field, what)| {
                let f = find(field)?;
                ["equals", "starts_with", "ends_with"]
                    .into_iter()
                    .find_map(|k| f.get(k).filter(|v| v.is_present() == Some(true)))
                    .map(|n| (field, what, n))
            });
        if let Some((field, what, n)) = narrowing {
            blame.get_or_insert_with(|| Blame {
                span: n.span,
                state: format!(
                    "{}, which selects {what} rather than all of them",
                    describe::state(Some(n), field, sources)
                ),
                attribute: "advanced_event_selectors.field_selectors",
            });
            continue;
        }
        match find("readOnly") {
            None => {
                cov.read = true;
                cov.write = true;
            }
            Some(ro) => {
                let (eq, not_eq) = (equals(ro, "equals"), equals(ro, "not_equals"));
                let reads = eq.iter().any(|v| v == "true") || not_eq.iter().any(|v| v == "false");
                let writes = eq.iter().any(|v| v == "false") || not_eq.iter().any(|v| v == "true");
                if !reads && !writes {
                    unknown.get_or_insert_with(|| unknown_outcome(ro.get("equals"), s, "readOnly", sources));
                    continue;
                }
                cov.read |= reads;
                cov.write |= writes;
                if !(reads && writes) {
                    let at = ro.get("equals").or(ro.get("not_equals")).unwrap_or(ro);
                    blame.get_or_insert_with(|| Blame {
                        span: at.span,
                        state: describe::state(Some(at), "readOnly", sources),
                        attribute: "advanced_event_selectors.field_selectors",
                    });
                }
            }
        }
    }
    (cov, blame, unknown)
}

fn unknown_outcome(v: Option<&Val>, at: &Val, name: &str, sources: &SourceMap) -> Outcome {
    Outcome {
        verdict: Verdict::Unknown,
        span: v.map_or(at.span, |v| v.span),
        state: describe::state(v, name, sources),
        attribute: "event_selectors".into(),
    }
}
