//! The `ctlint` binary: exit codes, every output format, parse errors among good files, rule and
//! configuration errors, pre-commit style single-file runs.

mod common;
use common::ctlint_in;
use std::process::{Command, Output};

fn ctlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ctlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const GOOD_TRAIL: &str = r#"
resource "aws_cloudtrail" "ok" {
  name                       = "ok"
  s3_bucket_name             = "log-archive-bucket"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:us-east-1:111122223333:alias/trail"
  cloud_watch_logs_group_arn = "arn:aws:logs:us-east-1:111122223333:log-group:trail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::111122223333:role/trail-to-cwl"

  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
"#;

const BAD_TRAIL: &str = r#"
resource "aws_cloudtrail" "bad" {
  name           = "bad"
  s3_bucket_name = "log-archive-bucket"
}
"#;

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}

#[test]
fn exit_codes() {
    assert_eq!(
        ctlint(&["check", "examples/terraform/compliant"]).status.code(),
        Some(0)
    );
    assert_eq!(
        ctlint(&["check", "examples/cloudformation/compliant.yaml"])
            .status
            .code(),
        Some(0)
    );
    let bad = ctlint(&["check", "examples"]);
    assert_eq!(bad.status.code(), Some(1), "{}", stdout(&bad));
    // No critical finding in the examples.
    assert_eq!(
        ctlint(&["check", "--fail-on", "critical", "examples"]).status.code(),
        Some(0)
    );
    assert_eq!(ctlint(&["check", "--bogus"]).status.code(), Some(2));
    assert_eq!(
        ctlint(&["check", "--select", "CT999", "examples"]).status.code(),
        Some(2)
    );
    let missing = ctlint(&["check", "does/not/exist"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stdout(&missing).contains("does/not/exist"), "{}", stdout(&missing));
}

#[test]
fn unknown_verdicts_fail_only_when_strict() {
    let case = "tests/fixtures/CT001-trail-not-multi-region/unknown.tf";
    let normal = ctlint(&["check", "--select", "CT001", case]);
    assert_eq!(normal.status.code(), Some(0), "{}", stdout(&normal));
    assert!(stdout(&normal).contains("unknown"));
    let strict = ctlint(&["check", "--strict", "--select", "CT001", case]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn json_has_the_spec_fields() {
    let o = ctlint(&["check", "--format", "json", "examples"]);
    let v = json(&o);
    assert_eq!(v["version"], 1);
    assert!(v["errors"].as_array().unwrap().is_empty());
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() >= 28);
    for f in findings {
        for key in [
            "rule",
            "name",
            "severity",
            "verdict",
            "suppressed",
            "message",
            "resource",
            "location",
            "related",
            "fingerprint",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        let l = &f["location"];
        for key in ["file", "line", "column", "end_line", "end_column"] {
            assert!(
                l[key].is_string() || l[key].as_u64().is_some_and(|n| n >= 1),
                "bad location {l}"
            );
        }
        assert!(
            !l["file"].as_str().unwrap().starts_with('/'),
            "file must be relative: {l}"
        );
    }
    let s = &v["summary"];
    for key in [
        "files",
        "resources",
        "findings",
        "by_severity",
        "fail",
        "unknown",
        "not_applicable",
        "suppressed",
    ] {
        assert!(s.get(key).is_some(), "summary lacks `{key}`");
    }
    assert_eq!(s["files"], 14);
}

#[test]
fn every_format_renders() {
    let sarif = json(&ctlint(&["check", "--format", "sarif", "examples"]));
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);

    let junit = stdout(&ctlint(&["check", "--format", "junit", "examples"]));
    assert!(junit.starts_with("<?xml"));
    assert!(junit.contains("<failure"));
    assert!(
        junit.contains("<testcase classname=\"CT001\" name=\"aws_cloudtrail.regional\""),
        "{junit}"
    );

    let github = stdout(&ctlint(&["check", "--format", "github", "examples"]));
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
    assert!(
        github.contains("::error file=examples/terraform/noncompliant/main.tf,line=49,"),
        "{github}"
    );

    let compact = stdout(&ctlint(&["check", "--format", "compact", "examples"]));
    let re = regex::Regex::new(
        r"^[^:]+:\d+:\d+: (critical|high|medium|low|info) CT\d{3} [a-z0-9-]+( \((unknown|suppressed)\))?: .+$",
    )
    .unwrap();
    assert!(compact.lines().all(|l| re.is_match(l)), "{compact}");
    assert!(compact.contains("examples/terraform/noncompliant/main.tf:49:27: high CT001 trail-not-multi-region:"));

    let human = stdout(&ctlint(&["check", "examples"]));
    assert!(
        human.contains("examples/terraform/noncompliant/main.tf:49:27"),
        "{human}"
    );
    assert!(
        // The summary line, then its indented explanations and notes.
        human
            .trim_end()
            .lines()
            .rev()
            .find(|l| !l.starts_with("  "))
            .unwrap()
            .starts_with("ctlint: 14 files"),
        "{human}"
    );
    assert!(!human.contains('\u{1b}'), "NO_COLOR must turn colour off");
}

#[test]
fn several_outputs_from_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let o = ctlint(&[
        "check",
        "--format",
        "compact",
        "--output",
        &format!("sarif={}", sarif.display()),
        "--output",
        &format!("junit={}", junit.display()),
        "examples",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("CT001"));
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(std::fs::read_to_string(junit).unwrap().contains("<testsuites"));
}

#[test]
fn a_parse_error_among_good_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::create_dir(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/good.tf"), GOOD_TRAIL).unwrap();
    std::fs::write(
        dir.path().join("a/broken.tf"),
        "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b/bad.tf"), BAD_TRAIL).unwrap();
    std::fs::write(
        dir.path().join("b/template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T: [\n",
    )
    .unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    let parse: Vec<_> = findings.iter().filter(|f| f["rule"] == "CT000").collect();
    assert_eq!(parse.len(), 2, "{findings:?}");
    assert_eq!(parse[0]["location"]["file"], "a/broken.tf");
    assert!(parse[0]["location"]["line"].as_u64().unwrap() >= 2);
    assert_eq!(parse[1]["location"]["file"], "b/template.yaml");
    assert_eq!(v["errors"].as_array().unwrap().len(), 2);
    // The other files are still linted.
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "CT001" && f["location"]["file"] == "b/bad.tf")
    );
    assert!(!findings.iter().any(|f| f["location"]["file"] == "a/good.tf"));
    // Every format reports it.
    for format in ["human", "compact", "sarif", "junit", "github"] {
        let o = ctlint_in(dir.path(), &["check", "--format", format, "."]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stdout(&o).contains("CT000") || stdout(&o).contains("parse-error"),
            "{format}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn rules_and_explain() {
    let o = ctlint(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("CT001  trail-not-multi-region"), "{out}");
    assert!(out.lines().count() >= 15);
    // Columns line up: every row's DEFAULT column starts where the header's does.
    let header = out.lines().next().unwrap();
    let column = header.find("DEFAULT").unwrap();
    for line in out.lines().skip(1) {
        let cell = &line[column..column + 3];
        assert!(cell == "on " || cell == "off", "{line:?}\n{out}");
    }
    let o = ctlint(&["explain", "trail-bucket-versioning-disabled"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("# CT101 trail-bucket-versioning-disabled"));
    for section in [
        "## What it does",
        "## Why it matters",
        "## How to fix it in Terraform",
        "## How to fix it in CloudFormation",
        "## References",
        "Bad:",
        "Good:",
    ] {
        assert!(out.contains(section), "missing {section}");
    }
    assert_eq!(ctlint(&["explain", "CT999"]).status.code(), Some(2));
    let fields = stdout(&ctlint(&["explain", "--fields"]));
    assert!(
        fields.contains("| `is_multi_region` | bool | `is_multi_region_trail` | `IsMultiRegionTrail` | false |"),
        "{fields}"
    );
    assert!(fields.contains("`versioning.status`"));
}

#[test]
fn a_broken_rule_file_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("CT500-x.toml"),
        "code = \"CT500\"\nname = \"x\"\nseverity = \"high\"\ntitle = \"t\"\ntarget = \"trail\"\n\n[[check]]\nselect = \"$.no_such_field\"\nexpect = { equals = true }\n\n[docs]\nwhat = \"w\"\nwhy = \"y\"\n",
    )
    .unwrap();
    let o = ctlint(&["check", "--rules-dir", dir.path().to_str().unwrap(), "examples"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("CT500-x.toml:8:10"), "{err}");
    assert!(err.contains("no_such_field"), "{err}");
}

#[test]
fn a_custom_rule_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("CT500-trail-without-sns.toml"),
        "code = \"CT500\"\nname = \"trail-without-sns\"\nseverity = \"low\"\ntitle = \"Trail has no SNS topic\"\ntarget = \"trail\"\n\n[[check]]\nselect = \"$.sns_topic_name\"\nexpect = { present = true }\nmessage = \"trail `{name}` notifies nobody: {state}\"\n\n[docs]\nwhat = \"w\"\nwhy = \"y\"\n",
    )
    .unwrap();
    let o = ctlint(&[
        "check",
        "--rules-dir",
        dir.path().to_str().unwrap(),
        "--select",
        "CT500",
        "--format",
        "compact",
        "examples/terraform/compliant",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o)
            .contains("low CT500 trail-without-sns: trail `org-audit` notifies nobody: `sns_topic_name` is not set"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn configuration_is_read_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), BAD_TRAIL).unwrap();
    std::fs::write(dir.path().join(".ctlint.yaml"), "ignore: [CT001]\nfail_on: critical\n").unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"CT001") && rules.contains(&"CT002"), "{rules:?}");

    std::fs::write(dir.path().join(".ctlint.yaml"), "ignore: [CT001]\nfail-on: high\n").unwrap();
    let o = ctlint_in(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(".ctlint.yaml:2:1: unknown key `fail-on`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_named_tf_file_is_linted_in_its_module() {
    // bucket.tf alone: the trail in main.tf is context; only the bucket's findings are reported.
    let o = ctlint(&["check", "--format", "json", "examples/terraform/noncompliant/bucket.tf"]);
    let v = json(&o);
    let files: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["examples/terraform/noncompliant/bucket.tf"]
    );
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"CT101"), "{rules:?}");
}

