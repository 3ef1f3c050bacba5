//! The CloudFormation examples and fixtures are valid templates: `cfn-lint` (pinned in
//! `requirements-dev.txt`) accepts them with no error. A bad fixture must be bad for the rule it
//! tests, not because CloudFormation would reject it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn templates() -> Vec<PathBuf> {
    let mut out = vec![
        PathBuf::from("examples/cloudformation/compliant.yaml"),
        PathBuf::from("examples/cloudformation/noncompliant.yaml"),
    ];
    let mut stack = vec![PathBuf::from("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) && is_template(&p)
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn is_template(p: &Path) -> bool {
    let text = std::fs::read_to_string(p).unwrap_or_default();
    text.contains("AWSTemplateFormatVersion") || text.contains("Resources")
}

#[test]
fn cloudformation_templates_pass_cfn_lint() {
    let files = templates();
    assert!(
        files.len() > 20,
        "expected the examples and fixtures, found {}",
        files.len()
    );
    let out = Command::new("cfn-lint")
        .arg("--format")
        .arg("parseable")
        .args(&files)
        .output()
        .expect("cfn-lint is not installed: run `pip install -r requirements-dev.txt`");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = stdout.lines().filter(|l| l.contains(":E")).collect();
    // cfn-lint exits 0 when clean, 4 for warnings only, 8 for informational; errors set bit 2.
    let code = out.status.code().unwrap_or(-1);
    assert!(
        errors.is_empty() && code & 2 == 0 && code >= 0,
        "cfn-lint reports errors (exit {code}):\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
