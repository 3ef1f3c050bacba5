//! SARIF 2.1.0 for code scanning (docs/output-formats.md#sarif), checked with the SARIF multitool's `Sarif` and `Gh` rule
//! kinds (`scripts/validate-sarif.sh`) and against the OASIS schema (`tests/sarif.rs`).
//!
//! - One run. Every rule that ran is in `tool.driver.rules` exactly once, in the report's order
//!   (code order, the parse-error rule last), with name, short and full description (GitHub caps
//!   both at 1024 characters), plain and Markdown help, `defaultConfiguration.level`, and
//!   `security-severity` (a string) and tags in its properties. The report lists the parse-error
//!   rule also when it was not selected but a file did not parse, so every `ruleIndex` indexes
//!   `tool.driver.rules` and names a rule with the result's `ruleId`.
//! - Files under the working directory are repository-relative URIs under `%SRCROOT%` (`/`
//!   separated, percent-encoded, no `.` or `..` segments); files outside it are absolute `file://`
//!   URIs without a `uriBaseId`, which GitHub makes relative to its checkout.
//! - Regions: `startLine` ≥ 1, UTF-16 columns (`columnKind`), and an end never before the start.
//! - `relatedLocations` carry ids 1, 2, … and are also linked from the message text
//!   (`[label](1)`): GitHub shows related locations only through such links.
//! - `partialFingerprints` holds ctlint's fingerprint (rule, file, resource, attribute: never line
//!   numbers). GitHub itself only reads `primaryLocationLineHash`, which its `upload-sarif` action
//!   adds from the file contents.
//! - Unknown verdicts are `kind: "open"` at level `note` (docs/verdicts.md#unknown); suppressed findings carry
//!   `suppressions` with the reason.
//! - Paths that could not be read are tool execution notifications, and make
//!   `executionSuccessful` false, as do files that do not parse (their CT000 results say where).
//!
//! The output is deterministic: keys are sorted, results follow the report's order, and nothing
//! depends on the time or the machine (except the absolute URIs of files outside the working
//! directory).

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use super::loc;
use crate::Report;
use crate::finding::{Finding, Severity, Verdict};
use crate::rules::{Rule, docs};
use crate::source::Span;

const SRCROOT: &str = "%SRCROOT%";
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub's limit on `shortDescription.text` and `fullDescription.text`, in characters.
const MAX_DESCRIPTION: usize = 1024;
const TAGS: [&str; 3] = ["security", "cloudtrail", "iac"];

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `problem.severity`: `error`, `warning` or `recommendation`.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "recommendation",
    }
}

fn result_level(f: &Finding) -> &'static str {
    match f.verdict {
        Verdict::Unknown => "note",
        _ => level(f.severity),
    }
}

fn result_kind(f: &Finding) -> &'static str {
    match f.verdict {
        Verdict::Unknown => "open",
        _ => "fail",
    }
}

/// `text`, or `fallback` when it is blank: GitHub rejects empty required strings.
fn non_empty(text: &str, fallback: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

/// At most [`MAX_DESCRIPTION`] characters, cut at a word boundary with an ellipsis.
fn cap(text: &str) -> String {
    if text.chars().count() <= MAX_DESCRIPTION {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_DESCRIPTION - 1).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > MAX_DESCRIPTION / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// The first paragraph of a rule's `what`, its hard-wrapped lines joined: the full description.
fn first_paragraph(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn rule_descriptor(rule: &Rule, severity: Severity) -> Value {
    let short = cap(&non_empty(&rule.title, &rule.name));
    let full = cap(&non_empty(&first_paragraph(&rule.docs.what), &short));
    let help_text = [rule.docs.what.trim(), rule.docs.why.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": non_empty(&help_text, &full), "markdown": docs::markdown(rule, severity) },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "tags": TAGS,
            "precision": "very-high",
            "problem.severity": problem_severity(severity),
            "security-severity": severity.security_severity(),
        }
    })
}

/// A descriptor for a finding whose rule is not in the report's rule list (the pipeline lists
/// every rule it reports, so this only guards reports built by hand).
fn fallback_descriptor(f: &Finding) -> Value {
    let name = non_empty(&f.name, &f.code);
    json!({
        "id": f.code,
        "name": name,
        "shortDescription": { "text": name },
        "fullDescription": { "text": name },
        "help": { "text": name, "markdown": format!("Run `ctlint explain {}`.", f.code) },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": TAGS,
            "precision": "very-high",
            "problem.severity": problem_severity(f.severity),
            "security-severity": f.severity.security_severity(),
        }
    })
}

