//! Terraform plans (`terraform show -json`, docs/inputs.md#terraform-plans) through the real
//! pipeline. The plans under `tests/fixtures/plan/` and the `*-plan*` rule fixtures are real
//! Terraform output, made from the configurations beside them by scripts/gen-plan-fixtures.sh.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ctlint::finding::Verdict;
use ctlint::{Options, Report};

const PARITY: &str = "tests/fixtures/plan/parity";

fn run(paths: &[PathBuf]) -> Report {
    let opts = Options {
        paths: paths.to_vec(),
        ..Options::default()
    };
    ctlint::lint(&common::registry(), &opts)
}

/// How many times each `(resource, rule, verdict)` was decided, passes included.
fn verdicts(report: &Report) -> BTreeMap<(String, String, String), usize> {
    let mut out = BTreeMap::new();
    for e in &report.evaluations {
        *out.entry((e.resource.clone(), e.code.clone(), format!("{:?}", e.verdict)))
            .or_insert(0) += 1;
    }
    out
}

/// `(file name, line, column, rule, verdict)` of every finding.
fn places(report: &Report) -> Vec<(String, usize, usize, String, Verdict)> {
    let mut out: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let l = ctlint::report::loc(&report.sources, f.primary.span);
            let file = report.sources.get(f.primary.span.file).display.clone();
            let name = file.rsplit('/').next().unwrap_or(&file).to_string();
            (name, l.line as usize, l.column as usize, f.code.clone(), f.verdict)
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1, a.2, &a.3).cmp(&(&b.0, b.1, b.2, &b.3)));
    out
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

#[test]
fn hcl_tf_json_and_plan_give_the_same_verdicts_per_resource() {
    let hcl = run(&[PathBuf::from(format!("{PARITY}/terraform"))]);
    let json = run(&[PathBuf::from(format!("{PARITY}/terraform-json"))]);
    let plan = run(&[PathBuf::from(format!("{PARITY}/plan/plan.json"))]);
    for r in [&hcl, &json, &plan] {
        assert_eq!(r.summary.parse_errors, 0);
    }
    let (h, j, p) = (verdicts(&hcl), verdicts(&json), verdicts(&plan));
    assert_eq!(h, j, "HCL and .tf.json differ");
    // CT901 reads names as written; a plan has none of its own (Terraform accepted them), so it
    // is judged on the configuration only, where every block passes.
    let mut written = h.clone();
    written.retain(|(_, code, _), _| code != "CT901");
    assert!(
        h.iter()
            .filter(|((_, code, _), _)| code == "CT901")
            .all(|((_, _, v), _)| v == "Pass"),
        "{h:#?}"
    );
    assert!(!p.keys().any(|(_, code, _)| code == "CT901"), "{p:#?}");
    assert_eq!(written, p, "HCL and the plan differ");
    // Not an empty agreement: both trails are checked, with failures, unknowns and passes.
    for trail in ["aws_cloudtrail.main", "aws_cloudtrail.data_events"] {
        assert!(h.keys().any(|(r, _, _)| r == trail), "{trail} not checked: {h:#?}");
    }
    for verdict in ["Pass", "Fail", "Unknown"] {
        assert!(h.keys().any(|(_, _, v)| v == verdict), "no {verdict}: {h:#?}");
    }
    assert!(plan.findings.len() >= 10, "{}", common::render_plain(&plan));
}

/// The trail's `s3_bucket_name`, `kms_key_id` and `cloud_watch_logs_role_arn` are unknown in the
/// plan (computed attributes of resources it creates); the links still resolve through the
/// references `configuration` lists.
#[test]
fn unknown_values_still_link_through_configuration_references() {
    let model = ctlint::build_model(&Options {
        paths: vec![PathBuf::from(format!("{PARITY}/plan/plan.json"))],
        ..Default::default()
    });
    let dump = ctlint::model::dump::dump(&model);
    let trail = dump
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "plan-parity")
        .expect("the multi-region trail");
    for edge in ["bucket", "key", "role", "log_group"] {
        assert!(
            trail["links"][edge].get("resolved").is_some(),
            "trail link {edge}: {}",
            trail["links"][edge]
        );
    }
}

/// Beside its `.tf`, the plan supersedes the module: the findings are those of the `.tf` read
/// alone, at the same places, once, and none points into the plan.
#[test]
fn a_plan_beside_its_configuration_reports_once_on_the_tf_lines() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        Path::new(&format!("{PARITY}/terraform/main.tf")),
        &dir.path().join("main.tf"),
    );
    let alone = run(&[dir.path().to_path_buf()]);
    copy(
        Path::new(&format!("{PARITY}/plan/plan.json")),
        &dir.path().join("plan.json"),
    );
    let beside = run(&[dir.path().to_path_buf()]);
    assert_eq!(places(&beside), places(&alone), "{}", common::render_plain(&beside));
    assert_eq!(verdicts(&beside), verdicts(&alone));
    assert!(places(&beside).iter().all(|p| p.0 == "main.tf"));
    assert_eq!(beside.summary.files, 2);
}

