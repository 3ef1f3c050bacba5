//! Rules about the scan as a whole (`target = "scan"`): at least one trail passes every rule the
//! rule file lists in `passes` (CT010: multi-region, logging, validated, all management events).
//!
//! Each trail is judged by the listed rules themselves, so the scan rule can never disagree with
//! them. A trail that passes all of them passes the scan; failing that, a trail that is only
//! unknown on some makes the verdict unknown; otherwise it fails, pointing at the trail that
//! came closest (or, with no trail at all, at the start of the first file read).

use super::eval::{Active, Ctx, Evaluation, Tally, display_name, evaluate_target};
use crate::finding::{Finding, Label, Verdict};
use crate::model::Kind;
use crate::source::Span;

struct Judged {
    header: Span,
    name: String,
    failed: Vec<String>,
    unknown: Vec<String>,
}

impl Judged {
    fn verdict(&self) -> Verdict {
        if !self.failed.is_empty() {
            Verdict::Fail
        } else if !self.unknown.is_empty() {
            Verdict::Unknown
        } else {
            Verdict::Pass
        }
    }

    fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.failed.is_empty() {
            parts.push(format!("fails {}", self.failed.join(", ")));
        }
        if !self.unknown.is_empty() {
            parts.push(format!("cannot be checked for {}", self.unknown.join(", ")));
        }
        format!("trail `{}` {}", self.name, parts.join(" and "))
    }
}

pub fn evaluate(a: &Active<'_>, cx: &Ctx<'_>) -> (Vec<Finding>, Tally) {
    let mut tally = Tally::default();
    let required: Vec<Active<'_>> = a
        .rule
        .passes
        .iter()
        .filter_map(|code| cx.registry.get(code))
        .map(|rule| Active {
            rule,
            severity: a.severity,
        })
        .collect();
    let mut judged: Vec<Judged> = cx
        .model
        .of_kind(Kind::Trail)
        .map(|(id, trail)| {
            let mut j = Judged {
                header: trail.header,
                name: display_name(trail),
                failed: Vec::new(),
                unknown: Vec::new(),
            };
            for r in &required {
                let path = super::path::Path {
                    steps: vec![("trail", id)],
                };
                match evaluate_target(r, cx, &path, Vec::new(), None).0 {
                    Verdict::Fail => j.failed.push(r.rule.code.clone()),
                    Verdict::Unknown => j.unknown.push(r.rule.code.clone()),
                    Verdict::Pass | Verdict::NotApplicable => {}
                }
            }
            j
        })
        .collect();
    // Closest first: fewest failures, then fewest unknowns; ties keep the model's order.
    judged.sort_by_key(|j| (j.failed.len(), j.unknown.len()));
    let mut verdict = judged.first().map_or(Verdict::Fail, Judged::verdict);
    // A compliant trail may be defined by a module that was not read.
    let unread = cx.model.unread_modules.iter().find(|m| !m.cycle);
    if verdict == Verdict::Fail && unread.is_some() {
        verdict = Verdict::Unknown;
    }
    if verdict == Verdict::Pass {
        tally.pass += 1;
        tally.evaluations.push(evaluation(a, verdict));
        return (Vec::new(), tally);
    }
    let what = a.rule.title.to_lowercase();
    let (message, primary, related) = match judged.split_first() {
        Some((best, rest)) => {
            let lead = if verdict == Verdict::Fail {
                format!("no trail in the scan is compliant ({what})")
            } else {
                format!("no trail in the scan is known to be compliant ({what})")
            };
            let message = format!(
                "{lead}: of {} trail{}, the closest, {}",
                judged.len(),
                if judged.len() == 1 { "" } else { "s" },
                best.summary()
            );
            let related = rest.iter().map(|j| Label::new(j.header, j.summary())).collect();
            (message, Label::new(best.header, best.summary()), related)
        }
        None => {
            let Some(at) = first_file(cx) else {
                // Nothing was read: there is no place to report, and nothing was checked.
                tally.not_applicable += 1;
                tally.not_applicable_by.condition += 1;
                return (Vec::new(), tally);
            };
            let at = unread.map_or(at, |m| m.span);
            (
                format!("no CloudTrail trail is defined in the scanned files ({what})"),
                Label::new(at, "no trail is defined in the scanned files"),
                Vec::new(),
            )
        }
    };
    let (message, primary, mut related) = (message, primary, related);
    if let Some(m) = unread {
        let note = format!(
            "a compliant trail may be defined by {} (source `{}`), which is not read: {}",
            m.call, m.source, m.reason
        );
        related.push(Label::new(m.span, note.clone()));
    }
    let message = match unread {
        Some(m) if verdict == Verdict::Unknown => format!(
            "{message}; a compliant trail may be defined by {} (source `{}`), which is not read",
            m.call, m.source
        ),
        _ => message,
    };
    if verdict == Verdict::Fail {
        tally.fail += 1;
    } else {
        tally.unknown += 1;
    }
    tally.evaluations.push(evaluation(a, verdict));
    let finding = Finding {
        code: a.rule.code.clone(),
        name: a.rule.name.clone(),
        severity: a.severity,
        verdict,
        message,
        resource: String::new(),
        primary,
        related,
        help: Some(match &a.rule.enabled_by {
            Some(switch) => format!(
                "make one trail pass {}, or set `{switch}: false` if another account's trail covers this one",
                a.rule.passes.join(", ")
            ),
            None => format!("make one trail pass {}", a.rule.passes.join(", ")),
        }),
        attribute: String::new(),
        fingerprint: Finding::fingerprint_of(&a.rule.code, "", "", ""),
        suppressed: None,
        target: judged.first().map(|j| j.header),
        cause: None,
    };
    (vec![finding], tally)
}

fn evaluation(a: &Active<'_>, verdict: Verdict) -> Evaluation {
    Evaluation {
        code: a.rule.code.clone(),
        resource: String::new(),
        file: crate::source::FileId::default(),
        verdict,
    }
}

/// The start of the first file ctlint read a resource from, else of the first file in the scan.
fn first_file(cx: &Ctx<'_>) -> Option<Span> {
    let by_display = |id: &crate::source::FileId| cx.sources.get(*id).display.clone();
    let from_resources = cx.model.resources.iter().map(|r| r.header.file).min_by_key(by_display);
    let any = cx.sources.files().map(|(id, _)| id).min_by_key(by_display);
    from_resources.or(any).map(|file| Span::new(file, 0, 0))
}
