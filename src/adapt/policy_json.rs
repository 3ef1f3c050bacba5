//! Standalone policy documents (IAM, bucket or key policy JSON files): one `policy` resource
//! addressed by its file path, so that every-policy rules (CT403…) read them too.

use crate::adapt::fields::coerce;
use crate::model::schema::Ty;
use crate::model::{Address, Format, Kind, Resource, ScopeId, V, Val};
use crate::parse::{Node, NodeKind};

pub fn adapt_document(node: &Node, display: &str, scope: ScopeId) -> Vec<Resource> {
    let mut r = Resource::new(
        Kind::Policy,
        Format::PolicyJson,
        "policy",
        Address::local(display),
        scope,
        node.span,
    );
    r.header.end = r.header.start;
    r.fields.insert("document", coerce(to_val(node), &Ty::Policy, ""));
    vec![r]
}

/// A JSON tree as a model value, spans kept.
pub fn to_val(n: &Node) -> Val {
    let v = match &n.kind {
        NodeKind::Null => V::Null,
        NodeKind::Bool(b) => V::Bool(*b),
        NodeKind::Number(s) => s.parse::<f64>().map_or_else(|_| V::Str(s.clone()), V::Num),
        NodeKind::String(s) => V::Str(s.clone()),
        NodeKind::Array(items) => V::List(items.iter().map(to_val).collect()),
        NodeKind::Object(entries) => V::Map(entries.iter().map(|(k, v)| (k.name.clone(), to_val(v))).collect()),
    };
    Val::new(v, n.span)
}
