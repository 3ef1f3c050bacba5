//! Matching directives to findings: validation against the rule catalogue (a reason is
//! required, every rule must exist, `until` must be a date), suppression by place, and the CT900
//! finding for a directive that suppressed nothing.

use std::collections::HashMap;

use super::directive::{Date, Directive, parse_date};
use crate::finding::{Finding, Label, Suppression, SuppressionKind, Verdict};
use crate::rules::Registry;
use crate::rules::eval::Active;
use crate::source::{FileId, SourceMap, Span};

/// A directive that named real rules, with its rules as codes and its expiry parsed.
#[derive(Debug)]
pub struct Checked<'d> {
    pub directive: &'d Directive,
    pub codes: Vec<String>,
    pub until: Option<Date>,
}

/// A directive that cannot be used: a configuration error (exit 2).
#[derive(Debug)]
pub struct Invalid {
    pub span: Span,
    pub message: String,
}

/// Validate directives: a reason is required, every rule must exist, `until` must be a date.
pub fn check<'d>(
    directives: impl IntoIterator<Item = &'d Directive>,
    registry: &Registry,
) -> (Vec<Checked<'d>>, Vec<Invalid>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for d in directives {
        if let Some((p, span)) = &d.problem {
            bad.push(Invalid {
                span: *span,
                message: format!("invalid ctlint:ignore: {p}"),
            });
            continue;
        }
        if d.rules.is_empty() {
            bad.push(Invalid {
                span: d.span,
                message: "ctlint:ignore names no rule: write `ctlint:ignore CT003 reason=\"…\"`".into(),
            });
            continue;
        }
        if d.reason.as_deref().is_none_or(str::is_empty) {
            bad.push(Invalid {
                span: d.span,
                message: format!(
                    "ctlint:ignore {} has no reason: add `reason=\"…\"` to say why the finding is accepted",
                    d.rules.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>().join(",")
                ),
            });
            continue;
        }
        let mut codes = Vec::new();
        let mut unknown = false;
        for (name, span) in &d.rules {
            match registry.rules.iter().find(|r| r.is(name)) {
                Some(r) => codes.push(r.code.clone()),
                None => {
                    unknown = true;
                    bad.push(Invalid {
                        span: *span,
                        message: format!("ctlint:ignore names an unknown rule `{name}` (see `ctlint rules`)"),
                    });
                }
            }
        }
        let until = match &d.until {
            Some((text, span)) => match parse_date(text) {
                Some(date) => Some(date),
                None => {
                    bad.push(Invalid {
                        span: *span,
                        message: format!("ctlint:ignore has `until={text}`, which is not a date (YYYY-MM-DD)"),
                    });
                    continue;
                }
            },
            None => None,
        };
        if !unknown {
            ok.push(Checked {
                directive: d,
                codes,
                until,
            });
        }
    }
    (ok, bad)
}

/// Suppress the findings the directives cover. Returns, per directive, whether it matched a
/// finding (an expired directive that would have matched counts: it is not unused).
pub fn apply(findings: &mut [Finding], directives: &[Checked<'_>], today: Date) -> Vec<bool> {
    let mut used = vec![false; directives.len()];
    if directives.is_empty() {
        return used;
    }
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (i, c) in directives.iter().enumerate() {
        by_file.entry(c.directive.span.file).or_default().push(i);
    }
    let inside = |d: &Directive, s: Span| {
        s.file == d.span.file && d.covers.0 <= s.start && s.start < d.covers.1.max(d.covers.0 + 1)
    };
    for f in findings.iter_mut().filter(|f| !f.is_parse_error()) {
        let spans: Vec<Span> = std::iter::once(f.primary.span).chain(f.target).collect();
        let mut candidates: Vec<usize> = spans
            .iter()
            .filter_map(|s| by_file.get(&s.file))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for i in candidates {
            let c = &directives[i];
            if !c.codes.contains(&f.code) || !spans.iter().any(|s| inside(c.directive, *s)) {
                continue;
            }
            used[i] = true;
            match c.until {
                Some(until) if until < today => {
                    let (y, m, d) = until;
                    f.related.push(Label::new(
                        c.directive.span,
                        format!("the suppression of this finding expired on {y:04}-{m:02}-{d:02}"),
                    ));
                }
                _ => {
                    f.suppressed = Some(Suppression {
                        kind: SuppressionKind::InSource,
                        reason: c.directive.reason.clone().unwrap_or_default(),
                    });
                }
            }
            if f.suppressed.is_some() {
                break;
            }
        }
    }
    used
}

/// The CT900 finding for a directive that matched no finding.
pub fn unused_finding(rule: &Active<'_>, c: &Checked<'_>, sources: &SourceMap) -> Finding {
    let d = c.directive;
    let file = sources.get(d.span.file).display.clone();
    let codes = c.codes.join(",");
    Finding {
        code: rule.rule.code.clone(),
        name: rule.rule.name.clone(),
        severity: rule.severity,
        verdict: Verdict::Fail,
        message: format!(
            "`ctlint:ignore {codes}` suppresses nothing: no {codes} finding points at the line or resource it covers"
        ),
        fingerprint: Finding::fingerprint_of(
            &rule.rule.code,
            &file,
            &file,
            &format!("{codes}:{}", d.reason.as_deref().unwrap_or("")),
        ),
        resource: file,
        primary: Label::new(d.span, format!("suppresses no {codes} finding")),
        related: Vec::new(),
        help: Some("remove it, or put it on the line above the finding or on the finding's resource block".into()),
        attribute: String::new(),
        suppressed: None,
        target: None,
        cause: None,
    }
}
