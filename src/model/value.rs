//! The value type of the model.
//!
//! A [`Val`] is what an attribute of a modelled resource evaluates to, whichever format it was
//! written in, together with where it comes from:
//! - its [`Span`]: the expression that sets it, or the resource header when it was defaulted;
//! - its [`Origin`]: written by the user, or the documented default of the provider or of
//!   CloudFormation;
//! - its content [`V`]: a known value; a string with *symbolic* parts ([`Text`] made of
//!   [`Part`]s: "this account", "this region", "the ARN of resource X") that compare equal only
//!   to the same symbol and are never guessed; or [`V::Unknown`] with the expression that could not
//!   be resolved and why.
//!
//! An attribute that is neither written nor documented with a default is simply absent from the
//! resource's map: rules see "not set". `null` (Terraform) and `!Ref AWS::NoValue`
//! (CloudFormation) also mean "not set".

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::source::Span;

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Written in the source (possibly through variables, references or intrinsics).
    #[default]
    Written,
    /// Not written; the provider's or CloudFormation's documented default. The span is the
    /// resource header.
    Defaulted,
    /// Written as something that leaves it unset (`null`, `!Ref AWS::NoValue`), so it holds the
    /// documented default. The span is that expression.
    NullDefaulted,
}

/// Identifies a resolution scope: one Terraform module instance or one CloudFormation template.
pub type ScopeId = u32;

#[derive(Debug, Clone, Default)]
pub struct Val {
    pub v: V,
    pub span: Span,
    pub origin: Origin,
    /// How the user spells this attribute in the file it came from (`is_multi_region_trail`,
    /// `IsMultiRegionTrail`, `versioning_configuration.status`); empty inside documents such as
    /// policies, where the path says it all.
    pub source: &'static str,
    /// The variable, local or parameter the value came through, when it was written as one.
    pub via: Option<Arc<Via>>,
}

/// How a value reached the place that uses it: through a variable, a local or a parameter, whose
/// value is written elsewhere (docs/verdicts.md#where-a-value-comes-from). Findings point at
/// the use (the line the user owns) and name where the value is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// The reference as written at the use: `var.retention`, `local.flags`, `!Ref Retention`.
    pub expr: String,
    /// What it refers to, in words: "variable `retention`", "parameter `Retention`".
    pub name: String,
    /// What sets the value it stands for.
    pub kind: ViaKind,
    /// Where that value is written; empty when no scanned file holds it (`--var`, a tfvars
    /// file).
    pub span: Span,
    /// The value there came itself through a reference (a local that is a variable).
    pub next: Option<Arc<Via>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViaKind {
    /// A Terraform variable's `default`.
    VariableDefault,
    /// A Terraform variable's value given from outside the module: `terraform.tfvars`,
    /// `--var-file prod.tfvars`, `--var`.
    VariableGiven(String),
    /// A Terraform local's expression.
    Local,
    /// A CloudFormation parameter's `Default`.
    ParameterDefault,
    /// A CloudFormation parameter's value from `--cfn-parameters`.
    ParameterGiven,
}

#[derive(Debug, Clone, Default)]
pub enum V {
    #[default]
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A string with symbolic or unknown parts; never a single literal (that is [`V::Str`]).
    Text(Text),
    List(Vec<Val>),
    /// Entries in source order.
    Map(Vec<(String, Val)>),
    Unknown(Box<Unknown>),
}

/// Why a value cannot be known statically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unknown {
    /// The expression as written: `var.kms_key_arn`, `!Ref KeyArn`.
    pub expr: String,
    /// Why it cannot be resolved: "variable has no default", "parameter has no default".
    pub reason: String,
}

/// A string made of literal and symbolic parts, e.g. `arn:` + partition + `:s3:::` + the name of
/// bucket `Logs`. Adjacent literals are always merged, so equal texts have equal parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Text(pub Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    Lit(String),
    Sym(Sym),
    Unknown(Box<Unknown>),
}

