//! `.ctlint.yaml`: found in the working directory or its parents, or given with `--config`.
//!
//! Keys (docs/configuration.md): `profiles`, `select`, `ignore`, `severity` (rule → severity),
//! `exclude` (globs), `per_path_ignores` (glob → rules), `fail_on`, and the keys the rules
//! declare: numeric parameters (`min_retention_days`, `[params]` in a rule file, with default
//! and range) and switches (`require_trail`, a rule's `enabled_by`). An unknown key, a wrong
//! type, a value out of range or an unknown rule is an error with its line. Command-line flags
//! override scalar keys; lists are merged.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::finding::Severity;
use crate::parse::{Node, NodeKind, yaml};
use crate::rules::Registry;
use crate::rules::predicate::ConfigValues;
use crate::source::FileId;

pub const FILE_NAME: &str = ".ctlint.yaml";

/// The keys of the configuration itself; rules add their parameters and switches.
const KEYS: &[&str] = &[
    "profiles",
    "select",
    "ignore",
    "severity",
    "exclude",
    "per_path_ignores",
    "fail_on",
];

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Rule parameters set in the file (`min_retention_days: 400`); the others take the default
    /// their rule declares.
    pub params: Vec<(String, f64)>,
    /// Switches set in the file (`require_trail: true`).
    pub switches: Vec<(String, bool)>,
    pub profiles: Vec<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub exclude: Vec<String>,
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    pub fail_on: Option<Severity>,
    /// Where it was read from.
    pub path: Option<PathBuf>,
}

impl Config {
    /// Is the switch `key` (a rule's `enabled_by`) turned on?
    pub fn switch(&self, key: &str) -> bool {
        self.switches
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .is_some_and(|(_, on)| *on)
    }
}

/// The parameters rules read: the configured value, else the default the rule declares.
pub struct Settings<'a> {
    pub config: &'a Config,
    pub registry: &'a Registry,
}

impl ConfigValues for Settings<'_> {
    fn number(&self, key: &str) -> Option<f64> {
        match self.config.params.iter().rev().find(|(k, _)| k == key) {
            Some((_, v)) => Some(*v),
            None => self.registry.param(key).map(|p| p.default),
        }
    }
}

/// The `.ctlint.yaml` in `dir` or its closest parent.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

pub fn load(path: &Path, registry: &Registry) -> Result<Config, Diagnostic> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::in_file(shown.clone(), format!("cannot read configuration: {e}")))?;
    let mut c = parse(&text, &shown, registry)?;
    c.path = Some(path.to_path_buf());
    Ok(c)
}

pub fn parse(text: &str, file: &str, registry: &Registry) -> Result<Config, Diagnostic> {
    let err =
        |span: crate::source::Span, message: String| Diagnostic::at_offset(file, text, span.start as usize, message);
    let root = yaml::parse(text, FileId(0)).map_err(|e| err(e.span, e.message))?;
    let mut c = Config::default();
    let entries = match &root.kind {
        NodeKind::Null => return Ok(c),
        NodeKind::Object(e) => e,
        _ => return Err(err(root.span, "the configuration must be a mapping of keys".into())),
    };
    for (k, v) in entries {
        let strings = |v: &Node| -> Result<Vec<String>, Diagnostic> {
            match &v.kind {
                NodeKind::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| err(i.span, format!("`{}` takes a list of strings", k.name)))
                    })
                    .collect(),
                NodeKind::String(s) => Ok(vec![s.clone()]),
                _ => Err(err(v.span, format!("`{}` takes a list of strings", k.name))),
            }
        };
        let rules = |v: &Node| -> Result<Vec<String>, Diagnostic> {
            let list = strings(v)?;
            for (i, r) in list.iter().enumerate() {
                if registry.get(r).is_none() {
                    let at = v.as_array().and_then(|a| a.get(i)).map_or(v.span, |n| n.span);
                    return Err(err(at, format!("unknown rule `{r}`")));
                }
            }
            Ok(list)
        };
        let severity = |v: &Node| -> Result<Severity, Diagnostic> {
            v.as_str()
                .ok_or_else(|| err(v.span, "expected a severity".into()))?
                .parse()
                .map_err(|e: Diagnostic| err(v.span, e.message))
        };
        match k.name.as_str() {
            key if registry.param(key).is_some() => {
                let param = registry.param(key).expect("just found");
                let n: f64 = match &v.kind {
                    NodeKind::Number(n) => n
                        .parse()
                        .map_err(|_| err(v.span, format!("`{key}` takes a number ({})", param.description)))?,
                    _ => return Err(err(v.span, format!("`{key}` takes a number ({})", param.description))),
                };
                let n = param.check(n).map_err(|e| err(v.span, e))?;
                c.params.push((key.to_string(), n));
            }
            key if registry.is_switch(key) => {
                let on = match v.kind {
                    NodeKind::Bool(b) => b,
                    _ => return Err(err(v.span, format!("`{key}` takes true or false"))),
                };
                c.switches.push((key.to_string(), on));
            }
            "profiles" => {
                c.profiles = strings(v)?;
                for (i, p) in c.profiles.iter().enumerate() {
                    if let Some(e) = registry.unknown_profile(p) {
                        let at = v.as_array().and_then(|a| a.get(i)).map_or(v.span, |n| n.span);
                        return Err(err(at, e));
                    }
                }
            }
            "select" => c.select = rules(v)?,
            "ignore" => c.ignore = rules(v)?,
            "exclude" => {
                c.exclude = strings(v)?;
                for (i, g) in c.exclude.iter().enumerate() {
                    let at = v.as_array().and_then(|a| a.get(i)).map_or(v.span, |n| n.span);
                    globset::Glob::new(g).map_err(|e| err(at, format!("invalid glob: {e}")))?;
                }
            }
            "fail_on" => c.fail_on = Some(severity(v)?),
            "severity" => {
                let Some(map) = v.as_object() else {
                    return Err(err(v.span, "`severity` maps rules to severities".into()));
                };
                for (rk, rv) in map {
                    if registry.get(&rk.name).is_none() {
                        return Err(err(rk.span, format!("unknown rule `{}`", rk.name)));
                    }
                    c.severity.push((rk.name.clone(), severity(rv)?));
                }
            }
            "per_path_ignores" => {
                let Some(map) = v.as_object() else {
                    return Err(err(v.span, "`per_path_ignores` maps path globs to rules".into()));
                };
                for (pk, pv) in map {
                    globset::Glob::new(&pk.name).map_err(|e| err(pk.span, format!("invalid glob: {e}")))?;
                    c.per_path_ignores.push((pk.name.clone(), rules(pv)?));
                }
            }
            other => {
                let mut keys: Vec<&str> = registry.params().iter().map(|p| p.key.as_str()).collect();
                keys.extend(registry.switches());
                keys.extend(KEYS);
                return Err(err(
                    k.span,
                    format!("unknown key `{other}` (expected one of: {})", keys.join(", ")),
                ));
            }
        }
    }
    Ok(c)
}