/// `tool.driver.rules`: each rule once, and the index of each code in it.
struct RuleTable {
    codes: Vec<String>,
    descriptors: Vec<Value>,
}

impl RuleTable {
    fn new(report: &Report) -> RuleTable {
        let mut table = RuleTable {
            codes: Vec::new(),
            descriptors: Vec::new(),
        };
        for (rule, severity) in &report.rules {
            if table.index(&rule.code).is_none() {
                table.codes.push(rule.code.clone());
                table.descriptors.push(rule_descriptor(rule, *severity));
            }
        }
        for f in &report.findings {
            if table.index(&f.code).is_none() {
                table.codes.push(f.code.clone());
                table.descriptors.push(fallback_descriptor(f));
            }
        }
        table
    }

    fn index(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }
}

/// Percent-encode one path segment; `keep` lists extra bytes left as they are.
fn encode_segment(segment: &str, keep: &[u8], out: &mut String) {
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// A `/`-separated relative path without `.` and `..` segments, or `None` when it leaves the
/// directory it is relative to (or is empty).
fn normalized_relative<'a>(base: &'a [String], display: &'a str) -> Option<Vec<&'a str>> {
    let mut segments: Vec<&str> = base.iter().map(String::as_str).collect();
    for s in display.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    (!segments.is_empty()).then_some(segments)
}

/// Does a `/`-separated path name an absolute location (`/x`, `//server/x`, and on Windows `C:/x`)?
fn is_absolute(display: &str) -> bool {
    display.starts_with('/') || Path::new(display).is_absolute()
}

/// An absolute `file://` URI for a path, with `.` and `..` removed lexically.
fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut prefix = String::new();
    let mut segments: Vec<String> = Vec::new();
    for c in abs.components() {
        match c {
            Component::Prefix(p) => prefix = p.as_os_str().to_string_lossy().replace('\\', "/"),
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => {
                segments.pop();
            }
            Component::Normal(s) => segments.push(s.to_string_lossy().into_owned()),
        }
    }
    let mut out = String::from("file://");
    if let Some(unc) = prefix.strip_prefix("//") {
        // `//server/share` (UNC): the server is the authority.
        out.push_str(unc.trim_end_matches('/'));
    } else if !prefix.is_empty() {
        out.push('/');
        encode_segment(&prefix, b":", &mut out);
    }
    for s in &segments {
        out.push('/');
        encode_segment(s, b":", &mut out);
    }
    if segments.is_empty() {
        out.push('/');
    }
    out
}

/// Where the working directory is inside its git repository, as path segments (empty at the
/// root, or outside any repository). Code scanning resolves URIs from the repository root, so a
/// run from `infra/` must still say `infra/main.tf`.
pub fn repository_prefix(cwd: &Path) -> Vec<String> {
    let Some(root) = cwd.ancestors().find(|d| d.join(".git").exists()) else {
        return Vec::new();
    };
    cwd.strip_prefix(root)
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The `artifactLocation` of a file shown as `display` (relative to the working directory when
/// inside it, `/`-separated) whose path as given is `path`; `base` is the working directory's
/// place in the repository.
fn artifact_location(display: &str, path: &Path, base: &[String]) -> Value {
    if !is_absolute(display)
        && let Some(segments) = normalized_relative(base, display)
    {
        let mut uri = String::with_capacity(display.len());
        for (i, s) in segments.iter().enumerate() {
            if i > 0 {
                uri.push('/');
            }
            encode_segment(s, &[], &mut uri);
        }
        return json!({ "uri": uri, "uriBaseId": SRCROOT });
    }
    let path = if is_absolute(display) {
        PathBuf::from(display)
    } else {
        path.to_path_buf()
    };
    json!({ "uri": file_uri(&path) })
}

fn location(report: &Report, span: Span, base: &[String]) -> Value {
    let l = loc(&report.sources, span);
    let file = report.sources.get(span.file);
    let start = (l.line.max(1), l.column_utf16.max(1));
    let end = (l.end_line.max(1), l.end_column_utf16.max(1)).max(start);
    json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(&l.file, &file.path, base),
            "region": {
                "startLine": start.0,
                "startColumn": start.1,
                "endLine": end.0,
                "endColumn": end.1,
            }
        }
    })
}

