//! SARIF output (docs/output-formats.md#sarif): valid against the OASIS SARIF 2.1.0 schema (vendored in
//! `tests/data/sarif-schema-2.1.0.json`, errata01) and following GitHub code scanning's ingestion
//! rules, checked one by one; the examples' SARIF is snapshotted and byte-identical across runs.
//!
//! The same output also passes the SARIF multitool with `--rule-kind "Sarif;Gh"`:
//! `scripts/validate-sarif.sh FILE` (needs Node.js; not run by `cargo test`).

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::registry;
use ctlint::finding::Verdict;
use ctlint::report::{self, Format};
use ctlint::{Options, Report};
use serde_json::Value;

const SRCROOT: &str = "%SRCROOT%";

fn lint_default(paths: &[&Path]) -> Report {
    let opts = Options {
        paths: paths.iter().map(|p| p.to_path_buf()).collect(),
        ..Options::default()
    };
    ctlint::lint(&registry(), &opts)
}

fn sarif(report: &Report) -> String {
    report::render(report, Format::Sarif, Default::default())
}

fn schema_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("vendored SARIF schema");
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

/// Parse, validate against the schema, check GitHub's rules; the parsed document.
fn check(text: &str) -> Value {
    let doc: Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let errors: Vec<String> = schema_validator()
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0:\n{}", errors.join("\n"));
    github_rules(&doc);
    doc
}

fn run(doc: &Value) -> &Value {
    &doc["runs"][0]
}

fn rules(doc: &Value) -> &Vec<Value> {
    run(doc)["tool"]["driver"]["rules"]
        .as_array()
        .expect("tool.driver.rules")
}

fn results(doc: &Value) -> &Vec<Value> {
    run(doc)["results"].as_array().expect("results")
}

fn text<'a>(v: &'a Value, what: &str) -> &'a str {
    let t = v.as_str().unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(!t.trim().is_empty(), "{what} is empty");
    t
}

/// GitHub code scanning's ingestion rules (docs: "SARIF support for code scanning").
fn github_rules(doc: &Value) {
    assert_eq!(doc["version"], "2.1.0");
    text(&doc["$schema"], "$schema");
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "exactly one run");
    text(&run(doc)["tool"]["driver"]["name"], "tool.driver.name");

    let rules = rules(doc);
    let mut ids = HashSet::new();
    for rule in rules {
        let id = text(&rule["id"], "rule id");
        assert!(ids.insert(id.to_string()), "rule {id} is listed twice");
        assert!(
            text(&rule["name"], "rule name").chars().count() <= 255,
            "{id}: name too long"
        );
        for field in ["shortDescription", "fullDescription"] {
            let t = text(&rule[field]["text"], &format!("{id} {field}"));
            assert!(t.chars().count() <= 1024, "{id}: {field} longer than 1024 characters");
        }
        text(&rule["help"]["text"], &format!("{id} help.text"));
        text(&rule["help"]["markdown"], &format!("{id} help.markdown"));
        let level = text(&rule["defaultConfiguration"]["level"], "defaultConfiguration.level");
        assert!(["note", "warning", "error"].contains(&level), "{id}: level {level}");
        let props = &rule["properties"];
        let sev = text(&props["security-severity"], &format!("{id} security-severity"));
        let score: f64 = sev
            .parse()
            .unwrap_or_else(|_| panic!("{id}: security-severity `{sev}` is not a number"));
        assert!(
            score > 0.0 && score <= 10.0,
            "{id}: security-severity {score} out of range"
        );
        let tags = props["tags"].as_array().expect("tags");
        assert!(tags.contains(&Value::from("security")), "{id}: no `security` tag");
        let problem = text(&props["problem.severity"], "problem.severity");
        assert!(
            ["error", "warning", "recommendation"].contains(&problem),
            "{id}: problem.severity {problem}"
        );
    }

    for (i, result) in results(doc).iter().enumerate() {
        let id = text(&result["ruleId"], "ruleId");
        let index = result["ruleIndex"]
            .as_u64()
            .unwrap_or_else(|| panic!("result {i}: no ruleIndex")) as usize;
        assert!(index < rules.len(), "result {i}: ruleIndex {index} out of range");
        assert_eq!(rules[index]["id"], id, "result {i}: ruleIndex names another rule");
        let message = text(&result["message"]["text"], "message.text");
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "result {i}: one location");
        let fingerprints = result["partialFingerprints"].as_object().expect("partialFingerprints");
        assert!(!fingerprints.is_empty(), "result {i}: empty partialFingerprints");
        assert!(fingerprints.values().all(|v| v.is_string()));
        let kind = result["kind"].as_str().unwrap_or("fail");
        let level = result["level"].as_str().unwrap_or("warning");
        match kind {
            "open" => assert_eq!(level, "note", "result {i}: open results are notes"),
            "fail" => assert!(["error", "warning", "note"].contains(&level)),
            other => panic!("result {i}: unexpected kind {other}"),
        }
        let related = result["relatedLocations"].as_array().cloned().unwrap_or_default();
        let mut location_ids = HashSet::new();
        for loc in locations.iter().chain(&related) {
            check_location(loc);
        }
        for loc in &related {
            let lid = loc["id"].as_u64().expect("related location id");
            assert!(location_ids.insert(lid), "result {i}: related location id {lid} twice");
            text(&loc["message"]["text"], "related location message");
            assert!(
                message.contains(&format!("]({lid})")),
                "result {i}: related location {lid} is not linked from the message: {message}"
            );
        }
    }
}

