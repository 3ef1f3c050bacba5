//! Inline suppressions and baselines (docs/suppression.md) through the real pipeline: the fixtures in
//! `tests/fixtures/suppress/` carry `# expect:` and `# expect-suppressed:` markers; invalid
//! directives are configuration errors with their location; CT900 reports the unused ones.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{actual_marks, case_files, markers, registry, render_plain};
use ctlint::Options;

const RULES: &[&str] = &["CT001", "CT002", "CT005", "CT101", "CT900"];

fn lint_with(paths: &[PathBuf], rules: &[&str], inline: bool) -> ctlint::Report {
    let opts = Options {
        inline_ignores: inline,
        today: (2026, 6, 1),
        ..Options::only(paths, rules)
    };
    ctlint::lint(&registry(), &opts)
}

fn expected(case: &Path) -> BTreeSet<common::Mark> {
    case_files(case).iter().flat_map(|f| markers(f)).collect()
}

#[test]
fn fixtures_suppress_what_their_markers_say() {
    for case in ["terraform", "cloudformation.yaml", "cloudformation.json"] {
        let case = Path::new("tests/fixtures/suppress").join(case);
        let report = lint_with(std::slice::from_ref(&case), RULES, true);
        assert!(report.errors.is_empty(), "{}: {:?}", case.display(), report.errors);
        assert_eq!(
            actual_marks(&report),
            expected(&case),
            "{}:\n{}",
            case.display(),
            render_plain(&report)
        );
        // Counted, not shown.
        let suppressed = report.findings.iter().filter(|f| f.suppressed.is_some()).count();
        assert!(suppressed > 0);
        assert_eq!(report.summary.suppressed, suppressed);
        let compact = ctlint::report::render(&report, ctlint::report::Format::Compact, Default::default());
        assert_eq!(compact.lines().count(), report.findings.len() - suppressed, "{compact}");
    }
}

#[test]
fn expired_suppressions_say_so() {
    let case = PathBuf::from("tests/fixtures/suppress/terraform");
    let report = lint_with(&[case], RULES, true);
    let live = report
        .findings
        .iter()
        .find(|f| f.code == "CT002" && f.suppressed.is_none())
        .expect("the expired CT002 suppression leaves its finding live");
    assert!(
        live.related
            .iter()
            .any(|l| l.message == "the suppression of this finding expired on 2026-01-31"),
        "{:?}",
        live.related
    );
}

#[test]
fn no_inline_ignores_reports_everything() {
    for case in ["terraform", "cloudformation.yaml", "cloudformation.json"] {
        let case = Path::new("tests/fixtures/suppress").join(case);
        let report = lint_with(std::slice::from_ref(&case), RULES, false);
        let want: BTreeSet<_> = expected(&case)
            .into_iter()
            .filter(|m| m.2 != "CT900")
            .map(|(f, l, c, _)| (f, l, c, "fail"))
            .collect();
        assert_eq!(actual_marks(&report), want, "{}", case.display());
    }
}

#[test]
fn unused_is_only_reported_for_rules_that_ran() {
    let case = PathBuf::from("tests/fixtures/suppress/terraform");
    let report = lint_with(&[case], &["CT002", "CT900"], true);
    let unused: Vec<_> = report.findings.iter().filter(|f| f.code == "CT900").collect();
    assert!(unused.is_empty(), "{}", render_plain(&report));
}

#[test]
fn suppressed_findings_do_not_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.tf");
    std::fs::write(
        &file,
        "# ctlint:ignore CT001 reason=\"org trail\"\nresource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n}\n",
    )
    .unwrap();
    let report = lint_with(std::slice::from_ref(&file), &["CT001"], true);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.exit_code(ctlint::finding::Severity::Low), 0);
    let report = lint_with(&[file], &["CT001"], false);
    assert_eq!(report.exit_code(ctlint::finding::Severity::Low), 1);
}

