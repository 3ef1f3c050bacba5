//! Helpers shared by the integration tests: markers, running the pipeline, plain rendering.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ctlint::finding::Verdict;
use ctlint::report::{self, Format, Style};
use ctlint::rules::Registry;
use ctlint::{Options, Report};

/// `(file, line, code, verdict)` of one expected or actual finding.
pub type Mark = (String, u32, String, &'static str);

pub fn registry() -> Registry {
    Registry::load(None).expect("the embedded catalogue loads")
}

/// The files of a case: the case itself, or the files in its directory.
pub fn case_files(case: &Path) -> Vec<PathBuf> {
    if case.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && !p.to_string_lossy().ends_with(".expect"))
            .collect();
        files.sort();
        files
    } else {
        vec![case.to_path_buf()]
    }
}

/// The markers of a file: `# expect: CT001` / `# expect-unknown: CT001` /
/// `# expect-suppressed: CT001` (also after `//`), or
/// for JSON a sidecar `<file>.expect` with `<line> CT001 [unknown]` lines.
pub fn markers(file: &Path) -> BTreeSet<Mark> {
    let shown = file.to_string_lossy().replace('\\', "/");
    let mut out = BTreeSet::new();
    let sidecar = PathBuf::from(format!("{}.expect", file.display()));
    if file.extension().is_some_and(|e| e == "json") {
        if let Ok(text) = std::fs::read_to_string(&sidecar) {
            for l in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let mut parts = l.split_whitespace();
                let line: u32 = parts.next().unwrap().parse().expect("line number in .expect");
                let code = parts.next().expect("rule code in .expect").to_string();
                let verdict = match parts.next() {
                    Some("unknown") => "unknown",
                    Some("suppressed") => "suppressed",
                    _ => "fail",
                };
                out.insert((shown.clone(), line, code, verdict));
            }
        }
        return out;
    }
    let text = std::fs::read_to_string(file).unwrap();
    for (i, line) in text.lines().enumerate() {
        for (marker, verdict) in [
            ("expect-unknown:", "unknown"),
            ("expect-suppressed:", "suppressed"),
            ("expect:", "fail"),
        ] {
            let Some(pos) = line.find(marker) else { continue };
            let before = line[..pos].trim_end();
            if !(before.ends_with('#') || before.ends_with("//")) {
                continue;
            }
            for code in line[pos + marker.len()..].split(',') {
                let code = code.split_whitespace().next().unwrap_or("");
                if !code.is_empty() {
                    out.insert((shown.clone(), i as u32 + 1, code.to_string(), verdict));
                }
            }
            break;
        }
    }
    out
}

pub fn lint(registry: &Registry, paths: &[PathBuf], rules: &[&str]) -> Report {
    ctlint::lint(registry, &Options::only(paths, rules))
}

pub fn actual_marks(report: &Report) -> BTreeSet<Mark> {
    report
        .findings
        .iter()
        .map(|f| {
            let l = report::loc(&report.sources, f.primary.span);
            let verdict = if f.suppressed.is_some() {
                "suppressed"
            } else if f.verdict == Verdict::Unknown {
                "unknown"
            } else {
                "fail"
            };
            (l.file, l.line, f.code.clone(), verdict)
        })
        .collect()
}

/// Human output without colour, at a fixed width, for snapshots.
pub fn render_plain(report: &Report) -> String {
    report::render(
        report,
        Format::Human,
        Style {
            color: false,
            width: 100,
        },
    )
}

/// Run the real binary in `dir` with plain (uncoloured) output.
pub fn ctlint_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ctlint")
}
