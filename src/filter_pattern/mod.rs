//! CloudWatch Logs filter patterns: a parser with byte spans ([`parse`]) and the coverage
//! decision CT207 needs: does a metric filter's pattern match every event a CIS monitoring
//! control's reference pattern matches ([`covers`])?
//!
//! Coverage is semantic, not textual: whitespace, quoting, the order of `||` terms, redundant
//! parentheses and extra terms that only widen the match do not matter; an extra `&&`
//! restriction, or a missing event name, does. `docs/filter-patterns.md` describes the syntax
//! accepted, the model of events and what is not decided.

pub mod cis;
pub mod coverage;
pub mod parse;

#[cfg(test)]
mod tests;

pub use cis::{CONTROLS, Control, control};
pub use coverage::{Atom, Decision, Dnf, decide, dnf, meant_for, overlaps, selectors};
pub use parse::{Comparison, Expr, MAX_DEPTH, ParseError, Pattern, Segment, Selector, Span, Test, Value, parse};

/// Whether a pattern covers a control.
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    /// Every event the control's reference pattern matches, the pattern matches.
    Covered,
    /// Some events are not matched: for each alternative of the reference that is not wholly
    /// matched, its event name (`DetachGroupPolicy`) or, if it names none, its conditions as
    /// pattern text (`$.errorCode = "AccessDenied*"`). In the reference's order, without
    /// repeats.
    Missing(Vec<String>),
    /// Not decided (a term pattern, a regular expression, past a size limit), and why.
    Unknown(String),
    /// The pattern does not parse: the error has the byte offset into the pattern text.
    Unparsable(ParseError),
}

/// Does `pattern` (a metric filter's `FilterPattern`) cover `control`?
pub fn covers(pattern: &str, control: &Control) -> Coverage {
    match parse(pattern) {
        Ok(p) => covers_parsed(&p, control),
        Err(e) => Coverage::Unparsable(e),
    }
}

/// [`covers`] for a pattern already parsed (one filter checked against every control).
pub fn covers_parsed(pattern: &Pattern, control: &Control) -> Coverage {
    let Ok(reference) = parse(control.reference) else {
        return Coverage::Unknown(format!("the reference pattern of CIS {} does not parse", control.cis));
    };
    match decide(pattern, &reference) {
        Decision::Covered => Coverage::Covered,
        Decision::Unknown(reason) => Coverage::Unknown(reason),
        Decision::Uncovered(conjs) => {
            let mut names: Vec<String> = Vec::new();
            for conj in &conjs {
                let name = event_name(conj).unwrap_or_else(|| coverage::render(conj));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            Coverage::Missing(names)
        }
    }
}

/// Was `pattern` meant for `control`, even if it misses some of its events ([`meant_for`])?
/// `None` when not decided.
pub fn intended_for(pattern: &Pattern, control: &Control) -> Option<bool> {
    meant_for(pattern, &parse(control.reference).ok()?)
}

/// The fields `pattern` tests that the reference pattern of `control` does not: a restriction
/// the control does not make (`$.eventSource` on CloudTrail changes) may be why events are
/// missed.
pub fn extra_fields(pattern: &Pattern, control: &Control) -> Vec<String> {
    let reference = parse(control.reference).map(|r| selectors(&r)).unwrap_or_default();
    selectors(pattern)
        .into_iter()
        .filter(|s| !reference.contains(s))
        .collect()
}

/// The exact `$.eventName` a conjunction requires, if it requires one.
fn event_name(conj: &[Atom]) -> Option<String> {
    conj.iter().find_map(|a| match (&a.selector[..], &a.test) {
        ([Segment::Field(f)], Test::Eq(Value::Str(s))) if f == "eventName" && !s.contains('*') => Some(s.clone()),
        _ => None,
    })
}
