//! The rule catalogue: the embedded `rules/*.toml` plus any `--rules-dir`, loaded and checked.
//!
//! Loading validates everything a rule refers to (severity, targets, JSONPaths against the model
//! schema, predicates, builtins), so that a typo is a load error with its location (exit 2) and
//! never a rule that silently does not fire.

use std::path::Path;

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;

use super::predicate::Predicate;
use super::spec::{CheckSpec, Docs, Help, RuleFile};
use crate::diagnostic::Diagnostic;
use crate::finding::Severity;
use crate::model::{Edge, Kind, schema};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// What a rule is evaluated on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every input file (CT000: built into parsing).
    File,
    /// The whole scan, once: at least one trail passes every rule of `passes` (CT010).
    Scan,
    /// Every resource block of a type the adapters read, as written (CT901: the names the
    /// adapters found that its type does not have).
    Written,
    /// Resources of `root`, followed along `path`.
    Resources { root: Kind, path: Vec<Edge> },
}

impl Target {
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Target::File | Target::Scan | Target::Written => None,
            Target::Resources { root, path } => Some(path.last().map_or(*root, |e| e.target())),
        }
    }

    fn parse(s: &str) -> Result<Target, String> {
        match s {
            "file" => return Ok(Target::File),
            "scan" => return Ok(Target::Scan),
            "resource" => return Ok(Target::Written),
            _ => {}
        }
        let mut parts = s.split('.');
        let root = parts.next().unwrap_or("");
        let root = Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == root)
            .ok_or_else(|| format!("unknown target `{s}`"))?;
        let mut kind = root;
        let mut path = Vec::new();
        for p in parts {
            let edge = Edge::parse(p).ok_or_else(|| format!("unknown link `{p}` in target `{s}`"))?;
            let valid = matches!((kind, edge), (Kind::Trail, _) | (Kind::LogGroup, Edge::Key));
            if !valid {
                return Err(format!("a {} has no `{p}` link (target `{s}`)", kind.noun()));
            }
            kind = edge.target();
            path.push(edge);
        }
        Ok(Target::Resources { root, path })
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    /// The JSONPath as written, and compiled.
    pub select: Option<(String, JpQuery)>,
    /// The model field names the select walks (`["versioning", "status"]`).
    pub fields: Vec<String>,
    pub expect: Predicate,
    pub message: Option<String>,
    pub label: Option<String>,
    pub help: Option<Help>,
    pub stop: bool,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub severity: Severity,
    pub enabled: bool,
    pub profiles: Vec<String>,
    pub title: String,
    pub targets: Vec<Target>,
    /// The formats it applies to (`formats`); empty: every format.
    pub formats: Vec<crate::model::Format>,
    pub when: Vec<Check>,
    pub checks: Vec<Check>,
    /// For a `scan` rule: the trail rules one trail must pass, and where the list is written
    /// (line, column) for errors found once every rule is loaded.
    pub passes: Vec<String>,
    pub passes_at: (u32, u32),
    pub docs: Docs,
    /// The file it was loaded from (`rules/CT001-….toml` or a `--rules-dir` path).
    pub origin: String,
    /// The configuration switch that turns it on (`require_trail`), if any.
    pub enabled_by: Option<String>,
    /// Judged once per path to the target (trail → log group → key) rather than once per
    /// target: its verdict depends on the resources it was reached through.
    pub per_path: bool,
    /// The numeric configuration keys it reads.
    pub params: Vec<Param>,
}

/// A numeric configuration key a rule reads, declared in its rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub key: String,
    pub default: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub description: String,
}

