//! The Terraform functions ctlint evaluates (docs/inputs.md#terraform-functions: `format`, `join`, `concat`, `merge`,
//! `lookup`, `coalesce`, `try`, `jsonencode`, `jsondecode`, `tostring`, `tolist`, `toset`, and a
//! few string helpers). Every other function gives an unknown value naming it.
//!
//! `jsonencode(x)` returns `x` itself: ctlint reads the structure (a policy written with
//! `jsonencode` keeps the spans of its HCL), and a policy attribute accepts either form.

use crate::model::{Part, Text, V, Val};
use crate::source::Span;

pub fn call(name: &str, args: Vec<Val>, span: Span, snippet: &str) -> Val {
    let unknown = |reason: String| Val::unknown(snippet, reason, span);
    // `try` and `coalesce` look at unknown arguments themselves.
    match name {
        // Statically, the first argument is what `try` returns unless it fails to evaluate,
        // and an unknown first argument might have succeeded: either way, report the first.
        "try" => {
            return match args.into_iter().next() {
                Some(a) => a.respan(span),
                None => unknown("`try` without arguments".into()),
            };
        }
        "coalesce" => {
            for a in args {
                match a.is_present() {
                    Some(true) => return a.respan(span),
                    Some(false) => continue,
                    None => return a.respan(span),
                }
            }
            return unknown("every argument of `coalesce` is empty".into());
        }
        _ => {}
    }
    if let Some(u) = args
        .iter()
        .find(|a| a.has_unknown() && !matches!(name, "jsonencode" | "tolist" | "toset" | "concat" | "merge"))
    {
        return u.clone().respan(span);
    }
    let v = match (name, args.as_slice()) {
        ("jsonencode", [x]) => return x.clone().respan(span),
        ("jsondecode", [x]) => match x.as_str() {
            Some(s) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j) => return crate::model::value::from_json(&j, span),
                Err(e) => return unknown(format!("invalid JSON: {e}")),
            },
            None => return unknown("`jsondecode` of a non-literal string".into()),
        },
        ("tostring", [x]) => match &x.v {
            V::Num(n) => V::Str(crate::model::value::fmt_num(*n)),
            V::Bool(b) => V::Str(b.to_string()),
            _ => return x.clone().respan(span),
        },
        ("tonumber", [x]) => match &x.v {
            V::Str(s) => match s.parse::<f64>() {
                Ok(n) => V::Num(n),
                Err(_) => return unknown(format!("`{s}` is not a number")),
            },
            _ => return x.clone().respan(span),
        },
        ("tobool", [x]) => match x.as_str() {
            Some("true") => V::Bool(true),
            Some("false") => V::Bool(false),
            _ => return x.clone().respan(span),
        },
        ("tolist" | "toset", [x]) => return x.clone().respan(span),
        ("lower", [x]) => match str_map(x, str::to_lowercase) {
            Some(v) => v,
            None => return x.clone().respan(span),
        },
        ("upper", [x]) => match str_map(x, str::to_uppercase) {
            Some(v) => v,
            None => return x.clone().respan(span),
        },
        ("trimspace", [x]) => match str_map(x, |s| s.trim().to_string()) {
            Some(v) => v,
            None => return x.clone().respan(span),
        },
        ("trimsuffix", [x, s]) => match s.as_str() {
            Some(suf) => match str_map(x, |t| t.strip_suffix(suf).unwrap_or(t).to_string()) {
                Some(v) => v,
                None => return x.clone().respan(span),
            },
            None => return unknown("non-literal suffix".into()),
        },
        ("trimprefix", [x, s]) => match s.as_str() {
            Some(pre) => match str_map(x, |t| t.strip_prefix(pre).unwrap_or(t).to_string()) {
                Some(v) => v,
                None => return x.clone().respan(span),
            },
            None => return unknown("non-literal prefix".into()),
        },
        ("replace", [x, from, to]) => match (x.as_str(), from.as_str(), to.as_str()) {
            (Some(s), Some(f), Some(t)) if !(f.starts_with('/') && f.ends_with('/')) => V::Str(s.replace(f, t)),
            _ => return unknown("`replace` with a regular expression or a symbolic argument".into()),
        },
        ("format", [f, rest @ ..]) => match f.as_str() {
            Some(fmt) => match format(fmt, rest) {
                Ok(t) => t.into_v(),
                Err(e) => return unknown(e),
            },
            None => return unknown("non-literal format string".into()),
        },
        ("join", [sep, list]) => match (sep.as_str(), list.as_list()) {
            (Some(sep), Some(items)) => {
                let mut t = Text::default();
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        t.push(Part::Lit(sep.to_string()));
                    }
                    match it.text() {
                        Some(x) => t.append(x.into_owned()),
                        None => return unknown("`join` of a non-string item".into()),
                    }
                }
                t.into_v()
            }
            _ => return unknown("`join` arguments are not known".into()),
        },
        ("concat", lists) => {
            let mut out = Vec::new();
            for l in lists {
                match l.as_list() {
                    Some(items) => out.extend(items.iter().cloned()),
                    None => return unknown("`concat` of a value that is not a known list".into()),
                }
            }
            V::List(out)
        }
        ("merge", maps) => {
            let mut out = Val::new(V::Map(Vec::new()), span);
            for m in maps {
                match m.as_map() {
                    Some(entries) => {
                        for (k, v) in entries {
                            out.insert(k, v.clone());
                        }
                    }
                    None if m.is_null() => {}
                    None => return unknown("`merge` of a value that is not a known object".into()),
                }
            }
            return out;
        }
        ("lookup", [map, key, rest @ ..]) => match (map.as_map(), key.as_str()) {
            (Some(_), Some(k)) => match map.get(k) {
                Some(v) => return v.clone().respan(span),
                None => match rest.first() {
                    Some(d) => return d.clone().respan(span),
                    None => return unknown(format!("no key `{k}`")),
                },
            },
            _ => return unknown("`lookup` arguments are not known".into()),
        },
        ("element", [list, idx]) => match (list.as_list(), idx.as_num()) {
            (Some(items), Some(n)) if !items.is_empty() && n >= 0.0 => {
                return items[(n as usize) % items.len()].clone().respan(span);
            }
            _ => return unknown("`element` arguments are not known".into()),
        },
        ("length", [x]) => match &x.v {
            V::List(items) => V::Num(items.len() as f64),
            V::Map(entries) => V::Num(entries.len() as f64),
            V::Str(s) => V::Num(s.chars().count() as f64),
            _ => return unknown("`length` of a symbolic value".into()),
        },
        ("compact", [list]) => match list.as_list() {
            Some(items) => V::List(
                items
                    .iter()
                    .filter(|i| i.is_present() != Some(false))
                    .cloned()
                    .collect(),
            ),
            None => return unknown("`compact` of a value that is not a known list".into()),
        },
        ("distinct", [list]) => match list.as_list() {
            Some(items) => {
                let mut out: Vec<Val> = Vec::new();
                for i in items {
                    if !out.iter().any(|o| o.same_value(i)) {
                        out.push(i.clone());
                    }
                }
                V::List(out)
            }
            None => return unknown("`distinct` of a value that is not a known list".into()),
        },
        ("flatten", [list]) => match list.as_list() {
            Some(items) => {
                let mut out = Vec::new();
                for i in items {
                    match i.as_list() {
                        Some(inner) => out.extend(inner.iter().cloned()),
                        None => out.push(i.clone()),
                    }
                }
                V::List(out)
            }
            None => return unknown("`flatten` of a value that is not a known list".into()),
        },
        (_, _) => return unknown(format!("function `{name}` is not evaluated")),
    };
    Val::new(v, span)
}

/// Apply a string function to a literal string; `None` for symbolic text, which the caller
/// passes through unchanged.
fn str_map(x: &Val, f: impl Fn(&str) -> String) -> Option<V> {
    x.as_str().map(|s| V::Str(f(s)))
}

/// `format` with `%s`, `%d`, `%v` and `%%`.
fn format(fmt: &str, args: &[Val]) -> Result<Text, String> {
    let mut out = Text::default();
    let mut args = args.iter();
    let mut chars = fmt.chars().peekable();
    let mut lit = String::new();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => lit.push('%'),
            Some('s' | 'd' | 'v') => {
                out.push(Part::Lit(std::mem::take(&mut lit)));
                let a = args.next().ok_or("`format` has fewer arguments than verbs")?;
                match &a.v {
                    V::Str(s) => out.push(Part::Lit(s.clone())),
                    V::Num(n) => out.push(Part::Lit(crate::model::value::fmt_num(*n))),
                    V::Bool(b) => out.push(Part::Lit(b.to_string())),
                    V::Text(t) => out.append(t.clone()),
                    _ => return Err("`format` argument is not a string".into()),
                }
            }
            _ => return Err("`format` verb is not supported".into()),
        }
    }
    out.push(Part::Lit(lit));
    Ok(out)
}
