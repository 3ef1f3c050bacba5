//! The suppress stage (docs/suppression.md): findings the user accepted are marked, not dropped.
//!
//! - inline: `ctlint:ignore` comments and CloudFormation `Metadata` ([`directive`] reads them
//!   while each file's parse tree is alive, [`matching`] validates them and matches them to
//!   findings by place; CT900 reports those that matched nothing);
//! - per path: `per_path_ignores` of the configuration drop a rule's findings in matching files;
//! - context: findings only about files read for context (the rest of a named `.tf` file's
//!   module) are dropped.
//!
//! Baselines are applied after the report is built ([`crate::baseline`]), because writing one
//! needs the findings that are live before it.

mod directive;
mod matching;

pub use directive::{Date, Directive, KEYWORD, collect, parse_date, today};
pub use matching::{Checked, Invalid, check};

use globset::GlobSet;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Label};
use crate::rules::Registry;
use crate::rules::eval::Active;
use crate::scan::FileStatus;
use crate::source::{SourceMap, Span};

/// The rule that reports directives that suppress nothing.
pub const UNUSED_CODE: &str = "CT900";

/// What suppression needs to know about the run.
pub struct Run<'a, 'r> {
    pub registry: &'r Registry,
    pub active: &'a [Active<'r>],
    pub sources: &'a SourceMap,
    pub files: &'a [FileStatus],
    /// Honour inline directives (`--no-inline-ignores` turns them off).
    pub inline: bool,
    pub today: Date,
}

impl Run<'_, '_> {
    /// Was this file named by the user (true), or read only as module context (false)?
    fn is_target(&self, span: Span) -> bool {
        self.files
            .get(span.file.0 as usize)
            .is_none_or(|f| f.role == crate::discover::Role::Target)
    }
}

/// Apply every kind of suppression to `findings`; invalid directives in the files the user named
/// are returned (exit 2).
pub fn apply(findings: &mut Vec<Finding>, run: &Run<'_, '_>, config: &Config) -> Vec<Diagnostic> {
    let is_target = |l: &Label| run.is_target(l.span);
    // A context file that does not parse is kept: it changes the verdicts on the named files,
    // and it is why the run exits 2.
    findings.retain(|f| f.is_parse_error() || is_target(&f.primary) || f.related.iter().any(is_target));
    let errors = if run.inline { inline(findings, run) } else { Vec::new() };
    per_path(findings, config, run.sources);
    errors
}

/// Apply the `ctlint:ignore` directives of every file to the findings and add CT900 for those
/// that matched nothing. Invalid directives in context files are ignored, as their findings are.
fn inline(findings: &mut Vec<Finding>, run: &Run<'_, '_>) -> Vec<Diagnostic> {
    let (checked, invalid) = check(run.files.iter().flat_map(|f| &f.directives), run.registry);
    let errors = invalid
        .into_iter()
        .filter(|b| run.is_target(b.span))
        .map(|bad| {
            let file = run.sources.get(bad.span.file);
            let at = file.position(bad.span.start);
            Diagnostic {
                file: file.display.clone(),
                line: at.line,
                column: at.column,
                message: bad.message,
            }
        })
        .collect();
    let used = matching::apply(findings, &checked, run.today);
    let ran = |code: &String| run.active.iter().any(|a| &a.rule.code == code);
    if let Some(unused_rule) = run.active.iter().find(|a| a.rule.code == UNUSED_CODE) {
        for (c, _) in checked
            .iter()
            .zip(used)
            .filter(|(c, used)| !used && run.is_target(c.directive.span) && c.codes.iter().all(ran))
        {
            findings.push(matching::unused_finding(unused_rule, c, run.sources));
        }
    }
    errors
}

/// `per_path_ignores`: a rule's findings in files matching a glob are dropped.
fn per_path(findings: &mut Vec<Finding>, config: &Config, sources: &SourceMap) {
    if config.per_path_ignores.is_empty() {
        return;
    }
    let compiled: Vec<(GlobSet, &Vec<String>)> = config
        .per_path_ignores
        .iter()
        .map(|(g, rules)| (crate::config::globs(std::slice::from_ref(g)), rules))
        .collect();
    findings.retain(|f| {
        let file = &sources.get(f.primary.span.file).display;
        !compiled.iter().any(|(set, rules)| {
            set.is_match(file)
                && rules
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(&f.code) || r.eq_ignore_ascii_case(&f.name))
        })
    });
}