fn check_location(loc: &Value) {
    let physical = &loc["physicalLocation"];
    let artifact = &physical["artifactLocation"];
    let uri = text(&artifact["uri"], "artifactLocation.uri");
    if let Some(abs) = uri.strip_prefix("file:///") {
        // A file outside the working directory: absolute, so no base.
        assert!(artifact.get("uriBaseId").is_none(), "absolute {uri} with a uriBaseId");
        assert!(!abs.split('/').any(|s| s == ".." || s == "."), "{uri}");
    } else {
        assert_relative(artifact);
    }
    let region = &physical["region"];
    let line = |k: &str| {
        region[k]
            .as_u64()
            .unwrap_or_else(|| panic!("region.{k} missing in {loc}"))
    };
    let (start, end) = (
        (line("startLine"), line("startColumn")),
        (line("endLine"), line("endColumn")),
    );
    assert!(start.0 >= 1 && start.1 >= 1, "{loc}");
    assert!(end >= start, "region ends before it starts: {loc}");
}

fn assert_relative(artifact: &Value) {
    let uri = text(&artifact["uri"], "artifactLocation.uri");
    assert_eq!(artifact["uriBaseId"], SRCROOT, "{uri}: no uriBaseId");
    assert!(!uri.starts_with('/'), "{uri}: leading slash");
    assert!(
        !uri.contains("://") && !uri.contains('\\'),
        "{uri}: not a relative reference"
    );
    assert!(
        !uri.split('/').any(|s| s == ".." || s == "." || s.is_empty()),
        "{uri}: `.`, `..` or empty segment"
    );
    assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}: not percent-encoded");
}

fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).expect("percent escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 path")
}

/// A scratch directory under the target directory: inside the working directory in a normal
/// checkout, so its files get relative URIs.
fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("sarif-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
}

/// Is `path` under the working directory (so its URIs must be relative)?
fn inside_cwd(path: &Path) -> bool {
    let cwd = std::env::current_dir().unwrap();
    path.canonicalize().unwrap().starts_with(cwd.canonicalize().unwrap())
}

/// The SARIF snapshot without the tool version, so that a release does not change it.
fn without_version(sarif: &str) -> String {
    sarif.replace(&format!("\"{}\"", env!("CARGO_PKG_VERSION")), "\"[version]\"")
}

