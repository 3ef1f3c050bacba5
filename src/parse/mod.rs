//! Parsers: HCL, YAML and JSON text into spanned trees.
//!
//! Each parser returns either its tree or a [`ParseError`] with the location and the parser's own
//! message; the pipeline turns that error into a CT000 finding and goes on with the other files.
//! All parsers cap nesting depth so that hostile input cannot overflow the stack.

pub mod hcl;
pub mod hcl_cost;
pub mod json;
pub mod node;
pub mod yaml;

pub use node::{Key, Node, NodeKind};

use crate::source::Span;

/// Deepest nesting accepted in YAML and JSON documents. Real templates stay under 30 levels; the
/// cap keeps recursive consumers of the tree safe on the 8 MiB worker stacks.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span) -> ParseError {
        ParseError {
            message: message.into(),
            span,
        }
    }
}
