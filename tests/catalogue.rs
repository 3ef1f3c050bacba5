//! The catalogue's own contract: every rule has documentation whose bad and good examples behave
//! as documented (they are linted here), fixtures in both formats, and a file named after it.

mod common;

use std::path::{Path, PathBuf};

use common::registry;
use ctlint::finding::Verdict;
use ctlint::model::Format;

/// Rules built into a stage rather than evaluated on resources: CT000 (parsing) and CT900
/// (suppression, tested in `tests/suppress.rs`).
const BUILT_IN: &[&str] = &["CT000", "CT900"];

fn lint_text(dir: &Path, file: &str, text: &str, code: &str) -> ctlint::Report {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    common::lint(&registry(), &[path], &[code])
}

#[test]
fn documented_examples_behave_as_documented() {
    let mut problems = Vec::new();
    for rule in registry().rules.iter().filter(|r| !BUILT_IN.contains(&r.code.as_str())) {
        for (format, model_format, docs, file) in [
            ("terraform", Format::Terraform, &rule.docs.terraform, "main.tf"),
            (
                "cloudformation",
                Format::CloudFormation,
                &rule.docs.cloudformation,
                "template.yaml",
            ),
        ] {
            let Some(d) = docs else {
                problems.push(format!("{}: no [docs.{format}]", rule.code));
                continue;
            };
            // A rule that does not apply to a format (`formats`) has no bad example there, and
            // may have no good one; its docs say why, and an example given must not fire.
            let applies = rule.applies_to(model_format);
            if !applies && d.bad.is_some() {
                problems.push(format!(
                    "{}: a {format} bad example, but the rule does not apply to {format}",
                    rule.code
                ));
            }
            if !applies && d.fix.trim().is_empty() {
                problems.push(format!(
                    "{}: no {format} fix saying why the rule does not apply",
                    rule.code
                ));
            }
            for (kind, example) in [("bad", &d.bad), ("good", &d.good)] {
                let Some(text) = example else {
                    if applies {
                        problems.push(format!("{}: no {format} {kind} example", rule.code));
                    }
                    continue;
                };
                let dir = tempfile::tempdir().unwrap();
                let report = lint_text(dir.path(), file, text, &rule.code);
                let fails = report
                    .findings
                    .iter()
                    .filter(|f| f.code == rule.code && f.verdict == Verdict::Fail)
                    .count();
                let parse = report.summary.parse_errors;
                let ok = parse == 0
                    && if kind == "bad" {
                        fails > 0
                    } else {
                        report.findings.is_empty()
                    };
                if !ok {
                    problems.push(format!(
                        "{} {format} {kind} example: {} finding(s), {parse} parse error(s)\n{}",
                        rule.code,
                        report.findings.len(),
                        common::render_plain(&report)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_has_fixtures_in_both_formats() {
    let mut problems = Vec::new();
    for rule in registry().rules.iter().filter(|r| !BUILT_IN.contains(&r.code.as_str())) {
        let dir = PathBuf::from(format!("tests/fixtures/{}-{}", rule.code, rule.name));
        let names: Vec<String> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect(),
            Err(_) => {
                problems.push(format!("{}: no directory {}", rule.code, dir.display()));
                continue;
            }
        };
        for (kind, exts) in [
            ("good", &[".tf"][..]),
            ("bad", &[".tf"]),
            ("good", &[".yaml", ".json"]),
            ("bad", &[".yaml", ".json"]),
        ] {
            // A rule that does not apply to CloudFormation cannot fail there: its `good`
            // templates show that it is not applicable.
            let cfn = exts.contains(&".yaml");
            if kind == "bad" && cfn && !rule.applies_to(Format::CloudFormation) {
                continue;
            }
            if !names
                .iter()
                .any(|n| n.starts_with(kind) && exts.iter().any(|e| n.ends_with(e)))
            {
                problems.push(format!("{}: no {kind} fixture ending in {exts:?}", rule.code));
            }
        }
        if !names.iter().any(|n| n.ends_with(".json")) {
            problems.push(format!("{}: no JSON CloudFormation fixture", rule.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_files_are_named_after_their_rule() {
    for rule in registry().rules {
        assert_eq!(rule.origin, format!("rules/{}-{}.toml", rule.code, rule.name));
        assert!(!rule.title.is_empty() && !rule.docs.what.trim().is_empty() && !rule.docs.why.trim().is_empty());
        assert!(!rule.docs.references.is_empty(), "{}: no references", rule.code);
    }
}

#[test]
fn rules_can_be_found_by_code_name_and_any_case() {
    let r = registry();
    for rule in &r.rules {
        assert_eq!(r.get(&rule.code.to_lowercase()).unwrap().code, rule.code);
        assert_eq!(r.get(&rule.name.to_uppercase()).unwrap().code, rule.code);
    }
}

/// `ctlint explain CT207` lists every CIS monitoring control the rule judges, with its CIS
/// number and Security Hub id, from the code's own list; and the hand-written table of
/// docs/filter-patterns.md says the same.
#[test]
fn ct207_documents_every_control_it_judges() {
    use ctlint::filter_pattern::CONTROLS;
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = ctlint::cli::run(["ctlint", "explain", "CT207"].map(String::from), &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let text = String::from_utf8(out).unwrap();
    let docs = std::fs::read_to_string("docs/filter-patterns.md").unwrap();
    for c in CONTROLS {
        let sh = c.security_hub.unwrap_or("—");
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| {} ", c.cis)))
            .unwrap_or_else(|| panic!("explain CT207 has no row for CIS {}", c.cis));
        assert!(
            row.contains(&format!("| {sh} |")) && row.contains(c.title) && row.contains(c.id),
            "{row}"
        );
        assert!(
            text.contains(c.reference),
            "explain CT207 lacks the pattern of CIS {}",
            c.cis
        );
        let doc_row = format!("| {} | {} | {sh} | {} |", c.cis, c.cis_v1_2.unwrap_or("—"), c.title);
        assert!(docs.contains(&doc_row), "docs/filter-patterns.md lacks `{doc_row}`");
    }
    let rows = text.lines().filter(|l| l.starts_with("| 4.")).count();
    assert_eq!(rows, CONTROLS.len());
}
