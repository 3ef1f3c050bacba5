//! ctlint: a static compliance linter for the Terraform and CloudFormation that sets up AWS
//! CloudTrail logging.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! discover ─► load (read, classify, parse: HCL / YAML / JSON with byte spans) ─► adapt
//! (Terraform modules | CloudFormation templates | policy JSON → one model) ─► resolve (links:
//! trail → bucket, log group, role, key; log group → key) ─► rules (JSONPath + predicates +
//! builtins → verdicts) ─► suppress (`ctlint:ignore`, Metadata, baseline) ─► report (human, json,
//! sarif, junit, github, compact)
//! ```
//!
//! [`lint`] runs it; the library never prints, renderers in [`report`] turn a [`Report`] into
//! text.

pub mod adapt;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod discover;
pub mod finding;
pub mod load;
pub mod model;
pub mod parse;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;

use std::collections::BTreeMap;
use std::path::PathBuf;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::adapt::AdaptOptions;
use crate::config::Config;
use crate::discover::Role;
use crate::finding::{Finding, Label, Severity, Verdict};
use crate::rules::eval::{Active, Tally};
use crate::rules::{Registry, Rule};
use crate::scan::Status;
use crate::source::SourceMap;

/// Everything a run needs besides the rule catalogue.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub config: Config,
    /// `--select` / `--ignore` from the command line, merged with the configuration's.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub profiles: Vec<String>,
    /// Per-rule severity overrides (configuration first, command line after).
    pub strict: bool,
    pub max_file_size: u64,
    pub adapt: AdaptOptions,
    /// A `.tf` file named on its own is read with the other files of its directory (its module),
    /// reporting only findings that touch it. Off, it is read alone.
    pub module_context: bool,
    /// Honour `ctlint:ignore` comments and CloudFormation `Metadata` (`--no-inline-ignores`
    /// turns them off).
    pub inline_ignores: bool,
    /// The day `until=` dates are compared with.
    pub today: suppress::Date,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            paths: vec![PathBuf::from(".")],
            config: Config::default(),
            select: Vec::new(),
            ignore: Vec::new(),
            profiles: Vec::new(),
            strict: false,
            max_file_size: load::DEFAULT_MAX_FILE_SIZE,
            adapt: AdaptOptions::default(),
            module_context: true,
            inline_ignores: true,
            today: suppress::today(),
        }
    }
}

impl Options {
    /// Options that run only the given rules (by code or name) on exactly `paths` (no module
    /// context): what rule tests use.
    pub fn only(paths: &[PathBuf], rules: &[&str]) -> Options {
        Options {
            paths: paths.to_vec(),
            select: rules.iter().map(|r| r.to_string()).collect(),
            module_context: false,
            ..Options::default()
        }
    }
}

/// A file-level problem that is not a finding (an unreadable path on the command line).
#[derive(Debug, Clone)]
pub struct ErrorEntry {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Files read as Terraform, CloudFormation or policy documents (parsed or not).
    pub files: usize,
    pub resources: usize,
    /// Unsuppressed failing findings by severity.
    pub by_severity: BTreeMap<Severity, usize>,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    pub suppressed: usize,
    pub parse_errors: usize,
    /// Why rules were not applicable (a trail's bucket in another account…).
    pub notes: Vec<String>,
}

pub struct Report {
    pub sources: SourceMap,
    /// Sorted by file, line, rule.
    pub findings: Vec<Finding>,
    pub errors: Vec<ErrorEntry>,
    pub summary: Summary,
    /// The rules that ran, for SARIF's rule table, in code order.
    pub rules: Vec<(Rule, Severity)>,
    /// Every rule × resource evaluated (pass, fail, unknown), for JUnit.
    pub evaluations: Vec<rules::eval::Evaluation>,
}

/// Stale baseline entries listed one by one in the summary; more are counted.
const STALE_LISTED: usize = 20;

impl Report {
    /// The exit code of SPEC §4: 2 when a file did not parse, else 1 when a failing finding at or
    /// above `fail_on` is not suppressed, else 0. Unknown findings do not fail the run unless
    /// `--strict` made them failures.
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

