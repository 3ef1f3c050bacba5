//! The edges a gate must hold on, through the real binary: input shapes that used to crash or
//! slow down a renderer.

mod common;
use common::ctlint_in;

/// A minified template: every trail on line 1, the last ones past column 65,535 (miette pads
/// with `{:width$}`, whose width must fit in 16 bits).
fn minified_trails(n: usize) -> String {
    let trails: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#""Trail{i}":{{"Type":"AWS::CloudTrail::Trail","Properties":{{"IsLogging":true,"S3BucketName":"logs","IsMultiRegionTrail":false}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"AWSTemplateFormatVersion":"2010-09-09","Resources":{{{}}}}}"#,
        trails.join(",")
    )
}

#[test]
fn labels_past_column_65535_render_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = minified_trails(1200);
    assert!(text.len() > 120_000);
    std::fs::write(dir.path().join("t.json"), &text).unwrap();
    let human = ctlint_in(
        dir.path(),
        &["check", "t.json", "--select", "CT001", "--output", "sarif=out.sarif"],
    );
    let out = String::from_utf8_lossy(&human.stdout);
    assert_eq!(
        human.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&human.stderr)
    );
    assert!(out.contains("1200 failing findings"), "{out}");
    assert!(dir.path().join("out.sarif").exists());
    // The last trail's label, clipped around it, at the same column the compact format gives.
    let compact = ctlint_in(
        dir.path(),
        &["check", "t.json", "--select", "CT001", "--format", "compact"],
    );
    let compact = String::from_utf8_lossy(&compact.stdout);
    let last = compact.lines().last().unwrap();
    let column: usize = last.split(':').nth(2).unwrap().parse().unwrap();
    assert!(column > 65_535, "{last}");
    assert!(
        out.contains(&format!("[t.json:1:{column}]")),
        "the human header names column {column}"
    );
    assert!(out.contains('…'), "long lines are clipped");
    assert!(
        out.lines().all(|l| l.chars().count() < 400),
        "no line of the output is the whole file"
    );
    for format in ["json", "junit", "github"] {
        let o = ctlint_in(
            dir.path(),
            &["check", "t.json", "--select", "CT001", "--format", format],
        );
        assert_eq!(o.status.code(), Some(1), "{format}");
    }
}

#[test]
fn human_columns_count_characters_like_the_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  /* ünïcødé */ is_multi_region_trail = false\n  s3_bucket_name = \"b\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties: {Description: ü, IsMultiRegionTrail: false, IsLogging: true, S3BucketName: b}\n"
            .replace("Description: ü, ", "TrailName: \"é\", "),
    )
    .unwrap();
    let compact = ctlint_in(dir.path(), &["check", ".", "--select", "CT001", "--format", "compact"]);
    let human = ctlint_in(dir.path(), &["check", ".", "--select", "CT001"]);
    let human = String::from_utf8_lossy(&human.stdout);
    for line in String::from_utf8_lossy(&compact.stdout).lines() {
        let mut parts = line.splitn(4, ':');
        let (file, l, c) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert!(human.contains(&format!("[{file}:{l}:{c}]")), "{line}\n{human}");
    }
}

