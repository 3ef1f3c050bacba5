//! Findings that explain themselves, through the real binary: where a failing value comes from
//! (a variable's default, a tfvars file, a local, a parameter's `Default`), a `dynamic` block over
//! an empty collection, snippets of labels far apart or over many lines, one unknown per
//! unresolved link in human output, and a summary that says what it counts (docs/verdicts.md,
//! docs/output-formats.md).

use std::process::{Command, Output};

use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/explain";

fn ctlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("ctlint runs")
}

fn human(args: &[&str]) -> String {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    String::from_utf8(ctlint(&all).stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = ctlint(&all);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The one finding of `rule` in a JSON report.
fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    let all: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect();
    assert_eq!(all.len(), 1, "one {rule} finding: {report:#}");
    all[0]
}

fn at(f: &Value) -> (String, u64, u64) {
    let l = &f["location"];
    (
        l["file"].as_str().unwrap().to_string(),
        l["line"].as_u64().unwrap(),
        l["column"].as_u64().unwrap(),
    )
}

fn related(f: &Value) -> Vec<(String, u64, String)> {
    f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn text<'a>(f: &'a Value, key: &str) -> &'a str {
    f[key].as_str().unwrap_or_default()
}

#[test]
fn a_value_from_a_variable_default_points_at_the_use_and_names_the_default() {
    let dir = format!("{FIXTURES}/variable");
    let report = json(&[&dir, "--select", "CT006"]);
    let f = finding(&report, "CT006");
    assert_eq!(at(f), (format!("{dir}/main.tf"), 5, 35), "the user's own line");
    assert!(
        text(f, "message").ends_with(&format!(
            "`include_global_service_events` is `var.include_global_service_events`, default false at {dir}/variables.tf:6"
        )),
        "{f:#}"
    );
    assert_eq!(
        related(f),
        [(
            format!("{dir}/variables.tf"),
            6,
            "variable `include_global_service_events` defaults to false here".to_string()
        )]
    );
    let help = text(f, "help");
    assert!(
        help.contains(&format!(
            "it is `var.include_global_service_events` here, so change the default of variable `include_global_service_events` at {dir}/variables.tf:6"
        )),
        "{help}"
    );
    assert!(
        !help.contains("remove `include_global_service_events = false`"),
        "{help}"
    );
}

#[test]
fn a_value_through_a_local_names_every_step() {
    let dir = format!("{FIXTURES}/variable");
    let report = json(&[&dir, "--select", "CT002"]);
    let f = finding(&report, "CT002");
    assert_eq!(at(f), (format!("{dir}/main.tf"), 6, 35));
    assert!(
        text(f, "message").ends_with(&format!(
            "`enable_log_file_validation` is `local.validation`, set at {dir}/variables.tf:20 to `var.validation`, default false at {dir}/variables.tf:11"
        )),
        "{f:#}"
    );
    let lines: Vec<u64> = related(f).iter().map(|r| r.1).collect();
    assert_eq!(lines, [20, 11], "the local, then the variable's default");
    assert!(text(f, "help").contains(
        "it is `local.validation` here, which is `var.validation`, so change the default of variable `validation`"
    ));
}

#[test]
fn a_value_from_tfvars_or_the_command_line_says_so() {
    let dir = format!("{FIXTURES}/tfvars");
    let report = json(&[&dir, "--select", "CT001"]);
    let f = finding(&report, "CT001");
    assert_eq!(at(f), (format!("{dir}/main.tf"), 9, 27));
    assert!(
        text(f, "message").ends_with(&format!("`var.multi_region`, false from {dir}/terraform.tfvars")),
        "{f:#}"
    );
    assert!(text(f, "help").contains(&format!(
        "so change the value of variable `multi_region` in {dir}/terraform.tfvars"
    )));
    // Nothing in a scanned file sets it: no related location.
    assert!(related(f).is_empty());
    let report = json(&[&dir, "--select", "CT001", "--var", "multi_region=false"]);
    let f = finding(&report, "CT001");
    assert!(
        text(f, "message").ends_with("`var.multi_region`, false from --var"),
        "{f:#}"
    );
    assert!(text(f, "help").contains("so give variable `multi_region` another value with --var"));
}

