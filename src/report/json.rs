//! The JSON report (docs/output-formats.md#json), version 1. Field names are a contract: outside tools parse them.

use serde::Serialize;

use super::loc;
use crate::Report;
use crate::finding::{Severity, Verdict};

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    verdict: Verdict,
    suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression_reason: Option<&'a str>,
    message: &'a str,
    resource: &'a str,
    location: Location,
    related: Vec<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<JsonCause<'a>>,
    fingerprint: &'a str,
}

/// What an unknown verdict depends on (docs/output-formats.md#finding-fields).
#[derive(Serialize)]
struct JsonCause<'a> {
    what: &'a str,
    file: String,
    line: u32,
    column: u32,
    advice: &'a str,
}

#[derive(Serialize)]
struct Location {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Related<'a> {
    file: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

/// Not-applicable verdicts by why (docs/verdicts.md#not-applicable).
#[derive(Serialize)]
struct NotApplicableBy {
    outside_scan: usize,
    unset_link: usize,
    condition: usize,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files: usize,
    resources: usize,
    resources_by_kind: std::collections::BTreeMap<&'static str, usize>,
    findings: usize,
    by_severity: std::collections::BTreeMap<&'static str, usize>,
    pass: usize,
    fail: usize,
    unknown: usize,
    not_applicable: usize,
    not_applicable_by: NotApplicableBy,
    suppressed: usize,
    parse_errors: usize,
    notes: &'a [String],
}

pub fn render(report: &Report) -> String {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let l = loc(&report.sources, f.primary.span);
            JsonFinding {
                rule: &f.code,
                name: &f.name,
                severity: f.severity,
                verdict: f.verdict,
                suppressed: f.suppressed.is_some(),
                suppression_reason: f.suppressed.as_ref().map(|s| s.reason.as_str()),
                message: &f.message,
                resource: &f.resource,
                location: Location {
                    file: l.file,
                    line: l.line,
                    column: l.column,
                    end_line: l.end_line,
                    end_column: l.end_column,
                },
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let rl = loc(&report.sources, r.span);
                        Related {
                            file: rl.file,
                            line: rl.line,
                            column: rl.column,
                            message: &r.message,
                        }
                    })
                    .collect(),
                help: f.help.as_deref(),
                cause: f.cause.as_ref().map(|c| {
                    let cl = loc(&report.sources, c.span);
                    JsonCause {
                        what: &c.what,
                        file: cl.file,
                        line: cl.line,
                        column: cl.column,
                        advice: &c.advice,
                    }
                }),
                fingerprint: &f.fingerprint,
            }
        })
        .collect();
    let mut errors: Vec<JsonError<'_>> = report
        .findings
        .iter()
        .filter(|f| f.is_parse_error())
        .map(|f| {
            let l = loc(&report.sources, f.primary.span);
            (l, f)
        })
        .map(|(l, f)| JsonError {
            file: report.sources.get(f.primary.span.file).display.as_str(),
            line: l.line,
            column: l.column,
            message: &f.primary.message,
        })
        .collect();
    errors.extend(report.errors.iter().map(|e| JsonError {
        file: &e.file,
        line: e.line,
        column: e.column,
        message: &e.message,
    }));
    let s = &report.summary;
    let doc = Doc {
        version: 1,
        findings,
        errors,
        summary: JsonSummary {
            files: s.files,
            resources: s.resources,
            resources_by_kind: s.resources_by_kind.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
            findings: report.findings.len(),
            by_severity: Severity::ALL
                .iter()
                .map(|sev| (sev.as_str(), s.by_severity.get(sev).copied().unwrap_or(0)))
                .collect(),
            pass: s.pass,
            fail: s.fail,
            unknown: s.unknown,
            not_applicable: s.not_applicable,
            not_applicable_by: NotApplicableBy {
                outside_scan: s.not_applicable_by.outside,
                unset_link: s.not_applicable_by.unset,
                condition: s.not_applicable_by.condition,
            },
            suppressed: s.suppressed,
            parse_errors: s.parse_errors,
            notes: &s.notes,
        },
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("report serializes");
    out.push('\n');
    out
}