/// Link text of an embedded link (SARIF §3.11.6): `\`, `[` and `]` escaped.
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The message, followed by links to the related locations (ids 1, 2, …).
fn message_text(f: &Finding) -> String {
    let mut text = non_empty(&f.message, &f.name);
    if !f.related.is_empty() {
        let links: Vec<String> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| format!("[{}]({})", link_text(&non_empty(&l.message, "related location")), i + 1))
            .collect();
        text.push_str(&format!(" (see {})", links.join("; ")));
    }
    text
}

fn result(report: &Report, f: &Finding, rule_index: usize, base: &[String]) -> Value {
    let mut r = json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": result_level(f),
        "kind": result_kind(f),
        "message": { "text": message_text(f) },
        "locations": [location(report, f.primary.span, base)],
        "partialFingerprints": { "ctlintFingerprint/v1": f.fingerprint },
        "properties": {
            "resource": f.resource,
            "severity": f.severity.as_str(),
            "verdict": f.verdict.as_str(),
        },
    });
    if !f.related.is_empty() {
        r["relatedLocations"] = f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut v = location(report, l.span, base);
                v["id"] = json!(i + 1);
                v["message"] = json!({ "text": non_empty(&l.message, "related location") });
                v
            })
            .collect();
    }
    if let Some(c) = &f.cause {
        r["properties"]["cause"] = json!({ "what": c.what, "advice": c.advice });
    }
    if let Some(s) = &f.suppressed {
        r["suppressions"] = json!([{ "kind": s.kind.sarif(), "justification": s.reason }]);
    }
    r
}

fn invocation(report: &Report, base: &[String]) -> Value {
    // A file that could not be read leaves the analysis incomplete, as an unreadable path does
    // (both make the run exit 2); its CT000 result says where.
    let complete = report.errors.is_empty() && !report.findings.iter().any(|f| f.is_parse_error());
    let mut inv = json!({ "executionSuccessful": complete });
    if !report.errors.is_empty() {
        inv["toolExecutionNotifications"] = report
            .errors
            .iter()
            .map(|e| {
                json!({
                    "level": "error",
                    "message": { "text": non_empty(&e.message, "cannot read this path") },
                    "locations": [{
                        "physicalLocation": { "artifactLocation": artifact_location(&e.file, Path::new(&e.file), base) }
                    }],
                })
            })
            .collect();
    }
    inv
}

pub fn render(report: &Report) -> String {
    let table = RuleTable::new(report);
    let base = std::env::current_dir()
        .map(|d| repository_prefix(&d))
        .unwrap_or_default();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ctlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": table.descriptors,
                }
            },
            "invocations": [invocation(report, &base)],
            "originalUriBaseIds": {
                SRCROOT: { "description": { "text": "The root of the git repository ctlint ran in (or the directory it ran from, outside a repository)." } }
            },
            "columnKind": "utf16CodeUnits",
            "results": [],
        }]
    });
    let out = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    // The results are serialized one at a time into the place of the empty list, so that
    // memory holds the output and one result, not a JSON tree of every result (gigabytes for
    // a few hundred thousand findings). The bytes are those of serializing the whole tree.
    let results = report.findings.iter().map(|f| {
        let index = table.index(&f.code).expect("every finding's rule is in the table");
        result(report, f, index, &base)
    });
    let mut out = splice_list(&out, "\"results\": []", results);
    out.push('\n');
    out
}