#[test]
fn a_value_from_a_parameter_names_its_default_or_the_parameters_file() {
    let file = format!("{FIXTURES}/parameter.yaml");
    let report = json(&[&file, "--select", "CT001"]);
    let f = finding(&report, "CT001");
    assert_eq!(at(f), (file.clone(), 19, 27));
    assert!(
        text(f, "message").ends_with(&format!(
            "`IsMultiRegionTrail` is `!Ref MultiRegion`, parameter Default false at {file}:10"
        )),
        "{f:#}"
    );
    assert_eq!(
        related(f),
        [(
            file.clone(),
            10,
            "parameter `MultiRegion` defaults to false here".to_string()
        )]
    );
    assert!(text(f, "help").contains("so change the `Default` of parameter `MultiRegion`"));
    let params = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(params.path(), r#"{"MultiRegion": "false"}"#).unwrap();
    let report = json(&[
        &file,
        "--select",
        "CT001",
        "--cfn-parameters",
        params.path().to_str().unwrap(),
    ]);
    let f = finding(&report, "CT001");
    assert!(
        text(f, "message").ends_with("`!Ref MultiRegion`, false from --cfn-parameters"),
        "{f:#}"
    );
    assert!(related(f).is_empty());
}

#[test]
fn an_empty_dynamic_selector_block_points_at_its_for_each() {
    let dir = format!("{FIXTURES}/variable");
    let report = json(&[&dir, "--select", "CT008"]);
    let f = finding(&report, "CT008");
    assert_eq!(at(f), (format!("{dir}/main.tf"), 9, 16), "the `for_each` expression");
    assert!(
        text(f, "message").contains(&format!(
            "the `for_each` of `dynamic \"event_selector\"` is `var.selectors`, default [] at {dir}/variables.tf:16, so the trail has no event selectors"
        )),
        "{f:#}"
    );
    assert_eq!(related(f)[0].1, 16, "the empty default");
    // A literal empty collection, and CloudFormation's empty list, point at themselves too.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("main.tf"),
        "resource \"aws_cloudtrail\" \"t\" {\n  name           = \"t\"\n  s3_bucket_name = \"b\"\n  dynamic \"advanced_event_selector\" {\n    for_each = {}\n    content {\n      name = \"x\"\n    }\n  }\n}\n",
    )
    .unwrap();
    let report = json(&[tmp.path().to_str().unwrap(), "--select", "CT008"]);
    let f = finding(&report, "CT008");
    assert_eq!((at(f).1, at(f).2), (5, 16));
    assert!(
        text(f, "message").contains("the `for_each` of `dynamic \"advanced_event_selector\"` is `{}`, which is empty"),
        "{f:#}"
    );
    let file = format!("{FIXTURES}/parameter.yaml");
    let report = json(&[&file, "--select", "CT008"]);
    let f = finding(&report, "CT008");
    assert_eq!(at(f).1, 21);
    assert!(
        text(f, "message").contains("`EventSelectors` is an empty list"),
        "{f:#}"
    );
}

#[test]
fn values_explain_themselves_in_human_output() {
    let out = human(&[&format!("{FIXTURES}/variable")]);
    insta::assert_snapshot!("variable_human", out);
    let out = human(&[&format!("{FIXTURES}/parameter.yaml"), "--select", "CT001,CT008"]);
    insta::assert_snapshot!("parameter_human", out);
}

/// The snippets of a human report: per snippet, its numbered lines as (line, text after `│`).
fn snippets(out: &str) -> Vec<(String, Vec<(usize, String)>)> {
    let mut all: Vec<(String, Vec<(usize, String)>)> = Vec::new();
    for line in out.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("╭─[") {
            let file = rest.rsplitn(3, ':').nth(2).unwrap().to_string();
            all.push((file, Vec::new()));
        } else if let Some((n, text)) = t.split_once(" │")
            && let Ok(n) = n.trim().parse::<usize>()
            && let Some(last) = all.last_mut()
        {
            last.1.push((n, text.to_string()));
        }
    }
    all
}

#[test]
fn labels_far_apart_or_over_many_lines_keep_snippets_short_and_indentation_intact() {
    let file = format!("{FIXTURES}/far-labels.yaml");
    let out = human(&[&file, "--select", "CT105,CT106"]);
    let source: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let all = snippets(&out);
    assert!(all.len() >= 4, "{out}");
    for (shown, lines) in &all {
        assert_eq!(shown, &file);
        assert!(lines.len() <= 12, "a short excerpt, not the whole policy:\n{out}");
        // Every line of a snippet is shifted by the same gutter: the YAML keeps its indentation.
        let shifts: std::collections::BTreeSet<usize> = lines
            .iter()
            .filter(|(n, _)| !source[n - 1].trim().is_empty())
            .map(|(n, text)| {
                let src = &source[n - 1];
                let chars: Vec<char> = text.chars().collect();
                (0..chars.len())
                    .find(|i| chars[*i..].iter().collect::<String>() == *src)
                    .unwrap_or_else(|| panic!("line {n} is shown whole: {text:?}"))
            })
            .collect();
        assert_eq!(shifts.len(), 1, "one gutter width per snippet: {lines:?}");
    }
    // The policy (31 lines) is labelled on its first line, saying which lines it covers.
    assert!(out.contains("(lines 18–48)"), "{out}");
    // The trail, 40 lines below, is a snippet of its own for each finding.
    let trail_snippets = all.iter().filter(|(_, l)| l.iter().any(|(n, _)| *n == 63)).count();
    assert_eq!(trail_snippets, 2, "{out}");
    assert!(
        all.iter()
            .all(|(_, l)| !(l.iter().any(|(n, _)| *n == 63) && l.iter().any(|(n, _)| *n < 50))),
        "the trail's label is not drawn in the policy's snippet"
    );
    insta::assert_snapshot!("far_labels_human", out);
}