    /// Hide the findings a baseline lists (SPEC §6) and list, as summary notes, its entries that
    /// no longer match a finding.
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

/// Which rules run, with which severity: enabled by default or by a profile, or selected;
/// minus ignored ones. A non-empty selection replaces the default set.
pub fn active_rules<'r>(registry: &'r Registry, opts: &Options) -> Vec<Active<'r>> {
    let select: Vec<&String> = opts.config.select.iter().chain(&opts.select).collect();
    let ignore: Vec<&String> = opts.config.ignore.iter().chain(&opts.ignore).collect();
    let profiles: Vec<&String> = opts.config.profiles.iter().chain(&opts.profiles).collect();
    registry
        .rules
        .iter()
        .filter(|r| {
            let on = if select.is_empty() {
                r.enabled
                    || r.profiles.iter().any(|p| profiles.contains(&p))
                    || (r.code == "CT010" && opts.config.require_trail)
            } else {
                select.iter().any(|s| r.is(s))
            };
            on && !ignore.iter().any(|s| r.is(s))
        })
        .map(|rule| {
            let severity = opts
                .config
                .severity
                .iter()
                .rev()
                .find(|(id, _)| rule.is(id))
                .map_or(rule.severity, |(_, s)| *s);
            Active { rule, severity }
        })
        .collect()
}

/// Discover, load, adapt and resolve: the model a run would check.
pub fn build_model(opts: &Options) -> model::Model {
    let base = std::env::current_dir().unwrap_or_default();
    let (inputs, _) = discover::discover(&opts.paths, &globs(&opts.config.exclude), opts.module_context);
    let mut model = scan::scan(&inputs, &base, opts.max_file_size, &opts.adapt).model;
    resolve::resolve(&mut model);
    model
}

/// Run the pipeline.
pub fn lint(registry: &Registry, opts: &Options) -> Report {
    let base = std::env::current_dir().unwrap_or_default();
    let exclude = globs(&opts.config.exclude);
    let (inputs, discover_errors) = discover::discover(&opts.paths, &exclude, opts.module_context);
    let scanned = scan::scan(&inputs, &base, opts.max_file_size, &opts.adapt);
    let active = active_rules(registry, opts);
    let (sources, files, mut model) = (scanned.sources, scanned.files, scanned.model);

    let mut summary = Summary {
        resources: model.resources.len(),
        ..Summary::default()
    };
    let parse_rule = active.iter().find(|a| a.rule.code == "CT000");
    let mut parse_findings = Vec::new();
    let mut plan_notes = Vec::new();
    for f in &files {
        match &f.status {
            Status::Ignored => {}
            Status::Failed(e) => {
                summary.files += 1;
                summary.parse_errors += 1;
                // CT000 is reported even when not selected: a file that does not parse hides
                // every other finding in it.
                let (severity, name) = parse_rule.map_or((Severity::High, "parse-error".to_string()), |a| {
                    (a.severity, a.rule.name.clone())
                });
                let file = sources.get(f.id).display.clone();
                parse_findings.push(Finding {
                    code: "CT000".into(),
                    name,
                    severity,
                    verdict: Verdict::Fail,
                    message: format!("`{file}` cannot be read: {}", e.message),
                    fingerprint: Finding::fingerprint_of("CT000", &file, &file, ""),
                    resource: file,
                    primary: Label::new(e.span, e.message.clone()),
                    related: Vec::new(),
                    help: Some("fix the syntax error; the other files were still linted".into()),
                    attribute: String::new(),
                    suppressed: None,
                    target: None,
                });
            }
            Status::Plan => {
                // Recognised so that it is not silently skipped as "not ours", but plans are
                // not modelled yet: say so rather than pass them.
                plan_notes.push(format!(
                    "`{}` is a Terraform plan (`terraform show -json`); plan files are not checked yet",
                    sources.get(f.id).display
                ));
            }
            Status::Read => summary.files += 1,
        }
    }
    let targets: Vec<bool> = files.iter().map(|f| f.role == Role::Target).collect();

    resolve::resolve(&mut model);
    let (mut findings, mut tally) = {
        let resolver = resolve::Resolver::new(&model);
        let cx = rules::eval::Ctx {
            registry,
            model: &model,
            sources: &sources,
            resolver: &resolver,
            config: &opts.config,
        };
        rules::eval::evaluate(&active, &cx)
    };
    rayon::spawn(move || drop(model));
    findings.extend(parse_findings);

    // Findings only about context files (the rest of a named `.tf` file's module) are dropped.
    let is_target = |l: &Label| targets.get(l.span.file.0 as usize).copied().unwrap_or(true);
    findings.retain(|f| is_target(&f.primary) || f.related.iter().any(is_target));

    let mut errors: Vec<ErrorEntry> = Vec::new();
    if opts.inline_ignores {
        let scope = InlineRun {
            registry,
            active: &active,
            sources: &sources,
            targets: &targets,
        };
        errors.extend(apply_inline_ignores(&mut findings, &files, &scope, opts.today));
    }

    apply_per_path_ignores(&mut findings, &opts.config, &sources);
    if opts.strict {
        for f in &mut findings {
            if f.verdict == Verdict::Unknown {
                f.verdict = Verdict::Fail;
            }
        }
    }
    sort_findings(&mut findings, &sources);
    let evaluations = std::mem::take(&mut tally.evaluations);
    fill_summary(&mut summary, &findings, tally);
    summary.notes.extend(plan_notes);

    errors.extend(discover_errors.into_iter().map(|e| ErrorEntry {
        file: source::display_path(&e.path, &base),
        line: 1,
        column: 1,
        message: e.message,
    }));
    Report {
        sources,
        findings,
        errors,
        summary,
        rules: active.iter().map(|a| (a.rule.clone(), a.severity)).collect(),
        evaluations,
    }
}

