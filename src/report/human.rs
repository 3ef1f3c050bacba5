//! Human output: one miette diagnostic per finding, with the source snippet, the primary label,
//! related labels (same file inline; other files as follow-up notes) and help; then a summary
//! line (docs/output-formats.md#human).

use std::collections::HashMap;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Severity as MSeverity,
    SourceCode,
};

use super::Style;
use super::snippet::Snippet;
use crate::Report;
use crate::finding::{Cause, Finding, Label, Severity, Verdict};
use crate::model::Kind;
use crate::source::{SourceMap, Span};

pub fn render(report: &Report, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(if style.width == 0 { 100 } else { style.width })
        .with_links(false)
        .with_context_lines(1);
    let mut out = String::new();
    // Suppressed findings are counted in the summary, not shown; JSON and SARIF keep them.
    let shown: Vec<&Finding> = report.findings.iter().filter(|f| f.suppressed.is_none()).collect();
    // Unknowns of several rules with one cause on one resource are shown once.
    let mut by_cause: HashMap<(&Cause, &str), Vec<usize>> = HashMap::new();
    for (i, f) in shown.iter().enumerate() {
        if let (Verdict::Unknown, Some(c)) = (f.verdict, &f.cause) {
            by_cause.entry((c, f.resource.as_str())).or_default().push(i);
        }
    }
    let mut done = vec![false; shown.len()];
    for (i, f) in shown.iter().enumerate() {
        if done[i] {
            continue;
        }
        let group = f
            .cause
            .as_ref()
            .filter(|_| f.verdict == Verdict::Unknown)
            .and_then(|c| by_cause.get(&(c, f.resource.as_str())))
            .filter(|g| g.len() > 1);
        match group {
            Some(members) => {
                let members: Vec<&Finding> = members.iter().map(|j| shown[*j]).collect();
                for j in by_cause[&(f.cause.as_ref().expect("grouped by cause"), f.resource.as_str())].iter() {
                    done[*j] = true;
                }
                draw(&handler, &report.sources, &grouped(&members), &mut out);
            }
            None => draw(&handler, &report.sources, &single(f), &mut out),
        }
    }
    for e in &report.errors {
        out.push_str(&format!("error: {}:{}:{}: {}\n", e.file, e.line, e.column, e.message));
    }
    out.push_str(&summary(report));
    out
}

fn severity_of(f: &Finding) -> MSeverity {
    match (f.verdict, f.severity) {
        (Verdict::Unknown, _) | (_, Severity::Info) => MSeverity::Advice,
        (_, Severity::Critical | Severity::High) => MSeverity::Error,
        _ => MSeverity::Warning,
    }
}

/// Labels this many lines apart or closer share a snippet; further apart, each group of labels
/// gets a snippet of its own.
const GAP: u32 = 4;
/// A label over more lines than this is shown on its first line, with the lines it covers.
const MAX_LABEL_LINES: u32 = 15;

/// What one diagnostic shows: a finding, or the unknowns one cause gives.
struct Shown {
    code: String,
    message: String,
    severity: MSeverity,
    primary: Label,
    related: Vec<Label>,
    help: Option<String>,
    /// The heading of related snippets: "related to CT001 aws_cloudtrail.main".
    related_to: String,
}

fn single(f: &Finding) -> Shown {
    let mut code = format!("{}({}) {}", f.code, f.name, f.severity);
    if f.verdict == Verdict::Unknown {
        code.push_str(", unknown");
    }
    Shown {
        code,
        message: f.message.clone(),
        severity: severity_of(f),
        primary: f.primary.clone(),
        related: f.related.clone(),
        help: f.help.clone(),
        related_to: format!("related to {} {}", f.code, f.resource),
    }
}