/// A value known to exist but not known literally. Two symbols are equal only if they denote the
/// same thing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sym {
    /// The account the configuration is deployed in (`data.aws_caller_identity…account_id`,
    /// `AWS::AccountId`).
    Account,
    /// The region it is deployed in, when no provider or parameter fixes it.
    Region,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`).
    Partition,
    /// The URL suffix (`amazonaws.com`).
    UrlSuffix,
    /// An attribute of a resource or data source in a scope: `aws_s3_bucket.logs.id`,
    /// `Logs.Arn`, `Logs.Ref`. Resolution may later replace it with the resource's computed value.
    Attr(Box<AttrRef>),
    /// A value imported from another stack (`Fn::ImportValue`).
    Import(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrRef {
    pub scope: ScopeId,
    /// The referenced object's local name: `aws_s3_bucket.logs`, `data.aws_kms_key.k`, `Logs`.
    pub target: String,
    /// `id`, `arn`, `name`, `Ref`, `Arn`…
    pub attr: String,
}

impl Val {
    /// The first value at `span`, depth first in written order, that `wanted` accepts.
    pub fn find_at(&self, span: Span, wanted: impl Fn(&Val) -> bool) -> Option<&Val> {
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            if v.span == span && wanted(v) {
                return Some(v);
            }
            match &v.v {
                V::List(items) => stack.extend(items.iter().rev()),
                V::Map(entries) => stack.extend(entries.iter().rev().map(|(_, v)| v)),
                _ => {}
            }
        }
        None
    }

    pub fn new(v: V, span: Span) -> Val {
        Val {
            v,
            span,
            origin: Origin::Written,
            source: "",
            via: None,
        }
    }

    pub fn defaulted(v: V, header: Span, source: &'static str) -> Val {
        Val {
            v,
            span: header,
            origin: Origin::Defaulted,
            source,
            via: None,
        }
    }

    /// The value as used at `span` through the reference `expr` (a variable, local or
    /// parameter) whose value it is: the value's own place becomes the reference's.
    pub fn through(mut self, expr: impl Into<String>, name: String, kind: ViaKind, span: Span) -> Val {
        let next = self.via.take().filter(|v| !v.expr.is_empty());
        self.via = Some(Arc::new(Via {
            expr: expr.into(),
            name,
            kind,
            span: self.span,
            next,
        }));
        self.span = span;
        self
    }

    /// Mark a value given from outside the scanned files (`terraform.tfvars`, `--var`): a
    /// variable that takes it says where it comes from.
    pub fn given_by(mut self, by: impl Into<String>) -> Val {
        self.via = Some(Arc::new(Via {
            expr: String::new(),
            name: String::new(),
            kind: ViaKind::VariableGiven(by.into()),
            span: Span::default(),
            next: None,
        }));
        self
    }

    /// What gave this value from outside, if [`Val::given_by`] marked it.
    pub fn given(&self) -> Option<&str> {
        match self.via.as_deref() {
            Some(Via {
                expr,
                kind: ViaKind::VariableGiven(by),
                ..
            }) if expr.is_empty() => Some(by),
            _ => None,
        }
    }

    pub fn with_source(mut self, source: &'static str) -> Val {
        self.source = source;
        self
    }

    pub fn unknown(expr: impl Into<String>, reason: impl Into<String>, span: Span) -> Val {
        Val::new(
            V::Unknown(Box::new(Unknown {
                expr: expr.into(),
                reason: reason.into(),
            })),
            span,
        )
    }

    pub fn is_null(&self) -> bool {
        matches!(self.v, V::Null)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.v {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Option<f64> {
        match self.v {
            V::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Val]> {
        match &self.v {
            V::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Val)]> {
        match &self.v {
            V::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry named `key` of a map value.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.as_map()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Val> {
        match &mut self.v {
            V::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follow a dotted path of map keys.
    pub fn at(&self, path: &str) -> Option<&Val> {
        path.split('.').try_fold(self, |v, k| v.get(k))
    }

    /// Set or replace a map entry (no-op on non-maps).
    pub fn insert(&mut self, key: &str, val: Val) {
        if let V::Map(entries) = &mut self.v {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = val,
                None => entries.push((key.to_string(), val)),
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Val> {
        match &mut self.v {
            V::Map(entries) => {
                let i = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(i).1)
            }
            _ => None,
        }
    }

    pub fn unknown_info(&self) -> Option<&Unknown> {
        match &self.v {
            V::Unknown(u) => Some(u),
            V::Text(t) => t.first_unknown(),
            _ => None,
        }
    }

    /// The value as text, if it is a string (literal or symbolic).
    pub fn text(&self) -> Option<Cow<'_, Text>> {
        match &self.v {
            V::Str(s) => Some(Cow::Owned(Text::lit(s))),
            V::Text(t) => Some(Cow::Borrowed(t)),
            _ => None,
        }
    }

    /// Is the value set to something non-empty? `None` when that cannot be known.
    pub fn is_present(&self) -> Option<bool> {
        match &self.v {
            V::Null => Some(false),
            V::Str(s) => Some(!s.is_empty()),
            V::Text(t) => t.is_present(),
            V::List(items) => Some(!items.is_empty()),
            V::Map(_) | V::Bool(_) | V::Num(_) => Some(true),
            V::Unknown(_) => None,
        }
    }

    /// Is this value, or anything inside it, unknown?
    pub fn has_unknown(&self) -> bool {
        match &self.v {
            V::Unknown(_) => true,
            V::Text(t) => t.first_unknown().is_some(),
            V::List(items) => items.iter().any(Val::has_unknown),
            V::Map(entries) => entries.iter().any(|(_, v)| v.has_unknown()),
            _ => false,
        }
    }

    /// Structural equality, ignoring spans and origins.
    pub fn same_value(&self, other: &Val) -> bool {
        self.v == other.v
    }
}

impl Val {
    /// The same value pointed at `span` (a reference's use site rather than its definition).
    /// Maps and lists keep their inner spans.
    pub fn respan(mut self, span: Span) -> Val {
        self.span = span;
        self
    }

    /// The value and everything inside it pointed at `span`: for values read from a file that
    /// is not part of the scan (a `templatefile`), whose own spans mean nothing here.
    pub fn respan_deep(mut self, span: Span) -> Val {
        self.span = span;
        match &mut self.v {
            V::List(items) => {
                for i in items.iter_mut() {
                    *i = std::mem::take(i).respan_deep(span);
                }
            }
            V::Map(entries) => {
                for (_, v) in entries.iter_mut() {
                    *v = std::mem::take(v).respan_deep(span);
                }
            }
            _ => {}
        }
        self
    }
}

/// A JSON value as a model value, every part at `span` (the expression the JSON text came from).
pub fn from_json(j: &serde_json::Value, span: Span) -> Val {
    let v = match j {
        serde_json::Value::Null => V::Null,
        serde_json::Value::Bool(b) => V::Bool(*b),
        serde_json::Value::Number(n) => V::Num(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => V::Str(s.clone()),
        serde_json::Value::Array(items) => V::List(items.iter().map(|i| from_json(i, span)).collect()),
        serde_json::Value::Object(m) => V::Map(m.iter().map(|(k, v)| (k.clone(), from_json(v, span))).collect()),
    };
    Val::new(v, span)
}

impl PartialEq for V {
    fn eq(&self, other: &V) -> bool {
        match (self, other) {
            (V::Null, V::Null) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Num(a), V::Num(b)) => a == b,
            (V::Str(a), V::Str(b)) => a == b,
            (V::Text(a), V::Text(b)) => a == b,
            (V::List(a), V::List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.v == y.v),
            (V::Map(a), V::Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v.v == v2.v))
            }
            (V::Unknown(a), V::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

/// Equality for JSONPath filters: span-blind.
impl PartialEq for Val {
    fn eq(&self, other: &Val) -> bool {
        self.v == other.v
    }
}

impl Text {
    pub fn lit(s: &str) -> Text {
        Text(vec![Part::Lit(s.to_string())])
    }

    pub fn sym(sym: Sym) -> Text {
        Text(vec![Part::Sym(sym)])
    }

    /// Append a part, merging adjacent literals and dropping empty ones.
    pub fn push(&mut self, part: Part) {
        match part {
            Part::Lit(s) if s.is_empty() => {}
            Part::Lit(s) => match self.0.last_mut() {
                Some(Part::Lit(prev)) => prev.push_str(&s),
                _ => self.0.push(Part::Lit(s)),
            },
            other => self.0.push(other),
        }
    }

    pub fn append(&mut self, other: Text) {
        for p in other.0 {
            self.push(p);
        }
    }

    /// The literal string, if the text has no symbolic or unknown part.
    pub fn as_lit(&self) -> Option<&str> {
        match self.0.as_slice() {
            [] => Some(""),
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// Turn into a [`V`]: a plain string when fully literal, the unknown itself when that is all
    /// there is.
    pub fn into_v(mut self) -> V {
        if let [Part::Unknown(_)] = self.0.as_slice()
            && let Some(Part::Unknown(u)) = self.0.pop()
        {
            return V::Unknown(u);
        }
        match self.as_lit() {
            Some(s) => V::Str(s.to_string()),
            None => V::Text(self),
        }
    }

    pub fn first_unknown(&self) -> Option<&Unknown> {
        self.0.iter().find_map(|p| match p {
            Part::Unknown(u) => Some(&**u),
            _ => None,
        })
    }

    pub fn is_present(&self) -> Option<bool> {
        let mut unknown = false;
        for p in &self.0 {
            match p {
                Part::Lit(s) if !s.is_empty() => return Some(true),
                Part::Sym(_) => return Some(true),
                Part::Unknown(_) => unknown = true,
                Part::Lit(_) => {}
            }
        }
        if unknown { None } else { Some(false) }
    }

    /// The symbols of this text that reference resource attributes.
    pub fn attr_refs(&self) -> impl Iterator<Item = &AttrRef> {
        self.0.iter().filter_map(|p| match p {
            Part::Sym(Sym::Attr(a)) => Some(&**a),
            _ => None,
        })
    }

    pub fn ends_with_lit(&self, suffix: &str) -> bool {
        matches!(self.0.last(), Some(Part::Lit(s)) if s.ends_with(suffix))
    }

    /// Split at the first occurrence of `sep` inside a literal part.
    pub fn split_once(&self, sep: &str) -> Option<(Text, Text)> {
        for (i, p) in self.0.iter().enumerate() {
            if let Part::Lit(s) = p
                && let Some(pos) = s.find(sep)
            {
                let mut left = Text(self.0[..i].to_vec());
                left.push(Part::Lit(s[..pos].to_string()));
                let mut right = Text::default();
                right.push(Part::Lit(s[pos + sep.len()..].to_string()));
                for q in &self.0[i + 1..] {
                    right.push(q.clone());
                }
                return Some((left, right));
            }
        }
        None
    }

    /// Split on every `sep` that occurs in literal parts.
    pub fn split(&self, sep: &str) -> Vec<Text> {
        let mut out = Vec::new();
        let mut rest = self.clone();
        while let Some((l, r)) = rest.split_once(sep) {
            out.push(l);
            rest = r;
        }
        out.push(rest);
        out
    }

    pub fn strip_suffix(&self, suffix: &str) -> Option<Text> {
        let mut parts = self.0.clone();
        match parts.last_mut() {
            Some(Part::Lit(s)) if s.ends_with(suffix) => {
                s.truncate(s.len() - suffix.len());
                let mut t = Text::default();
                for p in parts {
                    t.push(p);
                }
                Some(t)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sym::Account => f.write_str("<account>"),
            Sym::Region => f.write_str("<region>"),
            Sym::Partition => f.write_str("<partition>"),
            Sym::UrlSuffix => f.write_str("<url-suffix>"),
            Sym::Attr(a) if a.attr.is_empty() => write!(f, "<{}>", a.target),
            Sym::Attr(a) => write!(f, "<{}.{}>", a.target, a.attr),
            Sym::Import(name) => write!(f, "<import {name}>"),
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            match p {
                Part::Lit(s) => f.write_str(s)?,
                Part::Sym(s) => write!(f, "{s}")?,
                Part::Unknown(u) => write!(f, "${{{}}}", u.expr)?,
            }
        }
        Ok(())
    }
}

/// Short rendering for messages: `false`, `"Suspended"`, `30`, `${var.x}`.
impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.v {
            V::Null => f.write_str("null"),
            V::Bool(b) => write!(f, "{b}"),
            V::Num(n) => write!(f, "{}", fmt_num(*n)),
            V::Str(s) => write!(f, "\"{s}\""),
            V::Text(t) => write!(f, "\"{t}\""),
            V::List(items) => {
                f.write_str("[")?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{it}")?;
                }
                f.write_str("]")
            }
            V::Map(_) => f.write_str("{…}"),
            V::Unknown(u) => f.write_str(&u.expr),
        }
    }
}

pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

// --- JSONPath support: rules select model values with jsonpath-rust directly on `Val`. ---

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::new(V::Str(s.to_string()), Span::default())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::new(V::Str(s), Span::default())
    }
}
impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::new(V::Bool(b), Span::default())
    }
}
impl From<i64> for Val {
    fn from(n: i64) -> Val {
        Val::new(V::Num(n as f64), Span::default())
    }
}
impl From<f64> for Val {
    fn from(n: f64) -> Val {
        Val::new(V::Num(n), Span::default())
    }
}
impl From<Vec<Val>> for Val {
    fn from(items: Vec<Val>) -> Val {
        Val::new(V::List(items), Span::default())
    }
}

impl jsonpath_rust::query::queryable::Queryable for Val {
    fn get(&self, key: &str) -> Option<&Self> {
        Val::get(self, key)
    }

    fn as_array(&self) -> Option<&Vec<Self>> {
        match &self.v {
            V::List(items) => Some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<Vec<(&str, &Self)>> {
        self.as_map().map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
    }

    fn as_str(&self) -> Option<&str> {
        Val::as_str(self)
    }

    fn as_i64(&self) -> Option<i64> {
        self.as_num().filter(|n| n.fract() == 0.0).map(|n| n as i64)
    }

    fn as_f64(&self) -> Option<f64> {
        self.as_num()
    }

    fn as_bool(&self) -> Option<bool> {
        Val::as_bool(self)
    }

    fn null() -> Self {
        Val::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_merge_literals() {
        let mut t = Text::default();
        t.push(Part::Lit("arn:".into()));
        t.push(Part::Sym(Sym::Partition));
        t.push(Part::Lit(":s3:::".into()));
        t.push(Part::Lit("b".into()));
        assert_eq!(t.0.len(), 3);
        assert_eq!(t.to_string(), "arn:<partition>:s3:::b");
    }

    #[test]
    fn split_keeps_symbols() {
        let mut t = Text::lit("arn:");
        t.push(Part::Sym(Sym::Partition));
        t.push(Part::Lit(":logs:us-east-1:".into()));
        t.push(Part::Sym(Sym::Account));
        t.push(Part::Lit(":log-group:trail:*".into()));
        let parts = t.split(":");
        assert_eq!(parts.len(), 8);
        assert_eq!(parts[1], Text::sym(Sym::Partition));
        assert_eq!(parts[6].as_lit(), Some("trail"));
    }

    #[test]
    fn presence_of_unknown_text_is_unknown() {
        let t = Text(vec![Part::Unknown(Box::new(Unknown {
            expr: "var.x".into(),
            reason: "no default".into(),
        }))]);
        assert_eq!(t.is_present(), None);
        let mut t2 = t.clone();
        t2.push(Part::Lit(":*".into()));
        assert_eq!(t2.is_present(), Some(true));
    }

    #[test]
    fn jsonpath_runs_on_values() {
        use jsonpath_rust::query::js_path_vals;
        let v = Val::new(
            V::Map(vec![(
                "Statement".into(),
                Val::new(
                    V::List(vec![Val::new(
                        V::Map(vec![("Effect".into(), "Allow".into())]),
                        Span::new(crate::source::FileId(0), 5, 9),
                    )]),
                    Span::default(),
                ),
            )]),
            Span::default(),
        );
        let hits = js_path_vals("$.Statement[?@.Effect == 'Allow']", &v).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].span.start, 5);
    }
}
