//! Real-world and hostile input through the whole pipeline (docs/limits.md#bad-input): the CloudFormation corpus
//! reads without a single parse error, and bad input gives a CT000 with a location — never a
//! panic — while the other files are still linted.

mod common;

use std::path::{Path, PathBuf};

use ctlint::Options;
use ctlint::finding::Verdict;

fn run(paths: &[PathBuf]) -> ctlint::Report {
    let opts = Options {
        paths: paths.to_vec(),
        ..Options::default()
    };
    ctlint::lint(&common::registry(), &opts)
}

/// Every span of every node lies inside its file, on character boundaries.
fn spans_are_sane(report: &ctlint::Report) {
    for f in &report.findings {
        for l in std::iter::once(&f.primary).chain(&f.related) {
            let file = report.sources.get(l.span.file);
            let (s, e) = (l.span.start as usize, l.span.end as usize);
            assert!(s <= e && e <= file.text.len(), "{}: {s}..{e}", file.display);
            assert!(file.text.is_char_boundary(s) && file.text.is_char_boundary(e));
        }
    }
}

#[test]
fn the_cloudformation_corpus_reads_without_a_parse_error() {
    let report = run(&[PathBuf::from("tests/corpus")]);
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.code == "CT000")
        .map(|f| format!("{}: {}", report.sources.get(f.primary.span.file).display, f.message))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The corpus README: 410 of its 425 YAML/JSON files are templates; the rest (parameter files,
    // configuration, a Kubernetes manifest) are skipped silently.
    assert_eq!(report.summary.files, 410);
    assert!(report.summary.resources > 300);
    spans_are_sane(&report);
}

#[test]
fn a_realistic_quickstart_is_checked_across_resources() {
    let report = run(&[PathBuf::from("tests/corpus/cfn-lint/quickstart/nist_logging.yaml")]);
    let marks: Vec<(u32, &str)> = report
        .findings
        .iter()
        .map(|f| {
            (
                ctlint::report::loc(&report.sources, f.primary.span).line,
                f.code.as_str(),
            )
        })
        .collect();
    // The trail's own log group keeps events 90 days and has no key; its bucket has no public
    // access block; the trail is single-region, not encrypted with a CMK, and records no S3 data
    // events. Its bucket policy names the partition through `Fn::If` (`aws-us-gov` or `aws`),
    // which the template's region does not fix, so the bucket policy rules are unknown, and so is
    // whether its CloudWatch Logs role may write to the group, and only there (CT205, CT206).
    assert_eq!(
        marks,
        [
            (119, "CT104"),
            (158, "CT202"),
            (160, "CT201"),
            (162, "CT001"),
            (162, "CT003"),
            (162, "CT008"),
            (238, "CT105"),
            (238, "CT106"),
            (272, "CT107"),
            (338, "CT205"),
            (342, "CT206")
        ]
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn hostile_input_gives_located_parse_errors_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bomb = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("alias-bomb.yaml", bomb.as_bytes().to_vec()),
        (
            "deep.json",
            format!("{{\"Resources\": {}{}}}", "[".repeat(1_000_000), "]".repeat(1_000_000)).into_bytes(),
        ),
        (
            "deep.yaml",
            format!("AWSTemplateFormatVersion: x\nResources: {}", "[".repeat(1_000_000)).into_bytes(),
        ),
        (
            "deep.tf",
            format!("locals {{\n  x = {}\n}}\n", "[".repeat(100_000)).into_bytes(),
        ),
        ("binary.tf", vec![0xff, 0xfe, b'r', b'e', 0x00, 0x80]),
        (
            "latin1.yaml",
            b"AWSTemplateFormatVersion: '2010-09-09'\nDescription: caf\xe9\nResources: {}\n".to_vec(),
        ),
        (
            "truncated.json",
            b"{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"T\": {\"Type\": \"AWS::S".to_vec(),
        ),
        (
            "heredoc.tf",
            b"resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Version\": \"2012-10-17\"\n".to_vec(),
        ),
        (
            "nul.tf",
            b"resource \"aws_cloudtrail\" \"t\" {\n  name = \"\0\"\n".to_vec(),
        ),
    ];
    for (name, bytes) in &cases {
        write(d, &format!("bad/{name}"), bytes);
    }
    write(
        d,
        "ok/main.tf",
        b"resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n}\n",
    );
    let big = "# padding\n".repeat(1_200_000);
    write(d, "big/huge.tf", big.as_bytes());

    let report = run(&[d.to_path_buf()]);
    spans_are_sane(&report);
    let ct000: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.code == "CT000")
        .map(|f| {
            (
                report.sources.get(f.primary.span.file).display.clone(),
                f.message.clone(),
            )
        })
        .collect();
    let failed_files: Vec<&str> = ct000.iter().map(|(f, _)| f.rsplit('/').next().unwrap()).collect();
    for (name, _) in &cases {
        assert!(failed_files.contains(name), "{name} gave no CT000: {ct000:#?}");
    }
    assert!(
        ct000
            .iter()
            .any(|(f, m)| f.ends_with("huge.tf") && m.contains("byte limit")),
        "{ct000:#?}"
    );
    assert!(
        ct000
            .iter()
            .any(|(f, m)| f.ends_with("alias-bomb.yaml") && m.contains("alias")),
        "{ct000:#?}"
    );
    assert!(
        ct000
            .iter()
            .any(|(f, m)| f.ends_with("binary.tf") && m.contains("UTF-8")),
        "{ct000:#?}"
    );
    // The good module is still linted.
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == "CT001" && f.verdict == Verdict::Fail)
    );
    assert_eq!(report.exit_code(ctlint::finding::Severity::Low), 2);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_escapes_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    write(
        &outside,
        "secret.tf",
        b"resource \"aws_cloudtrail\" \"x\" {\n  name = \"x\"\n  s3_bucket_name = \"b\"\n}\n",
    );
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.tf"), root.join("escape.tf")).unwrap();
    write(
        &root,
        "main.tf",
        b"resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n}\n",
    );
    let report = run(std::slice::from_ref(&root));
    assert_eq!(report.summary.files, 1, "only main.tf is read");
    assert!(
        report
            .findings
            .iter()
            .all(|f| report.sources.get(f.primary.span.file).path.ends_with("main.tf"))
    );
}

