//! Predicates: what a check expects of the values it selects (`rules/README.md`).
//!
//! Each predicate answers pass, fail or unknown for one value, and has an answer for "not set".
//! Symbolic values are expanded through the [`Resolver`] before comparison; a value that still
//! holds an unknown part gives unknown unless the predicate holds whatever that part is.

use regex::Regex;

use super::builtins::Builtin;
use crate::finding::Verdict;
use crate::model::{Part, Sym, Text, V, Val};
use crate::resolve::Resolver;

#[derive(Debug, Clone)]
pub enum Lit {
    Bool(bool),
    Num(f64),
    Str(String),
}

#[derive(Debug, Clone)]
pub enum Bound {
    Num(f64),
    /// A configuration value: `config.min_retention_days`.
    Config(String),
}

#[derive(Debug, Clone)]
pub enum Predicate {
    Equals(Lit),
    NotEquals(Lit),
    OneOf(Vec<Lit>),
    Present(bool),
    Min(Bound),
    Matches(Regex),
    Any(Vec<Predicate>),
    All(Vec<Predicate>),
    Builtin(Builtin),
}

fn lit_name(l: &Lit) -> String {
    match l {
        Lit::Bool(b) => format!("the boolean {b}"),
        Lit::Num(n) => format!("the number {}", crate::model::value::fmt_num(*n)),
        Lit::Str(s) => format!("the string \"{s}\""),
    }
}

/// The configuration values predicates may refer to.
pub trait ConfigValues: Sync {
    fn number(&self, key: &str) -> Option<f64>;
}

/// What a predicate may refer to: the path steps every target of its rule offers and the kinds
/// of resource the rule ends at (for builtins' arguments).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    pub steps: &'a [&'static str],
    pub kinds: &'a [crate::model::Kind],
}

impl Predicate {
    /// Why this predicate can never hold on a field of type `ty` (a string compared with a
    /// boolean field, a minimum on a string), if it cannot.
    pub fn mismatch(&self, ty: crate::model::schema::Ty) -> Option<String> {
        use crate::model::schema::Ty;
        let lit_ok = |l: &Lit| {
            matches!(
                (l, ty),
                (Lit::Bool(_), Ty::Bool) | (Lit::Num(_), Ty::Num) | (Lit::Str(_), Ty::Str | Ty::StrList)
            )
        };
        let name = match ty {
            Ty::Bool => "a boolean",
            Ty::Num => "a number",
            Ty::Str => "a string",
            Ty::StrList => "a list of strings",
            Ty::Policy => "a policy",
            Ty::Obj(_) => "an object",
            Ty::List(_) => "a list of objects",
        };
        match self {
            Predicate::Equals(l) | Predicate::NotEquals(l) if !lit_ok(l) => {
                Some(format!("compares {name} field with {}", lit_name(l)))
            }
            Predicate::OneOf(ls) => ls
                .iter()
                .find(|l| !lit_ok(l))
                .map(|l| format!("compares {name} field with {}", lit_name(l))),
            Predicate::Min(_) if !matches!(ty, Ty::Num) => Some(format!("asks a minimum of {name} field")),
            Predicate::Matches(_) if !matches!(ty, Ty::Str | Ty::StrList) => {
                Some(format!("matches a regular expression against {name} field"))
            }
            Predicate::All(ps) => ps.iter().find_map(|p| p.mismatch(ty)),
            // `any` is wrong only when no alternative can hold.
            Predicate::Any(ps) => {
                let all: Vec<String> = ps.iter().filter_map(|p| p.mismatch(ty)).collect();
                (all.len() == ps.len() && !ps.is_empty()).then(|| all.join("; "))
            }
            _ => None,
        }
    }

