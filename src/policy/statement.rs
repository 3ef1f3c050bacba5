//! A typed view of a normalised policy document ([`crate::model::policy`]), spans kept.
//!
//! Reading never fails: what does not have the documented shape is recorded as a [`Problem`]
//! (for CT403 policy-malformed) and read as unknown, so that the decisions it affects are
//! `Unknown` rather than guessed. Element grammar:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>.

use crate::model::{Part, Text, Unknown, V, Val};
use crate::source::Span;

use super::condition::{Condition, Operator};
use super::request::unknown_text;

/// A policy document.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub version: Option<Version>,
    pub statements: Vec<Statement>,
    pub problems: Vec<Problem>,
    /// Why the document as a whole cannot be read (an unresolved variable, a template string):
    /// every decision on it is `Unknown`.
    pub unreadable: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub value: String,
    pub span: Span,
}

/// Something in the document that IAM would reject or that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in `Statement`.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub not_principal: Option<Principals>,
    pub action: Option<Values>,
    pub not_action: Option<Values>,
    pub resource: Option<Values>,
    pub not_resource: Option<Values>,
    /// Every `operator → key → values` of the `Condition` block, in source order.
    pub conditions: Vec<Condition>,
    /// The statement is not a map: nothing in it can be read.
    pub unreadable: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Missing, misspelt or not known statically.
    Unknown,
}

/// The strings of an `Action`, `Resource` or condition-value list.
#[derive(Debug, Clone)]
pub struct Values {
    pub items: Vec<Item>,
    pub span: Span,
}

/// One string of a policy element; parts that cannot be known are [`Part::Unknown`].
#[derive(Debug, Clone)]
pub struct Item {
    pub text: Text,
    pub span: Span,
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone)]
pub struct Principals {
    pub entries: Vec<PrincipalEntry>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub text: Text,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
    /// Unreadable or of a type IAM does not have.
    Unknown,
}

const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Policy {
    /// Read a policy document: a normalised map, or JSON text (normalised here).
    pub fn parse(doc: &Val) -> Policy {
        if let V::Str(_) = doc.v {
            return Policy::parse_normalized(&crate::model::policy::normalize(doc.clone()));
        }
        Policy::parse_normalized(doc)
    }

    fn parse_normalized(doc: &Val) -> Policy {
        let mut p = Policy {
            span: doc.span,
            ..Policy::default()
        };
        let entries = match &doc.v {
            V::Map(entries) => entries,
            V::Unknown(u) => {
                p.unreadable = Some(describe(u));
                return p;
            }
            V::Text(_) => {
                p.unreadable = Some(format!("the policy is built from a template: {doc}"));
                return p;
            }
            V::Null => {
                p.unreadable = Some("the policy is not set".into());
                return p;
            }
            _ => {
                p.problem(doc.span, "a policy document must be a JSON object");
                p.unreadable = Some("the policy is not a JSON object".into());
                return p;
            }
        };
        for (k, v) in entries {
            match k.as_str() {
                "Version" => match &v.v {
                    V::Str(s) => {
                        if s != "2012-10-17" && s != "2008-10-17" {
                            p.problem(
                                v.span,
                                format!("unknown policy Version \"{s}\" (2012-10-17 or 2008-10-17)"),
                            );
                        }
                        p.version = Some(Version {
                            value: s.clone(),
                            span: v.span,
                        });
                    }
                    V::Unknown(_) | V::Text(_) => {}
                    _ => p.problem(v.span, "Version must be a string"),
                },
                "Id" | "Statement" => {}
                other => p.problem(v.span, format!("unknown policy element \"{other}\"")),
            }
        }
        let variables = p.version.as_ref().is_some_and(|v| v.value == "2012-10-17");
        match doc.get("Statement") {
            None => p.problem(doc.span, "the policy has no Statement"),
            Some(Val { v: V::List(items), .. }) => {
                for (index, st) in items.iter().enumerate() {
                    let s = parse_statement(st, index, variables, &mut p.problems);
                    p.statements.push(s);
                }
            }
            Some(Val { v: V::Unknown(u), .. }) => p.unreadable = Some(describe(u)),
            Some(other) => {
                p.problem(other.span, "Statement must be a statement or a list of statements");
                p.unreadable = Some("Statement cannot be read".into());
            }
        }
        p
    }

    fn problem(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(Problem {
            span,
            message: message.into(),
        });
    }
}

fn describe(u: &Unknown) -> String {
    format!("{} is not known: {}", u.expr, u.reason)
}

