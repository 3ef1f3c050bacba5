//! HCL (Terraform native syntax) through `hcl-edit`, which keeps byte spans on every attribute,
//! block and expression. Its nesting caps (64 blocks, 128 operators) protect the stack.
//!
//! One input shape makes hcl-edit 0.10 take exponential time: an operand missing inside brackets
//! nested after binary operators (`x = a+b+(a+b+(… #`), found by fuzzing. Every level doubles the
//! work, so 24 levels take seconds and 30 take minutes. Files whose brackets nest deeper than
//! [`SAFE_DEPTH`] are therefore parsed on a separate thread under a deadline; a parse that misses
//! it is reported as a CT000 at the deepest bracket instead of hanging the run.

use std::sync::mpsc;
use std::time::Duration;

use hcl_edit::structure::Body;

use super::ParseError;
use crate::source::{FileId, Span};

/// Bracket nesting that parses in milliseconds even in the worst case (2^16 steps).
const SAFE_DEPTH: usize = 16;

/// How long a deeply nested file may take to parse.
const DEADLINE: Duration = Duration::from_secs(5);

pub fn parse(text: &str, file: FileId) -> Result<Body, ParseError> {
    let (depth, deepest) = bracket_depth(text);
    if depth <= SAFE_DEPTH {
        return parse_now(text, file);
    }
    let owned = text.to_string();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("hcl-parse".into())
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(parse_now(&owned, file));
        });
    if spawned.is_err() {
        return parse_now(text, file);
    }
    match rx.recv_timeout(DEADLINE) {
        Ok(result) => result,
        // The thread is left to finish on its own; the process does not wait for it.
        Err(_) => Err(ParseError::new(
            format!(
                "the HCL parser did not finish within {} s on brackets nested {depth} deep; simplify this expression",
                DEADLINE.as_secs()
            ),
            Span::new(file, deepest, deepest),
        )),
    }
}

/// Parse a string template (a `.tf.json` string, a `templatefile`) unless its brackets nest
/// deeper than the parser handles quickly; `None` then, and the caller reports the value as
/// unknown rather than risk a parse that takes exponential time.
pub fn parse_template_bounded(text: &str) -> Option<Result<hcl_edit::template::Template, String>> {
    if bracket_depth(text).0 > SAFE_DEPTH {
        return None;
    }
    Some(hcl_edit::parser::parse_template(text).map_err(|e| e.message().to_string()))
}

fn parse_now(text: &str, file: FileId) -> Result<Body, ParseError> {
    hcl_edit::parser::parse_body(text).map_err(|e| {
        // The error's Display repeats the whole source line (megabytes for minified input), so
        // build the message from its parts. hcl-edit caps an end-of-input offset at the last
        // byte, which can be inside a character: move it to the end of that character.
        let mut offset = e.location().offset().min(text.len());
        while !text.is_char_boundary(offset) {
            offset += 1;
        }
        ParseError::new(e.message().to_string(), Span::new(file, offset, offset))
    })
}

/// The deepest nesting of `(`, `[` and `{` (a cheap over-estimate: brackets in strings and
/// comments count too), and the offset where it is reached.
fn bracket_depth(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut at) = (0usize, 0usize, 0usize);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    max = depth;
                    at = i;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (max, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_offsets_stay_on_character_boundaries() {
        let text = "r=[#\u{e9}";
        let e = parse(text, FileId(0)).unwrap_err();
        assert!(text.is_char_boundary(e.span.start as usize));
        assert_eq!(e.span.start as usize, text.len());
    }

    #[test]
    fn deep_but_valid_expressions_parse() {
        let text = format!("x = {}1{}\n", "(".repeat(40), ")".repeat(40));
        assert!(parse(&text, FileId(0)).is_ok());
    }

    #[test]
    fn exponential_input_is_an_error_not_a_hang() {
        // 40 levels would take days without the deadline.
        let text = format!("x = {}#", "a+b+(".repeat(40));
        let e = parse(&text, FileId(0)).unwrap_err();
        assert!(e.message.contains("did not finish"), "{}", e.message);
        assert_eq!(e.span.start as usize, text.rfind('(').unwrap());
    }
}
