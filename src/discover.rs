//! Discovery: which files to read.
//!
//! Directories are walked in parallel with ripgrep's walker, which honours `.gitignore` (also
//! outside git repositories), `.ignore` and global excludes. `.terraform/`, `.terragrunt-cache/`,
//! `.git/` and `node_modules/` are always skipped; symbolic links are followed only when they
//! stay inside the directory being walked, so loops and escapes are impossible. Candidates are
//! picked by name here (`.tf`, `.tf.json`, the auto-loaded `.tfvars`, `.yaml`, `.yml`, `.json`, `.template`); whether a
//! YAML or JSON file is CloudFormation, a policy or nothing of ours is decided from its content
//! by [`crate::classify`].
//!
//! A file named on the command line is always read. When it is a `.tf` file, the other `.tf`
//! files of its directory are loaded as context (a module spans its directory), but only
//! findings that touch the named files are reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use crate::diagnostic::Diagnostic;
use crate::source::display_path;

/// Directories never descended into, whatever the ignore files say.
pub const SKIPPED_DIRS: [&str; 4] = [".terraform", ".terragrunt-cache", ".git", "node_modules"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Findings in this file are reported.
    Target,
    /// Loaded only so that references resolve (the rest of a named `.tf` file's module).
    Context,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub role: Role,
    /// Named on the command line: read even if its name is not one we look for.
    pub explicit: bool,
}

/// Is this file name one we look at when walking directories?
pub fn is_candidate(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tf")
        || lower.ends_with(".tf.json")
        || crate::adapt::terraform::is_auto_tfvars(&lower)
        || lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || lower.ends_with(".template")
}

pub fn is_terraform(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Expand the command-line paths into the sorted, de-duplicated list of files to read.
/// With `module_context`, a named `.tf` file brings the rest of its directory as context.
/// Paths that cannot be read are diagnostics, shown relative to `base`.
pub fn discover(paths: &[PathBuf], exclude: &GlobSet, module_context: bool, base: &Path) -> Discovered {
    let mut found: BTreeMap<PathBuf, Input> = BTreeMap::new();
    let mut errors: Vec<(PathBuf, String)> = Vec::new();
    let mut links: Vec<PathBuf> = Vec::new();
    let mut named_dirs: Vec<PathBuf> = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                for file in walk(path, exclude, &mut errors, &mut links) {
                    found.entry(file.clone()).or_insert(Input {
                        path: file,
                        role: Role::Target,
                        explicit: false,
                    });
                }
            }
            Ok(_) => {
                let path = &clean(path.clone());
                found.insert(
                    path.clone(),
                    Input {
                        path: path.clone(),
                        role: Role::Target,
                        explicit: true,
                    },
                );
                if module_context && is_terraform(path) {
                    let dir = path
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new("."));
                    named_dirs.push(dir.to_path_buf());
                    for sibling in module_files(dir) {
                        found.entry(sibling.clone()).or_insert(Input {
                            path: sibling,
                            role: Role::Context,
                            explicit: false,
                        });
                    }
                }
            }
            Err(e) => errors.push((path.clone(), format!("cannot read `{}`: {e}", path.display()))),
        }
    }
    // A named file of a module that other modules call is checked in their instances: the
    // callers are context too (the instances' findings that touch the named files are reported).
    for dir in callers(&named_dirs, exclude) {
        for file in module_files(&dir) {
            found.entry(file.clone()).or_insert(Input {
                path: file,
                role: Role::Context,
                explicit: false,
            });
        }
    }
    let errors = errors
        .into_iter()
        .map(|(path, message)| Diagnostic::in_file(display_path(&path, base), message))
        .collect();
    links.sort();
    let notes = if links.is_empty() {
        Vec::new()
    } else {
        const LISTED: usize = 10;
        let shown: Vec<String> = links
            .iter()
            .take(LISTED)
            .map(|l| format!("`{}`", display_path(l, base)))
            .collect();
        let more = if links.len() > LISTED {
            format!(" and {} more", links.len() - LISTED)
        } else {
            String::new()
        };
        vec![format!(
            "{} symbolic link{} not followed (a linked directory, a loop, or a target outside the scanned directory): {}{more}",
            links.len(),
            if links.len() == 1 { " was" } else { "s were" },
            shown.join(", ")
        )]
    };
    Discovered {
        inputs: found.into_values().collect(),
        errors,
        notes,
    }
}

/// What discovery found.
pub struct Discovered {
    pub inputs: Vec<Input>,
    /// Paths that could not be read.
    pub errors: Vec<Diagnostic>,
    /// What was skipped on purpose and the user should know about (symbolic links).
    pub notes: Vec<String>,
}

/// The `.tf` and `.tf.json` files directly in `dir`, sorted.
pub fn module_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| clean(e.path()))
        .filter(|p| is_terraform(p))
        .collect();
    files.sort();
    files
}

