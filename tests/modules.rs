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
    ("key", "key", &["CT003", "CT301"]),
    ("output", "output", &["CT001", "CT101"]),
    ("nested", "nested", &["CT001", "CT002"]),
    ("missing", "missing", &["CT000", "CT010"]),
    ("missing-output", "missing-output", &["CT000", "CT003"]),
    ("cycle", "cycle", &["CT000", "CT001"]),
    ("repo", "repo/examples/simple", &["CT001"]),
    ("repo", "repo", &["CT001"]),
    ("registry", "registry", &["CT000", "CT001"]),
    ("for-each", "for-each", &["CT001"]),
    ("splat", "splat", &["CT001"]),
    ("nested-index", "nested-index", &["CT002"]),
    ("providers", "providers", &["CT203"]),
    ("language", "language", &["CT000", "CT001", "CT002"]),
    ("require-trail", "require-trail", &["CT010"]),
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

/// `for_each` and `count` on module blocks: one instance per element, each named by its key,
/// and a finding only for the instance whose argument is bad.
#[test]
fn repeated_module_calls_expand_to_addressed_instances() {
    let registry = common::registry();
    let report = common::lint(&registry, &[PathBuf::from(DIR).join("for-each")], &["CT001"]);
    let mut failed: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.verdict == ctlint::finding::Verdict::Fail)
        .map(|f| f.resource.as_str())
        .collect();
    failed.sort();
    assert_eq!(
        failed,
        vec![
            "aws_cloudtrail.main",
            "module.counted[1].aws_cloudtrail.this",
            "module.trail[\"us\"].aws_cloudtrail.this",
        ]
    );
    assert!(
        report
            .summary
            .notes
            .iter()
            .any(|n| n.contains("`module.unknown`") && n.contains("one instance")),
        "{:?}",
        report.summary.notes
    );

    let report = common::lint(&registry, &[PathBuf::from(DIR).join("nested-index")], &["CT002"]);
    let resources: Vec<&str> = report.findings.iter().map(|f| f.resource.as_str()).collect();
    assert_eq!(
        resources,
        vec!["module.baseline.module.cloudtrail[\"eu\"].aws_cloudtrail.this[0]"]
    );
}

/// `count = 50000000` on a module block and on a resource block expands to 10,000 instances
/// each, with a note, in little time and memory.
#[test]
fn huge_counts_are_capped_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let trail = r#"
resource "aws_cloudtrail" "many" {
  count                 = 50000000
  name                  = "t-${count.index}"
  s3_bucket_name        = "org-trail-logs"
  is_multi_region_trail = true
}
"#;
    std::fs::create_dir_all(tmp.path().join("m")).unwrap();
    std::fs::write(
        tmp.path().join("m/main.tf"),
        "resource \"aws_cloudtrail\" \"one\" {\n  name = \"one\"\n  s3_bucket_name = \"b\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("main.tf"),
        format!("{trail}\nmodule \"m\" {{\n  source = \"./m\"\n  count  = 50000000\n}}\n"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let registry = common::registry();
    let report = common::lint(&registry, &[tmp.path().to_path_buf()], &["CT001"]);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    assert_eq!(report.summary.resources, 20_000);
    let notes = &report.summary.notes;
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`aws_cloudtrail.many` has 50000000 instances; only the first 10000 are checked")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`module.m` has 50000000 instances; only the first 10000 are checked")),
        "{notes:?}"
    );
}