#[test]
fn examples_are_valid_and_snapshotted() {
    let report = lint_default(&[Path::new("examples")]);
    let out = sarif(&report);
    let doc = check(&out);
    assert_eq!(results(&doc).len(), report.findings.len());
    assert!(!results(&doc).is_empty());
    for result in results(&doc) {
        let loc = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_relative(loc);
        assert!(loc["uri"].as_str().unwrap().starts_with("examples/"), "{loc}");
    }
    // Every rule that ran is listed, CT000 included.
    let listed: HashSet<&str> = rules(&doc).iter().map(|r| r["id"].as_str().unwrap()).collect();
    for (rule, _) in &report.rules {
        assert!(
            listed.contains(rule.code.as_str()),
            "{} missing from tool.driver.rules",
            rule.code
        );
    }
    assert_eq!(run(&doc)["invocations"][0]["executionSuccessful"], true);
    insta::assert_snapshot!("examples_sarif", without_version(&out));
}

#[test]
fn output_is_deterministic() {
    let first = sarif(&lint_default(&[Path::new("examples")]));
    let second = sarif(&lint_default(&[Path::new("examples")]));
    assert!(first == second, "two runs on examples/ gave different SARIF");
    let report = lint_default(&[Path::new("tests/fixtures")]);
    assert_eq!(sarif(&report), sarif(&report));
}

#[test]
fn unknown_verdicts_are_open_notes() {
    let case = PathBuf::from("tests/fixtures/CT101-trail-bucket-versioning-disabled/unknown.tf");
    let report = common::lint(&registry(), &[case], &["CT101"]);
    let doc = check(&sarif(&report));
    let results = results(&doc);
    assert_eq!(results.len(), report.findings.len());
    assert!(
        report.findings.iter().any(|f| f.verdict == Verdict::Unknown),
        "the fixture has no unknown verdict"
    );
    for (f, result) in report.findings.iter().zip(results) {
        let (kind, level) = (&result["kind"], &result["level"]);
        if f.verdict == Verdict::Unknown {
            assert_eq!(
                (kind.as_str(), level.as_str()),
                (Some("open"), Some("note")),
                "{result}"
            );
            assert_eq!(result["properties"]["verdict"], "unknown");
        } else {
            assert_eq!(kind, "fail", "{result}");
        }
    }
}

#[test]
fn every_fixture_directory_is_valid() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut open = 0;
    let mut related = 0;
    for dir in &dirs {
        let doc = check(&sarif(&lint_default(&[dir.as_path()])));
        open += results(&doc).iter().filter(|r| r["kind"] == "open").count();
        related += results(&doc)
            .iter()
            .filter(|r| r.get("relatedLocations").is_some())
            .count();
    }
    assert!(
        open > 0 && related > 0,
        "the fixtures should exercise unknown verdicts and related locations"
    );
}

