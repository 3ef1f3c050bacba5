//! The spanned document tree that YAML and JSON parse into.
//!
//! Both formats produce the same [`Node`] shape, so a CloudFormation template looks the same to
//! the adapter whichever syntax it was written in. YAML short-form tags are already normalised to
//! the long form here (`!Ref X` is the mapping `{"Ref": "X"}`, `!GetAtt A.B` is
//! `{"Fn::GetAtt": ["A", "B"]}`), with the tagged node's span on both the mapping and its value.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// Numbers keep their source text: CloudFormation treats `"1"` and `1` alike, and large
    /// account IDs must not lose digits in a float.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Keys in source order; duplicates are kept (the adapter reports or resolves them).
    Object(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

impl Node {
    pub fn new(span: Span, kind: NodeKind) -> Node {
        Node { span, kind }
    }

    /// The value of the last entry named `key` in an object (YAML and JSON both let the last
    /// duplicate win).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Object(entries) => entries.iter().rev().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entry named `key`, with its key (for the key's span).
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            NodeKind::Object(entries) => entries.iter().rev().find(|(k, _)| k.name == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Object(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A single-entry object whose key is an intrinsic function name (`Ref`, `Fn::…`,
    /// `Condition`): returns the name and the argument.
    pub fn as_intrinsic(&self) -> Option<(&str, &Node)> {
        match &self.kind {
            NodeKind::Object(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                (k.name == "Ref" || k.name == "Condition" || k.name.starts_with("Fn::")).then_some((k.name.as_str(), v))
            }
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Number(_) => "number",
            NodeKind::String(_) => "string",
            NodeKind::Array(_) => "list",
            NodeKind::Object(_) => "mapping",
        }
    }
}

impl Node {
    /// Move every span by `base` bytes: for documents parsed out of a larger file (heredoc JSON).
    pub fn shift(&mut self, base: u32) {
        let mut stack: Vec<&mut Node> = vec![self];
        while let Some(n) = stack.pop() {
            n.span = n.span.shifted(base);
            match &mut n.kind {
                NodeKind::Array(items) => stack.extend(items.iter_mut()),
                NodeKind::Object(entries) => {
                    for (k, v) in entries.iter_mut() {
                        k.span = k.span.shifted(base);
                        stack.push(v);
                    }
                }
                _ => {}
            }
        }
    }
}