impl Param {
    /// Check a configured value against the declared range.
    pub fn check(&self, value: f64) -> Result<f64, String> {
        let range = match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!(" between {} and {}", fmt_num(lo), fmt_num(hi)),
            (Some(lo), None) => format!(" of at least {}", fmt_num(lo)),
            (None, Some(hi)) => format!(" of at most {}", fmt_num(hi)),
            (None, None) => String::new(),
        };
        let ok = value.is_finite() && self.min.is_none_or(|lo| value >= lo) && self.max.is_none_or(|hi| value <= hi);
        if ok {
            Ok(value)
        } else {
            Err(format!(
                "`{}` takes a number{range} ({}); {} is not one",
                self.key,
                self.description,
                fmt_num(value)
            ))
        }
    }
}

fn fmt_num(n: f64) -> String {
    crate::model::value::fmt_num(n)
}

/// The message placeholders every rule may use; `config.KEY` names a declared parameter.
const PLACEHOLDERS: [&str; 6] = ["name", "resource", "trail", "state", "title", "noun"];

impl Rule {
    /// Does `id` (a code, name or alias, any case) name this rule?
    pub fn is(&self, id: &str) -> bool {
        self.code.eq_ignore_ascii_case(id)
            || self.name.eq_ignore_ascii_case(id)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }

