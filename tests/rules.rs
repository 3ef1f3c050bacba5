//! Every rule fixture through the real pipeline (`tests/fixtures/<CODE>-<name>/<case>`).
//!
//! A case is a file or a directory (one Terraform module). Its name sets the contract: `good*`
//! gives no finding, `bad*` at least one failing finding, `unknown*` only unknown findings. The
//! `(file, line, rule, verdict)` of the findings must equal the case's `# expect:` markers, and the
//! rendered human and JSON output of `bad*` and `unknown*` cases is snapshotted. Adding a rule adds
//! fixtures here, and no Rust.

mod common;

use std::path::{Path, PathBuf};

use common::{actual_marks, case_files, lint, markers, registry, render_plain};

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new("tests/fixtures");
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some((code, _)) = name.split_once('-') else {
            continue;
        };
        if !code.starts_with("CT") {
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                !n.ends_with(".expect") && !n.ends_with(".md")
            })
            .collect();
        entries.sort();
        for e in entries {
            out.push((code.to_string(), e));
        }
    }
    out
}

#[test]
fn rule_fixtures() {
    let registry = registry();
    let mut problems = Vec::new();
    let mut count = 0;
    for (code, case) in cases() {
        count += 1;
        let rule = registry
            .get(&code)
            .unwrap_or_else(|| panic!("{}: no rule {code}", case.display()));
        let report = lint(&registry, std::slice::from_ref(&case), &[rule.code.as_str()]);
        let expected: std::collections::BTreeSet<_> = case_files(&case).iter().flat_map(|f| markers(f)).collect();
        let actual = actual_marks(&report);
        let kind = case.file_name().unwrap().to_string_lossy().to_string();
        if report.summary.parse_errors > 0 {
            problems.push(format!(
                "{}: does not parse:\n{}",
                case.display(),
                render_plain(&report)
            ));
            continue;
        }
        if expected != actual {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let extra: Vec<_> = actual.difference(&expected).collect();
            problems.push(format!(
                "{}:\n  expected but not found: {missing:?}\n  found but not expected: {extra:?}\n{}",
                case.display(),
                render_plain(&report)
            ));
            continue;
        }
        let fails = actual.iter().filter(|m| m.3 == "fail").count();
        let unknowns = actual.iter().filter(|m| m.3 == "unknown").count();
        let ok = if kind.starts_with("good") {
            actual.is_empty()
        } else if kind.starts_with("bad") {
            fails > 0
        } else if kind.starts_with("unknown") {
            unknowns > 0 && fails == 0
        } else {
            false
        };
        if !ok {
            problems.push(format!(
                "{}: a `{kind}` case must {}",
                case.display(),
                match &kind[..3] {
                    "goo" => "give no finding",
                    "bad" => "give a failing finding",
                    "unk" => "give only unknown findings",
                    _ => "be named good*, bad* or unknown*",
                }
            ));
            continue;
        }
        if !kind.starts_with("good") {
            let name = format!("{}", case.strip_prefix("tests/fixtures").unwrap().display()).replace('/', "__");
            insta::with_settings!({ snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false, input_file => &case }, {
                let json = ctlint::report::render(&report, ctlint::report::Format::Json, Default::default());
                insta::assert_snapshot!(name, format!("{}\n---- json ----\n{json}", render_plain(&report)));
            });
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(
        problems.is_empty(),
        "{} of {count} fixture cases fail:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}
