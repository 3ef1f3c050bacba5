//! `management_events_complete`: does the trail record every management event, read and write,
//! from every event source?
//!
//! - No selectors: CloudTrail records all management events (pass).
//! - Classic selectors: the union over selectors with `include_management_events` (default true)
//!   must cover reads (`read_write_type` All or ReadOnly) and writes (All or WriteOnly) with a
//!   selector that excludes no event source.
//! - Advanced selectors: a selector whose `eventCategory` equals `Management` records management
//!   events; a `readOnly` field selector narrows it to reads (`["true"]`) or writes (`["false"]`),
//!   and an `eventSource` field selector with `not_equals` leaves sources out.

use super::Outcome;
use crate::finding::Verdict;
use crate::model::{Resource, V, Val};
use crate::rules::describe;
use crate::source::{SourceMap, Span};

#[derive(Default)]
struct Coverage {
    read: bool,
    write: bool,
}

/// The first reason coverage is incomplete: where, what, which attribute.
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
    for s in classic.iter().chain(advanced) {
        if let Some(u) = s.unknown_info()
            && matches!(s.v, V::Unknown(_))
        {
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
    }
    if classic.is_empty() && advanced.is_empty() {
        return pass(trail);
    }
    let (cov, blame, unknown) = if !advanced.is_empty() {
        advanced_coverage(advanced, sources)
    } else {
        classic_coverage(classic, sources)
    };
    if cov.read && cov.write {
        return pass(trail);
    }
    if let Some(u) = unknown {
        return u;
    }
    let list = if advanced.is_empty() {
        "event_selectors"
    } else {
        "advanced_event_selectors"
    };
    let b = blame.unwrap_or_else(|| Blame {
        span: trail.field(list).map_or(trail.header, |l| l.span),
        state: "no event selector records management events".into(),
        attribute: if advanced.is_empty() {
            "event_selectors"
        } else {
            "advanced_event_selectors"
        },
    });
    let missing = match (cov.read, cov.write) {
        (false, false) => "neither read nor write management events are recorded",
        (true, false) => "write management events are not recorded",
        _ => "read management events are not recorded",
    };
    Outcome {
        verdict: Verdict::Fail,
        span: b.span,
        state: format!("{}, so {missing}", b.state),
        attribute: b.attribute.into(),
    }
}

fn pass(trail: &Resource) -> Outcome {
    Outcome {
        verdict: Verdict::Pass,
        span: trail.header,
        state: String::new(),
        attribute: String::new(),
    }
}

fn classic_coverage(selectors: &[Val], sources: &SourceMap) -> (Coverage, Option<Blame>, Option<Outcome>) {
    let mut cov = Coverage::default();
    let mut blame = None;
    let mut unknown = None;
    for s in selectors {
        let mgmt = s.get("include_management_events");
        match mgmt.and_then(Val::as_bool) {
            Some(true) => {}
            Some(false) => {
                blame.get_or_insert_with(|| Blame {
                    span: mgmt.map_or(s.span, |m| m.span),
                    state: describe::state(mgmt, "include_management_events", sources),
                    attribute: "event_selectors.include_management_events",
                });
                continue;
            }
            None => {
                unknown.get_or_insert_with(|| unknown_outcome(mgmt, s, "include_management_events", sources));
                continue;
            }
        }
        let excluded = s.get("exclude_management_event_sources");
        if excluded.and_then(|e| e.is_present()).unwrap_or(false) {
            blame.get_or_insert_with(|| Blame {
                span: excluded.map_or(s.span, |e| e.span),
                state: describe::state(excluded, "exclude_management_event_sources", sources),
                attribute: "event_selectors.exclude_management_event_sources",
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
        let equals = |f: &Val| -> Vec<String> {
            f.get("equals")
                .and_then(Val::as_list)
                .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let Some(category) = find("eventCategory") else {
            continue;
        };
        if category.get("equals").is_some_and(Val::has_unknown) {
            unknown.get_or_insert_with(|| unknown_outcome(category.get("equals"), s, "equals", sources));
            continue;
        }
        if !equals(category).iter().any(|c| c == "Management") {
            continue;
        }
        if let Some(src) = find("eventSource") {
            let excluding = ["not_equals", "not_starts_with", "not_ends_with"]
                .into_iter()
                .find_map(|k| src.get(k).filter(|v| v.is_present() == Some(true)));
            if let Some(ex) = excluding {
                blame.get_or_insert_with(|| Blame {
                    span: ex.span,
                    state: describe::state(Some(ex), "eventSource", sources),
                    attribute: "advanced_event_selectors.field_selectors",
                });
                continue;
            }
        }
        match find("readOnly") {
            None => {
                cov.read = true;
                cov.write = true;
            }
            Some(ro) => {
                let eq = equals(ro);
                let not_eq: Vec<String> = ro
                    .get("not_equals")
                    .and_then(Val::as_list)
                    .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
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

fn unknown_outcome(v: Option<&Val>, selector: &Val, name: &str, sources: &SourceMap) -> Outcome {
    Outcome {
        verdict: Verdict::Unknown,
        span: v.map_or(selector.span, |v| v.span),
        state: describe::state(v, name, sources),
        attribute: "event_selectors".into(),
    }
}
