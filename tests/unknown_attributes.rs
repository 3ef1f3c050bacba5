//! CT901 unknown-attribute on the binary, beyond the fixtures: the finding a misspelling causes
//! names it, a block is reported once however many instances it expands to, suppressions and
//! macros, and required properties left unset (docs/rules.md#ct901-and-the-resource-type-schemas).

mod common;
use common::ctlint_in;
use std::path::Path;

/// The JSON report of `ctlint check --format json ARGS` in `dir`.
fn report(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = ctlint_in(dir, &all);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn findings<'a>(r: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn line(f: &serde_json::Value) -> u64 {
    f["location"]["line"].as_u64().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_misspelt_property_is_named_by_the_finding_it_causes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "trail.yaml",
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: audit-logs\n      KmsKeyId: alias/audit\n",
    );
    let r = report(dir.path(), &["--select", "CT003,CT901", "trail.yaml"]);
    let ct901 = findings(&r, "CT901");
    assert_eq!(ct901.len(), 1, "{r:#}");
    assert_eq!(line(ct901[0]), 7);
    assert_eq!(ct901[0]["location"]["column"], 7);
    assert!(
        ct901[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `KMSKeyId`?")
    );
    assert_eq!(ct901[0]["resource"], "Trail");
    assert_eq!(ct901[0]["severity"], "medium");

    let ct003 = findings(&r, "CT003");
    assert_eq!(ct003.len(), 1, "{r:#}");
    assert!(ct003[0]["message"].as_str().unwrap().contains("`KMSKeyId` is not set"));
    let related = ct003[0]["related"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|l| l["line"] == 7 && l["message"].as_str().unwrap().contains("misspelling of `KMSKeyId`")),
        "{related:#?}"
    );
    assert!(
        ct003[0]["help"].as_str().unwrap().contains("`KmsKeyId` at line 7"),
        "{:#}",
        ct003[0]
    );

    // Spelt right, neither finding mentions it.
    write(
        dir.path(),
        "trail.yaml",
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: audit-logs\n      KMSKeyId: alias/audit\n",
    );
    let r = report(dir.path(), &["--select", "CT003,CT901", "trail.yaml"]);
    assert!(r["findings"].as_array().unwrap().is_empty(), "{r:#}");
}

#[test]
fn a_misspelling_in_a_split_resource_is_named_by_the_bucket_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.logs.id
}

resource "aws_s3_bucket" "logs" {
  bucket = "audit-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    statuss = "Enabled"
  }
}
"#,
    );
    let r = report(dir.path(), &["--select", "CT101,CT901", "."]);
    let ct901 = findings(&r, "CT901");
    assert_eq!(ct901.len(), 1, "{r:#}");
    assert_eq!(line(ct901[0]), 13);
    assert_eq!(ct901[0]["resource"], "aws_s3_bucket_versioning.logs");
    let ct101 = findings(&r, "CT101");
    assert_eq!(ct101.len(), 1, "{r:#}");
    assert_eq!(ct101[0]["resource"], "aws_s3_bucket.logs");
    assert!(
        ct101[0]["related"].as_array().unwrap().iter().any(|l| l["line"] == 13),
        "{:#}",
        ct101[0]
    );
}

#[test]
fn a_block_is_reported_once_however_many_instances_it_has() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"module "a" {
  source = "./trail"
}

module "b" {
  source = "./trail"
}

resource "aws_cloudwatch_log_group" "many" {
  count            = 3
  name             = "group-${count.index}"
  retention_in_day = 365
}
"#,
    );
    write(
        dir.path(),
        "trail/main.tf",
        r#"resource "aws_cloudtrail" "this" {
  name                  = "t"
  s3_bucket_name        = "audit-logs"
  enable_log_file_validaton = true
}
"#,
    );
    let r = report(dir.path(), &["--select", "CT901", "."]);
    let mut places: Vec<(String, u64, String)> = findings(&r, "CT901")
        .iter()
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                line(f),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("main.tf".to_string(), 12, "aws_cloudwatch_log_group.many".to_string()),
            (
                "trail/main.tf".to_string(),
                4,
                "module.a.aws_cloudtrail.this".to_string()
            ),
        ],
        "{r:#}"
    );
}

#[test]
fn suppressions_on_the_block_and_unknown_types_and_macros() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"# ctlint:ignore CT901 reason="set by a newer provider than ctlint knows"
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  future_option  = true
}

resource "aws_instance" "web" {
  not_an_argument_ctlint_knows = true
}
"#,
    );
    // A macro rewrites the template: its `Count` resource attribute is not CloudFormation's.
    write(
        dir.path(),
        "macro.yaml",
        "Transform: Count\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Count: 3\n",
    );
    let r = report(dir.path(), &["--select", "CT901", "."]);
    let all = findings(&r, "CT901");
    assert_eq!(all.len(), 1, "{r:#}");
    assert_eq!(all[0]["suppressed"], true);
    assert_eq!(line(all[0]), 5);
}

#[test]
fn required_properties_left_unset() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "trail.yaml",
        "Resources:\n  NoLogging:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: audit-logs\n  NoBucket:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n",
    );
    let r = report(dir.path(), &["--select", "CT005,CT101", "trail.yaml"]);
    let ct005 = findings(&r, "CT005");
    assert_eq!(ct005.len(), 1, "{r:#}");
    assert_eq!(ct005[0]["resource"], "NoLogging");
    assert_eq!(line(ct005[0]), 2);
    assert!(
        ct005[0]["message"]
            .as_str()
            .unwrap()
            .contains("`IsLogging` is not set, and CloudFormation requires it, so the stack does not deploy"),
        "{:#}",
        ct005[0]
    );
    let notes: Vec<&str> = r["summary"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("trail `NoBucket` does not set `S3BucketName`: CloudFormation requires it")),
        "{notes:#?}"
    );

    // Terraform: `enable_logging` has a default; a missing `s3_bucket_name` is a note.
    write(
        dir.path(),
        "tf/main.tf",
        "resource \"aws_cloudtrail\" \"main\" {\n  name = \"main\"\n}\n",
    );
    let r = report(dir.path(), &["--select", "CT005,CT101", "tf"]);
    assert!(r["findings"].as_array().unwrap().is_empty(), "{r:#}");
    let notes = r["summary"]["notes"].to_string();
    assert!(
        notes.contains("does not set `s3_bucket_name`: the provider requires it"),
        "{notes}"
    );
}
