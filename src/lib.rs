//! ctlint: a static compliance linter for the Terraform and CloudFormation that sets up AWS
//! CloudTrail logging.
//!
//! The pipeline, one module per stage, as [`lint`] runs it:
//!
//! ```text
//! discover ─► scan (per scope: read, parse with byte spans, adapt Terraform modules,
//! CloudFormation templates and policy JSON into one model) ─► resolve (links: trail → bucket,
//! log group, role, key; log group → key) ─► rules (JSONPath + predicates + builtins → verdicts)
//! ─► suppress (`ctlint:ignore`, Metadata, per-path ignores) ─► report (counts, order; rendered
//! as human, json, sarif, junit, github, compact)
//! ```
//!
//! The library never prints: renderers in [`report`] turn a [`Report`] into text, and [`cli`]
//! writes it. The contract (inputs, verdicts, command line, formats, limits) is in `docs/`.

pub(crate) mod adapt;
pub mod baseline;
pub mod cli;
pub mod config;
pub(crate) mod diagnostic;
pub mod discover;
pub mod filter_pattern;
pub mod finding;
pub mod load;
pub mod model;
pub(crate) mod options;
pub mod parse;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;

pub use diagnostic::Diagnostic;
pub use options::Options;
pub use report::{Report, Summary};

use crate::config::Settings;
use crate::finding::PARSE_ERROR;
use crate::model::Model;
use crate::rules::Registry;
use crate::scan::FileStatus;
use crate::source::SourceMap;

/// The front half of the pipeline: discover, scan and resolve.
pub struct Front {
    pub sources: SourceMap,
    /// In input order; `files[i].id == FileId(i)`.
    pub files: Vec<FileStatus>,
    /// Resolved: links are set.
    pub model: Model,
    /// Paths that could not be read.
    pub errors: Vec<Diagnostic>,
    /// What discovery skipped on purpose (symbolic links), for the summary.
    pub notes: Vec<String>,
}

/// Discover the inputs, read, parse and adapt them scope by scope, and resolve the links.
pub fn front(opts: &Options) -> Front {
    let base = std::env::current_dir().unwrap_or_default();
    let exclude = config::globs(&opts.config.exclude);
    let found = discover::discover(&opts.paths, &exclude, opts.module_context, &base);
    let scanned = scan::scan(&found.inputs, &base, opts.max_file_size, &opts.adapt);
    let mut model = scanned.model;
    resolve::resolve(&mut model);
    Front {
        sources: scanned.sources,
        files: scanned.files,
        model,
        errors: found.errors,
        notes: found.notes,
    }
}

/// The model a run would check (`ctlint model`).
pub fn build_model(opts: &Options) -> Model {
    front(opts).model
}

/// Run the pipeline.
pub fn lint(registry: &Registry, opts: &Options) -> Report {
    let active = rules::select::active(registry, opts);
    let Front {
        sources,
        files,
        model,
        errors: mut diagnostics,
        notes: discover_notes,
    } = front(opts);

    // Files that are ours but do not parse are CT000 findings.
    let outcomes = scan::file_outcomes(&files, &sources, registry, &active);
    let mut notes = discover_notes;
    notes.extend(outcomes.notes);
    notes.extend(model.notes.iter().cloned());
    let summary = Summary {
        files: outcomes.files,
        resources: model.resources.len(),
        resources_by_kind: model.resources.iter().fold(Default::default(), |mut m, r| {
            *m.entry(r.kind).or_default() += 1;
            m
        }),
        parse_errors: outcomes.parse_errors,
        notes,
        ..Summary::default()
    };

    let settings = Settings {
        config: &opts.config,
        registry,
    };
    let (mut findings, tally) = rules::run(&active, registry, &model, &sources, &settings);
    findings.extend(scan::unread_module_findings(&model, &sources, registry, &active));
    // The model can be large; freeing it is not on the critical path.
    rayon::spawn(move || drop(model));
    findings.extend(outcomes.findings);

    let run = suppress::Run {
        registry,
        active: &active,
        sources: &sources,
        files: &files,
        inline: opts.inline_ignores,
        today: opts.today,
    };
    let mut errors = suppress::apply(&mut findings, &run, &opts.config);
    errors.append(&mut diagnostics);

    // The rules that ran, in code order, and the parse-error rule last, also when it was not
    // selected but a file did not parse: every finding's rule is described (SARIF).
    let mut ran: Vec<_> = active
        .iter()
        .filter(|a| a.rule.code != PARSE_ERROR)
        .map(|a| (a.rule.clone(), a.severity))
        .collect();
    let parse_rule = active
        .iter()
        .find(|a| a.rule.code == PARSE_ERROR)
        .map(|a| (a.rule.clone(), a.severity))
        .or_else(|| {
            findings
                .iter()
                .find(|f| f.is_parse_error())
                .and_then(|f| registry.get(PARSE_ERROR).map(|r| (r.clone(), f.severity)))
        });
    ran.extend(parse_rule);

    Report::assemble(report::Parts {
        sources,
        findings,
        errors,
        summary,
        tally,
        rules: ran,
        strict: opts.strict,
    })
}
