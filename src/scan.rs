//! Reading, parsing and adapting, one scope at a time.
//!
//! The inputs are grouped into scopes before anything is read: each directory's Terraform files
//! form a module, every other file stands alone. Scopes run in parallel; each reads and parses
//! its files, adapts them into model resources, and drops its parse trees at once. Only the
//! source texts (needed to render findings) and the model outlive a scope, which keeps memory
//! flat on large repositories.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::adapt::{self, AdaptOptions, ScopeFiles};
use crate::discover::{Input, Role, is_terraform};
use crate::finding::{Finding, PARSE_ERROR};
use crate::load::{self, Parsed};
use crate::model::{Model, Resource, Scope, ScopeId};
use crate::parse::ParseError;
use crate::rules::Registry;
use crate::rules::eval::Active;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::{self, Directive};

/// What became of one input file.
#[derive(Debug)]
pub enum Status {
    /// Read as Terraform, CloudFormation or a policy document.
    Read,
    /// Not a file ctlint reads.
    Ignored,
    /// Recognised as ours but unreadable: a CT000 finding.
    Failed(ParseError),
    /// A Terraform plan (recognised, not checked yet).
    Plan,
}

#[derive(Debug)]
pub struct FileStatus {
    pub id: FileId,
    pub role: Role,
    pub status: Status,
    /// Its `ctlint:ignore` directives, read while the parse tree was alive.
    pub directives: Vec<Directive>,
}

pub struct Scanned {
    pub sources: SourceMap,
    /// In input order; `files[i].id == FileId(i)`.
    pub files: Vec<FileStatus>,
    pub model: Model,
}

type ScopeResult = (
    Vec<(usize, SourceFile, Status, Vec<Directive>)>,
    Option<(Scope, Vec<Resource>)>,
);

pub fn scan(inputs: &[Input], base: &Path, max_size: u64, opts: &AdaptOptions) -> Scanned {
    let groups = group(inputs.iter().map(|i| i.path.as_path()));
    let results: Vec<ScopeResult> = groups
        .par_iter()
        .enumerate()
        .map(|(g, members)| {
            let parsed: Vec<(usize, SourceFile, Parsed, Vec<Directive>)> = members
                .par_iter()
                .map(|&i| {
                    let (source, parsed) = load::read_and_parse(&inputs[i], FileId(i as u32), base, max_size);
                    let directives = suppress::collect(&source.text, FileId(i as u32), &parsed);
                    (i, source, parsed, directives)
                })
                .collect();
            let files = ScopeFiles {
                files: parsed.iter().map(|(i, s, p, _)| (s, FileId(*i as u32), p)).collect(),
            };
            let adapted = std::panic::catch_unwind(AssertUnwindSafe(|| adapt::adapt_scope(&files, g as ScopeId, opts)));
            let mut failed_adapt = adapted.is_err();
            let scope = adapted.unwrap_or(None);
            let statuses = parsed
                .into_iter()
                .map(|(i, source, p, directives)| {
                    let status = match p {
                        Parsed::Failed(e) => Status::Failed(e),
                        Parsed::Ignored => Status::Ignored,
                        Parsed::Plan(_) => Status::Plan,
                        // An adapter panic is reported once, on the scope's first readable file.
                        _ if failed_adapt => {
                            failed_adapt = false;
                            Status::Failed(ParseError::new(
                                "internal error: reading this file's resources panicked (please report it)",
                                Span::new(FileId(i as u32), 0, 0),
                            ))
                        }
                        _ => Status::Read,
                    };
                    (i, source, status, directives)
                })
                .collect();
            (statuses, scope)
        })
        .collect();

    let mut slots: Vec<Option<(SourceFile, Status, Vec<Directive>)>> = (0..inputs.len()).map(|_| None).collect();
    let mut scopes = Vec::with_capacity(results.len());
    for (statuses, scope) in results {
        for (i, source, status, directives) in statuses {
            slots[i] = Some((source, status, directives));
        }
        scopes.push(scope);
    }
    let mut sources = SourceMap::default();
    let mut files = Vec::with_capacity(inputs.len());
    for (slot, input) in slots.into_iter().zip(inputs) {
        let (source, status, directives) = slot.expect("every input belongs to one scope");
        let id = sources.add(source);
        files.push(FileStatus {
            id,
            role: input.role,
            status,
            directives,
        });
    }
    Scanned {
        sources,
        files,
        model: adapt::assemble(scopes),
    }
}

/// What the files themselves say, before any rule runs.
pub struct FileOutcomes {
    /// CT000 for every file that is ours but cannot be read.
    pub findings: Vec<Finding>,
    /// Files read as Terraform, CloudFormation or policy documents (parsed or not).
    pub files: usize,
    pub parse_errors: usize,
    /// Files recognised but not checked (plans).
    pub notes: Vec<String>,
}

/// CT000 for the files that did not parse, reported even when the rule is not selected: a file
/// that does not parse hides every other finding in it. Its severity is the configured one when
/// the rule runs, else the catalogue's.
pub fn file_outcomes(
    files: &[FileStatus],
    sources: &SourceMap,
    registry: &Registry,
    active: &[Active<'_>],
) -> FileOutcomes {
    let (name, severity) = match active.iter().find(|a| a.rule.code == PARSE_ERROR) {
        Some(a) => (a.rule.name.as_str(), a.severity),
        None => registry
            .get(PARSE_ERROR)
            .map_or(("parse-error", crate::finding::Severity::High), |r| {
                (r.name.as_str(), r.severity)
            }),
    };
    let mut out = FileOutcomes {
        findings: Vec::new(),
        files: 0,
        parse_errors: 0,
        notes: Vec::new(),
    };
    for f in files {
        match &f.status {
            Status::Ignored => {}
            Status::Failed(e) => {
                out.files += 1;
                out.parse_errors += 1;
                let file = sources.get(f.id).display.clone();
                out.findings.push(Finding::parse_error(name, severity, file, e));
            }
            Status::Plan => {
                // Recognised so that it is not silently skipped as "not ours", but plans are
                // not modelled yet: say so rather than pass them.
                out.notes.push(format!(
                    "`{}` is a Terraform plan (`terraform show -json`); plan files are not checked yet",
                    sources.get(f.id).display
                ));
            }
            Status::Read => out.files += 1,
        }
    }
    out
}

/// Scopes of files, before reading: Terraform files by directory, anything else alone (indices
/// into `paths`). Ordered by each scope's first file, so scope ids are deterministic.
pub fn group<'a>(paths: impl Iterator<Item = &'a Path>) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut modules: HashMap<PathBuf, usize> = HashMap::new();
    for (i, path) in paths.enumerate() {
        if is_terraform(path) {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            match modules.get(&dir) {
                Some(&g) => groups[g].push(i),
                None => {
                    modules.insert(dir, groups.len());
                    groups.push(vec![i]);
                }
            }
        } else {
            groups.push(vec![i]);
        }
    }
    groups
}
