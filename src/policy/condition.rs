//! The `Condition` element: operators, and how one condition is decided against the request
//! context.
//!
//! - Operators: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>.
//!   A key missing from the request context makes a condition false, except that negated
//!   operators (`StringNotEquals`, `ArnNotLike`, …) are then true, `…IfExists` is then true,
//!   and `Null` tests presence itself.
//! - Several operators, and several keys under one operator, are ANDed; several values for one
//!   key are ORed, and NORed under a negated operator:
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>.
//! - `ForAnyValue:`/`ForAllValues:` compare every value of a multivalued key; `ForAllValues` is
//!   true when the key is missing, `ForAnyValue` false:
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_single-vs-multi-valued-condition-keys.html>.
//! - Date, IP address and binary comparisons are not evaluated: when the key is present they
//!   are `Maybe`.

use crate::model::Text;
use crate::source::Span;

use super::pattern::{self, Mode};
use super::request::{ContextValue, Request, unknown_text};
use super::statement::Item;
use super::tri::Tri;

/// One `operator: { key: [values] }` entry.
#[derive(Debug, Clone)]
pub struct Condition {
    pub operator: Operator,
    /// The context key as written (`aws:SourceArn`); empty when the block cannot be read.
    pub key: String,
    pub values: Vec<Item>,
    pub span: Span,
}

/// A condition operator, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// As written: `ForAnyValue:StringLikeIfExists`.
    pub name: String,
    pub set: Option<SetOp>,
    pub base: Base,
    pub if_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
    /// Not an IAM operator, or a block that cannot be read: its conditions are `Maybe`.
    Unrecognized,
}

const BASES: [(&str, Base); 27] = [
    ("StringEquals", Base::StringEquals),
    ("StringNotEquals", Base::StringNotEquals),
    ("StringEqualsIgnoreCase", Base::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", Base::StringNotEqualsIgnoreCase),
    ("StringLike", Base::StringLike),
    ("StringNotLike", Base::StringNotLike),
    ("NumericEquals", Base::NumericEquals),
    ("NumericNotEquals", Base::NumericNotEquals),
    ("NumericLessThan", Base::NumericLessThan),
    ("NumericLessThanEquals", Base::NumericLessThanEquals),
    ("NumericGreaterThan", Base::NumericGreaterThan),
    ("NumericGreaterThanEquals", Base::NumericGreaterThanEquals),
    ("DateEquals", Base::DateEquals),
    ("DateNotEquals", Base::DateNotEquals),
    ("DateLessThan", Base::DateLessThan),
    ("DateLessThanEquals", Base::DateLessThanEquals),
    ("DateGreaterThan", Base::DateGreaterThan),
    ("DateGreaterThanEquals", Base::DateGreaterThanEquals),
    ("Bool", Base::Bool),
    ("BinaryEquals", Base::BinaryEquals),
    ("IpAddress", Base::IpAddress),
    ("NotIpAddress", Base::NotIpAddress),
    ("ArnEquals", Base::ArnEquals),
    ("ArnLike", Base::ArnLike),
    ("ArnNotEquals", Base::ArnNotEquals),
    ("ArnNotLike", Base::ArnNotLike),
    ("Null", Base::Null),
];

impl Base {
    /// Negated matching operators: true when the key is missing, values NORed.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            Base::StringNotEquals
                | Base::StringNotEqualsIgnoreCase
                | Base::StringNotLike
                | Base::NumericNotEquals
                | Base::DateNotEquals
                | Base::NotIpAddress
                | Base::ArnNotEquals
                | Base::ArnNotLike
        )
    }

    /// The positive operator a negated one negates.
    fn positive(self) -> Base {
        match self {
            Base::StringNotEquals => Base::StringEquals,
            Base::StringNotEqualsIgnoreCase => Base::StringEqualsIgnoreCase,
            Base::StringNotLike => Base::StringLike,
            Base::NumericNotEquals => Base::NumericEquals,
            Base::DateNotEquals => Base::DateEquals,
            Base::NotIpAddress => Base::IpAddress,
            Base::ArnNotEquals => Base::ArnEquals,
            Base::ArnNotLike => Base::ArnLike,
            b => b,
        }
    }
}

