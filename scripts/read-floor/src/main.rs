//! The read floor: what it costs just to find and read the files ctlint reads.
//!
//!     ctlint-read-floor DIR [DIR...]
//!
//! Discovery is a copy of `src/discover.rs` (ripgrep's parallel walker with the same settings:
//! `.gitignore`, `.ignore` and global excludes honoured, hidden files walked, `.terraform/`,
//! `.terragrunt-cache/`, `.git/` and `node_modules/` never entered, links not followed, the same
//! candidate names), then the paths are sorted and de-duplicated as ctlint does. Reading is a
//! copy of `src/load.rs` without the parse: one `open`, the size from `fstat` on that handle, a
//! `read_to_end` into a buffer of that size, and the UTF-8 check that turns the bytes into text,
//! one rayon task per file on the default thread pool (as ctlint's scan). Nothing is parsed;
//! every text is kept alive until the end, as ctlint keeps its sources.
//!
//! Prints `files N bytes B` so that a caller can check it read what ctlint read. With `--list`
//! it reads nothing and prints the discovered paths instead, NUL-separated (for `xargs -0 cat`).
//! Keep it in step with `src/discover.rs` and `src/load.rs`.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;

const SKIPPED_DIRS: [&str; 4] = [".terraform", ".terragrunt-cache", ".git", "node_modules"];
const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

fn is_candidate(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tf")
        || lower.ends_with(".tf.json")
        || lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || lower.ends_with(".template")
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let files = Mutex::new(Vec::new());
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
        let canonical_root = &canonical_root;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return WalkState::Continue;
            };
            let path = entry.path();
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            let keep = if ft.is_file() {
                is_candidate(path)
            } else if ft.is_symlink() {
                is_candidate(path)
                    && std::fs::canonicalize(path)
                        .is_ok_and(|target| target.starts_with(canonical_root) && target.is_file())
            } else {
                false
            };
            if keep {
                files.lock().expect("file list").push(path.to_path_buf());
            }
            WalkState::Continue
        })
    });
    files.into_inner().expect("file list")
}

fn read(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len > MAX_FILE_SIZE {
        return None;
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

fn main() {
    let mut list = false;
    let roots: Vec<PathBuf> = std::env::args_os()
        .skip(1)
        .filter(|a| {
            let flag = a == "--list";
            list |= flag;
            !flag
        })
        .map(PathBuf::from)
        .collect();
    if roots.is_empty() {
        eprintln!("usage: ctlint-read-floor [--list] DIR [DIR...]");
        std::process::exit(2);
    }
    let mut found = BTreeSet::new();
    for root in &roots {
        found.extend(walk(root));
    }
    let paths: Vec<PathBuf> = found.into_iter().collect();
    if list {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for p in &paths {
            out.write_all(p.as_os_str().as_encoded_bytes()).and_then(|_| out.write_all(b"\0")).expect("stdout");
        }
        return;
    }
    let texts: Vec<Option<String>> = paths.par_iter().map(|p| read(p)).collect();
    let bytes: usize = texts.iter().flatten().map(String::len).sum();
    println!("files {} bytes {}", paths.len(), bytes);
}
