//! Terraform module instances: local module calls are evaluated as Terraform would, with the
//! callee's variables bound to the caller's arguments, its outputs usable in the caller, nested
//! modules, cycles and unreadable sources reported on the call.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const DIR: &str = "tests/fixtures/modules";

/// The Terraform files under `dir`, recursively.
fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            tf_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "tf") {
            out.push(p);
        }
    }
}

/// `(case, path linted, rules)`.
const CASES: &[(&str, &str, &[&str])] = &[
    ("flag", "flag", &["CT001"]),
    ("output", "output", &["CT001", "CT101"]),
    ("nested", "nested", &["CT001", "CT002"]),
    ("missing", "missing", &["CT000", "CT010"]),
    ("missing-output", "missing-output", &["CT000", "CT003"]),
    ("cycle", "cycle", &["CT000", "CT001"]),
    ("repo", "repo/examples/simple", &["CT001"]),
    ("repo", "repo", &["CT001"]),
    ("registry", "registry", &["CT000", "CT001"]),
];

#[test]
fn module_cases_match_their_markers() {
    let registry = common::registry();
    let mut failures = Vec::new();
    for (case, path, rules) in CASES {
        let mut files = Vec::new();
        tf_files(&Path::new(DIR).join(case), &mut files);
        let expected: BTreeSet<common::Mark> = files.iter().flat_map(|f| common::markers(f)).collect();
        let report = common::lint(&registry, &[Path::new(DIR).join(path)], rules);
        let actual = common::actual_marks(&report);
        if expected != actual {
            failures.push(format!(
                "{path}:\n  expected {expected:?}\n  actual   {actual:?}\n{}",
                common::render_plain(&report)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn addresses_carry_the_module_path_and_arguments_point_at_the_caller() {
    let registry = common::registry();
    let report = common::lint(&registry, &[PathBuf::from(DIR).join("nested")], &["CT001", "CT002"]);
    let ct001 = report.findings.iter().find(|f| f.code == "CT001").expect("CT001");
    assert_eq!(ct001.resource, "module.baseline.module.trail.aws_cloudtrail.this");
    assert!(
        ct001
            .message
            .contains("argument `multi` of module.baseline.module.trail"),
        "{}",
        ct001.message
    );
    // The module's own line is related.
    let related: Vec<_> = ct001
        .related
        .iter()
        .map(|l| ctlint::report::loc(&report.sources, l.span))
        .map(|l| (l.file, l.line))
        .collect();
    assert!(
        related.contains(&(format!("{DIR}/nested/trail/main.tf"), 8)),
        "{related:?}"
    );
    // A value written in the module: the module's line, the calls related.
    let ct002 = report.findings.iter().find(|f| f.code == "CT002").expect("CT002");
    let calls: Vec<_> = ct002
        .related
        .iter()
        .map(|l| ctlint::report::loc(&report.sources, l.span).line)
        .collect();
    assert_eq!(calls, vec![5, 1], "{:?}", ct002.related);
}

#[test]
fn module_findings_render() {
    let registry = common::registry();
    let paths: Vec<PathBuf> = ["flag", "output", "nested", "missing", "cycle", "repo/examples/simple"]
        .iter()
        .map(|p| PathBuf::from(DIR).join(p))
        .collect();
    let report = common::lint(&registry, &paths, &["CT000", "CT001", "CT002", "CT003", "CT101"]);
    insta::assert_snapshot!(
        "modules_json",
        ctlint::report::render(&report, ctlint::report::Format::Json, Default::default())
    );
}

/// `ctlint check .` in a module's example, as a user would run it: the module at `../..` is
/// read and its instance's findings are reported at the example's argument.
#[test]
fn check_in_an_example_directory_reports_the_module_instance() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(["check", ".", "--select", "CT001", "--format", "compact"])
        .current_dir(format!("{DIR}/repo/examples/simple"))
        .output()
        .expect("ctlint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("main.tf:3:"), "{stdout}");
    assert!(stdout.contains("CT001"), "{stdout}");
}
