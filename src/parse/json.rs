//! Strict JSON (RFC 8259) into [`Node`] trees, with jsonc-parser.
//!
//! jsonc-parser runs with every extension off (no comments, trailing commas, single quotes, hex
//! or non-finite numbers, JSON5 escapes). Two things it still lets through are checked here: raw
//! control characters inside strings, and whitespace other than space, tab, LF and CR between
//! tokens. A leading byte order mark is accepted (RFC 8259 §8.1 allows ignoring it). Nesting is
//! checked before jsonc-parser runs, so its recursion never goes deeper than [`MAX_DEPTH`].

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};

use crate::parse::{Key, MAX_DEPTH, Node, NodeKind, ParseError};
use crate::source::{FileId, Span};

const BOM: &str = "\u{feff}";

/// Parse strict JSON (RFC 8259: no comments, no trailing commas, no single quotes, no JSON5) into
/// a [`Node`] tree. Every node's span is the byte range of its value in `text`, every key's span
/// the byte range of the key string, quotes included.
pub fn parse(text: &str, file: FileId) -> Result<Node, ParseError> {
    let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[base..];
    let err = |message: String, start: usize, end: usize| ParseError::new(message, Span::new(file, start, end));
    // The character at `at` in `body`, as a span of `text`.
    let char_at = |at: usize| {
        let len = body[at..].chars().next().map_or(0, char::len_utf8);
        (base + at, base + at + len)
    };

    let check = prescan(body);
    if let Some(depth_at) = check.too_deep {
        return Err(match check.violation {
            Some((at, message)) if at < depth_at => {
                let (start, end) = char_at(at);
                err(message, start, end)
            }
            _ => err(depth_message(), base + depth_at, base + depth_at + 1),
        });
    }

    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let value = match parse_to_ast(body, &collect, &options) {
        Ok(result) => result.value,
        Err(e) => {
            let range = e.range();
            return Err(match check.violation {
                Some((at, message)) if at < range.start => {
                    let (start, end) = char_at(at);
                    err(message, start, end)
                }
                _ => {
                    let message = match e.kind() {
                        ParseErrorKind::NestingDepthExceeded => depth_message(),
                        kind => kind.to_string(),
                    };
                    // Unterminated arrays, objects and strings get a range from their opening
                    // character to the end of the text: keep it short, on the opening character.
                    let start = range.start.min(body.len());
                    let end = range.end.clamp(start, body.len());
                    let (start, end) = if end - start > 64 || body[start..end].contains('\n') {
                        let (start, end) = char_at(start);
                        (start - base, end - base)
                    } else {
                        (start, end)
                    };
                    err(message, base + start, base + end)
                }
            });
        }
    };
    if let Some((at, message)) = check.violation {
        let (start, end) = char_at(at);
        return Err(err(message, start, end));
    }
    let Some(value) = value else {
        return Err(err("empty document".to_string(), 0, 0));
    };
    convert(value, file, base)
}

fn depth_message() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels")
}

struct Prescan {
    /// The first character jsonc-parser accepts but RFC 8259 does not, with a message.
    violation: Option<(usize, String)>,
    /// The first `[` or `{` nested deeper than [`MAX_DEPTH`].
    too_deep: Option<usize>,
}

/// One pass over the text: nesting depth, raw control characters in strings and non-RFC
/// whitespace between tokens. Only meaningful up to the first syntax error, which is where its
/// results are compared with jsonc-parser's.
fn prescan(text: &str) -> Prescan {
    let bytes = text.as_bytes();
    let mut violation: Option<(usize, String)> = None;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'"' => break,
                        b'\\' => i += 1,
                        b if b < 0x20 && violation.is_none() => {
                            let message = format!("control character U+{b:04X} must be escaped in a JSON string");
                            violation = Some((i, message));
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Prescan {
                        violation,
                        too_deep: Some(i),
                    };
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b @ (0x0B | 0x0C) if violation.is_none() => {
                violation = Some((i, format!("character U+{b:04X} is not JSON whitespace")));
            }
            b if b >= 0x80 && violation.is_none() => {
                let c = text[i..].chars().next().map_or(0, u32::from);
                violation = Some((i, format!("character U+{c:04X} is not allowed outside a JSON string")));
            }
            _ => {}
        }
        i += 1;
    }
    Prescan {
        violation,
        too_deep: None,
    }
}