    /// Does the rule apply to resources read from `format` (its `formats`, or every format)?
    pub fn applies_to(&self, format: crate::model::Format) -> bool {
        self.formats.is_empty() || self.formats.contains(&format)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub rules: Vec<Rule>,
}

impl Registry {
    /// The profiles some rule names (`cis`), sorted: the only names `--profile` and `profiles:`
    /// accept.
    pub fn profiles(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .rules
            .iter()
            .flat_map(|r| r.profiles.iter().map(String::as_str))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// An error for a profile name no rule knows, or none.
    pub fn unknown_profile(&self, name: &str) -> Option<String> {
        let known = self.profiles();
        (!known.contains(&name)).then(|| {
            format!(
                "unknown profile `{name}`; known: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })
    }

    /// The embedded catalogue, plus the rule files of `extra_dir`.
    pub fn load(extra_dir: Option<&Path>) -> Result<Registry, Diagnostic> {
        let mut rules = Vec::new();
        for (name, text) in embedded::EMBEDDED {
            rules.push(load_rule(&format!("rules/{name}"), text)?);
        }
        if let Some(dir) = extra_dir {
            let err = |message: String| Diagnostic::in_file(dir.display().to_string(), message);
            let entries = std::fs::read_dir(dir).map_err(|e| err(format!("cannot read rules directory: {e}")))?;
            let mut files: Vec<_> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for f in files {
                let shown = f.display().to_string();
                let text = std::fs::read_to_string(&f)
                    .map_err(|e| Diagnostic::in_file(shown.clone(), format!("cannot read rule file: {e}")))?;
                rules.push(load_rule(&shown, &text)?);
            }
        }
        check_unique(&rules)?;
        check_params(&rules)?;
        check_passes(&mut rules)?;
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Registry { rules })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.is(id))
    }

    /// The numeric configuration key `key`, as the rules that read it declare it.
    pub fn param(&self, key: &str) -> Option<&Param> {
        self.rules.iter().flat_map(|r| &r.params).find(|p| p.key == key)
    }

    /// Every numeric configuration key, once, in name order.
    pub fn params(&self) -> Vec<&Param> {
        let mut out: Vec<&Param> = Vec::new();
        for p in self.rules.iter().flat_map(|r| &r.params) {
            if !out.iter().any(|q| q.key == p.key) {
                out.push(p);
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// Is `key` a configuration switch that turns rules on?
    pub fn is_switch(&self, key: &str) -> bool {
        self.rules.iter().any(|r| r.enabled_by.as_deref() == Some(key))
    }

    /// Every configuration switch, once, in name order.
    pub fn switches(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.rules.iter().filter_map(|r| r.enabled_by.as_deref()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Two rules that read the same configuration key must agree on its default and range, or the
/// key would mean two things.
fn check_params(rules: &[Rule]) -> Result<(), Diagnostic> {
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            for p in &b.params {
                if let Some(q) = a.params.iter().find(|q| q.key == p.key)
                    && (q.default, q.min, q.max) != (p.default, p.min, p.max)
                {
                    return Err(Diagnostic::in_file(
                        b.origin.clone(),
                        format!(
                            "parameter `{}` is declared by {} ({}) with another default or range",
                            p.key, a.code, a.origin
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_unique(rules: &[Rule]) -> Result<(), Diagnostic> {
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            let clash = [&b.code, &b.name].into_iter().chain(&b.aliases).find(|id| a.is(id));
            if let Some(id) = clash {
                return Err(Diagnostic::in_file(
                    b.origin.clone(),
                    format!("`{id}` is already used by {} ({})", a.code, a.origin),
                ));
            }
        }
    }
    Ok(())
}

/// The rules a `scan` rule names must exist and be evaluated on trails themselves; names and
/// aliases become codes.
fn check_passes(rules: &mut [Rule]) -> Result<(), Diagnostic> {
    let trail_rule = |r: &Rule| {
        r.targets
            .iter()
            .any(|t| matches!(t, Target::Resources { root: Kind::Trail, path } if path.is_empty()))
    };
    let mut resolved = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let mut codes = Vec::new();
        for id in &rule.passes {
            let err = |message: String| Diagnostic {
                file: rule.origin.clone(),
                line: rule.passes_at.0,
                column: rule.passes_at.1,
                message,
            };
            let other = rules
                .iter()
                .find(|r| r.is(id))
                .ok_or_else(|| err(format!("`passes` names an unknown rule `{id}`")))?;
            if !trail_rule(other) || other.code == rule.code {
                return Err(err(format!(
                    "`passes` may only name rules whose target is `trail`; {} is not one",
                    other.code
                )));
            }
            codes.push(other.code.clone());
        }
        resolved.push((i, codes));
    }
    for (i, codes) in resolved {
        rules[i].passes = codes;
    }
    Ok(())
}

/// Load one rule file; errors carry the line and column of the offending value.
pub fn load_rule(file: &str, text: &str) -> Result<Rule, Diagnostic> {
    let at = |span: Option<std::ops::Range<usize>>, message: String| {
        Diagnostic::at_offset(file, text, span.map_or(0, |s| s.start), message)
    };
    let spec: RuleFile = toml::from_str(text).map_err(|e| at(e.span(), e.message().to_string()))?;
    let code = spec.code.get_ref().clone();
    if !(code.len() == 5 && code.starts_with("CT") && code[2..].chars().all(|c| c.is_ascii_digit())) {
        return Err(at(
            Some(spec.code.span()),
            format!("rule code `{code}` is not of the form CT123"),
        ));
    }
    let name = spec.name.get_ref().clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(at(
            Some(spec.name.span()),
            format!("rule name `{name}` must be lowercase words joined by `-`"),
        ));
    }
    let severity: Severity = spec
        .severity
        .get_ref()
        .parse()
        .map_err(|e: Diagnostic| at(Some(spec.severity.span()), e.message))?;
    let mut targets = Vec::new();
    for t in spec.target.get_ref().items() {
        targets.push(Target::parse(t).map_err(|e| at(Some(spec.target.span()), e))?);
    }
    if targets.is_empty() {
        return Err(at(Some(spec.target.span()), "a rule needs a target".into()));
    }
    let kinds: Vec<Kind> = targets.iter().filter_map(Target::kind).collect();
    let is_scan = targets.contains(&Target::Scan);
    let passes = spec.passes.as_ref().map(|p| p.get_ref().clone()).unwrap_or_default();
    let passes_at = {
        let e = at(
            spec.passes.as_ref().map(|p| p.span()).or(Some(spec.target.span())),
            String::new(),
        );
        (e.line, e.column)
    };
    if is_scan == passes.is_empty() || (is_scan && targets.len() > 1) {
        return Err(at(
            Some(spec.target.span()),
            "a `scan` rule is the rule's only target and lists the trail rules it needs in `passes`; no other rule has `passes`".into(),
        ));
    }
    if is_scan && (!spec.check.is_empty() || !spec.when.is_empty()) {
        return Err(at(
            Some(spec.target.span()),
            "`scan` rules take no checks: `passes` is their check".into(),
        ));
    }
    let is_file = targets.contains(&Target::File) || targets.contains(&Target::Written) || is_scan;
    if is_file && (!spec.check.is_empty() || !spec.when.is_empty()) {
        return Err(at(
            Some(spec.target.span()),
            "`file` and `resource` rules are built in and take no checks".into(),
        ));
    }
    if !is_file && spec.check.is_empty() {
        return Err(at(
            Some(spec.target.span()),
            "a rule needs at least one [[check]]".into(),
        ));
    }
    let steps = super::path::common_steps(&targets);
    let scope = super::predicate::Scope {
        steps: &steps,
        kinds: &kinds,
    };
    let compile = |c: &CheckSpec| -> Result<Check, Diagnostic> {
        let expect = Predicate::parse(c.expect.get_ref(), scope).map_err(|e| at(Some(c.expect.span()), e))?;
        let builtin = matches!(expect, Predicate::Builtin(_));
        let (select, fields) = match &c.select {
            Some(s) => {
                let q =
                    parse_json_path(s.get_ref()).map_err(|e| at(Some(s.span()), format!("invalid JSONPath: {e}")))?;
                let fields = field_names(s.get_ref());
                for k in &kinds {
                    let path: Vec<&str> = fields.iter().map(String::as_str).collect();
                    if let Some(why) = schema::path_type(*k, &path).and_then(|ty| expect.mismatch(ty)) {
                        return Err(at(
                            Some(c.expect.span()),
                            format!(
                                "this check can never hold: it {why} (`{}` of a {})",
                                s.get_ref(),
                                k.noun()
                            ),
                        ));
                    }
                    if !schema::path_exists(*k, &path) {
                        return Err(at(
                            Some(s.span()),
                            format!(
                                "`{}` is not a field of a {} (see src/model/schema.rs)",
                                s.get_ref(),
                                k.noun()
                            ),
                        ));
                    }
                }
                (Some((s.get_ref().clone(), q)), fields)
            }
            None if builtin => (None, Vec::new()),
            None => return Err(at(Some(c.expect.span()), "this check needs a `select`".into())),
        };
        Ok(Check {
            select,
            fields,
            expect,
            message: c.message.clone(),
            label: c.label.clone(),
            help: c.help.clone(),
            stop: c.stop,
        })
    };
    let when = spec.when.iter().map(compile).collect::<Result<Vec<_>, _>>()?;
    let checks = spec.check.iter().map(compile).collect::<Result<Vec<_>, _>>()?;
    // A builtin that judges several requirements separately gives one verdict per requirement:
    // it cannot be weighed with other checks, nor decide applicability.
    let parted = |c: &Check| matches!(&c.expect, Predicate::Builtin(b) if b.has_parts());
    let misplaced = match when.iter().position(parted) {
        Some(i) => Some(&spec.when[i]),
        None if checks.len() > 1 => checks.iter().position(parted).map(|i| &spec.check[i]),
        None => None,
    };
    if let Some(c) = misplaced {
        return Err(at(
            Some(c.expect.span()),
            "this builtin gives one verdict per requirement it judges: it must be the rule's only [[check]], and cannot be a [[when]]".into(),
        ));
    }
    let mut params = Vec::new();
    for (key, p) in &spec.params {
        let ps = p.get_ref();
        let param = Param {
            key: key.clone(),
            default: ps.default,
            min: ps.min,
            max: ps.max,
            description: ps.description.clone(),
        };
        if !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(at(
                Some(p.span()),
                format!("parameter `{key}` must be lowercase words joined by `_`"),
            ));
        }
        param
            .check(ps.default)
            .map_err(|e| at(Some(p.span()), format!("the default is out of range: {e}")))?;
        params.push(param);
    }
    // Every configuration value the rule reads is declared, and every placeholder is one the
    // engine fills: a typo would otherwise print `{trial}` in every finding.
    let declared = |key: &str| params.iter().any(|p| p.key == key);
    for c in spec.when.iter().chain(&spec.check) {
        let mut texts: Vec<&str> = c.message.iter().chain(&c.label).map(String::as_str).collect();
        match &c.help {
            Some(super::spec::Help::Text(t)) => texts.push(t),
            Some(super::spec::Help::PerFormat {
                terraform,
                cloudformation,
            }) => {
                texts.push(terraform);
                texts.push(cloudformation);
            }
            None => {}
        }
        for key in texts.iter().flat_map(|t| placeholders(t)) {
            let step = key.split('.').next().unwrap_or(key);
            let ok = match key.strip_prefix("config.") {
                Some(k) => declared(k),
                None => {
                    PLACEHOLDERS.contains(&key)
                        || steps.contains(&key)
                        || super::path::Template::parse(&format!("{{{key}}}"), &steps).is_ok()
                }
            };
            if !ok {
                return Err(at(
                    Some(c.expect.span()),
                    format!(
                        "unknown placeholder `{{{key}}}` in this check's text (expected one of {}, a step of the rule's path ({}) or `{{step.property}}`, or `config.KEY` for a parameter in [params])",
                        PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", "),
                        steps.join(", ")
                    ),
                ));
            }
            // A step between the trail and the target differs from path to path: naming it in a
            // message is only right when the rule is judged per path.
            let inner = steps.len() > 2 && steps[1..steps.len() - 1].contains(&step);
            if inner && !spec.per_path {
                return Err(at(
                    Some(c.expect.span()),
                    format!(
                        "`{{{key}}}` names a step in the middle of the path; set `per_path = true` so that each path is judged (and named) on its own"
                    ),
                ));
            }
        }
        for key in config_keys(c.expect.get_ref()) {
            if !declared(&key) {
                return Err(at(
                    Some(c.expect.span()),
                    format!("`config.{key}` is not a parameter of this rule: declare it in [params.{key}]"),
                ));
            }
        }
    }
    for c in &checks {
        if let Predicate::Builtin(b) = &c.expect {
            for key in b.params() {
                if !declared(key) {
                    return Err(at(
                        Some(spec.target.span()),
                        format!("builtin `{}` reads `{key}`: declare it in [params.{key}]", b.name()),
                    ));
                }
            }
        }
    }
    let enabled_by = match &spec.enabled_by {
        Some(s) if spec.enabled => {
            return Err(at(
                Some(s.span()),
                "`enabled_by` names the switch that turns on a rule that is off by default (`enabled = false`)".into(),
            ));
        }
        Some(s) if !s.get_ref().chars().all(|c| c.is_ascii_lowercase() || c == '_') || s.get_ref().is_empty() => {
            return Err(at(Some(s.span()), "a switch is lowercase words joined by `_`".into()));
        }
        Some(s) => Some(s.get_ref().clone()),
        None => None,
    };
    let formats = match &spec.formats {
        None => Vec::new(),
        Some(list) => {
            let mut out = Vec::new();
            for f in list.get_ref() {
                out.push(match f.as_str() {
                    "terraform" => crate::model::Format::Terraform,
                    "cloudformation" => crate::model::Format::CloudFormation,
                    other => {
                        return Err(at(
                            Some(list.span()),
                            format!("unknown format `{other}` in `formats`; known: terraform, cloudformation"),
                        ));
                    }
                });
            }
            if out.is_empty() {
                return Err(at(
                    Some(list.span()),
                    "`formats` lists at least one format (leave it out for every format)".into(),
                ));
            }
            out
        }
    };
    Ok(Rule {
        code,
        name,
        aliases: spec.aliases,
        severity,
        enabled: spec.enabled,
        profiles: spec.profiles,
        title: spec.title,
        targets,
        formats,
        when,
        checks,
        passes,
        passes_at,
        docs: spec.docs,
        origin: file.to_string(),
        enabled_by,
        params,
        per_path: spec.per_path,
    })
}

/// The `{key}` placeholders of a message template: identifiers only, so that prose such as
/// `expiration { days }` and Terraform's `${...}` are left alone.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let key = &after[..end];
        // `${...}` is Terraform interpolation quoted in a help text, not a placeholder.
        let interpolation = rest[..start].ends_with('$');
        if !interpolation
            && !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        {
            out.push(key);
        }
        rest = &after[end + 1..];
    }
    out
}

/// The `config.KEY` strings of a predicate table, at any depth.
fn config_keys(v: &toml::Value) -> Vec<String> {
    match v {
        toml::Value::String(s) => s.strip_prefix("config.").map(str::to_string).into_iter().collect(),
        toml::Value::Array(items) => items.iter().flat_map(config_keys).collect(),
        toml::Value::Table(t) => t.values().flat_map(config_keys).collect(),
        _ => Vec::new(),
    }
}

/// The member names a JSONPath walks: `$.a.b[*].c` → `[a, b, c]`, `$['a']` → `[a]`. Filters and
/// indices are skipped.
fn field_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = path.trim_start_matches('$').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    name.push(n);
                    chars.next();
                }
                if !name.is_empty() && name != "*" {
                    out.push(name);
                }
            }
            '[' => {
                let mut inner = String::new();
                let mut depth = 1;
                for n in chars.by_ref() {
                    match n {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    inner.push(n);
                }
                let inner = inner.trim();
                if let Some(name) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                    out.push(name.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_skip_indices_and_filters() {
        assert_eq!(field_names("$.a.b[*].c"), ["a", "b", "c"]);
        assert_eq!(field_names("$['a'][0]"), ["a"]);
        assert_eq!(field_names("$.s[?@.x == 'y'].z"), ["s", "z"]);
    }

    #[test]
    fn targets_parse() {
        assert_eq!(
            Target::parse("trail.log_group.key"),
            Ok(Target::Resources {
                root: Kind::Trail,
                path: vec![Edge::LogGroup, Edge::Key]
            })
        );
        assert!(Target::parse("bucket.key").is_err());
        assert!(Target::parse("trial").is_err());
    }

    #[test]
    fn scan_rules_name_trail_rules_in_passes() {
        let head = "code = \"CT599\"\nname = \"x\"\nseverity = \"low\"\ntitle = \"t\"\n";
        let docs = "[docs]\nwhat = \"\"\nwhy = \"\"\n";
        let load = |body: &str| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("CT599-x.toml"), format!("{head}{body}{docs}")).unwrap();
            Registry::load(Some(dir.path())).map(|r| r.get("CT599").unwrap().passes.clone())
        };
        // Names and aliases become codes.
        let ok = load("target = \"scan\"\npasses = [\"trail-not-multi-region\", \"CT005\"]\n");
        assert_eq!(ok.unwrap(), ["CT001", "CT005"]);
        let e = load("target = \"scan\"\npasses = [\"CT101\"]\n").unwrap_err();
        assert!(e.message.contains("CT101 is not one") && e.line == 6, "{e}");
        let e = load("target = \"scan\"\npasses = [\"CT998\"]\n").unwrap_err();
        assert!(e.message.contains("unknown rule `CT998`"), "{e}");
        assert!(load("target = \"scan\"\n").is_err());
        assert!(load("target = \"trail\"\npasses = [\"CT001\"]\n[[check]]\nselect = \"$.name\"\nexpect = { present = true }\n").is_err());
    }

    /// A rule file with `body` between its header and its docs.
    fn rule_with(body: &str) -> String {
        format!(
            "code = \"CT599\"\nname = \"x\"\nseverity = \"low\"\ntitle = \"t\"\n{body}[docs]\nwhat = \"\"\nwhy = \"\"\n"
        )
    }

    #[test]
    fn placeholders_and_parameters_are_checked_when_the_rule_loads() {
        let check = |message: &str| {
            format!(
                "target = \"trail\"\n[[check]]\nselect = \"$.name\"\nexpect = {{ present = true }}\nmessage = \"{message}\"\n"
            )
        };
        assert!(load_rule("x.toml", &rule_with(&check("trail `{trail}`: {state}"))).is_ok());
        let e = load_rule("x.toml", &rule_with(&check("trail `{trial}`"))).unwrap_err();
        assert!(
            e.message.contains("unknown placeholder `{trial}`") && e.line == 8,
            "{e}"
        );
        // Prose braces and quoted Terraform interpolation are not placeholders.
        assert!(load_rule("x.toml", &rule_with(&check("set `expiration { days }` to ${var.days}"))).is_ok());
        let e = load_rule("x.toml", &rule_with(&check("{config.min_days}"))).unwrap_err();
        assert!(e.message.contains("`{config.min_days}`"), "{e}");
        let declared = format!(
            "{}[params.min_days]\ndefault = 30\nmin = 1\ndescription = \"days\"\n",
            check("{config.min_days}")
        );
        let rule = load_rule("x.toml", &rule_with(&declared)).unwrap();
        assert_eq!(rule.params[0].default, 30.0);
        assert!(rule.params[0].check(0.0).is_err() && rule.params[0].check(f64::INFINITY).is_err());
        let bad_default = declared.replace("default = 30", "default = 0");
        let e = load_rule("x.toml", &rule_with(&bad_default)).unwrap_err();
        assert!(e.message.contains("out of range"), "{e}");
        let e = load_rule(
            "x.toml",
            &rule_with("target = \"trail.log_group\"\n[[check]]\nselect = \"$.retention_in_days\"\nexpect = { min = \"config.days\" }\n"),
        )
        .unwrap_err();
        assert!(e.message.contains("declare it in [params.days]"), "{e}");
        let e = load_rule(
            "x.toml",
            &rule_with("target = \"trail.bucket\"\n[[check]]\nexpect = { builtin = \"trail_logs_retained\" }\n"),
        )
        .unwrap_err();
        assert!(e.message.contains("reads `min_retention_days`"), "{e}");
    }

    #[test]
    fn a_literal_of_the_wrong_type_for_its_field_is_rejected() {
        let check = |select: &str, expect: &str| {
            rule_with(&format!(
                "target = \"trail\"\n[[check]]\nselect = \"{select}\"\nexpect = {expect}\n"
            ))
        };
        let e = load_rule("x.toml", &check("$.is_multi_region", "{ equals = \"yes\" }")).unwrap_err();
        assert!(
            e.message.contains("compares a boolean field with the string \"yes\"") && e.line == 8,
            "{e}"
        );
        let e = load_rule("x.toml", &check("$.name", "{ min = 3 }")).unwrap_err();
        assert!(e.message.contains("asks a minimum of a string field"), "{e}");
        let e = load_rule("x.toml", &check("$.is_logging", "{ matches = \"t.*\" }")).unwrap_err();
        assert!(e.message.contains("regular expression against a boolean"), "{e}");
        assert!(load_rule("x.toml", &check("$.is_multi_region", "{ equals = true }")).is_ok());
        assert!(
            load_rule(
                "x.toml",
                &check("$.name", "{ any = [ { equals = 1 }, { present = true } ] }")
            )
            .is_ok()
        );
        assert!(
            load_rule(
                "x.toml",
                &check("$.name", "{ any = [ { equals = 1 }, { equals = false } ] }")
            )
            .is_err()
        );
    }

    #[test]
    fn a_switch_turns_on_a_rule_that_is_off() {
        let body = "enabled = false\nenabled_by = \"require_trail\"\ntarget = \"trail\"\n[[check]]\nselect = \"$.name\"\nexpect = { present = true }\n";
        assert_eq!(
            load_rule("x.toml", &rule_with(body)).unwrap().enabled_by.as_deref(),
            Some("require_trail")
        );
        let on = body.replace("enabled = false", "enabled = true");
        assert!(
            load_rule("x.toml", &rule_with(&on))
                .unwrap_err()
                .message
                .contains("off by default")
        );
        let registry = Registry::load(None).unwrap();
        assert!(registry.is_switch("require_trail") && !registry.is_switch("require_trial"));
        assert_eq!(registry.param("min_retention_days").map(|p| p.default), Some(365.0));
    }

    #[test]
    fn formats_name_known_formats() {
        let body = |formats: &str| {
            rule_with(&format!(
                "{formats}target = \"trail\"\n[[check]]\nselect = \"$.name\"\nexpect = {{ present = true }}\n"
            ))
        };
        let r = load_rule("x.toml", &body("formats = [\"terraform\"]\n")).unwrap();
        assert!(r.applies_to(crate::model::Format::Terraform));
        assert!(!r.applies_to(crate::model::Format::CloudFormation));
        let all = load_rule("x.toml", &body("")).unwrap();
        assert!(all.applies_to(crate::model::Format::CloudFormation));
        let e = load_rule("x.toml", &body("formats = [\"pulumi\"]\n")).unwrap_err();
        assert!(e.message.contains("unknown format `pulumi`"), "{e}");
        let e = load_rule("x.toml", &body("formats = []\n")).unwrap_err();
        assert!(e.message.contains("at least one format"), "{e}");
    }

    #[test]
    fn a_builtin_with_one_verdict_per_requirement_is_the_only_check() {
        let body = |checks: &str| rule_with(&format!("target = \"trail.log_group\"\n{checks}"));
        let parted = "[[check]]\nexpect = { builtin = \"cis_monitoring_alarms\" }\n";
        let other = "[[check]]\nselect = \"$.retention_in_days\"\nexpect = { min = 1 }\n";
        assert!(load_rule("x.toml", &body(parted)).is_ok());
        let e = load_rule("x.toml", &body(&format!("{other}{parted}"))).unwrap_err();
        assert!(
            e.message.contains("must be the rule's only [[check]]") && e.line == 10,
            "{e}"
        );
        let when = "[[when]]\nexpect = { builtin = \"cis_monitoring_alarms\" }\n";
        assert!(load_rule("x.toml", &body(&format!("{when}{other}"))).is_err());
        let e = load_rule("x.toml", &rule_with(&format!("target = \"trail\"\n{parted}"))).unwrap_err();
        assert!(e.message.contains("judges log groups, not a trail"), "{e}");
    }

    #[test]
    fn the_embedded_catalogue_loads() {
        let r = Registry::load(None).expect("catalogue loads");
        assert!(r.get("CT001").is_some());
        assert!(r.get("trail-not-multi-region").is_some());
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "code = \"CT999\"\nname = \"x\"\nseverity = \"severe\"\ntitle = \"t\"\ntarget = \"trail\"\n[docs]\nwhat = \"\"\nwhy = \"\"\n";
        let e = load_rule("x.toml", text).unwrap_err();
        assert_eq!((e.line, e.column), (3, 12), "{e}");
        let text = "code = \"CT999\"\nname = \"x\"\nseverity = \"low\"\ntitle = \"t\"\ntarget = \"trail\"\n[[check]]\nselect = \"$.is_multiregion\"\nexpect = { equals = true }\n[docs]\nwhat = \"\"\nwhy = \"\"\n";
        let e = load_rule("x.toml", text).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.message.contains("is not a field"), "{e}");
    }
}