fn ctlint(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("ctlint runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// Nothing outside the scanned repository is read: not `file("../../outside")`, not a file
/// linked from inside, not a tfvars file linked from inside. What they would give is unknown,
/// with the reason, and their contents never reach the output.
#[test]
fn files_outside_the_repository_are_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(repo.join("infra")).unwrap();
    std::fs::write(outside.join("secret"), "OUTSIDE-SECRET-CONTENT").unwrap();
    // Read, this would make the trail single-region (a CT001 failure).
    std::fs::write(outside.join("vars.tfvars"), "multi = false\n").unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), repo.join("infra/linked")).unwrap();
    std::os::unix::fs::symlink(outside.join("vars.tfvars"), repo.join("infra/terraform.tfvars")).unwrap();
    // A module outside, called through `..` and through a linked directory: it is not read.
    std::fs::create_dir_all(outside.join("module")).unwrap();
    std::fs::write(
        outside.join("module/main.tf"),
        "resource \"aws_cloudtrail\" \"o\" {\n  name = \"OUTSIDE-SECRET-CONTENT\"\n  s3_bucket_name = \"b\"\n}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("module"), repo.join("infra/linked-module")).unwrap();
    std::fs::write(
        repo.join("infra/main.tf"),
        r#"module "up" {
  source = "../../outside/module"
}

module "linked" {
  source = "./linked-module"
}

variable "multi" {
  type = bool
}

resource "aws_cloudtrail" "t" {
  name                  = file("../../outside/secret")
  s3_bucket_name        = file("linked")
  is_multi_region_trail = var.multi
}
"#,
    )
    .unwrap();
    let (code, out) = ctlint(
        &repo.join("infra"),
        &["check", ".", "--format", "json", "--select", "CT000,CT001,CT101"],
    );
    // The unread modules are unknown CT000s, which do not fail the run.
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("OUTSIDE-SECRET-CONTENT"), "{out}");
    assert!(
        out.contains("`linked` is outside the repository being scanned"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let verdicts: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["verdict"].as_str().unwrap()))
        .collect();
    assert!(verdicts.contains(&("CT001", "unknown")), "{verdicts:?}");
    assert!(!verdicts.contains(&("CT001", "fail")), "{verdicts:?}");
    assert!(
        json["summary"]["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("`terraform.tfvars` is outside the repository")),
        "{out}"
    );
    for module in ["`../../outside/module` is outside", "`linked-module` is outside"] {
        assert!(
            json["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "CT000"
                && f["verdict"] == "unknown"
                && f["message"].as_str().unwrap().contains(module)),
            "{module}: {out}"
        );
    }
    let (_, model) = ctlint(&repo.join("infra"), &["model", "."]);
    assert!(!model.contains("OUTSIDE-SECRET-CONTENT"), "{model}");
    assert!(
        model.contains("`../../outside/secret` is outside the repository being scanned"),
        "{model}"
    );
}

/// A `terraform.tfvars` or `*.auto.tfvars(.json)` that does not parse would have changed
/// verdicts: it is a CT000 at the place it breaks, and the module is still checked.
#[test]
fn broken_auto_tfvars_are_parse_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("main.tf"),
        "resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n  is_multi_region_trail = false\n}\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("terraform.tfvars"), "\u{feff}ok = 1\nmulti = \n").unwrap();
    std::fs::write(tmp.path().join("b.auto.tfvars.json"), "{\"x\": }").unwrap();
    std::fs::write(tmp.path().join("c.auto.tfvars"), "\u{feff}fine = { a = 1, a = 2 }\n").unwrap();
    let (code, out) = ctlint(tmp.path(), &["check", ".", "--format", "compact", "--select", "CT001"]);
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("terraform.tfvars:2:9: high CT000"), "{out}");
    assert!(out.contains("b.auto.tfvars.json:1:7: high CT000"), "{out}");
    assert!(!out.contains("c.auto.tfvars"), "{out}");
    assert!(out.contains("main.tf:4:"), "{out}");
}

/// Pre-commit names the changed files: a changed file inside a module is checked in the
/// instances its callers create (found in the repository), and only findings that touch it are
/// reported.
#[test]
fn a_changed_module_file_is_checked_in_its_callers_instances() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::create_dir(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("modules/trail")).unwrap();
    std::fs::create_dir_all(repo.join("live/prod")).unwrap();
    std::fs::write(
        repo.join("modules/trail/main.tf"),
        r#"variable "multi_region" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "this" {
  name                  = "trail"
  s3_bucket_name        = "org-trail-logs"
  is_multi_region_trail = var.multi_region
}
"#,
    )
    .unwrap();
    std::fs::write(
        repo.join("live/prod/main.tf"),
        r#"module "trail" {
  source       = "../../modules/trail"
  multi_region = false
}