/// `pretty` with the empty list after `key` (a `"key": []` that occurs once) replaced by the
/// pretty-printed `items`, indented as `serde_json::to_string_pretty` indents them.
fn splice_list(pretty: &str, key: &str, items: impl Iterator<Item = Value>) -> String {
    let at = pretty.find(key).expect("the placeholder is in the document");
    let line_start = pretty[..at].rfind('\n').map_or(0, |n| n + 1);
    let indent = &pretty[line_start..at];
    let list_start = at + key.len() - 2;
    let mut out = String::with_capacity(pretty.len());
    out.push_str(&pretty[..list_start]);
    out.push('[');
    let mut any = false;
    for item in items {
        out.push_str(if any { ",\n" } else { "\n" });
        any = true;
        // Strings are escaped, so every newline of the item is between JSON tokens.
        let text = serde_json::to_string_pretty(&item).expect("a result serializes");
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(indent);
            out.push_str("  ");
            out.push_str(line);
        }
    }
    if any {
        out.push('\n');
        out.push_str(indent);
    }
    out.push(']');
    out.push_str(&pretty[list_start + 2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_lists_are_the_bytes_of_the_whole_tree() {
        for items in [
            vec![],
            vec![json!({"a": [1, {"b": "x\ny"}]})],
            vec![json!(1), json!({"c": {}})],
        ] {
            let whole = json!({"runs": [{"k": 1, "results": items.clone()}]});
            let empty = json!({"runs": [{"k": 1, "results": []}]});
            let pretty = serde_json::to_string_pretty(&empty).unwrap();
            assert_eq!(
                splice_list(&pretty, "\"results\": []", items.into_iter()),
                serde_json::to_string_pretty(&whole).unwrap()
            );
        }
    }

    #[test]
    fn relative_paths_are_normalised_and_encoded() {
        let uri = |d: &str| {
            artifact_location(d, Path::new(d), &[])["uri"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(uri("examples/a.tf"), "examples/a.tf");
        assert_eq!(uri("./x/../examples/a b.tf"), "examples/a%20b.tf");
        assert_eq!(uri("dir/tr\u{e4}il \u{1F600}.tf"), "dir/tr%C3%A4il%20%F0%9F%98%80.tf");
        #[cfg(unix)]
        assert_eq!(uri("c:d/x.tf"), "c%3Ad/x.tf");
        assert_eq!(artifact_location("a.tf", Path::new("a.tf"), &[])["uriBaseId"], SRCROOT);
    }

    #[test]
    fn uris_are_relative_to_the_repository_root() {
        let base = vec!["infra".to_string(), "prod".to_string()];
        let v = artifact_location("main.tf", Path::new("main.tf"), &base);
        assert_eq!(v["uri"], "infra/prod/main.tf");
        assert_eq!(v["uriBaseId"], SRCROOT);
        // `..` may climb out of the working directory, as long as it stays in the repository.
        let v = artifact_location("../shared/kms.tf", Path::new("../shared/kms.tf"), &base);
        assert_eq!(v["uri"], "infra/shared/kms.tf");
        let v = artifact_location("../../../x.tf", Path::new("../../../x.tf"), &base);
        assert!(v.get("uriBaseId").is_none(), "{v}");

        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        std::fs::create_dir_all(repo.path().join("infra/prod")).unwrap();
        assert_eq!(repository_prefix(&repo.path().join("infra/prod")), ["infra", "prod"]);
        assert!(repository_prefix(repo.path()).is_empty());
    }

    #[test]
    fn paths_outside_the_working_directory_are_absolute_file_uris() {
        let v = artifact_location("/tmp/a b/x.tf", Path::new("/tmp/a b/x.tf"), &[]);
        assert_eq!(v["uri"], "file:///tmp/a%20b/x.tf");
        assert!(v.get("uriBaseId").is_none());
        let v = artifact_location("../other/x.tf", Path::new("../other/x.tf"), &[]);
        let uri = v["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("file:///") && uri.ends_with("/other/x.tf") && !uri.contains(".."),
            "{uri}"
        );
    }

    #[test]
    fn descriptions_are_capped_at_a_word() {
        let long = "word ".repeat(400);
        let capped = cap(&long);
        assert!(capped.chars().count() <= MAX_DESCRIPTION);
        assert!(capped.ends_with("word…"));
        assert_eq!(cap("short"), "short");
        assert_eq!(first_paragraph("a\nb\n\nc"), "a b");
    }

    #[test]
    fn link_text_escapes_brackets() {
        assert_eq!(link_text(r"a[0]\b"), r"a\[0\]\\b");
    }
}