    /// Parse a predicate table: exactly one key (a builtin may add `args`).
    pub fn parse(v: &toml::Value, scope: Scope<'_>) -> Result<Predicate, String> {
        let table = v
            .as_table()
            .ok_or("a predicate is a table such as `{ equals = true }`")?;
        if let Some(name) = table.get("builtin") {
            let name = name.as_str().ok_or("`builtin` takes a name")?;
            if let Some(other) = table.keys().find(|k| *k != "builtin" && *k != "args") {
                return Err(format!("a builtin takes `args` and nothing else, found `{other}`"));
            }
            return Ok(Predicate::Builtin(Builtin::parse(
                name,
                table.get("args"),
                scope.steps,
                scope.kinds,
            )?));
        }
        if table.len() != 1 {
            return Err(format!("a predicate has exactly one key, found {}", table.len()));
        }
        let (k, v) = table.iter().next().expect("one entry");
        Ok(match k.as_str() {
            "equals" => Predicate::Equals(lit(v)?),
            "not_equals" => Predicate::NotEquals(lit(v)?),
            "one_of" => Predicate::OneOf(
                v.as_array()
                    .ok_or("`one_of` takes a list")?
                    .iter()
                    .map(lit)
                    .collect::<Result<_, _>>()?,
            ),
            "present" => Predicate::Present(v.as_bool().ok_or("`present` takes true or false")?),
            "min" => Predicate::Min(match v {
                toml::Value::Integer(i) => Bound::Num(*i as f64),
                toml::Value::Float(f) => Bound::Num(*f),
                toml::Value::String(s) => match s.strip_prefix("config.") {
                    Some(key) if !key.is_empty() => Bound::Config(key.to_string()),
                    _ => return Err(format!("`min` takes a number or `config.<key>`; `{s}` is neither")),
                },
                _ => return Err("`min` takes a number or `config.<key>`".into()),
            }),
            "matches" => {
                let s = v.as_str().ok_or("`matches` takes a regular expression string")?;
                Predicate::Matches(Regex::new(s).map_err(|e| format!("invalid regular expression: {e}"))?)
            }
            "any" | "all" => {
                let items = v
                    .as_array()
                    .ok_or(format!("`{k}` takes a list of predicates"))?
                    .iter()
                    .map(|p| Predicate::parse(p, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                if items.iter().any(|p| matches!(p, Predicate::Builtin(_))) {
                    return Err(format!(
                        "a builtin judges the whole target and cannot be evaluated inside `{k}`: give it a [[check]] of its own"
                    ));
                }
                if k == "any" {
                    Predicate::Any(items)
                } else {
                    Predicate::All(items)
                }
            }
            other => {
                return Err(format!(
                    "unknown predicate `{other}` (expected equals, not_equals, one_of, present, min, matches, any, all or builtin)"
                ));
            }
        })
    }

    /// The verdict for a value that is not set (and has no documented default).
    pub fn on_absent(&self) -> Verdict {
        match self {
            Predicate::NotEquals(_) => Verdict::Pass,
            Predicate::Present(want) => {
                if *want {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                }
            }
            Predicate::Any(ps) => combine_any(ps.iter().map(Predicate::on_absent)),
            Predicate::All(ps) => combine_all(ps.iter().map(Predicate::on_absent)),
            _ => Verdict::Fail,
        }
    }

    pub fn eval(&self, v: &Val, resolver: &Resolver<'_>, config: &dyn ConfigValues) -> Verdict {
        if v.is_null() {
            return self.on_absent();
        }
        match self {
            Predicate::Equals(l) => equals(v, l, resolver),
            Predicate::NotEquals(l) => negate(equals(v, l, resolver)),
            Predicate::OneOf(ls) => combine_any(ls.iter().map(|l| equals(v, l, resolver))),
            Predicate::Present(want) => match v.is_present() {
                Some(p) if p == *want => Verdict::Pass,
                Some(_) => Verdict::Fail,
                None => Verdict::Unknown,
            },
            Predicate::Min(bound) => {
                let min = match bound {
                    Bound::Num(n) => Some(*n),
                    Bound::Config(k) => config.number(k),
                };
                match (&v.v, min) {
                    (V::Num(n), Some(m)) => pass_if(*n >= m),
                    (V::Unknown(_), _) => Verdict::Unknown,
                    _ => Verdict::Fail,
                }
            }
            Predicate::Matches(re) => match v.text() {
                Some(t) => {
                    let t = resolver.expand(&t);
                    if t.first_unknown().is_some() {
                        return Verdict::Unknown;
                    }
                    pass_if(re.is_match(&matchable(&t)))
                }
                None if matches!(v.v, V::Unknown(_)) => Verdict::Unknown,
                None => Verdict::Fail,
            },
            Predicate::Any(ps) => combine_any(ps.iter().map(|p| p.eval(v, resolver, config))),
            Predicate::All(ps) => combine_all(ps.iter().map(|p| p.eval(v, resolver, config))),
            // Builtins look at the whole target; the engine calls them directly.
            Predicate::Builtin(_) => Verdict::Unknown,
        }
    }
}

fn lit(v: &toml::Value) -> Result<Lit, String> {
    Ok(match v {
        toml::Value::Boolean(b) => Lit::Bool(*b),
        toml::Value::Integer(i) => Lit::Num(*i as f64),
        toml::Value::Float(f) => Lit::Num(*f),
        toml::Value::String(s) => Lit::Str(s.clone()),
        _ => return Err("expected a boolean, number or string".into()),
    })
}

fn pass_if(b: bool) -> Verdict {
    if b { Verdict::Pass } else { Verdict::Fail }
}

fn negate(v: Verdict) -> Verdict {
    match v {
        Verdict::Pass => Verdict::Fail,
        Verdict::Fail => Verdict::Pass,
        other => other,
    }
}

pub fn combine_any(vs: impl Iterator<Item = Verdict>) -> Verdict {
    let mut unknown = false;
    for v in vs {
        match v {
            Verdict::Pass => return Verdict::Pass,
            Verdict::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown { Verdict::Unknown } else { Verdict::Fail }
}

pub fn combine_all(vs: impl Iterator<Item = Verdict>) -> Verdict {
    let mut unknown = false;
    for v in vs {
        match v {
            Verdict::Fail => return Verdict::Fail,
            Verdict::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown { Verdict::Unknown } else { Verdict::Pass }
}

fn equals(v: &Val, l: &Lit, resolver: &Resolver<'_>) -> Verdict {
    // Whatever the expected type, a value with an unresolved part cannot be compared.
    if v.unknown_info().is_some() {
        return Verdict::Unknown;
    }
    match (&v.v, l) {
        (V::Bool(a), Lit::Bool(b)) => pass_if(a == b),
        (V::Num(a), Lit::Num(b)) => pass_if(a == b),
        (V::Str(a), Lit::Str(b)) => pass_if(a == b),
        (V::Text(t), Lit::Str(b)) => {
            let t = resolver.expand(t);
            match t.as_lit() {
                Some(a) => pass_if(a == b),
                None => Verdict::Unknown,
            }
        }
        (V::Unknown(_), _) => Verdict::Unknown,
        // A value of another type than expected (`"yes"` for a boolean) is not the expected value.
        _ => Verdict::Fail,
    }
}

/// Render a text for regular-expression matching: symbols become a token without `:` or `/`,
/// so that `[^:]+` matches "this account" as it would match a real account ID.
fn matchable(t: &Text) -> String {
    let mut s = String::new();
    for p in &t.0 {
        match p {
            Part::Lit(l) => s.push_str(l),
            Part::Sym(Sym::Account) => s.push_str("ACCOUNT"),
            Part::Sym(Sym::Region) => s.push_str("REGION"),
            Part::Sym(Sym::Partition) => s.push_str("PARTITION"),
            Part::Sym(_) => s.push_str("SYMBOL"),
            Part::Unknown(_) => s.push_str("UNKNOWN"),
        }
    }
    s
}