#[test]
fn invalid_directives_are_configuration_errors() {
    let case = PathBuf::from("tests/fixtures/suppress-invalid");
    let report = lint_with(&[case], RULES, true);
    let got: BTreeSet<(String, u32, u32, String)> = report
        .errors
        .iter()
        .map(|e| (e.file.clone(), e.line, e.column, e.message.clone()))
        .collect();
    let want: BTreeSet<(String, u32, u32, String)> = [
        (
            "main.tf",
            1,
            1,
            "ctlint:ignore CT001 has no reason: add `reason=\"…\"` to say why the finding is accepted",
        ),
        (
            "main.tf",
            2,
            17,
            "ctlint:ignore names an unknown rule `CT999` (see `ctlint rules`)",
        ),
        (
            "main.tf",
            3,
            1,
            "ctlint:ignore names no rule: write `ctlint:ignore CT003 reason=\"…\"`",
        ),
        (
            "main.tf",
            4,
            49,
            "ctlint:ignore has `until=2026-02-30`, which is not a date (YYYY-MM-DD)",
        ),
        (
            "main.tf",
            5,
            23,
            "invalid ctlint:ignore: unknown key `reson` (expected `reason=\"…\"` or `until=YYYY-MM-DD`)",
        ),
        (
            "template.yaml",
            7,
            13,
            "ctlint:ignore CT002 has no reason: add `reason=\"…\"` to say why the finding is accepted",
        ),
        (
            "template.yaml",
            9,
            13,
            "invalid ctlint:ignore: unknown key `reasn` in a ctlint ignore entry (expected `rule`, `reason`, `until`)",
        ),
        (
            "template.yaml",
            11,
            17,
            "ctlint:ignore names an unknown rule `trail-not-multiregion` (see `ctlint rules`)",
        ),
    ]
    .into_iter()
    .map(|(f, l, c, m)| (format!("tests/fixtures/suppress-invalid/{f}"), l, c, m.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(report.exit_code(ctlint::finding::Severity::Critical), 2);
    // The findings are still reported, unsuppressed.
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == "CT001" && f.suppressed.is_none())
    );
}

/// CT900's documented examples: the bad one fires it, the good one suppresses CT001 instead.
#[test]
fn unused_suppression_docs_examples() {
    let registry = registry();
    let rule = registry.get("CT900").unwrap();
    let docs = [
        ("main.tf", rule.docs.terraform.as_ref().unwrap()),
        ("template.yaml", rule.docs.cloudformation.as_ref().unwrap()),
    ];
    for (file, docs) in docs {
        for (text, fires) in [(docs.bad.as_ref().unwrap(), true), (docs.good.as_ref().unwrap(), false)] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(file);
            std::fs::write(&path, text).unwrap();
            let report = lint_with(&[path], &["CT001", "CT900"], true);
            let codes: Vec<(&str, bool)> = report
                .findings
                .iter()
                .map(|f| (f.code.as_str(), f.suppressed.is_some()))
                .collect();
            let want = if fires {
                vec![("CT900", false)]
            } else {
                vec![("CT001", true)]
            };
            assert_eq!(codes, want, "{file} ({}):\n{text}", if fires { "bad" } else { "good" });
        }
    }
}

/// The keyword inside a string (a quoted or block YAML scalar, an HCL heredoc) is not a comment;
/// after a value on the same line it is.
#[test]
fn directives_inside_strings_are_not_directives() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: audit-logs # ctlint:ignore CT003 reason=\"after a plain scalar\"\n      TrailName: \"x # ctlint:ignore CT001 reason=quoted\"\n      Tags:\n        - Key: note\n          Value: |\n            # ctlint:ignore CT002 reason=\"in a block scalar\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("m.tf"),
        "resource \"aws_cloudtrail\" \"t\" {\n  name           = \"t\" # ctlint:ignore CT003 reason=\"trailing\"\n  s3_bucket_name = <<EOT\n# ctlint:ignore CT001 reason=\"in a heredoc\"\nEOT\n}\n",
    )
    .unwrap();
    for (file, line) in [("t.yaml", 6), ("m.tf", 2)] {
        let report = lint_with(&[dir.path().join(file)], &["CT001", "CT002", "CT003", "CT900"], true);
        let unused: Vec<u32> = report
            .findings
            .iter()
            .filter(|f| f.code == "CT900")
            .map(|f| ctlint::report::loc(&report.sources, f.primary.span).line)
            .collect();
        // Only the trailing comment is a directive (and suppresses nothing where it is).
        assert_eq!(unused, [line], "{file}:\n{}", render_plain(&report));
        assert!(report.findings.iter().all(|f| f.suppressed.is_none()), "{file}");
    }
}