impl Operator {
    /// Take an operator name apart; IAM spells them case-sensitively, so a miscased name is
    /// unrecognized (and reported by the caller).
    pub fn parse(name: &str) -> Operator {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetOp::ForAnyValue), r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetOp::ForAllValues), r)
        } else {
            (None, name)
        };
        let (if_exists, rest) = match rest.strip_suffix("IfExists") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let base = BASES
            .iter()
            .find(|(n, _)| *n == rest)
            .map_or(Base::Unrecognized, |(_, b)| *b);
        // `NullIfExists` means nothing: Null already tests existence.
        let base = if base == Base::Null && (if_exists || set.is_some()) {
            Base::Unrecognized
        } else {
            base
        };
        Operator {
            name: name.to_string(),
            set,
            base,
            if_exists,
        }
    }

    pub(crate) fn unreadable() -> Operator {
        Operator {
            name: String::new(),
            set: None,
            base: Base::Unrecognized,
            if_exists: false,
        }
    }

    pub fn is_unrecognized(&self) -> bool {
        self.base == Base::Unrecognized && !self.name.is_empty()
    }

    /// Messages for values this operator cannot compare.
    pub(crate) fn check_values(&self, values: &[Item]) -> Vec<String> {
        let mut out = Vec::new();
        for v in values {
            let Some(s) = v.text.as_lit() else { continue };
            let bad = match self.base.positive() {
                Base::NumericEquals
                | Base::NumericLessThan
                | Base::NumericLessThanEquals
                | Base::NumericGreaterThan
                | Base::NumericGreaterThanEquals => number(s).is_none(),
                Base::Null | Base::Bool => !s.eq_ignore_ascii_case("true") && !s.eq_ignore_ascii_case("false"),
                _ => false,
            };
            if bad {
                out.push(format!("{} cannot compare \"{s}\"", self.name));
            }
        }
        out
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

impl Condition {
    /// Does this condition hold for the request?
    pub fn eval(&self, req: &Request<'_>) -> Tri {
        if self.operator.base == Base::Unrecognized {
            return Tri::Maybe;
        }
        match req.value(&self.key) {
            ContextValue::Any => self
                .eval_value(&ContextValue::Absent)
                .join(self.eval_value(&ContextValue::Unknown)),
            v => self.eval_value(v),
        }
    }

    fn eval_value(&self, v: &ContextValue) -> Tri {
        let op = &self.operator;
        if op.base == Base::Null {
            return self.eval_null(v);
        }
        // The request's values, or `None` when the key is missing.
        let unknown;
        let request: Option<&[Text]> = match v {
            ContextValue::Absent => None,
            ContextValue::Many(vs) if vs.is_empty() => None,
            ContextValue::One(t) => Some(std::slice::from_ref(t)),
            ContextValue::Many(vs) => Some(vs),
            ContextValue::Unknown | ContextValue::Any => {
                unknown = unknown_text(&self.key, "the request value is not known");
                Some(std::slice::from_ref(&unknown))
            }
        };
        let Some(request) = request else {
            return Tri::from_bool(match op.set {
                _ if op.if_exists => true,
                Some(SetOp::ForAllValues) => true,
                Some(SetOp::ForAnyValue) => false,
                None => op.base.is_negated(),
            });
        };
        let negated = op.base.is_negated();
        // One request value against the policy's values: OR, and NOR when negated.
        let one = |r: &Text| {
            let any = Tri::any(self.values.iter().map(|p| compare(op.base.positive(), &p.text, r)));
            if negated { any.not() } else { any }
        };
        match op.set {
            None if request.len() == 1 => one(&request[0]),
            // A single-valued operator on a multivalued key: IAM's answer is not documented.
            None => Tri::Maybe,
            Some(SetOp::ForAllValues) => Tri::all(request.iter().map(one)),
            Some(SetOp::ForAnyValue) => {
                let r = Tri::any(request.iter().map(one));
                // An unknown value may be an empty set, for which ForAnyValue is false.
                if matches!(v, ContextValue::Unknown | ContextValue::Any) && r == Tri::Yes {
                    Tri::Maybe
                } else {
                    r
                }
            }
        }
    }

    /// `"Null": {"k": "true"}` holds when `k` is missing, `"false"` when it is present
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null>).
    fn eval_null(&self, v: &ContextValue) -> Tri {
        let absent = match v {
            ContextValue::Absent => true,
            ContextValue::Many(vs) => vs.is_empty(),
            ContextValue::One(_) | ContextValue::Unknown => false,
            ContextValue::Any => return Tri::Maybe,
        };
        Tri::any(self.values.iter().map(|p| match p.text.as_lit() {
            Some(s) if s.eq_ignore_ascii_case("true") => Tri::from_bool(absent),
            Some(s) if s.eq_ignore_ascii_case("false") => Tri::from_bool(!absent),
            Some(_) => Tri::No,
            None => Tri::Maybe,
        }))
    }
}