#[test]
fn output_is_deterministic() {
    let a = ctlint(&["check", "--format", "json", "examples", "tests/fixtures"]);
    let b = ctlint(&["check", "--format", "json", "examples", "tests/fixtures"]);
    assert_eq!(a.stdout, b.stdout);
    let a = ctlint(&["check", "--format", "sarif", "examples"]);
    let b = ctlint(&["check", "--format", "sarif", "examples"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn colour_follows_the_flag() {
    let always = Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(["check", "--color", "always", "examples/terraform/noncompliant"])
        .output()
        .unwrap();
    assert!(stdout(&always).contains('\u{1b}'));
    let never = Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(["check", "--color", "never", "examples/terraform/noncompliant"])
        .output()
        .unwrap();
    assert!(!stdout(&never).contains('\u{1b}'));
}

#[test]
fn quiet_and_min_severity() {
    let o = ctlint(&[
        "check",
        "--quiet",
        "--min-severity",
        "high",
        "--format",
        "compact",
        "examples",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the display filter does not change the exit code"
    );
    let out = stdout(&o);
    assert!(
        out.lines().all(|l| l.contains(" high ") || l.contains(" critical ")),
        "{out}"
    );
    let human = stdout(&ctlint(&["check", "--quiet", "examples/terraform/compliant"]));
    assert!(!human.contains("ctlint:"), "{human}");
}

#[test]
fn baselines_hide_what_they_record_and_list_what_went_stale() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.tf"), BAD_TRAIL).unwrap();
    std::fs::write(dir.path().join("ok.tf"), GOOD_TRAIL).unwrap();
    // The two trails of this module duplicate each other's management events (CT013), which
    // stops when the bad one stops logging below; this test is about one other stale entry.
    std::fs::write(dir.path().join(".ctlint.yaml"), "ignore: [CT013]\n").unwrap();

    // Writing records every live finding and passes.
    let o = ctlint_in(
        dir.path(),
        &[
            "check",
            "--write-baseline",
            "ctlint-baseline.json",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ctlint-baseline.json")).unwrap()).unwrap();
    let entries = written["findings"].as_array().unwrap();
    let report = json(&o);
    assert_eq!(entries.len(), report["findings"].as_array().unwrap().len());
    assert!(entries.len() >= 3, "{written}");
    assert_eq!(report["summary"]["suppressed"], entries.len());
    assert_eq!(report["summary"]["fail"], 0);

    // Reading it hides the same findings: still in JSON, suppressed, with the reason.
    let o = ctlint_in(
        dir.path(),
        &["check", "--baseline", "ctlint-baseline.json", "--format", "json", "."],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for f in json(&o)["findings"].as_array().unwrap() {
        assert_eq!(f["suppressed"], true, "{f}");
        assert_eq!(f["suppression_reason"], "recorded in the baseline ctlint-baseline.json");
    }
    // The human output shows none of them.
    let o = ctlint_in(dir.path(), &["check", "--baseline", "ctlint-baseline.json", "."]);
    assert!(!stdout(&o).contains("CT00"), "{}", stdout(&o));

    // Fix one recorded finding and add a new one: the new one fails, the fixed one is stale.
    std::fs::write(
        dir.path().join("bad.tf"),
        BAD_TRAIL.replace(
            "s3_bucket_name = \"log-archive-bucket\"",
            "s3_bucket_name = \"log-archive-bucket\"\n  is_multi_region_trail = true\n  enable_logging = false",
        ),
    )
    .unwrap();
    let o = ctlint_in(
        dir.path(),
        &["check", "--baseline", "ctlint-baseline.json", "--format", "json", "."],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report = json(&o);
    let live: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"] == false)
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(live, ["CT005"]);
    let notes = report["summary"]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("baseline ctlint-baseline.json: 1 entry no longer matches a finding")
            && n.as_str().unwrap().contains("CT001 `aws_cloudtrail.bad` in bad.tf")),
        "{notes:?}"
    );
}

#[test]
fn unreadable_baselines_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.tf"), GOOD_TRAIL).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--baseline", "missing.json", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read baseline missing.json"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.path().join("b.json"), "{\"version\": 1, \"findings\": [{}]}").unwrap();
    let o = ctlint_in(dir.path(), &["check", "--baseline", "b.json", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("b.json is not a ctlint baseline"), "{}", stderr(&o));
}

#[test]
fn inline_ignores_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("# ctlint:ignore CT001,CT002,CT003,CT004,CT008 reason=\"org trail\"{BAD_TRAIL}");
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
    let o = ctlint_in(
        dir.path(),
        &["check", "--no-inline-ignores", "--format", "compact", "."],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("main.tf:2:1: high CT001"), "{}", stdout(&o));

    // A directive without a reason stops the gate, with its place.
    std::fs::write(dir.path().join("main.tf"), format!("# ctlint:ignore CT001{BAD_TRAIL}")).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("main.tf:1:1: error: ctlint:ignore CT001 has no reason"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sarif_uris_are_repository_relative_from_a_subdirectory() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let infra = repo.path().join("infra");
    std::fs::create_dir_all(&infra).unwrap();
    std::fs::write(infra.join("main.tf"), BAD_TRAIL).unwrap();
    let o = ctlint_in(&infra, &["check", "--format", "sarif", "."]);
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "infra/main.tf", "{artifact}");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    }
    // Other formats keep paths relative to the working directory (docs/output-formats.md#paths).
    let o = ctlint_in(&infra, &["check", "--format", "json", "."]);
    assert_eq!(json(&o)["findings"][0]["location"]["file"], "main.tf");
}

#[test]
fn profiles_turn_on_their_rules_and_unknown_ones_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), BAD_TRAIL).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "--profile", "cis", "."]);
    assert!(stdout(&o).contains("CT010 no-compliant-trail"), "{}", stdout(&o));
    let o = ctlint_in(dir.path(), &["check", "--profile", "foo", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--profile foo: unknown profile `foo`; known: cis"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.path().join(".ctlint.yaml"), "fail_on: high\nprofiles: [cis, foo]\n").unwrap();
    let o = ctlint_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(".ctlint.yaml:2:17: unknown profile `foo`"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.path().join(".ctlint.yaml"), "profiles: [cis]\n").unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert!(stdout(&o).contains("CT010 no-compliant-trail"), "{}", stdout(&o));
    // `ctlint rules` names each rule's profiles.
    let o = ctlint(&["rules"]);
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().contains("PROFILES"), "{out}");
    let ct010 = out.lines().find(|l| l.starts_with("CT010")).unwrap();
    assert!(ct010.contains(" cis "), "{ct010}");
    let ct207 = out.lines().find(|l| l.starts_with("CT207")).unwrap();
    assert!(ct207.contains(" off ") && ct207.contains(" cis "), "{ct207}");
}

