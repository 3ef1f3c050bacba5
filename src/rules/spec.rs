//! The rule-file format (`rules/README.md`), as serde structures. Unknown keys are errors, and the
//! values whose meaning is checked after parsing (targets, JSONPaths, predicates) keep their spans
//! so that a load error points into the file.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub code: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub severity: Spanned<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub profiles: Vec<String>,
    /// A configuration switch (a boolean key of `.ctlint.yaml`, such as `require_trail`) that
    /// turns the rule on when it is off by default.
    #[serde(default)]
    pub enabled_by: Option<Spanned<String>>,
    /// The numeric configuration keys the rule reads (`{config.KEY}` in messages,
    /// `min = "config.KEY"`, a builtin's parameters), with their defaults and ranges.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, Spanned<ParamSpec>>,
    /// Judge the target once per path that reaches it (a key once for each log group that uses
    /// it), for requirements that depend on the resources on the way.
    #[serde(default)]
    pub per_path: bool,
    /// The input formats the rule applies to (`terraform`, `cloudformation`); empty: every
    /// format. A target from another format is not applicable (CT109: CloudFormation cannot set
    /// MFA delete).
    #[serde(default)]
    pub formats: Option<Spanned<Vec<String>>>,
    pub title: String,
    pub target: Spanned<OneOrMany>,
    /// With `target = "scan"`: the trail rules one trail must pass for the scan to pass.
    #[serde(default)]
    pub passes: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub when: Vec<CheckSpec>,
    #[serde(default)]
    pub check: Vec<CheckSpec>,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub default: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// One line for the configuration docs and errors: "days log files must be kept".
    pub description: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub select: Option<Spanned<String>>,
    pub expect: Spanned<toml::Value>,
    pub message: Option<String>,
    pub label: Option<String>,
    pub help: Option<Help>,
    #[serde(default)]
    pub stop: bool,
}

/// Help text: one for both formats, or one per format (shown for findings in that format).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Help {
    Text(String),
    PerFormat { terraform: String, cloudformation: String },
}

impl Help {
    pub fn for_format(&self, format: crate::model::Format) -> &str {
        match (self, format) {
            (Help::Text(t), _) => t,
            (Help::PerFormat { terraform, .. }, crate::model::Format::Terraform) => terraform,
            (Help::PerFormat { cloudformation, .. }, _) => cloudformation,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub terraform: Option<FormatDocs>,
    pub cloudformation: Option<FormatDocs>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatDocs {
    pub fix: String,
    pub bad: Option<String>,
    pub good: Option<String>,
}
