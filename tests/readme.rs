//! The README's rules table is the catalogue as users first see it: it must list exactly the rule
//! files in `rules/`, with their codes, names, severities and default on/off state.
//!
//! The table is the one under `## Rules`: `| code | name | severity | target |`. The severity cell
//! starts with the severity; a rule that is off by default says `**off**` in that cell (and names
//! the profiles that turn it on, if any). The rule files are read with the `toml` crate, straight
//! from `rules/*.toml`, so this test does not depend on how the loader is built.

use std::collections::BTreeMap;
use std::path::Path;

/// What the README or a rule file says about one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    name: String,
    severity: String,
    enabled: bool,
    profiles: Vec<String>,
}

/// The rows of the table under `## Rules`, by code, with the problems found reading it.
fn readme_rows(readme: &str) -> (BTreeMap<String, Row>, Vec<String>) {
    let mut problems = Vec::new();
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Rules\n"))
        .expect("README.md has a `## Rules` section");
    let mut lines = section.lines().filter(|l| l.trim_start().starts_with('|'));
    let header: Vec<String> = cells(lines.next().expect("the Rules section has a table"));
    assert_eq!(
        header,
        ["code", "name", "severity", "target"],
        "the README's rules table has the columns code | name | severity | target"
    );
    let separator = lines.next().expect("the rules table has a separator row");
    assert!(separator.contains("---"), "second row of the rules table: {separator}");
    let mut rows = BTreeMap::new();
    for line in lines {
        let c = cells(line);
        if c.len() != 4 {
            problems.push(format!("README row has {} cells, not 4: {line}", c.len()));
            continue;
        }
        let code = c[0].clone();
        let severity = c[2]
            .split(|ch: char| !ch.is_ascii_alphabetic())
            .next()
            .unwrap_or("")
            .to_string();
        let row = Row {
            name: c[1].clone(),
            severity,
            enabled: !c[2].contains("**off**"),
            // Profiles are only checked for rules that are off: the cell must name them.
            profiles: Vec::new(),
        };
        if rows.insert(code.clone(), row).is_some() {
            problems.push(format!("README lists {code} twice"));
        }
        if c[3].is_empty() {
            problems.push(format!("README row {code} has an empty target"));
        }
    }
    assert!(!rows.is_empty(), "the README's rules table has no rows");
    (rows, problems)
}

fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    // No cell of the rules table holds an escaped `\|`; split on every bar.
    t.split('|').map(|c| c.trim().trim_matches('`').to_string()).collect()
}

/// Every `rules/*.toml`, by code, with the problems found reading them.
fn rule_files(dir: &Path) -> (BTreeMap<String, (String, Row)>, Vec<String>) {
    let mut problems = Vec::new();
    let mut out = BTreeMap::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("rules/ directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no rule files in {}", dir.display());
    for path in paths {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{file} is not TOML: {e}"));
                continue;
            }
        };
        let string = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(code), Some(name), Some(severity)) = (string("code"), string("name"), string("severity")) else {
            problems.push(format!("{file} lacks code, name or severity"));
            continue;
        };
        let enabled = table.get("enabled").and_then(toml::Value::as_bool).unwrap_or(true);
        let profiles = table
            .get("profiles")
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if file != format!("{code}-{name}.toml") {
            problems.push(format!(
                "{file} holds {code} `{name}`: expected the file name {code}-{name}.toml"
            ));
        }
        let row = Row {
            name,
            severity,
            enabled,
            profiles,
        };
        if out.insert(code.clone(), (file.clone(), row)).is_some() {
            problems.push(format!("two rule files have the code {code} ({file} is the second)"));
        }
    }
    (out, problems)
}

/// Compare the table with the files; the list of everything that disagrees.
fn compare(readme: &str, rules_dir: &Path) -> Vec<String> {
    let (rows, mut problems) = readme_rows(readme);
    let (files, file_problems) = rule_files(rules_dir);
    problems.extend(file_problems);
    let severity_cells: BTreeMap<&str, &str> = readme
        .lines()
        .filter_map(|l| {
            let c: Vec<&str> = l.trim().trim_matches('|').split('|').map(str::trim).collect();
            (c.len() == 4 && c[0].starts_with("CT")).then(|| (c[0], c[2]))
        })
        .collect();
    for (code, (file, rule)) in &files {
        let Some(row) = rows.get(code) else {
            problems.push(format!(
                "{file}: {code} `{}` has no row in the README's rules table",
                rule.name
            ));
            continue;
        };
        if row.name != rule.name {
            problems.push(format!(
                "{code}: the README says `{}`, {file} says `{}`",
                row.name, rule.name
            ));
        }
        if row.severity != rule.severity {
            problems.push(format!(
                "{code}: the README gives severity `{}`, {file} says `{}`",
                row.severity, rule.severity
            ));
        }
        if row.enabled != rule.enabled {
            problems.push(format!(
                "{code}: the README says it is {}, {file} has `enabled = {}` (off-by-default rules say `**off**` in the severity cell)",
                if row.enabled { "on by default" } else { "off by default" },
                rule.enabled
            ));
        }
        if !rule.enabled {
            let cell = severity_cells.get(code.as_str()).copied().unwrap_or("");
            for p in &rule.profiles {
                if !cell.contains(p.as_str()) {
                    problems.push(format!(
                        "{code}: turned on by the profile `{p}`, which its README severity cell does not name"
                    ));
                }
            }
        }
    }
    for code in rows.keys().filter(|c| !files.contains_key(*c)) {
        problems.push(format!(
            "the README's rules table lists {code}, but rules/ has no file for it"
        ));
    }
    problems
}

#[test]
fn readme_rules_table_matches_the_rule_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let problems = compare(&readme, &root.join("rules"));
    assert!(
        problems.is_empty(),
        "README.md's rules table and rules/*.toml disagree:\n  {}",
        problems.join("\n  ")
    );
}

/// The comparison itself catches each kind of mistake (so the test above can fail).
#[test]
fn the_comparison_catches_mistakes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let rules = root.join("rules");
    let row = |code: &str| {
        readme
            .lines()
            .find(|l| l.starts_with(&format!("| {code} |")))
            .unwrap_or_else(|| panic!("a README row for {code}"))
            .to_string()
    };
    let ct001 = row("CT001");
    let ct010 = row("CT010");
    let cases = [
        (
            "a wrong name",
            readme.replacen(
                &ct001,
                &ct001.replace("trail-not-multi-region", "trail-single-region"),
                1,
            ),
        ),
        (
            "a wrong severity",
            readme.replacen(&ct001, &ct001.replacen("| high |", "| medium |", 1), 1),
        ),
        (
            "a rule shown on that is off",
            readme.replacen(&ct010, &ct010.replace("**off**", "on"), 1),
        ),
        ("a missing row", readme.replacen(&format!("{ct001}\n"), "", 1)),
        (
            "a row without a file",
            readme.replacen(&ct001, &format!("{ct001}\n| CT499 | made-up | low | nothing |"), 1),
        ),
    ];
    for (what, text) in cases {
        assert_ne!(text, readme, "{what}: the README edit did not apply");
        assert!(
            !compare(&text, &rules).is_empty(),
            "{what} in the README went unnoticed"
        );
    }
}
