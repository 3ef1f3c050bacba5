//! HCL (Terraform native syntax) through `hcl-edit`, which keeps byte spans on every attribute,
//! block and expression. Its nesting caps (64 blocks, 128 operators) protect the stack.

use hcl_edit::structure::Body;

use super::ParseError;
use crate::source::{FileId, Span};

pub fn parse(text: &str, file: FileId) -> Result<Body, ParseError> {
    hcl_edit::parser::parse_body(text).map_err(|e| {
        // The error's Display repeats the whole source line (megabytes for minified input), so
        // build the message from its parts.
        let mut offset = e.location().offset().min(text.len());
        // The parser can report an offset inside a multi-byte character at end of input.
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        ParseError::new(e.message().to_string(), Span::new(file, offset, offset))
    })
}