/// A positive operator: does the request value `r` satisfy the policy value `p`?
fn compare(base: Base, p: &Text, r: &Text) -> Tri {
    match base {
        Base::StringEquals => pattern::equals(p, r, false),
        Base::StringEqualsIgnoreCase => pattern::equals(p, r, true),
        Base::StringLike => pattern::matches(p, r, Mode::GLOB),
        Base::Bool => pattern::equals(p, r, true),
        Base::ArnEquals | Base::ArnLike => pattern::arn_matches(p, r),
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => numeric(base, p, r),
        _ => Tri::Maybe,
    }
}

fn numeric(base: Base, p: &Text, r: &Text) -> Tri {
    let (Some(p), Some(r)) = (p.as_lit(), r.as_lit()) else {
        return Tri::Maybe;
    };
    let Some(p) = number(p) else { return Tri::Maybe };
    // A request value that is not a number matches no numeric condition.
    let Some(r) = number(r) else { return Tri::No };
    Tri::from_bool(match base {
        Base::NumericEquals => r == p,
        Base::NumericLessThan => r < p,
        Base::NumericLessThanEquals => r <= p,
        Base::NumericGreaterThan => r > p,
        Base::NumericGreaterThanEquals => r >= p,
        _ => return Tri::Maybe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Sym, Text};
    use crate::policy::request::Principal;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: Operator::parse(op),
            key: key.into(),
            values: values
                .iter()
                .map(|v| Item {
                    text: Text::lit(v),
                    span: Span::default(),
                })
                .collect(),
            span: Span::default(),
        }
    }

    fn req(ctx: &[(&str, ContextValue)]) -> Request<'static> {
        let mut r = Request::new(Principal::Anonymous, "s3:GetObject", Text::lit("arn:aws:s3:::b/k"));
        for (k, v) in ctx {
            r.set(k, v.clone());
        }
        r
    }

    fn eval(op: &str, key: &str, values: &[&str], ctx: &[(&str, ContextValue)]) -> Tri {
        cond(op, key, values).eval(&req(ctx))
    }

    use ContextValue as C;

    #[test]
    fn parses_operators() {
        let o = Operator::parse("ForAnyValue:StringLikeIfExists");
        assert_eq!(o.set, Some(SetOp::ForAnyValue));
        assert_eq!(o.base, Base::StringLike);
        assert!(o.if_exists);
        assert!(Operator::parse("stringequals").is_unrecognized());
        assert!(Operator::parse("NullIfExists").is_unrecognized());
        assert!(!Operator::parse("ArnNotLikeIfExists").is_unrecognized());
    }

    #[test]
    fn string_operators() {
        let k = "s3:x-amz-acl";
        let acl = C::str("bucket-owner-full-control");
        assert_eq!(
            eval("StringEquals", k, &["bucket-owner-full-control"], &[(k, acl.clone())]),
            Tri::Yes
        );
        assert_eq!(
            eval("StringEquals", k, &["Bucket-Owner-Full-Control"], &[(k, acl.clone())]),
            Tri::No
        );
        assert_eq!(
            eval(
                "StringEqualsIgnoreCase",
                k,
                &["Bucket-Owner-Full-Control"],
                &[(k, acl.clone())]
            ),
            Tri::Yes
        );
        assert_eq!(
            eval("StringLike", k, &["bucket-owner-*"], &[(k, acl.clone())]),
            Tri::Yes
        );
        assert_eq!(
            eval("StringEquals", k, &["bucket-owner-*"], &[(k, acl.clone())]),
            Tri::No
        );
        // OR over values.
        assert_eq!(
            eval(
                "StringEquals",
                k,
                &["private", "bucket-owner-full-control"],
                &[(k, acl.clone())]
            ),
            Tri::Yes
        );
        // NOR over values when negated.
        assert_eq!(
            eval(
                "StringNotEquals",
                k,
                &["private", "bucket-owner-full-control"],
                &[(k, acl.clone())]
            ),
            Tri::No
        );
        assert_eq!(
            eval("StringNotEquals", k, &["private", "public-read"], &[(k, acl.clone())]),
            Tri::Yes
        );
        assert_eq!(eval("StringNotLike", k, &["*-full-*"], &[(k, acl)]), Tri::No);
    }

    #[test]
    fn context_keys_are_case_insensitive() {
        assert_eq!(
            eval(
                "StringEquals",
                "AWS:SourceAccount",
                &["111111111111"],
                &[("aws:sourceaccount", C::str("111111111111"))]
            ),
            Tri::Yes
        );
    }

    #[test]
    fn missing_keys() {
        let k = "aws:SourceArn";
        assert_eq!(eval("StringEquals", k, &["x"], &[]), Tri::No);
        assert_eq!(eval("ArnLike", k, &["x"], &[]), Tri::No);
        assert_eq!(eval("StringEqualsIfExists", k, &["x"], &[]), Tri::Yes);
        // Negated operators are true when the key is missing.
        assert_eq!(eval("StringNotEquals", k, &["x"], &[]), Tri::Yes);
        assert_eq!(eval("ArnNotLike", k, &["x"], &[]), Tri::Yes);
        assert_eq!(eval("Null", k, &["true"], &[]), Tri::Yes);
        assert_eq!(eval("Null", k, &["false"], &[]), Tri::No);
        assert_eq!(eval("Null", k, &["false"], &[(k, C::Unknown)]), Tri::Yes);
        assert_eq!(eval("ForAllValues:StringEquals", k, &["x"], &[]), Tri::Yes);
        assert_eq!(eval("ForAnyValue:StringEquals", k, &["x"], &[]), Tri::No);
        assert_eq!(eval("ForAnyValue:StringEqualsIfExists", k, &["x"], &[]), Tri::Yes);
    }

    #[test]
    fn unknown_request_values() {
        let k = "aws:SourceArn";
        assert_eq!(eval("StringEquals", k, &["x"], &[(k, C::Unknown)]), Tri::Maybe);
        assert_eq!(eval("StringEqualsIfExists", k, &["x"], &[(k, C::Unknown)]), Tri::Maybe);
        // Any value matches `*`.
        assert_eq!(eval("StringLike", k, &["*"], &[(k, C::Unknown)]), Tri::Yes);
        assert_eq!(eval("StringEquals", k, &["x"], &[(k, C::Any)]), Tri::Maybe);
        assert_eq!(eval("StringNotEquals", k, &["x"], &[(k, C::Any)]), Tri::Maybe);
        assert_eq!(eval("StringLikeIfExists", k, &["*"], &[(k, C::Any)]), Tri::Yes);
        assert_eq!(eval("Null", k, &["true"], &[(k, C::Any)]), Tri::Maybe);
        assert_eq!(
            eval("ForAnyValue:StringLike", k, &["*"], &[(k, C::Unknown)]),
            Tri::Maybe
        );
    }

    #[test]
    fn symbolic_request_values() {
        let k = "aws:SourceAccount";
        let acct = C::One(Text::sym(Sym::Account));
        assert_eq!(
            eval("StringEquals", k, &["111111111111"], &[(k, acct.clone())]),
            Tri::Maybe
        );
        assert_eq!(eval("StringEquals", k, &["not-digits"], &[(k, acct.clone())]), Tri::No);
        let c = Condition {
            values: vec![Item {
                text: Text::sym(Sym::Account),
                span: Span::default(),
            }],
            ..cond("StringEquals", k, &[])
        };
        assert_eq!(c.eval(&req(&[(k, acct)])), Tri::Yes);
    }

    #[test]
    fn bool_and_numbers() {
        let k = "aws:SecureTransport";
        assert_eq!(eval("Bool", k, &["false"], &[(k, C::str("false"))]), Tri::Yes);
        assert_eq!(eval("Bool", k, &["false"], &[(k, C::str("true"))]), Tri::No);
        assert_eq!(eval("Bool", k, &["false"], &[]), Tri::No);
        assert_eq!(eval("BoolIfExists", k, &["false"], &[]), Tri::Yes);
        let t = "s3:TlsVersion";
        assert_eq!(eval("NumericLessThan", t, &["1.2"], &[(t, C::str("1.1"))]), Tri::Yes);
        assert_eq!(eval("NumericLessThan", t, &["1.2"], &[(t, C::str("1.2"))]), Tri::No);
        assert_eq!(
            eval("NumericGreaterThanEquals", t, &["1.2"], &[(t, C::str("1.3"))]),
            Tri::Yes
        );
        assert_eq!(eval("NumericNotEquals", t, &["1.2"], &[(t, C::str("1.2"))]), Tri::No);
        assert_eq!(eval("NumericEquals", t, &["1.2"], &[(t, C::str("abc"))]), Tri::No);
        assert_eq!(
            eval(
                "DateLessThan",
                "aws:CurrentTime",
                &["2030-01-01T00:00:00Z"],
                &[("aws:CurrentTime", C::str("2020-01-01T00:00:00Z"))]
            ),
            Tri::Maybe
        );
        assert_eq!(eval("DateNotEquals", "aws:CurrentTime", &["x"], &[]), Tri::Yes);
    }

    #[test]
    fn arn_operators() {
        let k = "kms:EncryptionContext:aws:logs:arn";
        let lg = C::str("arn:aws:logs:us-east-1:111111111111:log-group:trail");
        assert_eq!(
            eval(
                "ArnEquals",
                k,
                &["arn:aws:logs:us-east-1:111111111111:log-group:trail"],
                &[(k, lg.clone())]
            ),
            Tri::Yes
        );
        assert_eq!(
            eval(
                "ArnLike",
                k,
                &["arn:aws:logs:*:111111111111:log-group:*"],
                &[(k, lg.clone())]
            ),
            Tri::Yes
        );
        assert_eq!(
            eval(
                "ArnLike",
                k,
                &["arn:aws:logs:*:222222222222:log-group:*"],
                &[(k, lg.clone())]
            ),
            Tri::No
        );
        assert_eq!(
            eval(
                "ArnNotEquals",
                k,
                &["arn:aws:logs:us-east-1:111111111111:log-group:other"],
                &[(k, lg)]
            ),
            Tri::Yes
        );
    }

    #[test]
    fn multivalued_keys() {
        let k = "aws:TagKeys";
        let tags = C::Many(vec![Text::lit("key1:a"), Text::lit("key2:b")]);
        assert_eq!(
            eval("ForAllValues:StringLike", k, &["key1*"], &[(k, tags.clone())]),
            Tri::No
        );
        assert_eq!(
            eval("ForAllValues:StringLike", k, &["key1*", "key2*"], &[(k, tags.clone())]),
            Tri::Yes
        );
        assert_eq!(
            eval("ForAnyValue:StringLike", k, &["key2*"], &[(k, tags.clone())]),
            Tri::Yes
        );
        // Per AWS's example: ForAllValues:StringNotLike key1* matches when no tag starts so.
        assert_eq!(
            eval("ForAllValues:StringNotLike", k, &["key1*"], &[(k, tags.clone())]),
            Tri::No
        );
        assert_eq!(
            eval(
                "ForAllValues:StringNotLike",
                k,
                &["key1*"],
                &[(k, C::Many(vec![Text::lit("key2:audit")]))]
            ),
            Tri::Yes
        );
        assert_eq!(eval("StringLike", k, &["key1*"], &[(k, tags)]), Tri::Maybe);
    }

    #[test]
    fn unknown_policy_values() {
        let k = "aws:SourceArn";
        let c = Condition {
            values: vec![Item {
                text: unknown_text("var.trail_arn", "no default"),
                span: Span::default(),
            }],
            ..cond("StringEquals", k, &[])
        };
        assert_eq!(
            c.eval(&req(&[(k, C::str("arn:aws:cloudtrail:us-east-1:1:trail/t"))])),
            Tri::Maybe
        );
        assert_eq!(c.eval(&req(&[])), Tri::No);
        assert_eq!(cond("StringEqualz", k, &["x"]).eval(&req(&[])), Tri::Maybe);
    }
}