/// One diagnostic for the unknowns of several rules that one cause gives on one resource: the
/// cause, the rules it blocks, the advice; the related labels of them all, once each.
fn grouped(members: &[&Finding]) -> Shown {
    let first = members[0];
    let cause = first.cause.as_ref().expect("grouped findings have a cause");
    let codes: Vec<&str> = members.iter().map(|f| f.code.as_str()).collect();
    let rules: Vec<String> = members.iter().map(|f| format!("{} {}", f.code, f.name)).collect();
    let mut related: Vec<Label> = Vec::new();
    for l in members.iter().flat_map(|f| &f.related) {
        if !related.contains(l) {
            related.push(l.clone());
        }
    }
    Shown {
        code: format!("{}, unknown", codes.join(" ")),
        message: format!(
            "cannot tell {}, so {} rules cannot be checked ({}): {}",
            cause.what,
            members.len(),
            rules.join(", "),
            cause.state
        ),
        severity: MSeverity::Advice,
        primary: first.primary.clone(),
        related,
        help: Some(cause.advice.clone()),
        related_to: format!("related to {} {}", codes.join(" "), first.resource),
    }
}

fn draw(handler: &GraphicalReportHandler, sources: &SourceMap, f: &Shown, out: &mut String) {
    let primary = shown(sources, &f.primary);
    let related: Vec<Label> = f.related.iter().map(|l| shown(sources, l)).collect();
    let (here, groups) = cluster(sources, &primary, &related);
    let file = sources.get(primary.span.file);
    let spans: Vec<Span> = std::iter::once(primary.span)
        .chain(here.iter().map(|l| l.span))
        .collect();
    let (snippet, mapped) = Snippet::new(file, &spans, 1);
    let mut d = MietteDiagnostic::new(f.message.clone())
        .with_code(f.code.clone())
        .with_severity(f.severity)
        .with_label(labeled(&primary, mapped[0], true));
    for (l, at) in here.iter().zip(&mapped[1..]) {
        d = d.and_label(labeled(l, *at, false));
    }
    if let Some(h) = &f.help {
        d = d.with_help(h.clone());
    }
    let _ = handler.render_report(
        out,
        &WithSource {
            diag: &d,
            source: &snippet,
        },
    );
    for group in groups {
        let other = sources.get(group[0].span.file);
        let spans: Vec<Span> = group.iter().map(|l| l.span).collect();
        let (snippet, mapped) = Snippet::new(other, &spans, 1);
        let mut note = MietteDiagnostic::new(f.related_to.clone())
            .with_severity(MSeverity::Advice)
            .with_label(labeled(group[0], mapped[0], true));
        for (l, at) in group[1..].iter().zip(&mapped[1..]) {
            note = note.and_label(labeled(l, *at, false));
        }
        let _ = handler.render_report(
            out,
            &WithSource {
                diag: &note,
                source: &snippet,
            },
        );
    }
}

/// The first and last line (0-based) a span covers.
fn lines(sources: &SourceMap, span: Span) -> (u32, u32) {
    let file = sources.get(span.file);
    let first = file.line_of(span.start);
    let last = file.line_of(span.end.saturating_sub(1).max(span.start));
    (first, last.max(first))
}

/// A label as shown: one over many lines (a whole policy) is cut to its first line, which says
/// which lines it covers, so that the excerpt stays short.
fn shown(sources: &SourceMap, l: &Label) -> Label {
    let (first, last) = lines(sources, l.span);
    if last - first < MAX_LABEL_LINES {
        return l.clone();
    }
    let (_, end) = sources.get(l.span.file).line_range(first);
    let mut span = l.span;
    span.end = (end as u32).max(span.start);
    Label::new(span, format!("{} (lines {}–{})", l.message, first + 1, last + 1))
}