#[test]
fn a_file_that_does_not_parse_is_a_ct000_result() {
    let dir = scratch_dir();
    std::fs::write(dir.path().join("broken.tf"), "resource \"x\" {\n").unwrap();
    let spaced = dir.path().join("dir with space");
    std::fs::create_dir(&spaced).unwrap();
    let name = "tr\u{e4}il \u{1F600}.tf";
    std::fs::copy("tests/fixtures/CT001-trail-not-multi-region/bad.tf", spaced.join(name)).unwrap();
    let relative = inside_cwd(dir.path());

    for selected in [&[][..], &["CT001"][..]] {
        let opts = Options {
            paths: vec![dir.path().to_path_buf()],
            select: selected.iter().map(|s| s.to_string()).collect(),
            ..Options::default()
        };
        let report = ctlint::lint(&registry(), &opts);
        let doc = check(&sarif(&report));
        let ct000: Vec<&Value> = results(&doc).iter().filter(|r| r["ruleId"] == "CT000").collect();
        assert_eq!(ct000.len(), 1, "selected {selected:?}");
        assert_eq!(ct000[0]["level"], "error");
        assert_eq!(ct000[0]["kind"], "fail");
        let artifact = &ct000[0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert!(artifact["uri"].as_str().unwrap().ends_with("/broken.tf"), "{artifact}");
        if relative {
            assert_relative(artifact);
        }
        // CT000 is listed once, also when only CT001 was selected.
        assert_eq!(rules(&doc).iter().filter(|r| r["id"] == "CT000").count(), 1);

        // The file name with a space and non-ASCII characters round-trips through the URI.
        let ct001 = results(&doc)
            .iter()
            .find(|r| r["ruleId"] == "CT001")
            .expect("a CT001 result");
        let artifact = &ct001["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        assert!(
            uri.ends_with("/dir%20with%20space/tr%C3%A4il%20%F0%9F%98%80.tf"),
            "{uri}"
        );
        if relative {
            assert_relative(artifact);
            let shown = report
                .findings
                .iter()
                .find(|f| f.code == "CT001")
                .map(|f| report::loc(&report.sources, f.primary.span).file)
                .unwrap();
            assert_eq!(percent_decode(uri), shown);
        }
    }
}

#[test]
fn files_outside_the_working_directory_get_absolute_uris() {
    let dir = tempfile::tempdir().unwrap();
    if inside_cwd(dir.path()) {
        return; // the system temporary directory is inside the checkout: nothing to test
    }
    std::fs::copy(
        "tests/fixtures/CT001-trail-not-multi-region/bad.tf",
        dir.path().join("main.tf"),
    )
    .unwrap();
    let doc = check(&sarif(&lint_default(&[dir.path()])));
    assert!(!results(&doc).is_empty());
    for result in results(&doc) {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert!(artifact["uri"].as_str().unwrap().starts_with("file:///"), "{artifact}");
        assert!(artifact.get("uriBaseId").is_none());
    }
}

#[test]
fn a_run_without_findings_still_lists_its_rules() {
    let case = PathBuf::from("tests/fixtures/CT101-trail-bucket-versioning-disabled/good.tf");
    let report = common::lint(&registry(), &[case], &["CT101"]);
    assert!(report.findings.is_empty());
    let doc = check(&sarif(&report));
    assert!(results(&doc).is_empty());
    let ids: Vec<&str> = rules(&doc).iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["CT101"]);
}

#[test]
fn suppressed_findings_carry_their_reason() {
    // Inline: the suppression fixtures, with a "today" before every `until`.
    let opts = ctlint::Options {
        today: (2026, 1, 1),
        ..ctlint::Options::only(
            &[PathBuf::from("tests/fixtures/suppress/terraform")],
            &["CT001", "CT002"],
        )
    };
    let report = ctlint::lint(&registry(), &opts);
    let doc = check(&sarif(&report));
    let suppressed: Vec<&Value> = results(&doc)
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), report.summary.suppressed);
    assert!(!suppressed.is_empty());
    let first = &suppressed[0]["suppressions"][0];
    assert_eq!(first["kind"], "inSource");
    assert_eq!(first["justification"], "the organization trail records every region");

    // Baseline: `external`, with the baseline named in the justification.
    let mut report = lint_default(&[Path::new("examples/terraform/noncompliant")]);
    let baseline = ctlint::baseline::Baseline::from_report(&report);
    report.apply_baseline(&baseline, "ctlint-baseline.json");
    let doc = check(&sarif(&report));
    for r in results(&doc) {
        assert_eq!(r["suppressions"][0]["kind"], "external", "{r}");
        assert_eq!(
            r["suppressions"][0]["justification"],
            "recorded in the baseline ctlint-baseline.json"
        );
    }
}

#[test]
fn unreadable_paths_are_tool_notifications() {
    let report = lint_default(&[
        Path::new("tests/data/does-not-exist"),
        Path::new("examples/cloudformation"),
    ]);
    assert!(!report.errors.is_empty());
    let doc = check(&sarif(&report));
    let invocation = &run(&doc)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes[0]["level"], "error");
    assert_relative(&notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]);
    assert!(!results(&doc).is_empty(), "the readable path is still linted");
}

#[test]
fn the_schema_check_catches_broken_sarif() {
    let good: Value = serde_json::from_str(&sarif(&lint_default(&[Path::new("examples/cloudformation")]))).unwrap();
    assert!(schema_validator().is_valid(&good));
    let mut doc = good.clone();
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = Value::from(0);
    assert!(!schema_validator().is_valid(&doc), "startLine 0 passed the schema");
    let mut doc = good;
    doc["runs"][0]["results"][0]["kind"] = Value::from("unknown");
    assert!(!schema_validator().is_valid(&doc), "an unknown kind passed the schema");
}