/// A value the plan leaves unknown but the `.tf` writes (`"${aws_cloudwatch_log_group.trail.arn}:*"`)
/// is read from the `.tf` when it is beside the plan: CT009, unknown from the plan alone, passes.
#[test]
fn the_tf_beside_the_plan_decides_what_the_plan_leaves_unknown() {
    let plan = Path::new("tests/fixtures/CT009-trail-cloudwatch-arn-malformed/unknown-plan.json");
    let ct009 = |r: &Report| {
        r.evaluations
            .iter()
            .filter(|e| e.code == "CT009")
            .map(|e| e.verdict)
            .collect::<Vec<_>>()
    };
    let alone = run(&[plan.to_path_buf()]);
    assert_eq!(ct009(&alone), [Verdict::Unknown]);
    let dir = tempfile::tempdir().unwrap();
    copy(plan, &dir.path().join("plan.json"));
    copy(
        Path::new("tests/fixtures/plan/src/CT009-unknown/main.tf"),
        &dir.path().join("main.tf"),
    );
    let beside = run(&[dir.path().to_path_buf()]);
    assert_eq!(ct009(&beside), [Verdict::Pass], "{}", common::render_plain(&beside));
}

#[test]
fn findings_in_module_instances_carry_the_full_address() {
    let report = run(&[PathBuf::from(
        "tests/fixtures/CT001-trail-not-multi-region/bad-plan-modules.json",
    )]);
    let ct001: Vec<(&str, Verdict)> = report
        .evaluations
        .iter()
        .filter(|e| e.code == "CT001")
        .map(|e| (e.resource.as_str(), e.verdict))
        .collect();
    assert_eq!(
        ct001.len(),
        2,
        "one trail per region instance: {:?}",
        report.evaluations.iter().map(|e| &e.resource).collect::<Vec<_>>()
    );
    assert!(ct001.contains(&(
        "module.region[\"eu\"].module.trail.aws_cloudtrail.this[0]",
        Verdict::Fail
    )));
    assert!(ct001.contains(&(
        "module.region[\"us\"].module.trail.aws_cloudtrail.this[0]",
        Verdict::Pass
    )));
}

/// Plans of the wrong shape: a located CT000 for a wrong type, a partial read for missing parts,
/// never a panic.
#[test]
fn malformed_plans_give_located_parse_errors_or_partial_reads() {
    let dir = tempfile::tempdir().unwrap();
    let trail = r#"{"address": "aws_cloudtrail.t", "mode": "managed", "type": "aws_cloudtrail", "name": "t",
      "values": {"name": "t", "s3_bucket_name": "b", "is_multi_region_trail": false}}"#;
    let wrong_types = [
        ("planned-values-number.json", r#"{"format_version": "1.2", "planned_values": 5}"#.to_string(), "planned_values"),
        ("root-module-list.json", r#"{"format_version": "1.2", "planned_values": {"root_module": []}}"#.to_string(), "root_module"),
        ("resources-string.json", r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": "x"}}}"#.to_string(), "resources"),
        ("resource-number.json", r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [7]}}}"#.to_string(), "resource"),
        ("type-number.json", r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": 1}]}}}"#.to_string(), "type"),
        ("after-list.json", format!(r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{trail}]}}}},
            "resource_changes": [{{"address": "aws_cloudtrail.t", "change": {{"after": [1]}}}}]}}"#), "after"),
        ("changes-object.json", r#"{"format_version": "1.2", "planned_values": {}, "resource_changes": {}}"#.to_string(), "resource_changes"),
        ("child-address-null.json", r#"{"format_version": "1.2", "planned_values": {"root_module": {"child_modules": [{"address": null}]}}}"#.to_string(), "address"),
        ("config-calls-list.json", r#"{"format_version": "1.2", "planned_values": {}, "configuration": {"root_module": {"module_calls": []}}}"#.to_string(), "module_calls"),
        ("version-2.json", r#"{"format_version": "2.0", "planned_values": {}}"#.to_string(), "format_version"),
        ("version-number.json", r#"{"format_version": 1, "planned_values": {}}"#.to_string(), "format_version"),
    ];
    for (name, text, _) in &wrong_types {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    // Missing parts: no `resource_changes` (values from `planned_values`), no `configuration`,
    // a change without `after`, `after_unknown: true` for a whole resource, unknown keys.
    let partial = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{trail},
          {{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b"}}],
          "child_modules": [{{"address": "module.m", "resources": [{{"address": "module.m.aws_kms_key.k"}}]}}]}}}},
          "resource_changes": [{{"address": "aws_s3_bucket.b", "change": {{"after_unknown": true}}}}, {{"address": "aws_s3_bucket.gone"}}],
          "future_field": {{"x": 1}}}}"#
    );
    std::fs::write(dir.path().join("partial.json"), &partial).unwrap();

    let report = run(&[dir.path().to_path_buf()]);
    for (name, text, key) in &wrong_types {
        let f = report
            .findings
            .iter()
            .find(|f| f.code == "CT000" && report.sources.get(f.primary.span.file).display.ends_with(name))
            .unwrap_or_else(|| panic!("{name}: no CT000\n{}", common::render_plain(&report)));
        assert!(f.message.contains(key), "{name}: {}", f.message);
        let span = &text[f.primary.span.start as usize..f.primary.span.end as usize];
        assert!(
            !span.is_empty() && span.len() < text.len(),
            "{name}: CT000 at {span:?}, not at the value"
        );
    }
    // `partial.json` is read: its trail is checked.
    assert!(
        report.findings.iter().any(|f| f.code == "CT001"
            && f.verdict == Verdict::Fail
            && report
                .sources
                .get(f.primary.span.file)
                .display
                .ends_with("partial.json")),
        "{}",
        common::render_plain(&report)
    );
}

