//! `no_duplicate_management_trail` (CT013): does an earlier trail already deliver the management
//! events this trail records, in the same account and region? CloudTrail delivers the first copy
//! of management events in each region free and charges every further copy.
//!
//! - Which management events a trail records: none when it is not logging; with no selectors,
//!   all of them, read and write; with classic selectors, the `read_write_type` of those with
//!   `include_management_events` (default true); with advanced selectors, those whose
//!   `eventCategory` equals `Management`, narrowed by `readOnly`. Two trails record the same
//!   management events when both record reads, or both record writes: each such event is
//!   delivered twice. Excluded event sources (`exclude_management_event_sources`) leave the rest
//!   duplicated, and so do not matter.
//! - Where: a multi-region trail covers every region, so it overlaps any other trail; two
//!   single-region trails overlap when they deploy to the same region. An organization trail
//!   records this (management) account's events too, so it counts like any other trail.
//! - Which account: trails of one Terraform module or one CloudFormation template deploy to one
//!   account; trails of different modules or templates may be deployed anywhere, and are not
//!   compared. A single-region trail with a `provider` meta-argument (another provider
//!   configuration, perhaps another region or account) makes the comparison unknown.
//!
//! The verdict fails on a later trail (model order: files, then source order) that overlaps an
//! earlier one, naming the first; it is unknown when the overlap depends on what cannot be
//! resolved and no earlier trail overlaps for certain.

use super::Outcome;
use super::selectors::{Selectors, condition, strings};
use crate::finding::{Label, Verdict};
use crate::model::{Kind, Resource, ResourceId, Val};
use crate::rules::describe;
use crate::rules::eval::{Ctx, display_name};
use crate::source::{SourceMap, Span};

/// The management events a trail records, or why it cannot be told.
enum Records {
    Known { read: bool, write: bool },
    Unknown { span: Span, state: String },
}

fn unknown(v: Option<&Val>, at: &Val, name: &str, sources: &SourceMap) -> Records {
    Records::Unknown {
        span: v.map_or(at.span, |v| v.span),
        state: describe::state(v, name, sources),
    }
}

fn records(trail: &Resource, sources: &SourceMap) -> Records {
    if let Some(l) = trail.field("is_logging") {
        match l.as_bool() {
            Some(false) => {
                return Records::Known {
                    read: false,
                    write: false,
                };
            }
            Some(true) => {}
            None => return unknown(Some(l), l, "is_logging", sources),
        }
    }
    let selectors = match Selectors::of(trail) {
        Ok(s) => s,
        Err(o) => {
            return Records::Unknown {
                span: o.span,
                state: o.state,
            };
        }
    };
    let (mut read, mut write) = (false, false);
    match selectors {
        Selectors::None(_) => {
            return Records::Known {
                read: true,
                write: true,
            };
        }
        Selectors::Classic(list) => {
            for s in list {
                let mgmt = s.get("include_management_events");
                match mgmt.map(Val::as_bool) {
                    Some(Some(false)) => continue,
                    Some(Some(true)) | None => {}
                    Some(None) => return unknown(mgmt, s, "include_management_events", sources),
                }
                let rw = s.get("read_write_type");
                match rw.map(Val::as_str) {
                    Some(Some("All")) | None => (read, write) = (true, true),
                    Some(Some("ReadOnly")) => read = true,
                    Some(Some("WriteOnly")) => write = true,
                    Some(_) => return unknown(rw, s, "read_write_type", sources),
                }
            }
        }
        Selectors::Advanced(list) => {
            for s in list {
                let Some(category) = condition(s, "eventCategory") else {
                    continue;
                };
                if category.get("equals").is_some_and(Val::has_unknown) {
                    return unknown(category.get("equals"), s, "eventCategory", sources);
                }
                if !strings(category, "equals").iter().any(|c| c == "Management") {
                    continue;
                }
                let Some(ro) = condition(s, "readOnly") else {
                    (read, write) = (true, true);
                    continue;
                };
                let (eq, not_eq) = (strings(ro, "equals"), strings(ro, "not_equals"));
                let r = eq.iter().any(|v| v == "true") || not_eq.iter().any(|v| v == "false");
                let w = eq.iter().any(|v| v == "false") || not_eq.iter().any(|v| v == "true");
                if !r && !w {
                    return unknown(ro.get("equals").or(ro.get("not_equals")), ro, "readOnly", sources);
                }
                read |= r;
                write |= w;
            }
        }
    }
    Records::Known { read, write }
}

