//! `file:line:col: severity CODE name: message`, one finding per line (docs/output-formats.md#compact).

use super::loc;
use crate::Report;
use crate::finding::Verdict;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    // Suppressed findings are counted, not shown (as ruff does); JSON and SARIF keep them.
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        let l = loc(&report.sources, f.primary.span);
        let verdict = if f.verdict == Verdict::Unknown {
            " (unknown)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}:{}:{}: {} {} {}{verdict}: {}\n",
            l.file, l.line, l.column, f.severity, f.code, f.name, f.message
        ));
    }
    for e in &report.errors {
        out.push_str(&format!("{}:{}:{}: error: {}\n", e.file, e.line, e.column, e.message));
    }
    out
}
