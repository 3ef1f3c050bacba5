//! One view of Terraform configuration over both syntaxes: native HCL (`.tf`, through hcl-edit)
//! and JSON (`.tf.json`), and over the evaluated values of a plan (`terraform show -json`). The
//! adapter and the evaluator only see [`Block`], [`Body`] and [`Expr`], so every resource mapping
//! is written once.

use hcl_edit::Span as _;
use hcl_edit::structure::{self, Structure};

use crate::model::{V, Val};
use crate::parse::{Node, NodeKind};
use crate::source::{Span, Src};

#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    Hcl(&'a structure::Body, Src<'a>),
    Json(&'a Node, Src<'a>),
    /// Values already evaluated (a plan's planned values): a map whose entries are attributes,
    /// and whose maps and lists of maps are nested blocks, as in JSON syntax. Strings are taken
    /// literally (no `${…}` templates).
    Value(&'a Val, Src<'a>),
}

#[derive(Debug, Clone, Copy)]
pub enum ExprKind<'a> {
    Hcl(&'a hcl_edit::expr::Expression),
    Json(&'a Node),
    Value(&'a Val),
}

/// An expression and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Expr<'a> {
    pub kind: ExprKind<'a>,
    pub src: Src<'a>,
}

impl<'a> Expr<'a> {
    pub fn span(&self) -> Span {
        match self.kind {
            ExprKind::Hcl(e) => self.src.span(e.span(), 0),
            ExprKind::Json(n) => n.span,
            ExprKind::Value(v) => v.span,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Attr<'a> {
    pub name: &'a str,
    /// `key = value` as a whole.
    pub span: Span,
    pub expr: Expr<'a>,
}

#[derive(Debug, Clone)]
pub struct Block<'a> {
    pub ident: &'a str,
    pub labels: Vec<&'a str>,
    /// The header line: `resource "aws_cloudtrail" "main" {`.
    pub header: Span,
    pub body: Body<'a>,
}

impl<'a> Body<'a> {
    pub fn attr(&self, name: &str) -> Option<Attr<'a>> {
        match *self {
            Body::Hcl(b, src) => b.get_attribute(name).map(|a| Attr {
                name: a.key.as_str(),
                span: src.span(a.span(), 0),
                expr: Expr {
                    kind: ExprKind::Hcl(&a.value),
                    src,
                },
            }),
            Body::Json(n, src) => n.entry(name).map(|(k, v)| Attr {
                name: k.name.as_str(),
                span: k.span.to(v.span),
                expr: Expr {
                    kind: ExprKind::Json(v),
                    src,
                },
            }),
            Body::Value(v, src) => v
                .as_map()?
                .iter()
                .find(|(k, _)| k == name)
                .map(|(k, v)| value_attr(k, v, src)),
        }
    }

    /// Every attribute, in source order (for `locals`, object-like bodies).
    pub fn attrs(&self) -> Vec<Attr<'a>> {
        match *self {
            Body::Hcl(b, src) => b
                .attributes()
                .map(|a| Attr {
                    name: a.key.as_str(),
                    span: src.span(a.span(), 0),
                    expr: Expr {
                        kind: ExprKind::Hcl(&a.value),
                        src,
                    },
                })
                .collect(),
            Body::Json(n, src) => n
                .as_object()
                .unwrap_or(&[])
                .iter()
                .filter(|(k, _)| k.name != "//")
                .map(|(k, v)| Attr {
                    name: k.name.as_str(),
                    span: k.span.to(v.span),
                    expr: Expr {
                        kind: ExprKind::Json(v),
                        src,
                    },
                })
                .collect(),
            Body::Value(v, src) => v
                .as_map()
                .unwrap_or(&[])
                .iter()
                .map(|(k, v)| value_attr(k, v, src))
                .collect(),
        }
    }

    /// The nested blocks named `ident` (JSON: an object, or a list of objects, under that key).
    pub fn blocks(&self, ident: &'a str) -> Vec<Block<'a>> {
        match *self {
            Body::Hcl(b, src) => b
                .get_blocks(ident)
                .map(|blk| Block {
                    ident: blk.ident.as_str(),
                    labels: blk.labels.iter().map(|l| l.as_str()).collect(),
                    header: header_span(src, blk.span()),
                    body: Body::Hcl(&blk.body, src),
                })
                .collect(),
            Body::Json(n, src) => match n.entry(ident) {
                Some((k, v)) => json_blocks(k.name.as_str(), k.span, v, src, 0),
                None => Vec::new(),
            },
            Body::Value(v, src) => {
                let Some((k, v)) = v.as_map().and_then(|m| m.iter().find(|(k, _)| k == ident)) else {
                    return Vec::new();
                };
                let items = match &v.v {
                    V::List(items) => items.as_slice(),
                    V::Map(_) => std::slice::from_ref(v),
                    _ => &[],
                };
                items
                    .iter()
                    .filter(|i| matches!(i.v, V::Map(_)))
                    .map(|i| Block {
                        ident: k.as_str(),
                        labels: Vec::new(),
                        header: i.span,
                        body: Body::Value(i, src),
                    })
                    .collect()
            }
        }
    }

    /// Top-level blocks with their labels: `resource`, `data`, `variable`, `locals`,
    /// `provider`, `module`, `output`, `terraform`.
    pub fn top_blocks(&self) -> Vec<Block<'a>> {
        match *self {
            Body::Hcl(b, src) => b
                .iter()
                .filter_map(|s| match s {
                    Structure::Block(blk) => Some(Block {
                        ident: blk.ident.as_str(),
                        labels: blk.labels.iter().map(|l| l.as_str()).collect(),
                        header: header_span(src, blk.span()),
                        body: Body::Hcl(&blk.body, src),
                    }),
                    Structure::Attribute(_) => None,
                })
                .collect(),
            Body::Json(n, src) => {
                let mut out = Vec::new();
                for (k, v) in n.as_object().unwrap_or(&[]) {
                    let depth = match k.name.as_str() {
                        "resource" | "data" => 2,
                        "variable" | "output" | "module" | "provider" => 1,
                        "locals" | "terraform" => 0,
                        _ => continue,
                    };
                    out.extend(json_blocks(&k.name, k.span, v, src, depth));
                }
                out
            }
            // A plan's resources are blocks made by the plan adapter, not read from a body.
            Body::Value(..) => Vec::new(),
        }
    }
}