/// What inline suppression needs to know about the run.
struct InlineRun<'a, 'r> {
    registry: &'r Registry,
    active: &'a [Active<'r>],
    sources: &'a SourceMap,
    /// Per file: named by the user (true) or read only as module context (false).
    targets: &'a [bool],
}

/// Apply the `ctlint:ignore` directives of every file to the findings and add CT900 for those
/// that matched nothing. Invalid directives in the files the user named are returned as errors
/// (exit 2); those in context files are ignored, as their findings are.
fn apply_inline_ignores(
    findings: &mut Vec<Finding>,
    files: &[scan::FileStatus],
    run: &InlineRun<'_, '_>,
    today: suppress::Date,
) -> Vec<ErrorEntry> {
    let (checked, invalid) = suppress::check(files.iter().flat_map(|f| &f.directives), run.registry);
    let in_target = |s: source::Span| run.targets.get(s.file.0 as usize).copied().unwrap_or(true);
    let errors = invalid
        .into_iter()
        .filter(|b| in_target(b.span))
        .map(|bad| {
            let file = run.sources.get(bad.span.file);
            let at = file.position(bad.span.start);
            ErrorEntry {
                file: file.display.clone(),
                line: at.line,
                column: at.column,
                message: bad.message,
            }
        })
        .collect();
    let used = suppress::apply(findings, &checked, today);
    let ran = |code: &String| run.active.iter().any(|a| &a.rule.code == code);
    if let Some(unused_rule) = run.active.iter().find(|a| a.rule.code == suppress::UNUSED_CODE) {
        for (c, _) in checked
            .iter()
            .zip(used)
            .filter(|(c, used)| !used && in_target(c.directive.span) && c.codes.iter().all(ran))
        {
            findings.push(suppress::unused_finding(unused_rule, c, run.sources));
        }
    }
    errors
}

fn globs(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

fn apply_per_path_ignores(findings: &mut Vec<Finding>, config: &Config, sources: &SourceMap) {
    if config.per_path_ignores.is_empty() {
        return;
    }
    let compiled: Vec<(GlobSet, &Vec<String>)> = config
        .per_path_ignores
        .iter()
        .map(|(g, rules)| (globs(std::slice::from_ref(g)), rules))
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

fn fill_summary(summary: &mut Summary, findings: &[Finding], tally: Tally) {
    summary.pass = tally.pass;
    summary.not_applicable = tally.not_applicable;
    summary.notes = tally.notes;
    count_findings(summary, findings);
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