fn parse_statement(st: &Val, index: usize, variables: bool, problems: &mut Vec<Problem>) -> Statement {
    let mut s = Statement {
        index,
        sid: None,
        effect: Effect::Unknown,
        principal: None,
        not_principal: None,
        action: None,
        not_action: None,
        resource: None,
        not_resource: None,
        conditions: Vec::new(),
        unreadable: false,
        span: st.span,
    };
    let mut problem = |span: Span, message: String| problems.push(Problem { span, message });
    let Some(entries) = st.as_map() else {
        if st.unknown_info().is_none() {
            problem(st.span, format!("statement {index} is not a JSON object"));
        }
        s.unreadable = true;
        return s;
    };
    for (k, v) in entries {
        if !STATEMENT_KEYS.contains(&k.as_str()) {
            problem(v.span, format!("unknown statement element \"{k}\""));
        }
    }
    s.sid = st.get("Sid").and_then(Val::as_str).map(str::to_string);
    s.effect = match st.get("Effect") {
        None => {
            problem(st.span, "the statement has no Effect".into());
            Effect::Unknown
        }
        Some(v) => match &v.v {
            V::Str(e) if e == "Allow" => Effect::Allow,
            V::Str(e) if e == "Deny" => Effect::Deny,
            V::Unknown(_) | V::Text(_) => Effect::Unknown,
            _ => {
                problem(v.span, format!("Effect must be \"Allow\" or \"Deny\", not {v}"));
                Effect::Unknown
            }
        },
    };
    s.principal = st.get("Principal").and_then(|v| principals(v, &mut problem));
    s.not_principal = st.get("NotPrincipal").and_then(|v| principals(v, &mut problem));
    s.action = st.get("Action").and_then(|v| values(v, false, &mut problem));
    s.not_action = st.get("NotAction").and_then(|v| values(v, false, &mut problem));
    s.resource = st.get("Resource").and_then(|v| values(v, variables, &mut problem));
    s.not_resource = st.get("NotResource").and_then(|v| values(v, variables, &mut problem));
    for (a, b) in [
        ("Principal", "NotPrincipal"),
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
    ] {
        if let (Some(_), Some(v)) = (st.get(a), st.get(b)) {
            problem(v.span, format!("a statement cannot have both {a} and {b}"));
        }
    }
    if s.action.is_none() && s.not_action.is_none() {
        problem(st.span, "the statement has neither Action nor NotAction".into());
    }
    if let Some(c) = st.get("Condition") {
        s.conditions = conditions(c, variables, &mut problem);
    }
    s
}

/// A list of strings; `None` when the element is unset (`null`).
fn values(v: &Val, variables: bool, problem: &mut impl FnMut(Span, String)) -> Option<Values> {
    let items = match &v.v {
        V::Null => return None,
        V::List(items) => items.iter().map(|i| item(i, variables, problem)).collect(),
        _ => vec![item(v, variables, problem)],
    };
    Some(Values { items, span: v.span })
}

fn item(v: &Val, variables: bool, problem: &mut impl FnMut(Span, String)) -> Item {
    let text = match &v.v {
        V::Str(s) if variables => with_policy_variables(s),
        V::Str(s) => Text::lit(s),
        V::Text(t) => t.clone(),
        V::Unknown(u) => Text(vec![Part::Unknown(u.clone())]),
        V::Bool(b) => Text::lit(&b.to_string()),
        V::Num(n) => Text::lit(&crate::model::value::fmt_num(*n)),
        _ => {
            problem(v.span, format!("expected a string, found {v}"));
            unknown_text(&v.to_string(), "not a string")
        }
    };
    Item { text, span: v.span }
}

/// `${aws:username}` and the like are replaced at request time
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>); they
/// are unknown here. `${*}`, `${?}` and `${$}` stand for literal characters the matcher would
/// read as wildcards, so they are unknown too rather than misread.
fn with_policy_variables(s: &str) -> Text {
    let mut t = Text::default();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { break };
        t.push(Part::Lit(rest[..start].to_string()));
        let var = &rest[start..start + len + 1];
        t.push(Part::Unknown(Box::new(Unknown {
            expr: var.to_string(),
            reason: "a policy variable, replaced at request time".into(),
        })));
        rest = &rest[start + len + 1..];
    }
    t.push(Part::Lit(rest.to_string()));
    t
}

fn principals(v: &Val, problem: &mut impl FnMut(Span, String)) -> Option<Principals> {
    let unknown_entry = |text: Text, span| PrincipalEntry {
        kind: PrincipalKind::Unknown,
        text,
        span,
    };
    let entries = match &v.v {
        V::Null => return None,
        V::Map(kinds) => {
            let mut out = Vec::new();
            for (k, list) in kinds {
                let kind = match k.as_str() {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    "CanonicalUser" => PrincipalKind::CanonicalUser,
                    other => {
                        problem(v.span, format!("unknown principal type \"{other}\""));
                        PrincipalKind::Unknown
                    }
                };
                if let Some(vals) = values(list, false, problem) {
                    out.extend(vals.items.into_iter().map(|i| PrincipalEntry {
                        kind,
                        text: i.text,
                        span: i.span,
                    }));
                }
            }
            out
        }
        V::Unknown(u) => vec![unknown_entry(Text(vec![Part::Unknown(u.clone())]), v.span)],
        V::Text(t) => vec![unknown_entry(t.clone(), v.span)],
        _ => {
            problem(
                v.span,
                format!("Principal must be \"*\" or a map of principal types, not {v}"),
            );
            vec![unknown_entry(
                unknown_text(&v.to_string(), "malformed principal"),
                v.span,
            )]
        }
    };
    Some(Principals { entries, span: v.span })
}