# Not touching the changed file: not reported.
resource "aws_cloudtrail" "own" {
  name           = "own"
  s3_bucket_name = "org-trail-logs"
}
"#,
    )
    .unwrap();
    // Another caller whose instances are fine: nothing to report from them.
    std::fs::create_dir_all(repo.join("live/dev")).unwrap();
    std::fs::write(
        repo.join("live/dev/main.tf"),
        "module \"trail\" {\n  source       = \"../../modules/trail\"\n  for_each     = toset([\"a\", \"b\"])\n  multi_region = true\n}\n",
    )
    .unwrap();
    let (code, out) = ctlint(
        repo,
        &[
            "check",
            "modules/trail/main.tf",
            "--select",
            "CT001",
            "--format",
            "compact",
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("live/prod/main.tf:3:"), "{out}");
    assert!(
        out.contains("module.trail.aws_cloudtrail.this") || out.contains("trail `trail`"),
        "{out}"
    );
    assert_eq!(out.matches("CT001").count(), 1, "{out}");
}

/// `path.root` in a module is the root module's directory (so `file("${path.root}/…")` reads
/// the root's file); `path.cwd` and `terraform.workspace` are named values that exist but are
/// chosen when Terraform runs: never a guessed string.
#[test]
fn path_root_and_named_values() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("policies")).unwrap();
    std::fs::create_dir_all(root.join("modules/key")).unwrap();
    std::fs::write(
        root.join("policies/key.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "FromTheRoot", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("modules/key/main.tf"),
        r#"resource "aws_kms_key" "k" {
  enable_key_rotation = true
  description         = "${path.cwd}/${terraform.workspace}"
  policy              = file("${path.root}/policies/key.json")
}
"#,
    )
    .unwrap();
    std::fs::write(
        root.join("main.tf"),
        r#"module "key" {
  source = "./modules/key"
}

resource "aws_cloudtrail" "t" {
  name           = "org-${terraform.workspace}"
  s3_bucket_name = "org-trail-logs"
}
"#,
    )
    .unwrap();
    let (_, out) = ctlint(root, &["model", "."]);
    let model: serde_json::Value = serde_json::from_str(&out).unwrap();
    let of = |kind: &str| {
        model
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}: {out}"))
            .clone()
    };
    let key = of("key");
    assert_eq!(key["fields"]["policy"]["Statement"][0]["Sid"], "FromTheRoot", "{out}");
    assert_eq!(
        key["fields"]["description"], "<path.cwd>/<terraform.workspace>",
        "{out}"
    );
    assert_eq!(of("trail")["fields"]["name"], "org-<terraform.workspace>", "{out}");
}

/// A UTF-8 byte order mark at the start of a `.tf.json` or `.tfvars.json` file is accepted, as
/// Terraform accepts it: the variable's value from the variables file reaches the trail.
#[test]
fn byte_order_marks_in_json_files_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("main.tf.json"),
        "\u{feff}{\"variable\": {\"multi\": {\"type\": \"bool\"}}, \"resource\": {\"aws_cloudtrail\": {\"t\": {\"name\": \"t\", \"s3_bucket_name\": \"b\", \"is_multi_region_trail\": \"${var.multi}\"}}}}\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("terraform.tfvars.json"), "\u{feff}{\"multi\": false}\n").unwrap();
    let (code, out) = ctlint(
        tmp.path(),
        &["check", ".", "--format", "compact", "--select", "CT000,CT001"],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("main.tf.json:1:"), "{out}");
    assert!(out.contains("CT001 trail-not-multi-region: "), "{out}");
    assert!(!out.contains("CT000"), "{out}");
}
