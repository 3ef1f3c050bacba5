//! Baselines (docs/suppression.md#baselines): `--write-baseline F` records the current findings by fingerprint,
//! `--baseline F` hides the findings it lists, reports the new ones, and lists the entries that
//! no longer match a finding.
//!
//! Fingerprints hash rule, file, resource address and attribute path, never lines, so a baseline
//! survives unrelated edits. Two findings can share a fingerprint (the same attribute failing in
//! two ways); the baseline keeps a count, so fixing one of them shows as one stale entry and a
//! new twin shows as a new finding.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Report;
use crate::diagnostic::Diagnostic;
use crate::finding::{Suppression, SuppressionKind};

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding. Only `fingerprint` is matched; the rest tells a reader (and the stale
/// list) what it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    pub resource: String,
    pub message: String,
}

impl Baseline {
    /// The report's live findings (not suppressed), parse errors excepted: a file that does not
    /// parse is never accepted.
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && !f.is_parse_error())
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.code.clone(),
                file: report.sources.get(f.primary.span.file).display.clone(),
                resource: f.resource.clone(),
                message: f.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.rule, &a.resource, &a.fingerprint).cmp(&(&b.file, &b.rule, &b.resource, &b.fingerprint))
        });
        Baseline {
            version: VERSION,
            findings,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, Diagnostic> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Diagnostic::in_file(&shown, format!("cannot read baseline {shown}: {e}")))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| Diagnostic {
            file: shown.clone(),
            line: e.line() as u32,
            column: e.column() as u32,
            message: format!("{shown} is not a ctlint baseline: {e}"),
        })?;
        if b.version != VERSION {
            return Err(Diagnostic::in_file(
                shown.clone(),
                format!(
                    "baseline {shown} has version {}; this ctlint reads version {VERSION}",
                    b.version
                ),
            ));
        }
        Ok(b)
    }

    pub fn write(&self, path: &Path) -> Result<(), Diagnostic> {
        let shown = path.display().to_string();
        let mut text = serde_json::to_string_pretty(self).map_err(|e| Diagnostic::in_file(&shown, e.to_string()))?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| Diagnostic::in_file(&shown, format!("cannot write baseline {shown}: {e}")))
    }

    /// Mark the findings it lists as suppressed; return the entries that matched nothing.
    pub fn apply(&self, report: &mut Report, name: &str) -> Vec<&Entry> {
        let mut left: HashMap<&str, Vec<&Entry>> = HashMap::new();
        for e in &self.findings {
            left.entry(e.fingerprint.as_str()).or_default().push(e);
        }
        for f in report
            .findings
            .iter_mut()
            .filter(|f| f.suppressed.is_none() && !f.is_parse_error())
        {
            if let Some(entries) = left.get_mut(f.fingerprint.as_str())
                && entries.pop().is_some()
            {
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: format!("recorded in the baseline {name}"),
                });
            }
        }
        let mut stale: Vec<&Entry> = left.into_values().flatten().collect();
        stale.sort_by(|a, b| (&a.file, &a.rule, &a.resource).cmp(&(&b.file, &b.rule, &b.resource)));
        stale
    }
}
