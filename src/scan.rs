//! Reading, parsing and adapting, one scope at a time.
//!
//! The inputs are grouped into scopes before anything is read: each directory's Terraform files
//! form a module, every other file stands alone. Scopes run in parallel; each reads and parses
//! its files and, when it needs no other directory, adapts them into model resources and drops
//! its parse trees at once. Only Terraform modules that call local or installed modules, and the
//! modules they call, keep their trees until the module graph has been followed. The source
//! texts (needed to render findings) and the model outlive a scope, which keeps memory flat on
//! large repositories.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::adapt::{self, AdaptOptions, ScopeFiles};
use crate::discover::{Input, Role, is_terraform};
use crate::finding::{Finding, PARSE_ERROR};
use crate::load::{self, Parsed};
use crate::model::{Model, ScopeId};
use crate::parse::ParseError;
use crate::rules::Registry;
use crate::rules::eval::Active;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::{self, Directive};

/// What became of one input file.
#[derive(Debug)]
pub enum Status {
    /// Read as Terraform (a module or a plan), CloudFormation or a policy document.
    Read,
    /// Not a file ctlint reads.
    Ignored,
    /// Recognised as ours but unreadable: a CT000 finding.
    Failed(ParseError),
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

type ParsedFile = (usize, SourceFile, Parsed, Vec<Directive>);

fn parse_group(members: &[usize], inputs: &[Input], base: &Path, max_size: u64) -> Vec<ParsedFile> {
    members
        .par_iter()
        .map(|&i| {
            let (source, parsed) = load::read_and_parse(&inputs[i], FileId(i as u32), base, max_size);
            let directives = suppress::collect(&source.text, FileId(i as u32), &parsed);
            (i, source, parsed, directives)
        })
        .collect()
}

fn scope_files(parsed: &[ParsedFile]) -> ScopeFiles<'_> {
    ScopeFiles {
        files: parsed.iter().map(|(i, s, p, _)| (s, FileId(*i as u32), p)).collect(),
    }
}

/// The directory of a Terraform group.
fn group_dir(parsed: &[ParsedFile]) -> Option<PathBuf> {
    let (_, source, _, _) = parsed.first()?;
    terraform_dir(&source.path)
}

fn terraform_dir(path: &Path) -> Option<PathBuf> {
    is_terraform(path).then(|| {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        crate::source::normalize(&dir)
    })
}

/// The directory of a plan file's group.
fn plan_dir(parsed: &[ParsedFile]) -> Option<PathBuf> {
    match parsed {
        [(_, source, Parsed::Plan(_), _)] => {
            let dir = source.path.parent().map(Path::to_path_buf).unwrap_or_default();
            Some(crate::source::normalize(&dir))
        }
        _ => None,
    }
}

/// Where module sources may be read from: the git repository holding `dir`, else `fallback`.
pub(crate) fn repository_root(dir: &Path, fallback: &Path) -> PathBuf {
    let canonical = std::fs::canonicalize(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .unwrap_or_else(|_| dir.to_path_buf());
    canonical
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map_or_else(|| fallback.to_path_buf(), Path::to_path_buf)
}

/// The deepest directory holding every input (canonical), where module sources may be read
/// from when the scan is not in a git repository.
fn common_root(inputs: &[Input]) -> PathBuf {
    let mut root: Option<PathBuf> = None;
    for i in inputs {
        let dir = i
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let Ok(dir) = std::fs::canonicalize(dir) else { continue };
        root = Some(match root {
            None => dir,
            Some(r) => r
                .ancestors()
                .find(|a| dir.starts_with(a))
                .map(Path::to_path_buf)
                .unwrap_or(r),
        });
    }
    root.unwrap_or_default()
}

/// A file whose parse tree is gone: what became of it is settled.
type SettledFile = (usize, SourceFile, Status, Vec<Directive>);

/// One scope while the module graph is being followed.
enum Group {
    /// Parse trees kept: a Terraform module that calls modules, or one that is called.
    Live(Vec<ParsedFile>),
    /// Adapted as soon as it was parsed, its trees dropped: a scope that depends on no other
    /// directory (CloudFormation, policies, Terraform without local or installed module calls).
    Settled(Vec<SettledFile>, Option<adapt::Adapted>),
}

/// Whether a parsed group can be adapted on its own, before the other scopes are parsed: not a
/// Terraform module, or one whose module calls lead to no directory (no local sources, nothing
/// installed by `terraform init`). When such a module later turns out to be called, it is parsed
/// again for its instances; a shared module is rare next to the roots it keeps from piling up.
fn self_contained(parsed: &[ParsedFile]) -> bool {
    let Some(dir) = group_dir(parsed) else { return true };
    let bodies = adapt::terraform_bodies(&scope_files(parsed));
    let sources = adapt::terraform::module_sources(&bodies);
    sources.is_empty()
        || (sources
            .iter()
            .all(|s| adapt::terraform::local_source(&dir, s).is_none())
            && adapt::terraform::installed_modules(&dir).is_empty())
}

/// Adapt one root scope; an adapter panic is caught and reported on the scope's first file.
fn adapt_root(
    parsed: &[ParsedFile],
    scope: usize,
    opts: &AdaptOptions,
    modules: &adapt::terraform::Modules<'_>,
) -> (Option<adapt::Adapted>, bool) {
    let files = scope_files(parsed);
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
        adapt::adapt_scope(&files, scope as ScopeId, opts, modules)
    }));
    let failed = r.is_err();
    (r.unwrap_or(None), failed)
}

