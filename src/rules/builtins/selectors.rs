//! What the event-selector builtins share: reading a trail's classic or advanced selectors, and a
//! tally of which reads and writes they record, with the first place that falls short and the
//! first value that cannot be resolved.

use super::Outcome;
use crate::finding::Verdict;
use crate::model::{Resource, V, Val};
use crate::rules::describe;
use crate::source::{SourceMap, Span};

/// The trail's selectors: advanced ones when it has any (AWS applies one kind or the other).
pub enum Selectors<'a> {
    /// No selector; the list as written when it is written empty (a `dynamic` block over an
    /// empty collection, `EventSelectors: []`).
    None(Option<&'a Val>),
    Classic(&'a [Val]),
    Advanced(&'a [Val]),
}

impl<'a> Selectors<'a> {
    /// The selectors, or an unknown outcome when a selector list itself cannot be resolved.
    pub fn of(trail: &'a Resource) -> Result<Selectors<'a>, Outcome> {
        let list = |name| trail.field(name).and_then(Val::as_list).unwrap_or(&[]);
        let (classic, advanced) = (list("event_selectors"), list("advanced_event_selectors"));
        if let Some(s) = classic.iter().chain(advanced).find(|s| matches!(s.v, V::Unknown(_))) {
            let u = s.unknown_info().expect("an unknown value says why");
            return Err(Outcome {
                verdict: Verdict::Unknown,
                span: s.span,
                state: format!(
                    "the event selectors come from `{}`, which cannot be resolved: {}",
                    u.expr, u.reason
                ),
                attribute: "event_selectors".into(),
            });
        }
        Ok(if !advanced.is_empty() {
            Selectors::Advanced(advanced)
        } else if !classic.is_empty() {
            Selectors::Classic(classic)
        } else {
            let written = |name| trail.field(name).filter(|v| v.as_list().is_some());
            Selectors::None(written("event_selectors").or_else(|| written("advanced_event_selectors")))
        })
    }

    /// Why there is no selector, for a finding about it: where the empty list is written and
    /// what it is, or the resource header.
    pub fn none_blame(trail: &Resource, written: Option<&Val>, sources: &SourceMap) -> (Span, String) {
        const NONE: &str = "the trail has no event selectors, so it records management events only";
        let Some(v) = written else {
            return (trail.header, NONE.to_string());
        };
        let state = describe::state(Some(v), "", sources);
        // A `dynamic` block over an empty collection (Terraform's only way to write no block).
        let state = match state.strip_prefix("`for_each` is ") {
            Some(rest) => {
                let block = if trail.field("event_selectors").is_some_and(|l| std::ptr::eq(l, v)) {
                    "event_selector"
                } else {
                    "advanced_event_selector"
                };
                let rest = rest
                    .strip_suffix(", which is []")
                    .map_or(rest.to_string(), |r| format!("{r}, which is empty"));
                format!("the `for_each` of `dynamic \"{block}\"` is {rest}")
            }
            None => format!("`{}` is an empty list", v.source),
        };
        (
            v.span,
            format!("{state}, so the trail has no event selectors and records management events only"),
        )
    }

    /// The model field of the list in use, for blame.
    pub fn field(&self) -> &'static str {
        match self {
            Selectors::Advanced(_) => "advanced_event_selectors",
            _ => "event_selectors",
        }
    }
}

/// The first condition of an advanced selector on `name` (`eventCategory`, `readOnly`…).
pub fn condition<'a>(selector: &'a Val, name: &str) -> Option<&'a Val> {
    selector
        .get("field_selectors")
        .and_then(Val::as_list)?
        .iter()
        .find(|f| f.get("field").and_then(Val::as_str) == Some(name))
}

/// The literal strings of one operator of a condition (`equals`, `not_equals`…).
pub fn strings(condition: &Val, operator: &str) -> Vec<String> {
    condition
        .get(operator)
        .and_then(Val::as_list)
        .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Why coverage is incomplete, at the first place that shows it.
pub struct Blame {
    pub span: Span,
    pub state: String,
    pub attribute: &'static str,
}

/// Reads and writes recorded so far, the first shortfall and the first unresolved value.
#[derive(Default)]
pub struct Coverage {
    pub read: bool,
    pub write: bool,
    blame: Option<Blame>,
    unknown: Option<Outcome>,
}

impl Coverage {
    pub fn blame(&mut self, span: Span, state: String, attribute: &'static str) {
        self.blame.get_or_insert(Blame { span, state, attribute });
    }

    /// Record a value that cannot be resolved (`at` when it is missing).
    pub fn unknown(&mut self, v: Option<&Val>, at: &Val, name: &str, sources: &SourceMap) {
        self.unknown.get_or_insert_with(|| Outcome {
            verdict: Verdict::Unknown,
            span: v.map_or(at.span, |v| v.span),
            state: describe::state(v, name, sources),
            attribute: "event_selectors".into(),
        });
    }

    /// A classic selector's `read_write_type` (default `All`): what it records, and blame for
    /// anything narrower.
    pub fn read_write_type(&mut self, selector: &Val, sources: &SourceMap) {
        let rw = selector.get("read_write_type");
        let (read, write) = match rw.and_then(Val::as_str) {
            Some("All") => (true, true),
            Some("ReadOnly") => (true, false),
            Some("WriteOnly") => (false, true),
            _ => return self.unknown(rw, selector, "read_write_type", sources),
        };
        self.read |= read;
        self.write |= write;
        if !(read && write) {
            self.blame(
                rw.map_or(selector.span, |r| r.span),
                describe::state(rw, "read_write_type", sources),
                "event_selectors.read_write_type",
            );
        }
    }

    /// An advanced selector's `readOnly` condition (none: reads and writes).
    pub fn read_only(&mut self, selector: &Val, sources: &SourceMap) {
        let Some(ro) = condition(selector, "readOnly") else {
            self.read = true;
            self.write = true;
            return;
        };
        let (eq, not_eq) = (strings(ro, "equals"), strings(ro, "not_equals"));
        let read = eq.iter().any(|v| v == "true") || not_eq.iter().any(|v| v == "false");
        let write = eq.iter().any(|v| v == "false") || not_eq.iter().any(|v| v == "true");
        if !read && !write {
            return self.unknown(ro.get("equals"), selector, "readOnly", sources);
        }
        self.read |= read;
        self.write |= write;
        if !(read && write) {
            let at = ro.get("equals").or(ro.get("not_equals")).unwrap_or(ro);
            self.blame(
                at.span,
                describe::state(Some(at), "readOnly", sources),
                "advanced_event_selectors.field_selectors",
            );
        }
    }

    /// The verdict: pass when reads and writes are both recorded; else unknown when a value
    /// could not be resolved; else a failure at the first shortfall (or at `fallback`), its state
    /// followed by what is missing. `missing` words the three cases: neither, no writes, no reads.
    pub fn outcome(self, trail: &Resource, fallback: Blame, explain_fallback: bool, missing: [&str; 3]) -> Outcome {
        if self.read && self.write {
            return Outcome::pass(trail);
        }
        if let Some(u) = self.unknown {
            return u;
        }
        let missing = match (self.read, self.write) {
            (false, false) => missing[0],
            (true, false) => missing[1],
            _ => missing[2],
        };
        let (b, explain) = match self.blame {
            Some(b) => (b, true),
            None => (fallback, explain_fallback),
        };
        Outcome {
            verdict: Verdict::Fail,
            span: b.span,
            state: if explain {
                format!("{}, so {missing}", b.state)
            } else {
                b.state
            },
            attribute: b.attribute.into(),
        }
    }
}