fn conditions(c: &Val, variables: bool, problem: &mut impl FnMut(Span, String)) -> Vec<Condition> {
    let unreadable = |span| Condition {
        operator: Operator::unreadable(),
        key: String::new(),
        values: Vec::new(),
        span,
    };
    let ops = match &c.v {
        V::Null => return Vec::new(),
        V::Map(ops) => ops,
        V::Unknown(_) | V::Text(_) => return vec![unreadable(c.span)],
        _ => {
            problem(c.span, "Condition must be a map of operators".into());
            return vec![unreadable(c.span)];
        }
    };
    let mut out = Vec::new();
    for (name, keys) in ops {
        let operator = Operator::parse(name);
        if operator.is_unrecognized() {
            problem(keys.span, format!("unknown condition operator \"{name}\""));
        }
        let Some(keys) = keys.as_map() else {
            if keys.unknown_info().is_none() {
                problem(keys.span, format!("the {name} condition must map keys to values"));
            }
            out.push(Condition {
                operator: Operator::unreadable(),
                ..unreadable(c.span)
            });
            continue;
        };
        for (key, vals) in keys {
            let values = values(vals, variables, problem).map_or_else(Vec::new, |v| v.items);
            for m in operator.check_values(&values) {
                problem(vals.span, m);
            }
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
                span: vals.span,
            });
        }
    }
    out
}

impl Statement {
    /// The condition keys this statement tests, as written.
    pub fn condition_keys(&self) -> impl Iterator<Item = &str> {
        self.conditions.iter().map(|c| c.key.as_str()).filter(|k| !k.is_empty())
    }

    /// Does a condition of this statement test `key` (case-insensitive)?
    pub fn is_conditioned_on(&self, key: &str) -> bool {
        self.condition_keys().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Does `Principal` name everyone (`"*"`, `{"AWS": "*"}`)? A `NotPrincipal` that excludes
    /// someone also reaches everyone else.
    pub fn principal_is_everyone(&self) -> bool {
        let star = |p: &Principals| {
            p.entries
                .iter()
                .any(|e| e.kind == PrincipalKind::Aws && e.text.as_lit() == Some("*"))
        };
        self.principal.as_ref().is_some_and(star) || self.not_principal.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Policy {
        Policy::parse(&Val::new(V::Str(json.into()), Span::default()))
    }

    #[test]
    fn reads_elements() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
            "Action":"s3:PutObject","Resource":"arn:aws:s3:::b/AWSLogs/111111111111/*",
            "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":["a","b"]}}}]}"#,
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let s = &p.statements[0];
        assert_eq!(s.sid.as_deref(), Some("A"));
        assert_eq!(s.effect, Effect::Allow);
        assert_eq!(s.principal.as_ref().unwrap().entries[0].kind, PrincipalKind::Service);
        assert_eq!(s.conditions.len(), 2);
        let arn = s.conditions.iter().find(|c| c.key == "aws:SourceArn").unwrap();
        assert_eq!(arn.values.len(), 2);
        assert!(s.is_conditioned_on("AWS:SOURCEARN"));
    }

    #[test]
    fn records_structural_problems() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Action":"s3:*","NotAction":"s3:Get*","Resource":"*",
            "Condition":{"StringEqualz":{"k":"v"}}}, "oops", {"Effect":"allow","Resource":"*"}]}"#,
        );
        let msgs: Vec<&str> = p.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("no Effect")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("both Action and NotAction")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("StringEqualz")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("not a JSON object")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("\"Allow\" or \"Deny\"")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("neither Action nor NotAction")),
            "{msgs:?}"
        );
        assert!(p.statements[1].unreadable);
        assert_eq!(p.statements[2].effect, Effect::Unknown);
    }

    #[test]
    fn unreadable_documents() {
        assert!(parse("{nope").unreadable.is_some());
        let p = Policy::parse(&Val::unknown("var.policy", "no default", Span::default()));
        assert!(p.unreadable.as_deref().unwrap().contains("var.policy"));
        let p = parse(r#"{"Version":"2012-10-17"}"#);
        assert!(p.problems[0].message.contains("no Statement"));
    }

    #[test]
    fn policy_variables_are_unknown_in_2012_10_17_only() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
        );
        let t = &p.statements[0].resource.as_ref().unwrap().items[0].text;
        assert!(t.first_unknown().is_some());
        assert_eq!(t.0.len(), 3);
        let p = parse(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
        );
        let t = &p.statements[0].resource.as_ref().unwrap().items[0].text;
        assert!(t.as_lit().is_some());
    }
}