#[test]
fn the_cis_profile_turns_on_the_monitoring_alarms() {
    let dir = tempfile::tempdir().unwrap();
    let tf = "resource \"aws_cloudwatch_log_group\" \"trail\" {\n  name = \"cloudtrail/main\"\n}\n\nresource \"aws_cloudtrail\" \"main\" {\n  name                       = \"main\"\n  s3_bucket_name             = \"org-trail-logs\"\n  cloud_watch_logs_group_arn = \"${aws_cloudwatch_log_group.trail.arn}:*\"\n}\n";
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let ct207 = |o: &Output| stdout(o).lines().filter(|l| l.contains(" CT207 ")).count();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert_eq!(ct207(&o), 0, "off by default:\n{}", stdout(&o));
    // One finding per CIS control: no metric filter on the trail's log group.
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "--profile", "cis", "."]);
    assert_eq!(ct207(&o), ctlint::filter_pattern::CONTROLS.len(), "{}", stdout(&o));
}

#[test]
fn duplicate_trails_are_compared_within_one_template_only() {
    let trail = |name: &str| {
        format!(
            "  {name}:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: logs\n      IsMultiRegionTrail: true\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    // Two templates may deploy to two accounts: not compared.
    std::fs::write(dir.path().join("a.yaml"), format!("Resources:\n{}", trail("A"))).unwrap();
    std::fs::write(dir.path().join("b.yaml"), format!("Resources:\n{}", trail("B"))).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--select", "CT013", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json(&o)["findings"].as_array().unwrap().len(), 0, "{}", stdout(&o));
    // One template deploys to one account and region: the second trail is a charged copy, and
    // the finding names the first.
    std::fs::write(
        dir.path().join("b.yaml"),
        format!("Resources:\n{}{}", trail("B"), trail("C")),
    )
    .unwrap();
    let o = ctlint_in(dir.path(), &["check", "--select", "CT013", "--format", "json", "."]);
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["resource"], "C", "{v}");
    assert!(findings[0]["message"].as_str().unwrap().contains("trail `B`"), "{v}");
    assert!(
        findings[0]["related"]
            .to_string()
            .contains("trail `B` records these management events first"),
        "{v}"
    );
}

#[test]
fn require_trail_turns_on_the_scan_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), BAD_TRAIL).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert!(!stdout(&o).contains("CT010"), "{}", stdout(&o));
    std::fs::write(dir.path().join(".ctlint.yaml"), "require_trail: true\n").unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert!(
        stdout(&o).contains("main.tf:2:1: high CT010 no-compliant-trail: no trail in the scan is compliant"),
        "{}",
        stdout(&o)
    );
    let o = ctlint_in(dir.path(), &["check", "--format", "junit", "."]);
    assert!(
        stdout(&o).contains("<testcase classname=\"CT010\" name=\"scan\" file=\"main.tf\" line=\"2\">"),
        "{}",
        stdout(&o)
    );
    // A compliant trail anywhere in the scan satisfies it.
    std::fs::write(dir.path().join("org.tf"), GOOD_TRAIL).unwrap();
    let o = ctlint_in(dir.path(), &["check", "--format", "compact", "."]);
    assert!(!stdout(&o).contains("CT010"), "{}", stdout(&o));
}
