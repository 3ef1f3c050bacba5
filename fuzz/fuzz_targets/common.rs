//! Shared checks: every span a parser returns lies inside the text, on character boundaries.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use ctlint::parse::{Node, NodeKind, ParseError};
use ctlint::report::{self, Format};
use ctlint::rules::Registry;
use ctlint::source::Span;

pub fn check_span(text: &str, span: Span) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e && e <= text.len(), "span {s}..{e} outside a text of {} bytes", text.len());
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "span {s}..{e} splits a character"
    );
}

pub fn check_tree(text: &str, root: &Node) {
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

pub fn check_result(text: &str, result: &Result<Node, ParseError>) {
    match result {
        Ok(node) => check_tree(text, node),
        Err(e) => check_span(text, e.span),
    }
}

pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::load(None).expect("embedded rules load"))
}

/// One scratch directory per fuzzing process, reused for every input (files are overwritten).
pub fn scratch_dir(name: &str) -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ctlint-fuzz-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    })
}

pub const FORMATS: [Format; 6] = [
    Format::Human,
    Format::Json,
    Format::Sarif,
    Format::Junit,
    Format::Github,
    Format::Compact,
];

/// Lint `dir` with the default options and render the report in every format; the JSON and
/// SARIF renderings must be valid JSON whatever the input.
pub fn lint_and_render(dir: &PathBuf) {
    let opts = ctlint::Options { paths: vec![dir.clone()], ..Default::default() };
    let report = ctlint::lint(registry(), &opts);
    for fmt in FORMATS {
        let out = report::render(&report, fmt, Default::default());
        if matches!(fmt, Format::Json | Format::Sarif) {
            if let Err(e) = ctlint::parse::json::parse(&out, ctlint::source::FileId(0)) {
                panic!("{fmt:?} report is not valid JSON: {}\n{out}", e.message);
            }
        }
        std::hint::black_box(out);
    }
}
