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
use super::selectors::{Blame, Coverage, Selectors, condition, strings};
use crate::model::{Resource, Val};
use crate::rules::describe;
use crate::source::SourceMap;

const MISSING: [&str; 3] = [
    "neither read nor write management events are recorded",
    "write management events are not recorded",
    "read management events are not recorded",
];

pub fn check(trail: &Resource, sources: &SourceMap) -> Outcome {
    let selectors = match Selectors::of(trail) {
        Ok(s) => s,
        Err(unknown) => return unknown,
    };
    let mut cov = Coverage::default();
    match selectors {
        Selectors::None(_) => return Outcome::pass(trail),
        Selectors::Classic(list) => list.iter().for_each(|s| classic(s, &mut cov, sources)),
        Selectors::Advanced(list) => list.iter().for_each(|s| advanced(s, &mut cov, sources)),
    }
    let field = selectors.field();
    let fallback = Blame {
        span: trail.field(field).map_or(trail.header, |l| l.span),
        state: "no event selector records management events".into(),
        attribute: field,
    };
    cov.outcome(trail, fallback, true, MISSING)
}

fn classic(s: &Val, cov: &mut Coverage, sources: &SourceMap) {
    let mgmt = s.get("include_management_events");
    match mgmt.and_then(Val::as_bool) {
        Some(true) => {}
        Some(false) => {
            return cov.blame(
                mgmt.map_or(s.span, |m| m.span),
                describe::state(mgmt, "include_management_events", sources),
                "event_selectors.include_management_events",
            );
        }
        None => return cov.unknown(mgmt, s, "include_management_events", sources),
    }
    let excluded = s.get("exclude_management_event_sources");
    if excluded.and_then(|e| e.is_present()).unwrap_or(false) {
        return cov.blame(
            excluded.map_or(s.span, |e| e.span),
            describe::state(excluded, "exclude_management_event_sources", sources),
            "event_selectors.exclude_management_event_sources",
        );
    }
    cov.read_write_type(s, sources);
}

fn advanced(s: &Val, cov: &mut Coverage, sources: &SourceMap) {
    let Some(category) = condition(s, "eventCategory") else {
        return;
    };
    if category.get("equals").is_some_and(Val::has_unknown) {
        return cov.unknown(category.get("equals"), s, "equals", sources);
    }
    if !strings(category, "equals").iter().any(|c| c == "Management") {
        return;
    }
    if let Some(src) = condition(s, "eventSource") {
        let excluding = ["not_equals", "not_starts_with", "not_ends_with"]
            .into_iter()
            .find_map(|k| src.get(k).filter(|v| v.is_present() == Some(true)));
        if let Some(ex) = excluding {
            return cov.blame(
                ex.span,
                describe::state(Some(ex), "eventSource", sources),
                "advanced_event_selectors.field_selectors",
            );
        }
    }
    cov.read_only(s, sources);
}