/// Drop a group's parse trees, keeping what became of each file.
fn settle(parsed: Vec<ParsedFile>, mut failed_adapt: bool) -> Vec<SettledFile> {
    parsed
        .into_iter()
        .map(|(i, source, p, directives)| {
            let status = match p {
                Parsed::Failed(e) => Status::Failed(e),
                Parsed::Ignored => Status::Ignored,
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
        .collect()
}

fn parse_and_settle(
    members: &[usize],
    inputs: &[Input],
    base: &Path,
    max_size: u64,
    scope: usize,
    opts: &AdaptOptions,
) -> (Group, Option<PathBuf>) {
    let parsed = parse_group(members, inputs, base, max_size);
    // A plan beside the `.tf` files it was made from supersedes their scope.
    let plan = plan_dir(&parsed);
    if !self_contained(&parsed) {
        return (Group::Live(parsed), plan);
    }
    let none = adapt::terraform::Modules::default();
    let (adapted, failed) = adapt_root(&parsed, scope, opts, &none);
    (Group::Settled(settle(parsed, failed), adapted), plan)
}

pub fn scan(inputs: &[Input], base: &Path, max_size: u64, opts: &AdaptOptions) -> Scanned {
    let mut inputs: Vec<Input> = inputs.to_vec();
    let mut groups = group(inputs.iter().map(|i| i.path.as_path()));
    // Parse every scope; those that need no other directory are adapted at once and their trees
    // dropped, so that memory holds the trees of module callers and callees only.
    let (mut state, mut plan_dirs): (Vec<Group>, Vec<Option<PathBuf>>) = groups
        .par_iter()
        .enumerate()
        .map(|(g, members)| parse_and_settle(members, &inputs, base, max_size, g, opts))
        .unzip();
    let mut dirs: Vec<Option<PathBuf>> = state.iter().map(Group::dir).collect();

    // Follow the local module calls to directories that were not among the inputs (an example
    // calling `../..`), inside the repository only.
    let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
    for (g, dir) in dirs.iter().enumerate() {
        if let Some(dir) = dir {
            by_dir.entry(dir.clone()).or_insert(g);
        }
    }
    let fallback_root = common_root(&inputs);
    let extra_role = if inputs.iter().any(|i| i.explicit) {
        Role::Context
    } else {
        Role::Target
    };
    let mut missing: HashMap<PathBuf, String> = HashMap::new();
    let mut installed: HashMap<PathBuf, HashMap<String, PathBuf>> = HashMap::new();
    let mut callees: Vec<Vec<usize>> = vec![Vec::new(); state.len()];
    let mut frontier: Vec<usize> = (0..state.len()).collect();
    while !frontier.is_empty() {
        let mut wanted: Vec<(usize, PathBuf)> = Vec::new();
        for &g in &frontier {
            let (Group::Live(parsed), Some(dir)) = (&state[g], &dirs[g]) else {
                continue;
            };
            let bodies = adapt::terraform_bodies(&scope_files(parsed));
            let mut remote = false;
            for source in adapt::terraform::module_sources(&bodies) {
                match adapt::terraform::local_source(dir, &source) {
                    Some(callee) => wanted.push((g, callee)),
                    None => remote = true,
                }
            }
            // Registry and git modules, where `terraform init` put them (when this directory is
            // used as a root module).
            if remote && !installed.contains_key(dir) {
                let found = adapt::terraform::installed_modules(dir);
                wanted.extend(found.values().map(|d| (g, d.clone())));
                installed.insert(dir.clone(), found);
            }
        }
        let first_new = groups.len();
        let mut reparse: Vec<usize> = Vec::new();
        for (caller, callee) in wanted {
            if let Some(&g) = by_dir.get(&callee) {
                callees[caller].push(g);
                if matches!(state[g], Group::Settled(..)) && !reparse.contains(&g) {
                    reparse.push(g);
                }
                continue;
            }
            if missing.contains_key(&callee) {
                continue;
            }
            let caller_dir = dirs[caller].clone().unwrap_or_default();
            let root = repository_root(&caller_dir, &fallback_root);
            let shown = crate::source::display_path(&callee, base);
            let listed = if callee.as_os_str().is_empty() {
                Path::new(".")
            } else {
                callee.as_path()
            };
            let files = match std::fs::canonicalize(listed) {
                Err(e) => Err(format!("`{shown}` cannot be read: {e}")),
                Ok(c) if !c.starts_with(&root) => Err(format!(
                    "`{shown}` is outside the repository being scanned (`{}`) and is not read",
                    root.display()
                )),
                Ok(c) if !c.is_dir() => Err(format!("`{shown}` is not a directory")),
                Ok(_) => {
                    let files = crate::discover::module_files(listed);
                    if files.is_empty() {
                        Err(format!("`{shown}` holds no Terraform files"))
                    } else {
                        Ok(files)
                    }
                }
            };
            match files {
                Err(why) => {
                    missing.insert(callee, why);
                }
                Ok(files) => {
                    let members: Vec<usize> = (inputs.len()..inputs.len() + files.len()).collect();
                    inputs.extend(files.into_iter().map(|path| Input {
                        path,
                        role: extra_role,
                        explicit: false,
                    }));
                    let g = groups.len();
                    groups.push(members);
                    callees.push(Vec::new());
                    by_dir.insert(callee, g);
                    callees[caller].push(g);
                }
            }
        }
        // A module adapted on its own turns out to be called: read it again for its instances.
        let again: Vec<Vec<ParsedFile>> = reparse
            .par_iter()
            .map(|&g| parse_group(&groups[g], &inputs, base, max_size))
            .collect();
        for (g, parsed) in reparse.into_iter().zip(again) {
            state[g] = Group::Live(parsed);
        }
        let new: Vec<Group> = groups[first_new..]
            .par_iter()
            .map(|members| Group::Live(parse_group(members, &inputs, base, max_size)))
            .collect();
        dirs.extend(new.iter().map(Group::dir));
        state.extend(new);
        frontier = (first_new..groups.len()).collect();
    }

    // Roots: the groups nobody calls, then, in order, any module left unreached (a cycle).
    let mut called = vec![false; state.len()];
    for c in callees.iter().flatten() {
        called[*c] = true;
    }
    let mut reached = vec![false; state.len()];
    let mut roots = vec![false; state.len()];
    let reach = |g: usize, reached: &mut Vec<bool>| {
        let mut stack = vec![g];
        while let Some(x) = stack.pop() {
            if !std::mem::replace(&mut reached[x], true) {
                stack.extend(callees[x].iter().copied());
            }
        }
    };
    for g in 0..state.len() {
        if !called[g] {
            roots[g] = true;
            reach(g, &mut reached);
        }
    }
    for g in 0..state.len() {
        if !reached[g] {
            roots[g] = true;
            reach(g, &mut reached);
        }
    }

    let mut modules = adapt::terraform::Modules {
        dirs: HashMap::new(),
        missing,
        installed,
        fallback_root: fallback_root.clone(),
    };
    let files_of: Vec<Option<ScopeFiles<'_>>> = state
        .iter()
        .map(|s| match s {
            Group::Live(p) => Some(scope_files(p)),
            Group::Settled(..) => None,
        })
        .collect();
    for (files, dir) in files_of.iter().zip(&dirs) {
        if let (Some(files), Some(dir)) = (files, dir) {
            modules
                .dirs
                .entry(dir.clone())
                .or_insert_with(|| adapt::terraform_bodies(files));
        }
    }
    let modules = &modules;
    let adapted: Vec<(Option<adapt::Adapted>, bool)> = state
        .par_iter()
        .enumerate()
        .map(|(g, s)| match s {
            Group::Live(parsed) if roots[g] => adapt_root(parsed, g, opts, modules),
            _ => (None, false),
        })
        .collect();
    drop(files_of);
    plan_dirs.resize(state.len(), None);

    let mut slots: Vec<Option<SettledFile>> = (0..inputs.len()).map(|_| None).collect();
    let mut scopes = Vec::with_capacity(adapted.len());
    for (s, (scope, failed)) in state.into_iter().zip(adapted) {
        let (settled, scope) = match s {
            Group::Live(parsed) => (settle(parsed, failed), scope),
            Group::Settled(settled, early) => (settled, early),
        };
        for f in settled {
            let i = f.0;
            slots[i] = Some(f);
        }
        scopes.push(scope);
    }
    let mut sources = SourceMap::default();
    let mut files = Vec::with_capacity(inputs.len());
    for (slot, input) in slots.into_iter().zip(&inputs) {
        let (_, source, status, directives) = slot.expect("every input belongs to one scope");
        let id = sources.add(source);
        files.push(FileStatus {
            id,
            role: input.role,
            status,
            directives,
        });
    }
    // A plan beside the `.tf` files it was made from supersedes their scope (docs/inputs.md).
    adapt::plan::supersede(&mut scopes, &dirs, &plan_dirs);
    Scanned {
        sources,
        files,
        model: adapt::assemble(scopes),
    }
}

impl Group {
    fn dir(&self) -> Option<PathBuf> {
        match self {
            Group::Live(parsed) => group_dir(parsed),
            Group::Settled(files, _) => {
                let (_, source, _, _) = files.first()?;
                terraform_dir(&source.path)
            }
        }
    }
}

/// What the files themselves say, before any rule runs.
pub struct FileOutcomes {
    /// CT000 for every file that is ours but cannot be read.
    pub findings: Vec<Finding>,
    /// Files read as Terraform, CloudFormation or policy documents (parsed or not).
    pub files: usize,
    pub parse_errors: usize,
    /// Notes for the summary about files recognised but not checked (none at present).
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
    let (name, severity) = parse_rule(registry, active);
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
            Status::Read => out.files += 1,
        }
    }
    out
}

/// The parse-error rule's name and severity: as configured when it runs, else the catalogue's.
fn parse_rule<'r>(registry: &'r Registry, active: &[Active<'r>]) -> (&'r str, crate::finding::Severity) {
    match active.iter().find(|a| a.rule.code == PARSE_ERROR) {
        Some(a) => (a.rule.name.as_str(), a.severity),
        None => registry
            .get(PARSE_ERROR)
            .map_or(("parse-error", crate::finding::Severity::High), |r| {
                (r.name.as_str(), r.severity)
            }),
    }
}

/// An unknown CT000 finding on every module call whose source was not read (once per call).
pub fn unread_module_findings(
    model: &Model,
    sources: &SourceMap,
    registry: &Registry,
    active: &[Active<'_>],
) -> Vec<Finding> {
    let (name, severity) = parse_rule(registry, active);
    let mut seen = std::collections::HashSet::new();
    model
        .unread_modules
        .iter()
        .filter(|m| seen.insert(m.span))
        .map(|m| {
            let file = sources.get(m.span.file).display.clone();
            Finding::unread_module(name, severity, file, m)
        })
        .collect()
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
