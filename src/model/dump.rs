//! The model as JSON, without spans or source names: what `ctlint model` prints and what the
//! Terraform ⇄ CloudFormation parity tests compare.
//!
//! Symbolic values are expanded (a reference to a bucket's `arn` shows as
//! `arn:<partition>:s3:::<name>`), so the same setup written in either format dumps the same.
//! Each value shows as itself when written, and as `{"default": …}` when it is the documented
//! default, `{"unknown": "<expr>: <reason>"}` when it cannot be resolved.
//!
//! Nothing format-specific is printed: a resource is named by its written name (expanded, so
//! possibly symbolic: `org-audit-<account>`), and one without (a KMS key, a bucket whose name is
//! generated) by `<kind:ident>`, where `ident` is the name of an alias of the key, else its
//! literal description, else its Terraform address or logical ID (the only case that still
//! differs between formats). An attribute the resolver cannot compute (a key's id, a managed
//! policy's ARN) shows as `<kind:ident>` or `<kind:ident.attr>`, with the attribute under one
//! name for both formats (`arn`, whether written `arn`, `Arn` or `Ref`).

use serde_json::{Map, Value, json};

use super::{AttrRef, Kind, Link, Model, Origin, Part, ResourceId, Sym, Text, V, Val};
use crate::resolve::Resolver;

