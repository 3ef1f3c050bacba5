//! The model as JSON, without spans or source names: what `ctlint model` prints and what the
//! Terraform ⇄ CloudFormation parity tests compare.
//!
//! Symbolic values are expanded (a reference to a bucket's `arn` shows as
//! `arn:<partition>:s3:::<name>`), so the same setup written in either format dumps the same.
//! Each value shows as itself when written, and as `{"default": …}` when it is the documented
//! default, `{"unknown": "<expr>: <reason>"}` when it cannot be resolved.

use serde_json::{Map, Value, json};

use super::{Link, Model, Origin, V, Val};
use crate::resolve::Resolver;

pub fn dump(model: &Model) -> Value {
    let resolver = Resolver::new(model);
    let mut resources: Vec<(String, String, Value)> = model
        .resources
        .iter()
        .enumerate()
        .map(|(id, r)| {
            let mut m = Map::new();
            m.insert("kind".into(), json!(r.kind.as_str()));
            m.insert("fields".into(), value(&r.fields, &resolver));
            let links: Map<String, Value> = model
                .links
                .get(id)
                .map(|ls| {
                    ls.iter()
                        .map(|l| {
                            let v = match &l.link {
                                Link::Absent => json!("absent"),
                                Link::Resolved(t) => json!({ "resolved": label(model, &resolver, *t) }),
                                Link::External(x) => json!({ "external": x }),
                                Link::Unknown(u) => json!({ "unknown": format!("{}: {}", u.expr, u.reason) }),
                            };
                            (l.edge.as_str().to_string(), v)
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !links.is_empty() {
                m.insert("links".into(), Value::Object(links));
            }
            (
                r.kind.as_str().to_string(),
                label(model, &resolver, id),
                Value::Object(m),
            )
        })
        .collect();
    resources.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Value::Array(
        resources
            .into_iter()
            .map(|(_, name, mut v)| {
                v["name"] = json!(name);
                v
            })
            .collect(),
    )
}

/// A resource's name for the dump: its expanded name, never its address (which differs
/// between formats).
fn label(model: &Model, resolver: &Resolver<'_>, id: usize) -> String {
    let r = &model.resources[id];
    let name = resolver.expand(&resolver.name_text(id));
    match name.as_lit() {
        Some(s) => s.to_string(),
        None => format!("{} ({})", name, r.kind.as_str()),
    }
}

fn value(v: &Val, resolver: &Resolver<'_>) -> Value {
    let inner = match &v.v {
        V::Null => Value::Null,
        V::Bool(b) => json!(b),
        V::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
        V::Num(n) => json!(n),
        V::Str(s) => json!(s),
        V::Text(t) => json!(resolver.expand(t).to_string()),
        V::List(items) => Value::Array(items.iter().map(|i| value(i, resolver)).collect()),
        V::Map(entries) => {
            let mut sorted: Vec<&(String, Val)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(k, x)| (k.clone(), value(x, resolver)))
                    .collect(),
            )
        }
        V::Unknown(u) => return json!({ "unknown": format!("{}: {}", u.expr, u.reason) }),
    };
    match v.origin {
        Origin::Written => inner,
        Origin::Defaulted | Origin::NullDefaulted => json!({ "default": inner }),
    }
}