/// Beside a module tree with `for_each`, the plan decides each instance as the `.tf` reader
/// does alone, and the findings point at the `.tf` line that sets the value.
#[test]
fn a_plan_beside_its_modules_decides_each_instance_at_the_tf_lines() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new("tests/fixtures/plan/src/CT001-modules");
    for f in ["main.tf", "modules/region/main.tf", "modules/trail/main.tf"] {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        copy(&src.join(f), &to);
    }
    let alone = run(&[dir.path().to_path_buf()]);
    let alone_ct001: Vec<_> = places(&alone).into_iter().filter(|p| p.3 == "CT001").collect();
    copy(
        Path::new("tests/fixtures/CT001-trail-not-multi-region/bad-plan-modules.json"),
        &dir.path().join("plan.json"),
    );
    let beside = run(&[dir.path().to_path_buf()]);
    let ct001: Vec<_> = places(&beside).into_iter().filter(|p| p.3 == "CT001").collect();
    // `multi_region = each.value` in the root module.
    assert_eq!(
        ct001,
        [("main.tf".to_string(), 15, 18, "CT001".to_string(), Verdict::Fail)]
    );
    assert_eq!(ct001, alone_ct001, "the plan and the .tf alone agree");
    let us = beside
        .evaluations
        .iter()
        .find(|e| e.code == "CT001" && e.resource.starts_with("module.region[\"us\"]"))
        .expect("the us instance is checked");
    assert_eq!(us.verdict, Verdict::Pass);
}

/// Every value of a real plan down to the resources' attributes, in turn, replaced by a value
/// of another type or removed: each variant is read or gives a located CT000, never a panic.
#[test]
fn a_real_plan_with_any_part_of_the_wrong_type_never_panics() {
    let text = std::fs::read_to_string(format!("{PARITY}/plan/plan.json")).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut pointers = Vec::new();
    fn walk(v: &serde_json::Value, at: String, depth: usize, out: &mut Vec<String>) {
        if depth > 5 {
            return;
        }
        let children: Vec<(String, &serde_json::Value)> = match v {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
                .collect(),
            serde_json::Value::Array(a) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => Vec::new(),
        };
        for (k, c) in children {
            let p = format!("{at}/{k}");
            out.push(p.clone());
            walk(c, p, depth + 1, out);
        }
    }
    walk(&plan, String::new(), 0, &mut pointers);
    assert!(pointers.len() > 300, "{}", pointers.len());
    let dir = tempfile::tempdir().unwrap();
    let others = [
        serde_json::json!(5),
        serde_json::json!("x"),
        serde_json::json!([{}]),
        serde_json::Value::Null,
    ];
    for (i, p) in pointers.iter().enumerate() {
        let mut v = plan.clone();
        let (parent, last) = p.rsplit_once('/').unwrap();
        match v.pointer_mut(parent).unwrap() {
            // Removed from objects, replaced in lists.
            serde_json::Value::Object(m) if i % 5 == 0 => {
                m.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            _ => *v.pointer_mut(p).unwrap() = others[i % others.len()].clone(),
        }
        std::fs::write(
            dir.path().join(format!("p{i:04}.json")),
            serde_json::to_string_pretty(&v).unwrap(),
        )
        .unwrap();
    }
    let report = run(&[dir.path().to_path_buf()]);
    for f in &report.findings {
        assert!(!f.message.contains("panicked"), "{}", f.message);
        if f.code == "CT000" {
            let file = report.sources.get(f.primary.span.file);
            assert!(
                f.primary.span.end as usize <= file.text.len() && f.primary.span.end > 0,
                "{}",
                file.display
            );
        }
    }
    assert!(report.findings.iter().any(|f| f.code == "CT000"));
    assert!(report.findings.iter().any(|f| f.code == "CT001"));
}