/// Convert the AST to nodes. The pre-scan capped the depth, so recursion is bounded; the check
/// here keeps the conversion safe on its own.
fn convert(value: Value<'_>, file: FileId, base: usize) -> Result<Node, ParseError> {
    fn go(value: Value<'_>, file: FileId, base: usize, depth: usize) -> Result<Node, ParseError> {
        let span = |start: usize, end: usize| Span::new(file, base + start, base + end);
        Ok(match value {
            Value::StringLit(s) => Node::new(span(s.range.start, s.range.end), NodeKind::String(s.value.into_owned())),
            Value::NumberLit(n) => Node::new(span(n.range.start, n.range.end), NodeKind::Number(n.value.to_string())),
            Value::BooleanLit(b) => Node::new(span(b.range.start, b.range.end), NodeKind::Bool(b.value)),
            Value::NullKeyword(n) => Node::new(span(n.range.start, n.range.end), NodeKind::Null),
            Value::Array(array) => {
                let node_span = span(array.range.start, array.range.end);
                if depth + 1 > MAX_DEPTH {
                    return Err(ParseError::new(depth_message(), node_span));
                }
                let mut items = Vec::with_capacity(array.elements.len());
                for element in array.elements {
                    items.push(go(element, file, base, depth + 1)?);
                }
                Node::new(node_span, NodeKind::Array(items))
            }
            Value::Object(object) => {
                let node_span = span(object.range.start, object.range.end);
                if depth + 1 > MAX_DEPTH {
                    return Err(ParseError::new(depth_message(), node_span));
                }
                let mut entries = Vec::with_capacity(object.properties.len());
                for property in object.properties {
                    let key = match property.name {
                        ObjectPropName::String(s) => Key {
                            name: s.value.into_owned(),
                            span: span(s.range.start, s.range.end),
                        },
                        ObjectPropName::Word(w) => Key {
                            name: w.value.to_string(),
                            span: span(w.range.start, w.range.end),
                        },
                    };
                    entries.push((key, go(property.value, file, base, depth + 1)?));
                }
                Node::new(node_span, NodeKind::Object(entries))
            }
        })
    }
    go(value, file, base, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(3);

    fn p(text: &str) -> Node {
        match parse(text, F) {
            Ok(node) => node,
            Err(e) => panic!("parse failed: {e:?}\n{text}"),
        }
    }

    fn err(text: &str) -> ParseError {
        match parse(text, F) {
            Ok(node) => panic!("expected an error for {text:?}, got {node:?}"),
            Err(e) => e,
        }
    }

    fn slice(text: &str, span: Span) -> &str {
        assert_eq!(span.file, F);
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn spans_are_exact() {
        let text = "{\n  \"a\": [1, -2.5e3, true, null, \"s\\n\"],\n  \"b\" : {\"c\": \"é😀\"}, \"a\": 0\n}\n";
        let root = p(text);
        assert_eq!(slice(text, root.span), text.trim_end());
        let entries = root.as_object().unwrap();
        assert_eq!(entries.len(), 3, "duplicate keys are kept");
        assert_eq!(slice(text, entries[0].0.span), "\"a\"");
        assert_eq!(slice(text, entries[1].0.span), "\"b\"");
        let a = entries[0].1.as_array().unwrap();
        assert_eq!(slice(text, entries[0].1.span), "[1, -2.5e3, true, null, \"s\\n\"]");
        assert_eq!(a[1].kind, NodeKind::Number("-2.5e3".into()));
        assert_eq!(slice(text, a[1].span), "-2.5e3");
        assert_eq!(a[2].kind, NodeKind::Bool(true));
        assert_eq!(slice(text, a[3].span), "null");
        assert_eq!(a[4].as_str(), Some("s\n"));
        assert_eq!(slice(text, a[4].span), "\"s\\n\"");
        let c = entries[1].1.get("c").unwrap();
        assert_eq!(slice(text, c.span), "\"é😀\"");
        assert_eq!(root.get("a").unwrap().kind, NodeKind::Number("0".into()));
    }

    #[test]
    fn numbers_keep_source_text() {
        let root = p("[123456789012, 0.12]");
        let items = root.as_array().unwrap();
        assert_eq!(items[0].kind, NodeKind::Number("123456789012".into()));
        assert_eq!(items[1].kind, NodeKind::Number("0.12".into()));
        assert_eq!(p("-0").kind, NodeKind::Number("-0".into()));
        assert_eq!(p("1E+2").kind, NodeKind::Number("1E+2".into()));
    }

    #[test]
    fn strict_json_only() {
        for bad in [
            "[1,]",
            "{\"a\":1,}",
            "// c\n{}",
            "{} // c",
            "/* c */ {}",
            "{'a':1}",
            "['a']",
            "NaN",
            "[Infinity]",
            "[-Infinity]",
            "[0x10]",
            "[+1]",
            "[.5]",
            "[5.]",
            "[01]",
            "{a: 1}",
            "[1 2]",
            "{\"a\" 1}",
            "[\"\\x41\"]",
            "[\"\\v\"]",
            "[\"a\tb\"]",
            "[\"a\nb\"]",
            "[1]\u{0b}",
            "\u{a0}[1]",
            "[1] [2]",
            "[",
            "{",
            "\"",
            "tru",
            "[\"\\ud800\"]",
        ] {
            let e = err(bad);
            assert!(!e.message.is_empty());
            assert!(!e.message.contains(" on line "), "{}", e.message);
            assert!((e.span.end as usize) <= bad.len(), "{bad:?}: {e:?}");
        }
        assert_eq!(err("[1,]").message, "Trailing commas are not allowed");
        assert_eq!(err("// c").message, "Comments are not allowed");
        assert_eq!(
            err("[\"a\tb\"]").message,
            "control character U+0009 must be escaped in a JSON string"
        );
        assert_eq!(err("[\"a\tb\"]").span.start, 3);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let text = "{\n  \"a\": 1,\n}";
        let e = err(text);
        assert_eq!(&text[e.span.start as usize..e.span.end as usize], ",");
        let e = err("{\"a\": [1, 2}");
        assert!(e.span.start >= 11, "{e:?}");
        // Unterminated values point at their opening character, not at everything after it.
        let text = "{\"a\": [1,\n 2";
        let e = err(text);
        assert_eq!(
            (e.message.as_str(), e.span.start, e.span.end),
            ("Unterminated array", 6, 7)
        );
        let e = err("[\"abc\ndef");
        assert_eq!((e.span.start, e.span.end), (1, 2));
        let e = err("[tru]");
        assert_eq!((e.span.start, e.span.end), (1, 4));
        // An earlier syntax error wins over a later control character.
        let e = err("{'a': \"x\ty\"}");
        assert_eq!(e.span.start, 1);
        assert_eq!(e.message, "Single-quoted strings are not allowed");
    }

    #[test]
    fn empty_documents_are_errors() {
        for text in ["", "   \n\t\r\n", "\u{feff}"] {
            assert_eq!(err(text).message, "empty document");
        }
    }

    #[test]
    fn bom_is_accepted_and_spans_shift() {
        let text = "\u{feff}{\"a\": 1}";
        let root = p(text);
        assert_eq!(slice(text, root.span), "{\"a\": 1}");
        assert_eq!(slice(text, root.as_object().unwrap()[0].0.span), "\"a\"");
        let e = err("\u{feff}[1,]");
        assert_eq!(e.span.start, 5);
        assert!(parse("[1]\u{feff}", F).is_err());
    }

    #[test]
    fn multibyte_before_a_node() {
        let text = "{\"é😀\": \"x\", \"k\": [\"ü\", 2]}";
        let root = p(text);
        let entries = root.as_object().unwrap();
        assert_eq!(entries[0].0.name, "é😀");
        assert_eq!(slice(text, entries[0].0.span), "\"é😀\"");
        assert_eq!(slice(text, entries[1].1.as_array().unwrap()[1].span), "2");
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, F).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = err(&deep);
        assert_eq!(e.message, "nesting deeper than 256 levels");
        assert_eq!(e.span.start as usize, MAX_DEPTH);
        let objects = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
        assert_eq!(err(&objects).message, "nesting deeper than 256 levels");
        // Brackets inside strings do not count.
        let strings = format!("[\"{}\"]", "[".repeat(1000));
        assert!(parse(&strings, F).is_ok());
    }

    #[test]
    fn million_brackets_fail_fast() {
        let start = std::time::Instant::now();
        for text in [
            "[".repeat(1_000_000),
            "{\"a\":".repeat(1_000_000),
            "[".repeat(1_000_000) + "x",
        ] {
            assert_eq!(err(&text).message, "nesting deeper than 256 levels");
        }
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn converting_a_deep_ast_is_also_capped() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let ast = parse_to_ast(&deep, &CollectOptions::default(), &ParseOptions::default())
            .unwrap()
            .value
            .unwrap();
        let e = convert(ast, F, 0).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 256 levels");
        assert_eq!(e.span.start as usize, MAX_DEPTH);
    }
}
