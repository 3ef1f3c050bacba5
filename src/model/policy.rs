//! One shape for every policy document.
//!
//! IAM identity policies, trust policies, bucket policies and key policies arrive as JSON files,
//! CloudFormation mappings, `jsonencode(...)` objects, heredoc JSON or
//! `aws_iam_policy_document` data sources. All of them become the same [`Val`] map, in IAM's own
//! vocabulary so that rules and the policy-evaluation module read one form:
//!
//! ```text
//! { Version, Id?, Statement: [ { Sid?, Effect, Principal?: { AWS|Service|Federated|CanonicalUser: [..] },
//!   NotPrincipal?, Action?: [..], NotAction?, Resource?: [..], NotResource?,
//!   Condition?: { <operator>: { <key>: [..] } } } ] }
//! ```
//!
//! Single values become one-item lists, a lone statement becomes a list of one,
//! `"Principal": "*"` becomes `{ "AWS": ["*"] }` (IAM treats them the same), and booleans and
//! numbers among principals, actions, resources and condition values become strings (IAM compares
//! them as strings: `"aws:SecureTransport": false` is `"false"`, an unquoted YAML account ID is
//! the ID). Spans are kept on every statement and value, so findings point inside the document.

use super::value::{V, Val};

/// Keys whose values are lists of strings in the normal form.
const LIST_KEYS: [&str; 4] = ["Action", "NotAction", "Resource", "NotResource"];

/// Normalise a policy document. Values that are not documents (unknown, symbolic text) are
/// returned unchanged, so rules see them as unknown rather than empty.
pub fn normalize(doc: Val) -> Val {
    match &doc.v {
        V::Map(_) => normalize_map(doc),
        V::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(j) => normalize_map(super::value::from_json(&j, doc.span)),
            Err(e) => Val::unknown(truncate(s), format!("the policy is not valid JSON: {e}"), doc.span),
        },
        V::Text(_) => Val::unknown(
            doc.to_string(),
            "the policy is built from a string template that cannot be read as JSON",
            doc.span,
        ),
        _ => doc,
    }
}

fn truncate(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        format!("{}...", one.chars().take(57).collect::<String>())
    } else {
        one
    }
}

fn normalize_map(mut doc: Val) -> Val {
    if let Some(stmts) = doc.remove("Statement") {
        let list = match stmts.v {
            V::List(items) => items.into_iter().map(normalize_statement).collect(),
            V::Map(_) => vec![normalize_statement(stmts.clone())],
            _ => {
                doc.insert("Statement", stmts);
                return doc;
            }
        };
        doc.insert(
            "Statement",
            Val {
                v: V::List(list),
                ..stmts
            },
        );
    }
    doc
}

fn normalize_statement(mut st: Val) -> Val {
    if !matches!(st.v, V::Map(_)) {
        return st;
    }
    for key in LIST_KEYS {
        if let Some(v) = st.remove(key) {
            st.insert(key, as_list(v));
        }
    }
    for key in ["Principal", "NotPrincipal"] {
        if let Some(p) = st.remove(key) {
            st.insert(key, normalize_principal(p));
        }
    }
    if let Some(mut c) = st.remove("Condition") {
        if let V::Map(ops) = &mut c.v {
            for (_, op) in ops.iter_mut() {
                if let V::Map(keys) = &mut op.v {
                    for (_, values) in keys.iter_mut() {
                        *values = as_list(std::mem::take(values));
                    }
                }
            }
        }
        st.insert("Condition", c);
    }
    st
}

fn normalize_principal(p: Val) -> Val {
    match &p.v {
        V::Str(s) if s == "*" => Val {
            v: V::Map(vec![("AWS".into(), Val::new(V::List(vec![p.clone()]), p.span))]),
            ..p
        },
        V::Map(_) => {
            let mut p = p;
            if let V::Map(entries) = &mut p.v {
                for (_, v) in entries.iter_mut() {
                    *v = as_list(std::mem::take(v));
                }
            }
            p
        }
        _ => p,
    }
}

/// A list of strings: a single value becomes a list of one, and boolean and number items become
/// strings.
fn as_list(v: Val) -> Val {
    match v.v {
        V::List(items) => Val {
            v: V::List(items.into_iter().map(scalar_to_string).collect()),
            ..v
        },
        V::Unknown(_) | V::Null => v,
        _ => Val {
            v: V::List(vec![scalar_to_string(v.clone())]),
            ..v
        },
    }
}

fn scalar_to_string(v: Val) -> Val {
    match v.v {
        V::Bool(b) => Val {
            v: V::Str(b.to_string()),
            ..v
        },
        V::Num(n) => Val {
            v: V::Str(super::value::fmt_num(n)),
            ..v
        },
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_values_become_lists() {
        let doc = Val::new(
            V::Str(
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#.into(),
            ),
            Default::default(),
        );
        let n = normalize(doc);
        let st = &n.get("Statement").unwrap().as_list().unwrap()[0];
        assert_eq!(st.get("Action").unwrap().as_list().unwrap().len(), 1);
        assert_eq!(
            st.at("Principal.AWS").unwrap().as_list().unwrap()[0].as_str(),
            Some("*")
        );
        assert_eq!(
            st.at("Condition.Bool.aws:SecureTransport").unwrap().as_list().unwrap()[0].as_str(),
            Some("false")
        );
    }

    #[test]
    fn scalars_become_strings() {
        let doc = Val::new(
            V::Str(
                r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":123456789012},"Action":"s3:*","Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":[1.2]}}}]}"#.into(),
            ),
            Default::default(),
        );
        let n = normalize(doc);
        let st = &n.get("Statement").unwrap().as_list().unwrap()[0];
        let first = |path: &str| st.at(path).unwrap().as_list().unwrap()[0].as_str().map(str::to_string);
        assert_eq!(first("Principal.AWS").as_deref(), Some("123456789012"));
        assert_eq!(first("Condition.Bool.aws:SecureTransport").as_deref(), Some("false"));
        assert_eq!(first("Condition.NumericLessThan.s3:TlsVersion").as_deref(), Some("1.2"));
    }

    #[test]
    fn invalid_json_is_unknown() {
        let n = normalize(Val::new(V::Str("{nope".into()), Default::default()));
        assert!(n.unknown_info().is_some());
    }
}