/// Certainly a multi-region trail.
fn multi_region(trail: &Resource) -> bool {
    trail.field("is_multi_region").and_then(Val::as_bool) == Some(true)
}

/// What is known of the overlap of two trails' management events.
enum Overlap {
    No,
    Yes(&'static str),
    Unknown { span: Span, state: String },
}

fn overlap(earlier: &Resource, later: &Resource, sources: &SourceMap) -> Overlap {
    let (a, b) = (records(earlier, sources), records(later, sources));
    let silent = |r: &Records| {
        matches!(
            r,
            Records::Known {
                read: false,
                write: false
            }
        )
    };
    if silent(&a) || silent(&b) {
        return Overlap::No;
    }
    let (r1, w1, r2, w2) = match (a, b) {
        (Records::Known { read: r1, write: w1 }, Records::Known { read: r2, write: w2 }) => (r1, w1, r2, w2),
        (_, Records::Unknown { span, state }) | (Records::Unknown { span, state }, _) => {
            return Overlap::Unknown { span, state };
        }
    };
    let what = match (r1 && r2, w1 && w2) {
        (false, false) => return Overlap::No,
        (true, true) => "read and write management events",
        (true, false) => "read management events",
        (false, true) => "write management events",
    };
    // One module or template deploys to one region, so the trails overlap there, unless neither
    // is certainly multi-region and one names another provider configuration.
    if !multi_region(earlier)
        && !multi_region(later)
        && let Some(p) = [earlier, later].into_iter().find_map(|t| t.field("provider"))
    {
        return Overlap::Unknown {
            span: p.span,
            state: format!(
                "{}, a provider configuration that may deploy to another region or account",
                describe::state(Some(p), "provider", sources)
            ),
        };
    }
    Overlap::Yes(what)
}

/// The first earlier trail of the same module or template that records some of the same
/// management events in the same region, or the reason it cannot be told.
fn first_duplicate(id: ResourceId, cx: &Ctx<'_>) -> Result<Option<(ResourceId, &'static str)>, (Span, String)> {
    let later = &cx.model.resources[id];
    let mut unknown = None;
    for (eid, earlier) in cx.model.of_kind(Kind::Trail) {
        if eid >= id {
            break;
        }
        if earlier.scope != later.scope {
            continue;
        }
        match overlap(earlier, later, cx.sources) {
            Overlap::No => {}
            Overlap::Yes(what) => return Ok(Some((eid, what))),
            Overlap::Unknown { span, state } => {
                unknown.get_or_insert((
                    span,
                    format!(
                        "whether trail `{}` records the same management events cannot be told: {state}",
                        display_name(earlier)
                    ),
                ));
            }
        }
    }
    unknown.map_or(Ok(None), Err)
}

pub fn check(trail: &Resource, id: ResourceId, cx: &Ctx<'_>) -> Outcome {
    match first_duplicate(id, cx) {
        Ok(None) => Outcome::pass(trail),
        Ok(Some((first, what))) => {
            let f = &cx.model.resources[first];
            let org = |t: &Resource| {
                if t.field("is_organization_trail").and_then(Val::as_bool) == Some(true) {
                    " (an organization trail)"
                } else {
                    ""
                }
            };
            let region = if multi_region(f) {
                "in every region of this account"
            } else {
                "in this trail's region of this account"
            };
            Outcome {
                verdict: Verdict::Fail,
                span: trail.header,
                state: format!(
                    "trail `{}`{} already records {what} {region}, so this trail{} delivers a second copy of them, which is charged",
                    display_name(f),
                    org(f),
                    org(trail),
                ),
                attribute: "event_selectors".into(),
            }
        }
        Err((span, state)) => Outcome {
            verdict: Verdict::Unknown,
            span,
            state,
            attribute: "event_selectors".into(),
        },
    }
}

/// The first trail, as a related location of a failing finding.
pub fn related(id: ResourceId, cx: &Ctx<'_>) -> Vec<Label> {
    match first_duplicate(id, cx) {
        Ok(Some((first, _))) => {
            let f = &cx.model.resources[first];
            vec![Label::new(
                f.header,
                format!("trail `{}` records these management events first", display_name(f)),
            )]
        }
        _ => Vec::new(),
    }
}