/// Human output as one line: wrapped message and help lines joined again (a line broken after a
/// hyphen continues without a space), margins dropped.
fn flat(out: &str) -> String {
    let mut text = String::new();
    for line in out.lines() {
        let line = line.trim_start().trim_start_matches(['│', '☞', '⚠', '×']).trim();
        if !text.is_empty() && !text.ends_with('-') {
            text.push(' ');
        }
        text.push_str(line);
    }
    text
}

const BUCKET_RULES: [&str; 9] = [
    "CT101", "CT102", "CT103", "CT104", "CT105", "CT106", "CT107", "CT108", "CT402",
];

#[test]
fn one_unresolved_link_is_one_unknown_in_human_output() {
    let dir = format!("{FIXTURES}/unresolved");
    let out = human(&[&dir]);
    let codes = format!("{}, unknown", BUCKET_RULES.join(" "));
    assert_eq!(out.lines().filter(|l| *l == codes).count(), 1, "{out}");
    assert!(!out.contains("CT101(trail-bucket-versioning-disabled)"), "{out}");
    let text = flat(&out);
    assert!(
        text.contains("cannot tell which bucket trail `main` uses, so 9 rules cannot be checked (CT101 trail-bucket-versioning-disabled, CT102"),
        "{out}"
    );
    assert!(
        text.contains("help: give variable `bucket_name` a value: in terraform.tfvars, a *.auto.tfvars file or a file passed with --var-file, or with --var bucket_name=VALUE; if the bucket is created elsewhere, scan that code with this one"),
        "{out}"
    );
    // The rules an unresolved field blocks on the trail are grouped the same way.
    assert!(out.lines().any(|l| l == "CT001 CT006, unknown"), "{out}");
    assert!(text.contains("cannot tell `is_multi_region_trail` of trail `main`, so 2 rules cannot be checked"));
    // The summary still counts every rule's unknown.
    assert!(out.contains(", 11 unknown,"), "{out}");
    insta::assert_snapshot!("unresolved_human", out);

    let out = human(&[&format!("{FIXTURES}/unresolved.yaml")]);
    assert_eq!(out.lines().filter(|l| *l == codes).count(), 1, "{out}");
    let text = flat(&out);
    assert!(
        text.contains(
            "help: give parameter `BucketName` a value in a file passed with --cfn-parameters, or a `Default`"
        ),
        "{out}"
    );
}

#[test]
fn json_and_sarif_keep_one_result_per_rule_each_with_its_cause() {
    let dir = format!("{FIXTURES}/unresolved");
    let report = json(&[&dir]);
    let unknown: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["verdict"] == "unknown")
        .collect();
    assert_eq!(unknown.len(), 11);
    for code in BUCKET_RULES {
        let f = unknown.iter().find(|f| f["rule"] == code).unwrap();
        let c = &f["cause"];
        assert_eq!(c["what"], "which bucket trail `main` uses", "{f:#}");
        assert_eq!((c["line"].as_u64(), c["column"].as_u64()), (Some(15), Some(35)));
        assert!(
            c["advice"]
                .as_str()
                .unwrap()
                .starts_with("give variable `bucket_name` a value")
        );
    }
    let out = ctlint(&["check", &dir, "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let open: Vec<&Value> = results.iter().filter(|r| r["kind"] == "open").collect();
    assert_eq!(open.len(), 11);
    assert!(
        open.iter()
            .all(|r| r["properties"]["cause"]["what"].is_string() && r["properties"]["cause"]["advice"].is_string()),
        "{open:#?}"
    );
}

#[test]
fn the_summary_says_what_it_counts_and_why_rules_were_not_applicable() {
    let dir = format!("{FIXTURES}/outside");
    let out = human(&[&dir]);
    let tail: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("ctlint: ")).collect();
    assert!(
        tail[0].starts_with("ctlint: 1 file, 2 resources (1 trail, 1 KMS key): "),
        "{out}"
    );
    assert!(tail[0].contains(", 22 not applicable,"), "{out}");
    assert_eq!(
        tail[1],
        "  not applicable: 13 about resources outside the scanned files (named below); 7 about links that are not set (no log group, role or KMS key…); 2 where the rule's conditions do not hold for its target"
    );
    assert!(tail.contains(&"  note: the bucket of trail `aws_cloudtrail.main` (org-trail-logs) is not defined in the scanned files; 9 rules about it were not applied (scan the code that defines it too, to check them)"), "{out}");
    assert!(
        tail.iter().any(
            |l| l.starts_with("  note: the KMS key of trail `aws_cloudtrail.main` (arn:aws:kms:")
                && l.contains("; 4 rules about it were not applied")
        ),
        "{out}"
    );
    let s = &json(&[&dir])["summary"];
    assert_eq!(s["resources_by_kind"], serde_json::json!({"key": 1, "trail": 1}));
    let by = &s["not_applicable_by"];
    assert_eq!(
        (
            by["outside_scan"].as_u64(),
            by["unset_link"].as_u64(),
            by["condition"].as_u64()
        ),
        (Some(13), Some(7), Some(2))
    );
    assert_eq!(s["not_applicable"], 22, "the reasons add up");
    // With nothing not applicable, no explanation.
    let out = human(&[&format!("{FIXTURES}/tfvars"), "--select", "CT001"]);
    assert!(!out.contains("not applicable:"), "{out}");
}
