//! The bundled examples: the compliant setups give no finding at all, and every finding on the
//! non-compliant ones is where their `# expect:` markers say, with every default rule on.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{actual_marks, case_files, markers, registry};
use ctlint::Options;

fn lint_default(path: &str) -> ctlint::Report {
    let opts = Options {
        paths: vec![PathBuf::from(path)],
        ..Options::default()
    };
    ctlint::lint(&registry(), &opts)
}

fn expected(path: &str) -> BTreeSet<common::Mark> {
    case_files(&PathBuf::from(path))
        .iter()
        .flat_map(|f| markers(f))
        .collect()
}

#[test]
fn compliant_examples_are_clean() {
    for path in ["examples/terraform/compliant", "examples/cloudformation/compliant.yaml"] {
        let report = lint_default(path);
        assert_eq!(report.summary.parse_errors, 0, "{path}");
        assert!(report.summary.resources > 0, "{path}: no resources read");
        assert!(report.findings.is_empty(), "{path}:\n{}", common::render_plain(&report));
    }
}

#[test]
fn noncompliant_examples_fire_where_marked() {
    for path in [
        "examples/terraform/noncompliant",
        "examples/cloudformation/noncompliant.yaml",
    ] {
        let report = lint_default(path);
        let want = expected(path);
        assert!(!want.is_empty(), "{path} has no markers");
        assert_eq!(
            actual_marks(&report),
            want,
            "{path}:\n{}",
            common::render_plain(&report)
        );
    }
}

#[test]
fn noncompliant_examples_render() {
    let report = lint_default("examples");
    insta::assert_snapshot!("examples_human", common::render_plain(&report));
    insta::assert_snapshot!(
        "examples_json",
        ctlint::report::render(&report, ctlint::report::Format::Json, Default::default())
    );
}