/// The directories of the repository holding `targets` whose `module` blocks call one of them
/// through a local `source` (`./…`, `../…`), directly or through other callers. The repository
/// is the git work tree around the current directory's files; it is searched only when it is
/// the current directory or below it, so that the paths found match the named ones (pre-commit
/// runs at the top of the work tree). Sources are found in the text (`source = "../x"`,
/// `"source": "../x"`): a caller that is not a module is only read as context.
fn callers(targets: &[PathBuf], exclude: &GlobSet) -> Vec<PathBuf> {
    let Some(first) = targets.first() else {
        return Vec::new();
    };
    let Some(root) = std::fs::canonicalize(first)
        .ok()
        .and_then(|c| c.ancestors().find(|a| a.join(".git").exists()).map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    let Some(root) = std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| root.strip_prefix(&cwd).ok().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let dir_of = |p: &Path| crate::source::normalize(p.parent().unwrap_or(Path::new("")));
    let mut edges: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in walk(&root, exclude, &mut Vec::new(), &mut Vec::new()) {
        if !is_terraform(&file) {
            continue;
        }
        let small = std::fs::metadata(&file).is_ok_and(|m| m.len() <= crate::load::DEFAULT_MAX_FILE_SIZE);
        let Some(text) = small.then(|| std::fs::read_to_string(&file).ok()).flatten() else {
            continue;
        };
        let caller = dir_of(&file);
        for source in local_sources(&text) {
            edges.push((caller.clone(), crate::source::normalize(&caller.join(source))));
        }
    }
    let mut wanted: Vec<PathBuf> = targets.iter().map(|t| crate::source::normalize(t)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < wanted.len() {
        let callee = wanted[i].clone();
        for (caller, _) in edges.iter().filter(|(_, c)| *c == callee) {
            if !wanted.contains(caller) {
                wanted.push(caller.clone());
                out.push(if caller.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    caller.clone()
                });
            }
        }
        i += 1;
    }
    out
}

/// The local module sources written in a Terraform file: `source = "./x"` (HCL) or
/// `"source": "../x"` (JSON).
fn local_sources(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("source") {
        let rest = text[at + "source".len()..].trim_start_matches('"').trim_start();
        let Some(rest) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find(['"', '\n']) else { continue };
        let value = &rest[..end];
        if value.starts_with("./") || value.starts_with("../") || value == "." || value == ".." {
            out.push(value);
        }
    }
    out
}

/// Resolve `.` and `..` lexically so that a file is read once however its path was typed.
fn clean(path: PathBuf) -> PathBuf {
    let p = crate::source::normalize(&path);
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

fn walk(
    root: &Path,
    exclude: &GlobSet,
    errors: &mut Vec<(PathBuf, String)>,
    skipped_links: &mut Vec<PathBuf>,
) -> Vec<PathBuf> {
    let links = Mutex::new(Vec::new());
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let files = Mutex::new(Vec::new());
    let errs = Mutex::new(Vec::new());
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .ignore(true)
        .require_git(false)
        .parents(true)
        .follow_links(false)
        .filter_entry(|e| {
            let name = e.file_name().to_str().unwrap_or("");
            !(e.file_type().is_some_and(|t| t.is_dir()) && SKIPPED_DIRS.contains(&name))
        })
        .build_parallel();
    walker.run(|| {
        let files = &files;
        let errs = &errs;
        let canonical_root = &canonical_root;
        let links = &links;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errs.lock()
                        .expect("walker error list")
                        .push((root.to_path_buf(), e.to_string()));
                    return WalkState::Continue;
                }
            };
            let path = entry.path();
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            let keep = if ft.is_file() {
                is_candidate(path)
            } else if ft.is_symlink() {
                // Read a linked file only when it resolves inside the root; never follow
                // linked directories (loops, escapes), but say so.
                let target = std::fs::canonicalize(path);
                let inside_file = target
                    .as_ref()
                    .is_ok_and(|t| t.starts_with(canonical_root) && t.is_file());
                let linked_dir = target.as_ref().map_or(true, |t| t.is_dir());
                if (linked_dir || (is_candidate(path) && !inside_file)) && !exclude.is_match(path) {
                    links.lock().expect("walker link list").push(path.to_path_buf());
                }
                is_candidate(path) && inside_file
            } else {
                false
            };
            if keep && !exclude.is_match(path) {
                files.lock().expect("walker file list").push(clean(path.to_path_buf()));
            }
            WalkState::Continue
        })
    });
    errors.extend(errs.into_inner().expect("walker error list"));
    skipped_links.extend(links.into_inner().expect("walker link list"));
    let mut files = files.into_inner().expect("walker file list");
    files.sort();
    files
}