#[test]
fn numeric_flags_and_globs_are_range_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n}\n",
    )
    .unwrap();
    for bad in ["18446744073709551615", "0", "-1", "1e400", "ten"] {
        let flag = format!("--max-file-size={bad}");
        let o = ctlint_in(dir.path(), &["check", ".", &flag]);
        assert_eq!(o.status.code(), Some(2), "--max-file-size {bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("expected a number of bytes"),
            "{bad}"
        );
    }
    let o = ctlint_in(
        dir.path(),
        &["check", ".", "--max-file-size", "4294967295", "--select", "CT001"],
    );
    assert_eq!(o.status.code(), Some(1), "the largest cap still lints");
    std::fs::write(dir.path().join(".ctlint.yaml"), "exclude: [\"ok/**\", \"[abc\"]\n").unwrap();
    let o = ctlint_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(".ctlint.yaml:1:20: invalid glob"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for bad in ["-5", "1e400", "0.5"] {
        std::fs::write(dir.path().join(".ctlint.yaml"), format!("min_retention_days: {bad}\n")).unwrap();
        let o = ctlint_in(dir.path(), &["check", "."]);
        assert_eq!(o.status.code(), Some(2), "min_retention_days: {bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("`min_retention_days` takes a number of at least 1"),
            "min_retention_days: {bad}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

const BAD_TRAIL: &str = "resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  s3_bucket_name = \"b\"\n}\n";

#[test]
fn exit_2_always_shows_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), BAD_TRAIL).unwrap();
    std::fs::write(dir.path().join("broken.tf"), "resource \"x\" {\n").unwrap();
    // Pre-commit names one file; its broken sibling is context, and still why the run fails.
    let o = ctlint_in(dir.path(), &["check", "main.tf", "--format", "compact"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("broken.tf:"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // A display filter does not hide it either.
    let o = ctlint_in(
        dir.path(),
        &["check", ".", "--min-severity", "critical", "--format", "compact"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("CT000"));
    let o = ctlint_in(
        dir.path(),
        &["check", ".", "--min-severity", "critical", "--format", "sarif"],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "CT000")
    );
}

#[test]
fn junit_attributes_findings_to_their_own_file_and_lists_errors() {
    let dir = tempfile::tempdir().unwrap();
    let template = |multi: bool| {
        format!(
            "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: b\n      IsMultiRegionTrail: {multi}\n"
        )
    };
    std::fs::write(dir.path().join("a.yaml"), template(true)).unwrap();
    std::fs::write(dir.path().join("b.yaml"), template(false)).unwrap();
    let o = ctlint_in(
        dir.path(),
        &["check", ".", "--select", "CT001", "--format", "junit", "missing-dir"],
    );
    let xml = String::from_utf8_lossy(&o.stdout);
    assert!(
        xml.contains("<testcase classname=\"CT001\" name=\"Trail\"/>"),
        "a.yaml's trail passes:\n{xml}"
    );
    assert!(
        xml.contains("file=\"b.yaml\" line=\"7\""),
        "b.yaml's trail fails:\n{xml}"
    );
    assert!(!xml.contains("file=\"a.yaml\""), "{xml}");
    assert!(
        xml.contains("<testsuite name=\"errors\"") && xml.contains("missing-dir"),
        "{xml}"
    );
    assert_eq!(o.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn symlinks_that_are_not_followed_are_named_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("infra")).unwrap();
    std::fs::write(dir.path().join("infra/main.tf"), BAD_TRAIL).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("infra/loop")).unwrap();
    let o = ctlint_in(dir.path(), &["check", "infra", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = v["summary"]["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("1 symbolic link was not followed")
                && n.as_str().unwrap().contains("infra/loop")),
        "{notes:?}"
    );
}

/// Broken HCL nested deep enough for hcl-edit to take days (2^40 re-reads; 12 levels around a
/// 100 kB unterminated string, hours) is refused by a bound on the text alone, so the run ends
/// at once and every run prints the same bytes.
#[test]
fn deeply_broken_hcl_is_refused_at_its_break_the_same_way_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("locals {{\n  x = {}#\n", "a+b+(".repeat(40));
    let tail = format!("locals {{\n  y = {}\"{}\n", "a+b+(".repeat(12), "x".repeat(100_000));
    let template = format!("locals {{\n  t = \"${{{}\"\n}}\n", "a+b+\"${".repeat(40));
    std::fs::write(dir.path().join("deep.tf"), &deep).unwrap();
    std::fs::write(dir.path().join("tail.tf"), &tail).unwrap();
    std::fs::write(dir.path().join("template.tf"), &template).unwrap();
    std::fs::write(dir.path().join("shallow.tf"), "locals {\n  z = (1\n").unwrap();
    std::fs::write(
        dir.path().join("valid.tf"),
        format!(
            "{}locals {{\n  v = {}1{}\n}}\n",
            BAD_TRAIL,
            "a+b+(".repeat(40),
            ")".repeat(40)
        ),
    )
    .unwrap();
    let args = ["check", ".", "--select", "CT001", "--format", "compact"];
    let first = ctlint_in(dir.path(), &args);
    let second = ctlint_in(dir.path(), &args);
    assert_eq!(first.stdout, second.stdout, "same input, same bytes");
    assert_eq!(first.status.code(), Some(2));
    let out = String::from_utf8_lossy(&first.stdout);
    let line = |file: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{file}:")))
            .unwrap_or_else(|| panic!("no finding for {file}:\n{out}"))
            .to_string()
    };
    // At the innermost unclosed bracket: line 2, after `  x = ` and 39 whole `a+b+(`; the
    // `locals` block is one of the levels.
    let column = 7 + 39 * 5 + 4;
    assert!(
        line("deep.tf").starts_with(&format!(
            "deep.tf:2:{column}: high CT000 parse-error: `deep.tf` cannot be read: `(` is never closed, 41 levels deep: a syntax error nested this deep is not parsed"
        )),
        "{out}"
    );
    assert!(
        line("tail.tf").contains(":2:67: high CT000")
            && line("tail.tf").contains("the string is never closed, 13 levels deep"),
        "{out}"
    );
    assert!(line("template.tf").contains("levels deep"), "{out}");
    // Shallow breaks keep the parser's own message; deep valid nesting parses and is linted.
    assert!(line("shallow.tf").ends_with("cannot be read: expected `)`"), "{out}");
    assert!(line("valid.tf").contains("CT001"), "{out}");
    // Every format says the same.
    for format in ["json", "sarif", "human", "junit"] {
        let args = ["check", ".", "--select", "CT001", "--format", format];
        let a = ctlint_in(dir.path(), &args);
        let b = ctlint_in(dir.path(), &args);
        assert_eq!(a.stdout, b.stdout, "{format}");
        assert!(
            String::from_utf8_lossy(&a.stdout).contains("41 levels deep"),
            "{format}"
        );
    }
}

/// One finding after non-ASCII text, one on line 1 of a file that starts with a byte order
/// mark: human, compact, JSON, GitHub and JUnit count characters (the BOM is not one), SARIF
/// UTF-16 code units (docs/output-formats.md#positions).
#[test]
fn columns_agree_across_formats_after_non_ascii_text_and_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    // `😀` is one character and two UTF-16 units; `é` one of each.
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_cloudtrail\" \"t\" {\n  name = \"t\"\n  /* é😀 */ is_multi_region_trail = false\n  s3_bucket_name = \"b\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.json"),
        "\u{feff}{\"Resources\": {\"Trail\": {\"Type\": \"AWS::CloudTrail::Trail\", \"Properties\": {\"IsLogging\": true, \"S3BucketName\": \"b\", \"IsMultiRegionTrail\": false}}}}\n",
    )
    .unwrap();
    let run = |format: &str| {
        let o = ctlint_in(dir.path(), &["check", ".", "--select", "CT001", "--format", format]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    // (line, character column, UTF-16 column) of each finding, by file: at the value `false`.
    let at_false = |line: &str| {
        let before = &line[..line.find("false").unwrap()];
        (before.chars().count() + 1, before.encode_utf16().count() + 1)
    };
    let (tf_col, tf_utf16) = at_false("  /* é😀 */ is_multi_region_trail = false");
    assert_eq!((tf_col, tf_utf16), (36, 37));
    let (json_col, _) = at_false(
        "{\"Resources\": {\"Trail\": {\"Type\": \"AWS::CloudTrail::Trail\", \"Properties\": {\"IsLogging\": true, \"S3BucketName\": \"b\", \"IsMultiRegionTrail\": false}}}}",
    );
    let expected = [("main.tf", (3, tf_col, tf_utf16)), ("t.json", (1, json_col, json_col))];

    let compact = run("compact");
    let human = run("human");
    let github = run("github");
    let junit = run("junit");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    for (file, (line, col, utf16)) in expected {
        assert!(compact.contains(&format!("{file}:{line}:{col}: ")), "{file}\n{compact}");
        assert!(human.contains(&format!("[{file}:{line}:{col}]")), "{file}\n{human}");
        assert!(
            github.contains(&format!("file={file},line={line},endLine={line},col={col},")),
            "{file}\n{github}"
        );
        assert!(junit.contains(&format!("{file}:{line}:{col}: ")), "{file}\n{junit}");
        let finding = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["location"]["file"] == file)
            .unwrap();
        assert_eq!(finding["location"]["line"], line, "{file}");
        assert_eq!(finding["location"]["column"], col, "{file}");
        let result = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == file)
            .unwrap();
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], line, "{file}");
        assert_eq!(region["startColumn"], utf16, "{file}");
    }
}
