//! JUnit XML (docs/output-formats.md#junit): one test suite per rule, one test case per rule × resource evaluated;
//! failing findings are `<failure>`s with their location, unknown verdicts `<skipped>`.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::loc;
use crate::Report;
use crate::finding::{Finding, Verdict};
use crate::source::FileId;

/// A test case: the resource, its verdict, and its finding if any.
type Case<'a> = (&'a str, Verdict, Option<&'a Finding>);

pub fn render(report: &Report) -> String {
    // Each finding answers one evaluation of its rule on its resource in its file; a target
    // judged on two paths has two. Matched in one pass, not by a search per evaluation.
    let mut findings: HashMap<(&str, &str, FileId), VecDeque<&Finding>> = HashMap::new();
    for f in report.findings.iter().filter(|f| !f.is_parse_error()) {
        // Scan-level rules (CT010) are about no file.
        let file = match &f.target {
            _ if f.resource.is_empty() => FileId::default(),
            Some(t) => t.file,
            None => f.primary.span.file,
        };
        findings
            .entry((f.code.as_str(), f.resource.as_str(), file))
            .or_default()
            .push_back(f);
    }
    let mut suites: BTreeMap<&str, Vec<Case<'_>>> = BTreeMap::new();
    for e in &report.evaluations {
        let finding = match e.verdict {
            Verdict::Fail | Verdict::Unknown => findings
                .get_mut(&(e.code.as_str(), e.resource.as_str(), e.file))
                .and_then(VecDeque::pop_front),
            _ => None,
        };
        suites
            .entry(&e.code)
            .or_default()
            .push((&e.resource, e.verdict, finding));
    }
    for f in report.findings.iter().filter(|f| f.is_parse_error()) {
        suites
            .entry(&f.code)
            .or_default()
            .push((&f.resource, Verdict::Fail, Some(f)));
    }
    let total: usize = suites.values().map(Vec::len).sum();
    let failures: usize = suites
        .values()
        .flatten()
        .filter(|(_, v, f)| *v == Verdict::Fail && f.is_some_and(|f| f.suppressed.is_none()))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let errors = report.errors.len();
    out.push_str(&format!(
        "<testsuites name=\"ctlint\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">\n",
        total + errors
    ));
    for (code, cases) in &suites {
        let name = report
            .rules
            .iter()
            .find(|(r, _)| r.code == *code)
            .map_or("parse-error", |(r, _)| r.name.as_str());
        let fails = cases
            .iter()
            .filter(|(_, v, f)| *v == Verdict::Fail && f.is_some_and(|f| f.suppressed.is_none()))
            .count();
        let skipped = cases.len()
            - fails
            - cases
                .iter()
                .filter(|(_, v, f)| {
                    *v == Verdict::Pass || (*v == Verdict::Fail && f.is_some_and(|f| f.suppressed.is_some()))
                })
                .count();
        out.push_str(&format!(
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{fails}\" skipped=\"{skipped}\">\n",
            esc(code),
            esc(name),
            cases.len()
        ));
        for (resource, verdict, finding) in cases {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                esc(code),
                // Scan-level rules (CT010) have no resource: the case is the scan.
                esc(if resource.is_empty() { "scan" } else { resource })
            ));
            match (verdict, finding) {
                (Verdict::Fail, Some(f)) if f.suppressed.is_none() => {
                    let l = loc(&report.sources, f.primary.span);
                    out.push_str(&format!(" file=\"{}\" line=\"{}\">\n", esc(&l.file), l.line));
                    out.push_str(&format!(
                        "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {}</failure>\n",
                        esc(f.severity.as_str()),
                        esc(&f.message),
                        esc(&l.file),
                        l.line,
                        l.column,
                        esc(&f.message)
                    ));
                    out.push_str("    </testcase>\n");
                }
                (Verdict::Unknown, Some(f)) => {
                    out.push_str(&format!(
                        ">\n      <skipped message=\"unknown: {}\"/>\n    </testcase>\n",
                        esc(&f.message)
                    ));
                }
                _ => out.push_str("/>\n"),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    // Paths that could not be read, invalid suppressions: the run exits 2 because of them.
    if !report.errors.is_empty() {
        out.push_str(&format!(
            "  <testsuite name=\"errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">\n",
            n = report.errors.len()
        ));
        for e in &report.errors {
            out.push_str(&format!(
                "    <testcase classname=\"errors\" name=\"{}\" file=\"{}\" line=\"{}\">\n      <error message=\"{}\">{}</error>\n    </testcase>\n",
                esc(&e.file),
                esc(&e.file),
                e.line,
                esc(&e.message),
                esc(&e.to_string())
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
