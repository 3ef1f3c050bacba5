//! CT901 in Terraform: the arguments and nested blocks of a resource block, as written (HCL or
//! JSON syntax), compared with its type's names from the provider schema
//! ([`crate::adapt::names`]).
//!
//! Meta-arguments (`count`, `for_each`, `provider`, `depends_on`, and the `lifecycle`,
//! `provisioner` and `connection` blocks) are valid on every resource; a `dynamic` block is valid
//! anywhere a block of its label is, and its `content` is checked as that block. Plans are not
//! checked: their values were accepted by Terraform, and list computed attributes too.

use hcl_edit::Span as _;
use hcl_edit::structure::{self, Structure};

use super::body::{Block, Body};
use crate::adapt::names::{self, Block as Names};
use crate::model::Format;
use crate::model::checked::UnknownAttribute;
use crate::parse::{Node, NodeKind};
use crate::source::{Span, Src};

/// Arguments every resource block takes (Terraform language, "Meta-Arguments").
const META_ARGUMENTS: [&str; 4] = ["count", "for_each", "provider", "depends_on"];
/// Blocks every resource block takes.
const META_BLOCKS: [&str; 3] = ["lifecycle", "provisioner", "connection"];

/// The names of resource block `b` (of type `type_name`) that its type does not have; `None` when
/// the type's names are not known, or the block comes from a plan.
pub fn check(b: &Block<'_>, type_name: &str) -> Option<Vec<UnknownAttribute>> {
    let schema = names::resource(Format::Terraform, type_name)?;
    let mut w = Walk {
        type_name,
        out: Vec::new(),
    };
    match b.body {
        Body::Hcl(body, src) => w.hcl(body, src, schema, &mut Vec::new(), ""),
        Body::Json(node, _) => w.json(node, schema, &mut Vec::new(), ""),
        Body::Value(..) => return None,
    }
    Some(w.out)
}

struct Walk<'t> {
    type_name: &'t str,
    out: Vec<UnknownAttribute>,
}

impl Walk<'_> {
    fn what(&self, within: &[String]) -> String {
        if within.is_empty() {
            format!("an argument of `{}`", self.type_name)
        } else {
            format!("an argument of block `{}` in `{}`", within.join("."), self.type_name)
        }
    }

    /// Report `name` at `span` when `schema` does not take it.
    fn unknown(&mut self, name: &str, span: Span, schema: &Names, within: &[String], path: &str) {
        self.out.push(UnknownAttribute {
            name: name.to_string(),
            span,
            path: join(path, name),
            within: Some(within.to_vec()),
            what: self.what(within),
            suggestion: if schema.is_read_only(name) {
                None
            } else {
                schema.suggest(name)
            },
            read_only: schema.is_read_only(name),
            beside: false,
        });
    }

    /// Mark the names reported since `first` at depth `depth` whose suggestion is written too.
    fn beside(&mut self, first: usize, depth: usize, written: impl Fn(&str) -> bool) {
        for u in &mut self.out[first..] {
            if u.within.as_ref().is_some_and(|w| w.len() == depth) && u.suggestion.is_some_and(&written) {
                u.beside = true;
            }
        }
    }

    fn hcl(&mut self, body: &structure::Body, src: Src<'_>, schema: &Names, within: &mut Vec<String>, path: &str) {
        let top = within.is_empty();
        let first = self.out.len();
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str();
                    if !(schema.has(name) || (top && META_ARGUMENTS.contains(&name))) {
                        self.unknown(name, src.span(a.key.span(), 0), schema, within, path);
                    }
                }
                Structure::Block(blk) => {
                    let ident = blk.ident.as_str();
                    if top && META_BLOCKS.contains(&ident) {
                        continue;
                    }
                    let (name, span, inner) = if ident == "dynamic" {
                        // `dynamic "event_selector" { content { … } }` stands for the block of its
                        // label; its own arguments (`for_each`, `iterator`, `labels`) are Terraform's.
                        let Some(label) = blk.labels.first() else { continue };
                        let content = blk.body.get_blocks("content").next().map(|c| &c.body);
                        (label.as_str(), src.span(label.span(), 0), content)
                    } else {
                        (ident, src.span(blk.ident.span(), 0), Some(&blk.body))
                    };
                    let index = nth(&mut seen, name);
                    match schema.nested(name) {
                        Some(sub) => {
                            if let Some(inner) = inner {
                                within.push(name.to_string());
                                self.hcl(inner, src, sub, within, &format!("{}[{index}]", join(path, name)));
                                within.pop();
                            }
                        }
                        // An argument written as a block ("attributes as blocks") is Terraform's
                        // to judge; it is a valid name.
                        None if schema.has(name) => {}
                        None => self.unknown(name, span, schema, within, path),
                    }
                }
            }
        }
        self.beside(first, within.len(), |s| {
            body.get_attribute(s).is_some() || body.get_blocks(s).next().is_some()
        });
    }

    /// JSON syntax: every key is an argument or a block type, told apart by the schema.
    fn json(&mut self, node: &Node, schema: &Names, within: &mut Vec<String>, path: &str) {
        let Some(entries) = node.as_object() else { return };
        let top = within.is_empty();
        let first = self.out.len();
        for (k, v) in entries {
            let name = k.name.as_str();
            if name == "//" || (top && (META_ARGUMENTS.contains(&name) || META_BLOCKS.contains(&name))) {
                continue;
            }
            if name == "dynamic" {
                // `"dynamic": {"event_selector": {"for_each": …, "content": {…}}}` (or a list of
                // such objects).
                for d in objects(v) {
                    for (label, body) in d.as_object().unwrap_or(&[]) {
                        match schema.nested(&label.name) {
                            Some(sub) => {
                                for (i, b) in objects(body).enumerate() {
                                    if let Some(content) = b.get("content") {
                                        within.push(label.name.clone());
                                        self.json(content, sub, within, &format!("{}[{i}]", join(path, &label.name)));
                                        within.pop();
                                    }
                                }
                            }
                            None if schema.has(&label.name) => {}
                            None => self.unknown(&label.name, label.span, schema, within, path),
                        }
                    }
                }
                continue;
            }
            if !schema.has(name) {
                self.unknown(name, k.span, schema, within, path);
                continue;
            }
            if let Some(sub) = schema.nested(name) {
                within.push(name.to_string());
                for (i, b) in objects(v).enumerate() {
                    self.json(b, sub, within, &format!("{}[{i}]", join(path, name)));
                }
                within.pop();
            }
        }
        self.beside(first, within.len(), |s| node.get(s).is_some());
    }
}

/// A JSON block value: one object, or a list of them.
fn objects(v: &Node) -> impl Iterator<Item = &Node> {
    let items = match &v.kind {
        NodeKind::Array(items) => items.as_slice(),
        NodeKind::Object(_) => std::slice::from_ref(v),
        _ => &[],
    };
    items.iter().filter(|i| matches!(i.kind, NodeKind::Object(_)))
}

/// How many blocks named `name` came before this one.
fn nth<'a>(seen: &mut Vec<(&'a str, usize)>, name: &'a str) -> usize {
    match seen.iter_mut().find(|(n, _)| *n == name) {
        Some((_, count)) => {
            *count += 1;
            *count - 1
        }
        None => {
            seen.push((name, 1));
            0
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}
