//! SARIF 2.1.0 for code scanning (SPEC §7): one run; every rule that ran once in
//! `tool.driver.rules` with its Markdown help, level and `security-severity`; results with
//! repository-relative URIs under `%SRCROOT%`, `startLine` ≥ 1, UTF-16 columns,
//! `relatedLocations`, `partialFingerprints` (never from line numbers) and `suppressions`.
//! Unknown verdicts are `kind: "open"` at level `note`.

use serde_json::{Value, json};

use super::loc;
use crate::Report;
use crate::finding::{Finding, Severity, Verdict};
use crate::rules::docs;

const INFORMATION_URI: &str = "https://github.com/ctlint/ctlint";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

fn result_level(f: &Finding) -> &'static str {
    match f.verdict {
        Verdict::Unknown => "note",
        _ => level(f.severity),
    }
}

fn location(report: &Report, span: crate::source::Span) -> Value {
    let l = loc(&report.sources, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&l.file), "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": l.line.max(1),
                "startColumn": l.column_utf16.max(1),
                "endLine": l.end_line.max(l.line).max(1),
                "endColumn": l.end_column_utf16.max(1),
            }
        }
    })
}

/// A relative path as a URI reference: `/`-separated, percent-encoded where needed.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .filter(|(r, _)| r.code != "CT000")
        .chain(report.rules.iter().filter(|(r, _)| r.code == "CT000"))
        .map(|(r, sev)| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.docs.what.trim() },
                "help": { "text": r.docs.what.trim(), "markdown": docs::markdown(r, *sev) },
                "defaultConfiguration": { "level": level(*sev) },
                "properties": {
                    "tags": ["security", "cloudtrail", "iac"],
                    "precision": "very-high",
                    "problem.severity": level(*sev),
                    "security-severity": sev.security_severity(),
                }
            })
        })
        .collect();
    let index_of = |code: &str| {
        report
            .rules
            .iter()
            .filter(|(r, _)| r.code != "CT000")
            .chain(report.rules.iter().filter(|(r, _)| r.code == "CT000"))
            .position(|(r, _)| r.code == code)
    };
    let mut extra_rules = Vec::new();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule_index = match index_of(&f.code) {
                Some(i) => i,
                None => {
                    // CT000 is reported even when not selected; give it a rule entry.
                    if !extra_rules.iter().any(|c: &String| c == &f.code) {
                        extra_rules.push(f.code.clone());
                    }
                    rules.len() + extra_rules.iter().position(|c| c == &f.code).unwrap_or(0)
                }
            };
            let mut r = json!({
                "ruleId": f.code,
                "ruleIndex": rule_index,
                "level": result_level(f),
                "kind": if f.verdict == Verdict::Unknown { "open" } else { "fail" },
                "message": { "text": f.message },
                "locations": [location(report, f.primary.span)],
                "partialFingerprints": { "ctlintFingerprint/v1": f.fingerprint },
                "properties": { "resource": f.resource, "severity": f.severity.as_str() },
            });
            if !f.related.is_empty() {
                r["relatedLocations"] = Value::Array(
                    f.related
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            let mut v = location(report, l.span);
                            v["id"] = json!(i + 1);
                            v["message"] = json!({ "text": l.message });
                            v
                        })
                        .collect(),
                );
            }
            if let Some(reason) = &f.suppressed {
                r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            r
        })
        .collect();
    let mut all_rules = rules;
    for code in extra_rules {
        all_rules.push(json!({
            "id": code,
            "name": "parse-error",
            "shortDescription": { "text": "File cannot be parsed" },
            "fullDescription": { "text": "The file is not valid Terraform, CloudFormation or policy JSON." },
            "help": { "text": "Fix the syntax error.", "markdown": "Fix the syntax error; the other files were still linted." },
            "defaultConfiguration": { "level": "error" },
            "properties": { "tags": ["security", "cloudtrail", "iac"], "precision": "very-high", "problem.severity": "error", "security-severity": Severity::High.security_severity() }
        }));
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ctlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": all_rules,
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The directory ctlint was run from." } }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    out.push('\n');
    out
}
