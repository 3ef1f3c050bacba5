//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, so findings
//! show as annotations on the pull request. High and critical findings are errors, medium and
//! low warnings, info and unknown verdicts notices.

use super::loc;
use crate::Report;
use crate::finding::{Severity, Verdict};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        let l = loc(&report.sources, f.primary.span);
        let level = match (f.verdict, f.severity) {
            (Verdict::Unknown, _) | (_, Severity::Info) => "notice",
            (_, Severity::Critical | Severity::High) => "error",
            _ => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            property(&l.file),
            l.line,
            l.end_line,
            l.column,
            l.end_column,
            property(&format!("{} {}", f.code, f.name)),
            data(&f.message)
        ));
    }
    for e in &report.errors {
        out.push_str(&format!(
            "::error file={},line={}::{}\n",
            property(&e.file),
            e.line,
            data(&e.message)
        ));
    }
    out
}

/// Escape a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a workflow-command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
