//! The report stage: the run's findings, diagnostics and counts as one [`Report`]
//! (docs/output-formats.md), and its renderers. Each format is one file; all of them compute
//! lines and columns from spans here, so every format points at the same place.

pub(crate) mod compact;
pub(crate) mod github;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod sarif;
mod snippet;

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::baseline;
use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Severity, Verdict};
use crate::rules::Rule;
use crate::rules::eval::{Evaluation, Tally};
use crate::source::{SourceMap, Span};

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Files read as Terraform, CloudFormation or policy documents (parsed or not).
    pub files: usize,
    /// Model resources (split S3, KMS and IAM resources folded into the one they configure).
    pub resources: usize,
    /// Model resources by kind.
    pub resources_by_kind: BTreeMap<crate::model::Kind, usize>,
    /// Unsuppressed failing findings by severity.
    pub by_severity: BTreeMap<Severity, usize>,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    /// `not_applicable` by why.
    pub not_applicable_by: crate::rules::eval::NotApplicable,
    pub suppressed: usize,
    pub parse_errors: usize,
    /// Why rules were not applicable (a trail's bucket in another account…), files that were
    /// recognised but not checked, stale baseline entries.
    pub notes: Vec<String>,
}

pub struct Report {
    pub sources: SourceMap,
    /// Sorted by file, line, rule.
    pub findings: Vec<Finding>,
    /// Problems that are not findings (an unreadable path, an invalid suppression).
    pub errors: Vec<Diagnostic>,
    pub summary: Summary,
    /// The rules that ran, for SARIF's rule table, in code order.
    pub rules: Vec<(Rule, Severity)>,
    /// Every rule × resource evaluated (pass, fail, unknown), for JUnit.
    pub evaluations: Vec<Evaluation>,
}

/// What the earlier stages hand to the report.
pub struct Parts {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub errors: Vec<Diagnostic>,
    /// Counts known before the rules ran: files, resources, parse errors, notes.
    pub summary: Summary,
    pub tally: Tally,
    pub rules: Vec<(Rule, Severity)>,
    /// `--strict`: unknown verdicts are failures.
    pub strict: bool,
}

/// Stale baseline entries listed one by one in the summary; more are counted.
const STALE_LISTED: usize = 20;

impl Report {
    /// Put the run's results together: verdicts under `--strict`, findings in order, counts.
    pub fn assemble(parts: Parts) -> Report {
        let Parts {
            sources,
            mut findings,
            errors,
            mut summary,
            mut tally,
            rules,
            strict,
        } = parts;
        if strict {
            for f in &mut findings {
                if f.verdict == Verdict::Unknown {
                    f.verdict = Verdict::Fail;
                }
            }
        }
        sort_findings(&mut findings, &sources);
        summary.pass = tally.pass;
        summary.not_applicable = tally.not_applicable;
        summary.not_applicable_by = tally.not_applicable_by;
        let mut notes = std::mem::take(&mut tally.notes);
        notes.append(&mut summary.notes);
        summary.notes = notes;
        count_findings(&mut summary, &findings);
        Report {
            sources,
            findings,
            errors,
            summary,
            rules,
            evaluations: tally.evaluations,
        }
    }

    /// The exit code (docs/cli.md#exit-codes): 2 when a file did not parse or a diagnostic was
    /// raised, else 1 when a failing finding at or above `fail_on` is not suppressed, else 0.
    /// Unknown findings do not fail the run unless `--strict` made them failures.
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        if self.summary.parse_errors > 0 || !self.errors.is_empty() {
            return 2;
        }
        let failing = self
            .findings
            .iter()
            .any(|f| f.suppressed.is_none() && f.verdict == Verdict::Fail && f.severity >= fail_on);
        i32::from(failing)
    }

    /// Hide the findings a baseline lists (docs/suppression.md#baselines) and list, as summary
    /// notes, its entries that no longer match a finding.
    pub fn apply_baseline(&mut self, baseline: &baseline::Baseline, name: &str) {
        let stale: Vec<String> = baseline
            .apply(self, name)
            .iter()
            .map(|e| format!("{} `{}` in {}", e.rule, e.resource, e.file))
            .collect();
        count_findings(&mut self.summary, &self.findings);
        if !stale.is_empty() {
            let mut note = format!(
                "baseline {name}: {} {} no longer match{} a finding (fixed, renamed or removed; rewrite it with --write-baseline): {}",
                stale.len(),
                if stale.len() == 1 { "entry" } else { "entries" },
                if stale.len() == 1 { "es" } else { "" },
                stale.iter().take(STALE_LISTED).cloned().collect::<Vec<_>>().join(", ")
            );
            if stale.len() > STALE_LISTED {
                note.push_str(&format!(" and {} more", stale.len() - STALE_LISTED));
            }
            self.summary.notes.push(note);
        }
    }
}

fn sort_findings(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by(|a, b| {
        let fa = &sources.get(a.primary.span.file).display;
        let fb = &sources.get(b.primary.span.file).display;
        fa.cmp(fb)
            .then(a.primary.span.start.cmp(&b.primary.span.start))
            .then(a.code.cmp(&b.code))
            .then(a.resource.cmp(&b.resource))
            .then(a.message.cmp(&b.message))
    });
}

/// The summary's counts of findings: failures by severity, unknowns, suppressed.
fn count_findings(summary: &mut Summary, findings: &[Finding]) {
    summary.fail = 0;
    summary.unknown = 0;
    summary.suppressed = 0;
    summary.by_severity.clear();
    for f in findings {
        if f.suppressed.is_some() {
            summary.suppressed += 1;
            continue;
        }
        match f.verdict {
            Verdict::Fail => {
                summary.fail += 1;
                *summary.by_severity.entry(f.severity).or_default() += 1;
            }
            Verdict::Unknown => summary.unknown += 1,
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Compact,
}

impl FromStr for Format {
    type Err = Diagnostic;

    fn from_str(s: &str) -> Result<Format, Diagnostic> {
        Ok(match s {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "github" => Format::Github,
            "compact" => Format::Compact,
            _ => {
                return Err(Diagnostic::cli(format!(
                    "unknown format `{s}` (expected human, json, sarif, junit, github or compact)"
                )));
            }
        })
    }
}

/// How human output looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn render(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Github => github::render(report),
        Format::Compact => compact::render(report),
    }
}

/// A span as a range of 1-based lines and columns (columns in characters).
#[derive(Debug, Clone)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The same columns in UTF-16 code units, for SARIF.
    pub column_utf16: u32,
    pub end_column_utf16: u32,
}

pub fn loc(sources: &SourceMap, span: Span) -> Loc {
    let file = sources.get(span.file);
    let start = file.position(span.start);
    let end = file.end_position(span);
    Loc {
        file: file.display.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        column_utf16: start.column_utf16,
        end_column_utf16: end.column_utf16,
    }
}