/// A set of globs (`exclude`, `per_path_ignores`); a pattern that does not compile matches
/// nothing.
pub fn globs(patterns: &[String]) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = globset::Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::load(None).unwrap()
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            "min_retention_days: 400\nrequire_trail: true\nprofiles: [cis]\nselect: [CT001]\nignore: [trail-logging-disabled]\nseverity:\n  CT002: critical\nexclude: ['legacy/**']\nper_path_ignores:\n  'sandbox/**': [CT003]\nfail_on: high\n",
            "c.yaml",
            &registry(),
        )
        .unwrap();
        let settings = Settings {
            config: &c,
            registry: &registry(),
        };
        assert_eq!(settings.number("min_retention_days"), Some(400.0));
        assert!(c.switch("require_trail"));
        assert_eq!(c.severity, vec![("CT002".to_string(), Severity::Critical)]);
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.per_path_ignores.len(), 1);
    }

    #[test]
    fn rule_parameters_are_range_checked() {
        for bad in [
            "min_retention_days: -5\n",
            "min_retention_days: 1e400\n",
            "min_retention_days: x\n",
        ] {
            let e = parse(bad, "c.yaml", &registry()).unwrap_err();
            assert_eq!((e.line, e.column), (1, 21), "{bad}: {e}");
            assert!(e.message.contains("`min_retention_days` takes a number"), "{e}");
        }
        let e = parse("require_trail: yes please\n", "c.yaml", &registry()).unwrap_err();
        assert!(e.message.contains("takes true or false"), "{e}");
        let c = Config::default();
        let settings = Settings {
            config: &c,
            registry: &registry(),
        };
        assert_eq!(settings.number("min_retention_days"), Some(365.0));
        assert_eq!(settings.number("max_retention_days"), None);
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_with_lines() {
        let e = parse("select: [CT001]\nmin_retention: 3\n", "c.yaml", &registry()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = parse("ignore:\n  - CT001\n  - CT999\n", "c.yaml", &registry()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("CT999"));
    }

    #[test]
    fn unknown_profiles_are_errors_with_lines() {
        let e = parse("profiles:\n  - cis\n  - foo\n", "c.yaml", &registry()).unwrap_err();
        assert_eq!((e.line, e.column), (3, 5), "{e}");
        assert!(e.message.contains("unknown profile `foo`; known: cis"), "{e}");
        let e = parse("profiles: foo\n", "c.yaml", &registry()).unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        assert_eq!(
            parse("profiles: [cis]\n", "c.yaml", &registry()).unwrap().profiles,
            ["cis"]
        );
    }
}