pub fn dump(model: &Model) -> Value {
    let d = Dumper::new(model);
    let mut resources: Vec<(String, String, Value)> = model
        .resources
        .iter()
        .enumerate()
        .map(|(id, r)| {
            let mut m = Map::new();
            m.insert("kind".into(), json!(r.kind.as_str()));
            m.insert("fields".into(), d.value(&r.fields));
            // One value per edge; an edge with several links (an alarm's actions) is a list.
            let mut links: Map<String, Value> = Map::new();
            for l in model.links.get(id).into_iter().flatten() {
                let v = match &l.link {
                    Link::Absent => json!("absent"),
                    Link::Resolved(t) => json!({ "resolved": d.label(*t) }),
                    Link::External(x) => json!({ "external": x }),
                    Link::Unknown(u) => json!({ "unknown": format!("{}: {}", u.expr, u.reason) }),
                };
                match links.get_mut(l.edge.as_str()) {
                    Some(Value::Array(items)) => items.push(v),
                    Some(first) => *first = json!([first.take(), v]),
                    None => {
                        links.insert(l.edge.as_str().to_string(), v);
                    }
                }
            }
            if !links.is_empty() {
                m.insert("links".into(), Value::Object(links));
            }
            (r.kind.as_str().to_string(), d.label(id), Value::Object(m))
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

struct Dumper<'m> {
    model: &'m Model,
    resolver: Resolver<'m>,
    /// Per resource, its written name, or how it is identified without one.
    idents: Vec<Ident>,
}

enum Ident {
    Name(String),
    /// No written name: `<kind:ident>`.
    Opaque(String),
}

impl<'m> Dumper<'m> {
    fn new(model: &'m Model) -> Dumper<'m> {
        let resolver = Resolver::new(model);
        let mut d = Dumper {
            model,
            resolver,
            idents: Vec::new(),
        };
        // A written name is the label (`org-audit-<account>` too); the others are known by what
        // `opaque_ident` finds. Names are rendered once every ident exists, since a name may
        // mention a resource that has none.
        let names: Vec<Option<Text>> = (0..model.resources.len())
            .map(|id| written_name(model, &d.resolver, id))
            .collect();
        d.idents = names
            .iter()
            .enumerate()
            .map(|(id, n)| match n {
                Some(_) => Ident::Name(String::new()),
                None => Ident::Opaque(opaque_ident(model, &d.resolver, id)),
            })
            .collect();
        for (id, n) in names.iter().enumerate() {
            if let Some(t) = n {
                d.idents[id] = Ident::Name(d.text(t));
            }
        }
        d
    }

    /// A resource's name for the dump: its expanded name, never its address (which differs
    /// between formats) unless nothing else identifies it.
    fn label(&self, id: ResourceId) -> String {
        match &self.idents[id] {
            Ident::Name(s) => s.clone(),
            Ident::Opaque(s) => format!("<{}:{s}>", self.model.resources[id].kind),
        }
    }

    fn text(&self, t: &Text) -> String {
        let expanded = self.resolver.expand(t);
        let mut out = String::new();
        for p in &expanded.0 {
            match p {
                Part::Sym(Sym::Attr(a)) => match self.resolver.lookup(a) {
                    Some(id) => out.push_str(&self.symbol(id, a)),
                    None => out.push_str(&Text(vec![p.clone()]).to_string()),
                },
                other => out.push_str(&Text(vec![other.clone()]).to_string()),
            }
        }
        out
    }

    /// An attribute of a resource in the scan that the resolver leaves symbolic.
    fn symbol(&self, id: ResourceId, a: &AttrRef) -> String {
        let r = &self.model.resources[id];
        let ident = match &self.idents[id] {
            Ident::Name(s) | Ident::Opaque(s) => s,
        };
        match canonical_attr(r.kind, &r.type_name, &a.attr) {
            None => format!("<{}:{ident}>", r.kind),
            Some(attr) => format!("<{}:{ident}.{attr}>", r.kind),
        }
    }

    fn value(&self, v: &Val) -> Value {
        let inner = match &v.v {
            V::Null => Value::Null,
            V::Bool(b) => json!(b),
            V::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
            V::Num(n) => json!(n),
            V::Str(s) => json!(s),
            V::Text(t) => json!(self.text(t)),
            V::List(items) => Value::Array(items.iter().map(|i| self.value(i)).collect()),
            V::Map(entries) => {
                let mut sorted: Vec<&(String, Val)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(sorted.into_iter().map(|(k, x)| (k.clone(), self.value(x))).collect())
            }
            V::Unknown(u) => return json!({ "unknown": format!("{}: {}", u.expr, u.reason) }),
        };
        match v.origin {
            Origin::Written => inner,
            Origin::Defaulted | Origin::NullDefaulted => json!({ "default": inner }),
        }
    }
}

/// A resource's written name, expanded, when it is set and known.
fn written_name(model: &Model, resolver: &Resolver<'_>, id: ResourceId) -> Option<Text> {
    let written = model.resources[id].field("name")?.text()?;
    (written.first_unknown().is_none() && written.is_present() == Some(true)).then(|| resolver.expand(&written))
}

/// What identifies a resource that has no written name: for a key, the (first) name of an alias
/// of it in the scan, else its literal description; else its address.
fn opaque_ident(model: &Model, resolver: &Resolver<'_>, id: ResourceId) -> String {
    let r = &model.resources[id];
    if r.kind == Kind::Key {
        let alias = model
            .of_kind(Kind::KeyAlias)
            .filter(|(_, alias)| {
                alias
                    .field("target_key_id")
                    .and_then(Val::text)
                    .is_some_and(|t| t.attr_refs().any(|a| resolver.lookup(a) == Some(id)))
            })
            .filter_map(|(ai, _)| written_name(model, resolver, ai).map(|t| t.to_string()))
            .min();
        if let Some(alias) = alias {
            return alias;
        }
        if let Some(d) = r.field("description").and_then(Val::as_str) {
            return d.to_string();
        }
    }
    r.address.to_string()
}

/// One name for an attribute, whichever format wrote it; `None` for the attribute that is the
/// resource's identity (a key's id, a bucket's name), which the label already says.
fn canonical_attr(kind: Kind, type_name: &str, attr: &str) -> Option<String> {
    let canonical = match (kind, type_name, attr) {
        (Kind::Key, _, "id" | "key_id" | "Ref" | "KeyId") => return None,
        // `aws_iam_policy`'s `id` is its ARN, as `AWS::IAM::ManagedPolicy`'s `Ref`.
        (Kind::Policy, "aws_iam_policy", "id" | "arn") => "arn",
        (Kind::Policy, "AWS::IAM::ManagedPolicy", "Ref" | "PolicyArn") => "arn",
        (Kind::Policy, _, "name" | "Ref") => return None,
        (Kind::Policy, _, _) => attr,
        (_, _, "id" | "name" | "bucket" | "Ref") => return None,
        (_, _, "Arn") => "arn",
        _ => attr,
    };
    Some(canonical.to_string())
}
