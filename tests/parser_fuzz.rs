//! Random and mutated inputs never make the parsers (YAML, JSON, HCL) panic, and every span they return (nodes,
//! keys, errors) lies inside the text on character boundaries.

use std::path::{Path, PathBuf};

use ctlint::parse::{Node, NodeKind, ParseError, hcl, json, yaml};
use ctlint::source::{FileId, Span};
use proptest::prelude::*;

fn check_span(text: &str, span: Span) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(
        s <= e && e <= text.len(),
        "span {s}..{e} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "span {s}..{e} splits a character"
    );
}

fn check_tree(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        check_span(text, node.span);
        match &node.kind {
            NodeKind::Array(items) => stack.extend(items),
            NodeKind::Object(entries) => {
                for (key, value) in entries {
                    check_span(text, key.span);
                    stack.push(value);
                }
            }
            _ => {}
        }
    }
}

fn check_result(text: &str, result: Result<Node, ParseError>) {
    match result {
        Ok(node) => check_tree(text, &node),
        Err(e) => {
            check_span(text, e.span);
            assert!(!e.message.is_empty());
        }
    }
}

fn parse_both(text: &str) {
    check_result(text, yaml::parse(text, FileId(1)));
    match yaml::parse_all(text, FileId(1)) {
        Ok(documents) => documents.iter().for_each(|d| check_tree(text, d)),
        Err(e) => check_span(text, e.span),
    }
    check_result(text, json::parse(text, FileId(1)));
    if let Err(e) = hcl::parse(text, FileId(1)) {
        check_span(text, e.span);
    }
}

/// Pieces of YAML and JSON syntax, so random strings reach deep into both grammars.
const TOKENS: &[&str] = &[
    "\n",
    " ",
    "  ",
    "\t",
    "\r\n",
    "- ",
    ": ",
    ":",
    "? ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "\\",
    "#",
    "|",
    ">",
    "|-",
    ">+",
    "&a ",
    "*a",
    "!Ref ",
    "!GetAtt ",
    "!Sub",
    "!If ",
    "!!str ",
    "!!int ",
    "! ",
    "!<x> ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "%TAG !e! tag:e:\n",
    "a",
    "Key",
    "é",
    "😀",
    "\u{feff}",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "1",
    "-1.5e3",
    "0x1F",
    "true",
    "null",
    "yes",
    "~",
    "A.B",
    "\\u00e9",
    "\\ud800",
    "\\x41",
    "//",
    "/*",
    "*/",
    "NaN",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|parts| parts.concat())
}

const SEEDS: &[&str] = &[
    "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-b'\n      Tags:\n        - Key: k\n          Value: !GetAtt R.Arn\nOutputs:\n  O:\n    Value: !If [C, !Ref B, !Ref AWS::NoValue]\n",
    "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"N\": {\"Fn::Join\": [\"\", [\"a\", {\"Ref\": \"X\"}]]}, \"L\": [1, 2.5, true, null]}}}}\n",
    "k: |\n  literal\n  text\nf: >-\n  folded\n\nq: \"esc\\n\\\"\"\ns: 'it''s'\n? [complex, key]\n: value\nanchor: &a 1\nlist:\n- a\n- - b\n  - c\n",
];

fn mutate(seed: &str, edits: &[(usize, usize, u8)]) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for &(kind, at, byte) in edits {
        if bytes.is_empty() {
            bytes.push(byte);
            continue;
        }
        let at = at % bytes.len();
        match kind % 4 {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            2 => {
                bytes.remove(at);
            }
            _ => {
                let token = TOKENS[byte as usize % TOKENS.len()].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Text made of suppression-comment fragments, with multi-byte characters in between.
fn directive_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "# ctlint:ignore",
        "// ctlint:ignore",
        "#ctlint:ignore",
        "CT001",
        "CT999",
        "trail-logging-disabled",
        ",",
        "reason=",
        "reason=\"",
        "\"",
        "until=",
        "2026-02-30",
        "2027-01-31",
        " ",
        "  ",
        "\n",
        "\r\n",
        "é",
        "日本",
        "resource \"aws_cloudtrail\" \"t\" {",
        "}",
        "x = 1",
        "=",
        "# other",
    ]);
    prop::collection::vec(tokens, 0..40).prop_map(|t| t.concat())
}

/// Directives and the ranges they cover lie inside the text, on character boundaries.
fn check_directives(text: &str) {
    let parsed = match hcl::parse(text, FileId(1)) {
        Ok(body) => ctlint::load::Parsed::TerraformHcl(body),
        Err(_) => ctlint::load::Parsed::TerraformHcl(Default::default()),
    };
    for d in ctlint::suppress::collect(text, FileId(1), &parsed) {
        check_span(text, d.span);
        check_span(text, Span::new(FileId(1), d.covers.0 as usize, d.covers.1 as usize));
        for (_, s) in &d.rules {
            check_span(text, *s);
        }
        if let Some((_, s)) = &d.until {
            check_span(text, *s);
        }
        if let Some((_, s)) = &d.problem {
            check_span(text, *s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn suppression_comments_do_not_panic(text in directive_soup()) {
        check_directives(&text);
    }

    #[test]
    fn random_bytes_do_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        parse_both(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_does_not_panic(text in token_soup()) {
        parse_both(&text);
    }

    #[test]
    fn mutated_templates_do_not_panic(
        seed in 0..SEEDS.len(),
        edits in prop::collection::vec((0usize..4, any::<usize>(), any::<u8>()), 1..12),
    ) {
        parse_both(&mutate(SEEDS[seed], &edits));
    }
}

/// Deterministic xorshift, so the corpus mutations are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            corpus_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
}

#[test]
fn mutated_corpus_files_do_not_panic() {
    let mut files = Vec::new();
    corpus_files(Path::new("tests/corpus"), &mut files);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let rounds = if cfg!(debug_assertions) { 2 } else { 10 };
    for path in files.iter().step_by(if cfg!(debug_assertions) { 4 } else { 1 }) {
        let text = std::fs::read_to_string(path).unwrap();
        // Truncations at random points.
        for _ in 0..rounds {
            let mut cut = (rng.next() as usize) % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            parse_both(&text[..cut]);
        }
        // A few random edits each.
        for _ in 0..rounds {
            let edits: Vec<(usize, usize, u8)> = (0..1 + rng.next() % 6)
                .map(|_| ((rng.next() % 4) as usize, rng.next() as usize, rng.next() as u8))
                .collect();
            parse_both(&mutate(&text, &edits));
        }
    }
}

/// Inputs the fuzzers (`fuzz/`) once crashed on or found misbehaving: every parser must give a
/// tree or an error whose span lies on character boundaries.
#[test]
fn fuzz_regressions() {
    let dir = Path::new("tests/data/fuzz-regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        parse_both(&String::from_utf8_lossy(&bytes));
        n += 1;
    }
    assert!(n > 0);
}
