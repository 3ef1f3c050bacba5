//! Findings, verdicts and severities: what the rule engine produces and renderers print.
//!
//! A [`Finding`] is renderer-agnostic: spans, not lines; messages, not markup. Line and column
//! are computed by the renderers from the [`crate::source::SourceMap`].

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning's `security-severity` (CVSS-like 0–10) for this severity.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "1.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Diagnostic;

    fn from_str(s: &str) -> Result<Severity, Diagnostic> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => {
                return Err(Diagnostic::cli(format!(
                    "unknown severity `{s}` (expected critical, high, medium, low or info)"
                )));
            }
        })
    }
}

/// The outcome of one rule on one target (docs/verdicts.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Unknown,
    NotApplicable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Unknown => "unknown",
            Verdict::NotApplicable => "not_applicable",
        }
    }
}

/// A span with the text shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    /// `Fail` or `Unknown`; passes and not-applicable verdicts are only counted.
    pub verdict: Verdict,
    pub message: String,
    /// The address of the rule's target (docs/output-formats.md#the-resource-field); a file path for CT000 and standalone policies.
    pub resource: String,
    /// Where the finding points, with a short label.
    pub primary: Label,
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// Model path of the attribute the finding is about (`is_multi_region`), part of the
    /// fingerprint.
    pub attribute: String,
    pub fingerprint: String,
    /// Set when an inline directive or the baseline hides this finding (docs/suppression.md#how-suppressed-findings-are-reported).
    pub suppressed: Option<Suppression>,
    /// The header of the rule's target resource, when there is one: a directive on the
    /// resource's block suppresses findings that point elsewhere (a split S3 resource, a
    /// linked key).
    pub target: Option<Span>,
    /// For an unknown verdict: the unresolved value it depends on. Unknowns of several rules with
    /// the same cause on the same resource are shown once in human output.
    pub cause: Option<Cause>,
}

/// The value an unknown verdict depends on, and what to do about it (docs/verdicts.md#unknown).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cause {
    /// Where the unresolved value is used: the trail's link attribute, the field.
    pub span: Span,
    /// What cannot be told: "which bucket trail `main` uses", "`is_multi_region_trail` of trail
    /// `main`".
    pub what: String,
    /// The value and why it cannot be resolved: "`s3_bucket_name` is `var.bucket`, which cannot
    /// be resolved: variable `bucket` has no default …".
    pub state: String,
    /// What would let ctlint resolve it: "give variable `bucket` a value …".
    pub advice: String,
}

/// Why a finding does not count.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A `ctlint:ignore` comment or CloudFormation `Metadata`: SARIF `inSource`.
    InSource,
    /// A `--baseline` entry: SARIF `external`.
    Baseline,
}

impl SuppressionKind {
    pub fn sarif(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::Baseline => "external",
        }
    }
}

/// The code of the rule built into parsing: a file that ctlint recognises but cannot read.
pub const PARSE_ERROR: &str = "CT000";

impl Finding {
    /// A CT000 finding: the file `file` (as shown) cannot be read, at `error`'s location.
    pub fn parse_error(name: &str, severity: Severity, file: String, error: &crate::parse::ParseError) -> Finding {
        Finding {
            code: PARSE_ERROR.into(),
            name: name.into(),
            severity,
            verdict: Verdict::Fail,
            message: format!("`{file}` cannot be read: {}", error.message),
            fingerprint: Finding::fingerprint_of(PARSE_ERROR, &file, &file, ""),
            resource: file,
            primary: Label::new(error.span, error.message.clone()),
            related: Vec::new(),
            help: Some("fix the syntax error; the other files were still linted".into()),
            attribute: String::new(),
            suppressed: None,
            target: None,
            cause: None,
        }
    }

    /// Is this a file that could not be read (CT000) rather than a rule's verdict? Such findings
    /// are also listed as errors, are never baselined nor suppressed, and set exit code 2.
    pub fn is_parse_error(&self) -> bool {
        self.code == PARSE_ERROR && self.verdict == Verdict::Fail
    }

    /// An unknown CT000 finding: a Terraform module call whose source is not read, so what it
    /// defines is not checked.
    pub fn unread_module(name: &str, severity: Severity, file: String, m: &crate::model::UnreadModule) -> Finding {
        Finding {
            code: PARSE_ERROR.into(),
            name: name.into(),
            severity,
            verdict: Verdict::Unknown,
            message: format!(
                "{} (source `{}`) is not read, so what it defines is not checked: {}",
                m.call, m.source, m.reason
            ),
            fingerprint: Finding::fingerprint_of(PARSE_ERROR, &file, &m.call, "source"),
            resource: m.call.clone(),
            primary: Label::new(m.span, format!("module source not read: {}", m.reason)),
            related: Vec::new(),
            help: Some(
                "make the source readable: a local path inside the repository, or run `terraform init` for registry and git sources"
                    .into(),
            ),
            attribute: "source".into(),
            suppressed: None,
            target: Some(m.span),
            cause: None,
        }
    }

    /// Compute the fingerprint from rule, file, resource address and attribute path: never from
    /// line numbers, so it survives unrelated edits.
    pub fn fingerprint_of(code: &str, file: &str, resource: &str, attribute: &str) -> String {
        let mut h = Fnv64::default();
        for part in [code, file, resource, attribute] {
            h.write(part.as_bytes());
            h.write(&[0]);
        }
        format!("{:016x}", h.0)
    }
}

/// FNV-1a, 64 bits: stable across Rust releases and platforms (unlike `std`'s hasher), which
/// fingerprints need because they are stored in baselines and by code scanning.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        let a = Finding::fingerprint_of("CT001", "main.tf", "aws_cloudtrail.main", "is_multi_region");
        assert_eq!(
            a,
            Finding::fingerprint_of("CT001", "main.tf", "aws_cloudtrail.main", "is_multi_region")
        );
        assert_ne!(
            a,
            Finding::fingerprint_of("CT002", "main.tf", "aws_cloudtrail.main", "is_multi_region")
        );
        // Pinned: a change here invalidates every stored baseline.
        assert_eq!(Finding::fingerprint_of("", "", "", ""), "4d25767f9dce13f5");
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }
}
