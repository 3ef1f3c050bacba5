//! HCL (Terraform native syntax) through `hcl-edit`, which keeps byte spans on every attribute,
//! block and expression. Its nesting caps (64 blocks, 128 operators) protect the stack.
//!
//! One input shape makes hcl-edit 0.10 take exponential time: a syntax error it can back out of
//! (the end of the input, an unterminated string) inside brackets nested after binary operators
//! (`x = a+b+(a+b+(… #`), found by fuzzing. Every level doubles the work, so 24 levels take
//! seconds and 30 take minutes. Before parsing, [`hcl_cost`](super::hcl_cost) finds where the
//! bracket structure breaks and estimates that cost; text over the budget is a CT000 at the
//! break instead of a parse. The bound depends on the text alone: the same input gives the same
//! result on any machine, under any load.

use hcl_edit::structure::Body;

use super::ParseError;
use super::hcl_cost::{self, Break, Start};
use crate::source::{FileId, Span};

pub fn parse(text: &str, file: FileId) -> Result<Body, ParseError> {
    if let Err(b) = hcl_cost::check(text, Start::Body) {
        return Err(ParseError::new(refusal(&b), Span::new(file, b.offset, b.offset)));
    }
    parse_now(text, file)
}

/// Parse a string template (a `.tf.json` string, a `templatefile`) unless it is broken deep
/// enough for the parse to take exponential time: `None` then, and the caller reports the
/// value as unknown.
pub fn parse_template_bounded(text: &str) -> Option<Result<hcl_edit::template::Template, String>> {
    if hcl_cost::check(text, Start::Template).is_err() {
        return None;
    }
    Some(hcl_edit::parser::parse_template(text).map_err(|e| e.message().to_string()))
}

/// The message of a refused parse; its location is the break.
fn refusal(b: &Break) -> String {
    format!(
        "{}, {} levels deep: a syntax error nested this deep is not parsed, as the HCL parser's time doubles with every level around it",
        b.what, b.depth
    )
}

/// How many repeated object keys one file may have before its parse error is reported.
const MAX_REPEATED_KEYS: usize = 64;

/// Parse a body. Two things Terraform accepts and hcl-edit does not are handled on a copy of
/// the text of the same length, so that every span still points into the original:
/// - a UTF-8 byte order mark, replaced by spaces;
/// - a key repeated in an object constructor (`{ a = 1, a = 2 }`, the last wins in
///   Terraform), which hcl-edit rejects: the repeated key is renamed in the copy (same length)
///   and the text parsed again. The evaluator reads object keys from the original text, so
///   the renamed key keeps its name there and wins over the earlier one.
fn parse_now(text: &str, file: FileId) -> Result<Body, ParseError> {
    let mut copy: Option<String> = text.strip_prefix('\u{feff}').map(|rest| format!("   {rest}"));
    let mut attempts: Vec<(usize, usize)> = Vec::new();
    loop {
        let t = copy.as_deref().unwrap_or(text);
        let e = match hcl_edit::parser::parse_body(t) {
            Ok(body) => return Ok(body),
            Err(e) => e,
        };
        if e.message().contains("redefined object key") && attempts.len() < MAX_REPEATED_KEYS {
            let offset = e.location().offset();
            let tried = attempts.iter().filter(|(o, _)| *o == offset).count();
            if let Some(renamed) = rename_key(t, offset, tried) {
                attempts.push((offset, tried));
                copy = Some(renamed);
                continue;
            }
        }
        return Err(error(e, text, file));
    }
}

/// `text` with the object key at `offset` renamed (its last character replaced by the
/// `attempt`-th other letter): `None` for keys that are not an identifier or a plain quoted
/// string ending in an ASCII character.
fn rename_key(text: &str, offset: usize, attempt: usize) -> Option<String> {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let rest = text.get(offset..)?;
    let last = if let Some(inner) = rest.strip_prefix('"') {
        let end = inner.find(['"', '\\', '$', '%', '\n'])?;
        (inner.as_bytes().get(end) == Some(&b'"') && end > 0).then_some(offset + end)?
    } else {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        (len > 0).then_some(offset + len - 1)?
    };
    let old = *text.as_bytes().get(last)?;
    if !old.is_ascii() {
        return None;
    }
    let new = *LETTERS.iter().filter(|&&c| c != old).nth(attempt)?;
    let mut bytes = text.as_bytes().to_vec();
    bytes[last] = new;
    String::from_utf8(bytes).ok()
}

/// A parse error at its place in `text` (the original: the parsed copy has the same length).
fn error(e: hcl_edit::parser::Error, text: &str, file: FileId) -> ParseError {
    // The error's Display repeats the whole source line (megabytes for minified input), so
    // build the message from its parts. hcl-edit caps an end-of-input offset at the last
    // byte, which can be inside a character: move it to the end of that character.
    let mut offset = e.location().offset().min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    ParseError::new(e.message().to_string(), Span::new(file, offset, offset))
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
    fn a_byte_order_mark_is_accepted_and_spans_stay_exact() {
        let text = "\u{feff}x = 1\n";
        let body = parse(text, FileId(0)).unwrap();
        let attr = body.get_attribute("x").unwrap();
        let span = hcl_edit::Span::span(attr).unwrap();
        assert_eq!(&text[span], "x = 1");
    }

    #[test]
    fn repeated_object_keys_parse() {
        for text in [
            "x = { a = 1, a = 2 }\n",
            "x = { a = 1, a = 2, a = 3, b = 4, b = 5 }\n",
            "x = { \"k\" = 1, \"k\" = 2 }\n",
            "x = {\n  name = 1\n  name = 2\n}\n",
        ] {
            assert!(parse(text, FileId(0)).is_ok(), "{text}");
        }
        // Keys that cannot be renamed keep the parse error.
        assert!(parse("x = { (a) = 1, (a) = 2 }\n", FileId(0)).is_err());
    }

    #[test]
    fn deep_but_valid_expressions_parse() {
        let text = format!("x = {}1{}\n", "(".repeat(40), ")".repeat(40));
        assert!(parse(&text, FileId(0)).is_ok());
    }

    #[test]
    fn exponential_input_is_an_error_not_a_hang() {
        // 40 levels would take days to parse.
        let text = format!("x = {}#", "a+b+(".repeat(40));
        let e = parse(&text, FileId(0)).unwrap_err();
        assert!(
            e.message.starts_with("`(` is never closed, 40 levels deep: "),
            "{}",
            e.message
        );
        assert_eq!(e.span.start as usize, text.rfind('(').unwrap());
        // So would 12 levels around a long unterminated string.
        let text = format!("x = {}\"{}", "a+b+(".repeat(12), "x".repeat(100_000));
        let e = parse(&text, FileId(0)).unwrap_err();
        assert!(e.message.starts_with("the string is never closed"), "{}", e.message);
        // Shallow breaks keep the parser's own message.
        let e = parse("x = a+b+(a+b+(#", FileId(0)).unwrap_err();
        assert_eq!(e.message, "unexpected token");
    }
}
