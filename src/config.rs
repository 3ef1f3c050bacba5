//! `.ctlint.yaml`: found in the working directory or its parents, or given with `--config`.
//!
//! Keys (SPEC §5): `min_retention_days`, `require_trail`, `profiles`, `select`, `ignore`,
//! `severity` (rule → severity), `exclude` (globs), `per_path_ignores` (glob → rules),
//! `fail_on`. An unknown key, a wrong type or an unknown rule is an error with its line.
//! Command-line flags override scalar keys; lists are merged.

use std::path::{Path, PathBuf};

use crate::finding::Severity;
use crate::parse::{Node, NodeKind, yaml};
use crate::rules::Registry;
use crate::rules::predicate::ConfigValues;
use crate::source::FileId;

pub const FILE_NAME: &str = ".ctlint.yaml";

/// Numeric keys rules may read as `config.<key>`.
pub const NUMBER_KEYS: &[&str] = &["min_retention_days"];

const KEYS: &[&str] = &[
    "min_retention_days",
    "require_trail",
    "profiles",
    "select",
    "ignore",
    "severity",
    "exclude",
    "per_path_ignores",
    "fail_on",
];

pub const DEFAULT_MIN_RETENTION_DAYS: f64 = 365.0;

#[derive(Debug, Clone)]
pub struct Config {
    pub min_retention_days: f64,
    pub require_trail: bool,
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

impl Default for Config {
    fn default() -> Config {
        Config {
            min_retention_days: DEFAULT_MIN_RETENTION_DAYS,
            require_trail: false,
            profiles: Vec::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: Vec::new(),
            exclude: Vec::new(),
            per_path_ignores: Vec::new(),
            fail_on: None,
            path: None,
        }
    }
}

impl ConfigValues for Config {
    fn number(&self, key: &str) -> Option<f64> {
        match key {
            "min_retention_days" => Some(self.min_retention_days),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// The `.ctlint.yaml` in `dir` or its closest parent.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

pub fn load(path: &Path, registry: &Registry) -> Result<Config, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: shown.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read configuration: {e}"),
    })?;
    let mut c = parse(&text, &shown, registry)?;
    c.path = Some(path.to_path_buf());
    Ok(c)
}

pub fn parse(text: &str, file: &str, registry: &Registry) -> Result<Config, ConfigError> {
    let source = crate::source::SourceFile::new(file.into(), file.into(), text.into());
    let err = |span: crate::source::Span, message: String| {
        let p = source.position(span.start);
        ConfigError {
            file: file.to_string(),
            line: p.line,
            column: p.column,
            message,
        }
    };
    let root = yaml::parse(text, FileId(0)).map_err(|e| err(e.span, e.message))?;
    let mut c = Config::default();
    let entries = match &root.kind {
        NodeKind::Null => return Ok(c),
        NodeKind::Object(e) => e,
        _ => return Err(err(root.span, "the configuration must be a mapping of keys".into())),
    };
    for (k, v) in entries {
        let strings = |v: &Node| -> Result<Vec<String>, ConfigError> {
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
        let rules = |v: &Node| -> Result<Vec<String>, ConfigError> {
            let list = strings(v)?;
            for (i, r) in list.iter().enumerate() {
                if registry.get(r).is_none() {
                    let at = v.as_array().and_then(|a| a.get(i)).map_or(v.span, |n| n.span);
                    return Err(err(at, format!("unknown rule `{r}`")));
                }
            }
            Ok(list)
        };
        let severity = |v: &Node| -> Result<Severity, ConfigError> {
            v.as_str()
                .ok_or_else(|| err(v.span, "expected a severity".into()))?
                .parse()
                .map_err(|e: String| err(v.span, e))
        };
        match k.name.as_str() {
            "min_retention_days" => {
                c.min_retention_days = match &v.kind {
                    NodeKind::Number(n) => n.parse().map_err(|_| err(v.span, "expected a number of days".into()))?,
                    _ => return Err(err(v.span, "`min_retention_days` takes a number of days".into())),
                }
            }
            "require_trail" => {
                c.require_trail = match v.kind {
                    NodeKind::Bool(b) => b,
                    _ => return Err(err(v.span, "`require_trail` takes true or false".into())),
                }
            }
            "profiles" => c.profiles = strings(v)?,
            "select" => c.select = rules(v)?,
            "ignore" => c.ignore = rules(v)?,
            "exclude" => c.exclude = strings(v)?,
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
                return Err(err(
                    k.span,
                    format!("unknown key `{other}` (expected one of: {})", KEYS.join(", ")),
                ));
            }
        }
    }
    Ok(c)
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
        assert_eq!(c.min_retention_days, 400.0);
        assert!(c.require_trail);
        assert_eq!(c.severity, vec![("CT002".to_string(), Severity::Critical)]);
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.per_path_ignores.len(), 1);
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_with_lines() {
        let e = parse("select: [CT001]\nmin_retention: 3\n", "c.yaml", &registry()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = parse("ignore:\n  - CT001\n  - CT999\n", "c.yaml", &registry()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("CT999"));
    }
}