/// The related labels shown with the primary one (same file, a few lines apart), and the others
/// in groups of nearby labels, each group in one file, in the order the finding lists them.
fn cluster<'l>(sources: &SourceMap, primary: &Label, related: &'l [Label]) -> (Vec<&'l Label>, Vec<Vec<&'l Label>>) {
    let near = |a: (u32, u32), b: (u32, u32)| b.0 <= a.1 + GAP && a.0 <= b.1 + GAP;
    let ranges: Vec<(u32, u32)> = related.iter().map(|l| lines(sources, l.span)).collect();
    let mut taken = vec![false; related.len()];
    let grow = |file, mut range: (u32, u32), taken: &mut Vec<bool>| -> Vec<usize> {
        let mut members = Vec::new();
        loop {
            let before = members.len();
            for (i, l) in related.iter().enumerate() {
                if !taken[i] && l.span.file == file && near(range, ranges[i]) {
                    taken[i] = true;
                    members.push(i);
                    range = (range.0.min(ranges[i].0), range.1.max(ranges[i].1));
                }
            }
            if members.len() == before {
                break;
            }
        }
        members.sort_unstable();
        members
    };
    let here = grow(primary.span.file, lines(sources, primary.span), &mut taken)
        .into_iter()
        .map(|i| &related[i])
        .collect();
    let mut groups = Vec::new();
    for i in 0..related.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let mut members = vec![i];
        members.extend(grow(related[i].span.file, ranges[i], &mut taken));
        members.sort_unstable();
        groups.push(members.into_iter().map(|i| &related[i]).collect());
    }
    (here, groups)
}

/// A diagnostic with its source attached. `miette::Report::with_source_code` would do the same,
/// but every `Report` asks the global hook for a handler, which probes the terminal again
/// (a few `ioctl`s per finding); the handler here is built once per run.
struct WithSource<'a> {
    diag: &'a MietteDiagnostic,
    source: &'a dyn SourceCode,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diag, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.code()
    }
    fn severity(&self) -> Option<MSeverity> {
        self.diag.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diag.labels()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
}

/// A label at its place in the snippet (`at`: offset and length there).
fn labeled(l: &Label, at: (usize, usize), primary: bool) -> LabeledSpan {
    let span = at;
    if primary {
        LabeledSpan::new_primary_with_span(Some(l.message.clone()), span)
    } else {
        LabeledSpan::new_with_span(Some(l.message.clone()), span)
    }
}

/// `ctlint: 3 files, 12 resources (1 trail, …): 4 findings (1 high, 3 medium), 1 unknown, 2 not
/// applicable, 0 suppressed`, then why rules were not applicable and the notes.
pub fn summary(report: &Report) -> String {
    let s = &report.summary;
    let fails: usize = s.fail;
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| s.by_severity.get(sev).filter(|n| **n > 0).map(|n| format!("{n} {sev}")))
        .collect();
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|k| s.resources_by_kind.get(k).map(|n| format!("{n} {}", noun(*k, *n))))
        .collect();
    let kinds = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    let mut line = format!(
        "ctlint: {} file{}, {} resource{}{kinds}: {} failing finding{}",
        s.files,
        plural(s.files),
        s.resources,
        plural(s.resources),
        fails,
        plural(fails)
    );
    if !by_sev.is_empty() {
        line.push_str(&format!(" ({})", by_sev.join(", ")));
    }
    line.push_str(&format!(
        ", {} unknown, {} not applicable, {} suppressed",
        s.unknown, s.not_applicable, s.suppressed
    ));
    if s.parse_errors > 0 {
        line.push_str(&format!(
            ", {} file{} not parsed",
            s.parse_errors,
            plural(s.parse_errors)
        ));
    }
    line.push('\n');
    let na = s.not_applicable_by;
    let why: Vec<String> = [
        (na.outside, "about resources outside the scanned files (named below)"),
        (
            na.unset,
            "about links that are not set (no log group, role or KMS key…)",
        ),
        (na.condition, "where the rule's conditions do not hold for its target"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !why.is_empty() {
        line.push_str(&format!("  not applicable: {}\n", why.join("; ")));
    }
    for n in &s.notes {
        line.push_str(&format!("  note: {n}\n"));
    }
    line
}

/// A kind's noun for a count of `n`: "1 trail", "2 policies".
fn noun(kind: Kind, n: usize) -> String {
    let one = kind.noun();
    match (n, kind) {
        (1, _) => one.to_string(),
        (_, Kind::Policy) => "policies".to_string(),
        (_, Kind::KeyAlias) => "KMS aliases".to_string(),
        _ => format!("{one}s"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