fn value_attr<'a>(name: &'a str, v: &'a Val, src: Src<'a>) -> Attr<'a> {
    Attr {
        name,
        span: v.span,
        expr: Expr {
            kind: ExprKind::Value(v),
            src,
        },
    }
}

/// Expand a JSON block value: `depth` label levels of nested objects, then the body (an object
/// or a list of objects).
fn json_blocks<'a>(ident: &'a str, key_span: Span, v: &'a Node, src: Src<'a>, depth: usize) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<&'a str>, Span, &'a Node)> = vec![(Vec::new(), key_span, v)];
    while let Some((labels, span, node)) = stack.pop() {
        match &node.kind {
            NodeKind::Array(items) => {
                for item in items.iter().rev() {
                    stack.push((labels.clone(), item.span, item));
                }
            }
            NodeKind::Object(entries) if labels.len() < depth => {
                for (k, child) in entries.iter().rev() {
                    let mut l = labels.clone();
                    l.push(k.name.as_str());
                    stack.push((l, k.span, child));
                }
            }
            NodeKind::Object(_) => out.push(Block {
                ident,
                labels,
                header: span,
                body: Body::Json(node, src),
            }),
            _ => {}
        }
    }
    out
}

/// From the start of a block to its opening brace.
fn header_span(src: Src<'_>, range: Option<std::ops::Range<usize>>) -> Span {
    let Some(r) = range else {
        return Span::new(src.file, 0, 0);
    };
    let end = src
        .text
        .get(r.start..r.end)
        .and_then(|t| t.find('{'))
        .map_or(r.end, |i| r.start + i + 1);
    Span::new(src.file, r.start, end)
}