#[test]
fn ignored_and_vendored_directories_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let trail = b"resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n}\n";
    for skipped in [
        ".terraform/modules/x/main.tf",
        ".terragrunt-cache/a/main.tf",
        "node_modules/m/main.tf",
        "build/main.tf",
        ".git/main.tf",
    ] {
        write(d, skipped, trail);
    }
    write(d, ".gitignore", b"build/\n");
    write(d, "infra/main.tf", trail);
    write(
        d,
        "k8s/deploy.yaml",
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
    );
    write(d, "broken-but-not-ours.yaml", b"key: [unclosed\n");
    let report = run(&[d.to_path_buf()]);
    assert_eq!(report.summary.files, 1);
    assert_eq!(report.summary.parse_errors, 0);
}

/// CT207 end to end on the two quickstarts with CloudWatch alarms (docs/rules.md).
#[test]
fn the_quickstarts_cis_alarms_are_judged_control_by_control() {
    let registry = common::registry();
    let lint = |file: &str| {
        common::lint(
            &registry,
            &[PathBuf::from(format!("tests/corpus/cfn-lint/quickstart/{file}"))],
            &["CT207"],
        )
    };
    // nist_logging: the trail's log group has filters and alarms, notifying a topic with an
    // email subscription. Root usage, IAM policy, security group and NACL changes pass. The
    // unauthorized-calls filter matches the error codes exactly where CIS matches
    // `*UnauthorizedOperation` and `AccessDenied*` (it misses `Client.UnauthorizedOperation`,
    // `AccessDeniedException`); its CloudTrail filter requires `eventSource` and excludes
    // `Describe*`/`Get*`/`Lookup*` rather than naming the five CIS events, so ctlint does not
    // take it for a CIS 4.5 filter; nine more controls have no filter.
    let report = lint("nist_logging.yaml");
    let marks: Vec<(u32, &str, Verdict)> = report
        .findings
        .iter()
        .map(|f| {
            (
                ctlint::report::loc(&report.sources, f.primary.span).line,
                f.attribute.as_str(),
                f.verdict,
            )
        })
        .collect();
    let no_filter = [
        "cloudtrail-configuration-changes",
        "cmk-disable-or-deletion",
        "config-changes",
        "console-authentication-failures",
        "console-signin-without-mfa",
        "network-gateway-changes",
        "organizations-changes",
        "route-table-changes",
        "s3-bucket-policy-changes",
        "vpc-changes",
    ];
    let mut expected: Vec<(u32, String, Verdict)> = no_filter
        .iter()
        .map(|c| (158, format!("control {c}"), Verdict::Fail))
        .collect();
    expected.push((538, "control unauthorized-api-calls".into(), Verdict::Fail));
    let mut actual: Vec<(u32, String, Verdict)> = marks.iter().map(|(l, a, v)| (*l, a.to_string(), *v)).collect();
    expected.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    actual.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    assert_eq!(actual, expected);
    assert_eq!(
        report.summary.pass, 4,
        "root usage, IAM policy, security group and NACL changes"
    );
    let unauthorized = report
        .findings
        .iter()
        .find(|f| f.attribute == "control unauthorized-api-calls")
        .unwrap();
    assert!(
        unauthorized
            .message
            .contains("`rUnauthorizedAttempts` does not match $.errorCode = \"*UnauthorizedOperation\""),
        "{}",
        unauthorized.message
    );
    // cis_benchmark defines the filters, alarms and topic but no trail: its filters name the log
    // group a custom resource looks up at deployment. CT207 judges trails' log groups, so there
    // is nothing to judge.
    let report = lint("cis_benchmark.yaml");
    assert!(report.findings.is_empty(), "{}", common::render_plain(&report));
    assert_eq!(report.summary.pass + report.summary.fail + report.summary.unknown, 0);
}
