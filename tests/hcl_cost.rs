//! The pre-scan that bounds hcl-edit's time on broken input (`src/parse/hcl_cost.rs`) reads
//! text the way hcl-edit does: it finds no break in text that hcl-edit parses, and text it
//! refuses does not parse. The timings behind the bound are in docs/limits.md; this checks
//! agreement on generated input, not time.

use ctlint::parse::hcl_cost::{Start, check, first_break};
use proptest::prelude::*;

/// HCL expressions nesting every construct the scan tracks: brackets, calls, indexes, `for`
/// expressions, conditionals, quoted templates with `${}` and `%{ if }`, heredocs.
fn expr() -> impl Strategy<Value = String> {
    let atom = prop::sample::select(vec![
        "a",
        "1",
        "b.c",
        "\"s\"",
        "true",
        "null",
        "x[0]",
        "f()",
        "\"t${a}\"",
        "-1",
        "!a",
        "\"q\\\"(\"",
        "\"$${x}\"",
    ])
    .prop_map(str::to_string);
    atom.prop_recursive(14, 400, 3, |inner| {
        let op = prop::sample::select(vec!["+", "-", "*", "==", "&&", "||", "<", "%"]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("{a}{o}{b}")),
            inner.clone().prop_map(|e| format!("a+b+({e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
            inner.clone().prop_map(|e| format!("{{k = {e}, j = 1}}")),
            inner.clone().prop_map(|e| format!("\"x${{{e}}}y\"")),
            inner.clone().prop_map(|e| format!("f({e})")),
            inner.clone().prop_map(|e| format!("[for v in {e} : v]")),
            inner.clone().prop_map(|e| format!("a[{e}]")),
            inner.clone().prop_map(|e| format!("(a ? {e} : b)")),
            inner
                .clone()
                .prop_map(|e| format!("\"%{{if {e}}}\"z%{{else}}({{%{{endif}}\"")),
            inner.clone().prop_map(|e| format!("<<EOT\n${{{e}}} )\nEOT\n")),
            inner.prop_map(|e| format!("{{for k, v in {e} : k => v}}")),
        ]
    })
}

/// Pieces that break the structure when inserted.
const PIECES: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "\"", "${", "%{", "#", "//", "/*", "*/", "\n", "<<EOT\n", "EOT", "\\", "+", ",", ":",
    "a", "$${", "%{endif}",
];

fn mutate(text: &str, edits: &[(usize, usize, u8)]) -> String {
    let mut s = text.to_string();
    for &(pos, piece, kind) in edits {
        let mut p = pos % (s.len() + 1);
        while !s.is_char_boundary(p) {
            p -= 1;
        }
        match kind % 3 {
            0 => s.truncate(p),
            1 if p < s.len() => {
                s.remove(p);
            }
            _ => s.insert_str(p, PIECES[piece % PIECES.len()]),
        }
    }
    s
}

/// Below this estimate hcl-edit is cheap to run even in a debug build.
const CHEAP: u64 = 1 << 14;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_expressions_have_no_break(e in expr()) {
        let text = format!("b \"l\" {{\n  x = {e}\n}}\n");
        prop_assert_eq!(first_break(&text, Start::Body), None, "{}", text);
    }

    #[test]
    fn the_scan_agrees_with_hcl_edit_on_mutated_expressions(
        e in expr(),
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..4),
    ) {
        let text = mutate(&format!("x = {e}\n"), &edits);
        let brk = first_break(&text, Start::Body);
        let cheap = brk.as_ref().is_none_or(|b| b.cost < CHEAP);
        if cheap {
            let parsed = hcl_edit::parser::parse_body(&text).is_ok();
            prop_assert!(!(parsed && brk.is_some()), "a break in text hcl-edit parses: {:?}\n{}", brk, text);
        }
        if let Err(b) = check(&text, Start::Body) {
            prop_assert!(b.cost > CHEAP);
            prop_assert!(text.is_char_boundary(b.offset) && b.offset <= text.len());
        }
    }
}

#[test]
fn templates_end_at_the_end_of_their_text() {
    // A `.tf.json` string or a `templatefile`: `"` and `\` are literal, `${` still nests.
    assert_eq!(
        first_break("a \" \\ ${b(\"}\")} %{if c}d%{endif}", Start::Template),
        None
    );
    let b = first_break(&format!("{}#", "${a+b+".repeat(30)), Start::Template).unwrap();
    assert_eq!(b.depth, 30);
    assert!(check(&format!("{}#", "${a+b+".repeat(30)), Start::Template).is_err());
}
