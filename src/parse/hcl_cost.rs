//! A pre-scan that bounds the time hcl-edit takes on broken input, deterministically.
//!
//! hcl-edit 0.10 re-parses a failing operand once more for every binary-operator chain around
//! it (`x = a+b+(a+b+(… #`): a syntax error that the parser can back out of (the end of the
//! input, an unterminated string) costs 2^depth passes over the text after each enclosing
//! bracket. Well-formed input parses in linear time, however deep. So the scan reads the text
//! the way hcl-edit tokenizes it (strings with their escapes and `${`/`%{` templates, heredocs,
//! comments, brackets), finds the first place where the bracket structure breaks, and
//! estimates the parse cost from the brackets open there. The estimate assumes every level
//! doubles, which over-estimates broken input that a parser would reject early; such input is
//! a syntax error either way, only its message changes.
//!
//! The scan has no dependency on the rest of the crate, so that experiments can include it.

/// How the text starts: as a Terraform body, or as template text (a `.tf.json` string, a
/// `templatefile`), where `"` is literal and the end of the text ends the template.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Start {
    Body,
    Template,
}

/// The first place where the structure of the text breaks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Break {
    /// Byte offset to report: the unclosed opener, or the closer that does not match.
    pub offset: usize,
    /// Brackets and template interpolations open around it.
    pub depth: usize,
    /// What is wrong, for the message ("`(` is never closed").
    pub what: String,
    /// Estimated parse steps (bytes re-read) if every open level doubles the work.
    pub cost: u64,
}

/// Parse steps any text may cost on top of four passes over it: 0.1 to 0.5 s at the 50 to
/// 200 ns per step measured on hcl-edit 0.10, release build (docs/limits.md).
pub const BASE_BUDGET: u64 = 1 << 21;

/// The fixed cost of one read of a level, in bytes' worth of steps.
const PER_READ: u64 = 8;

/// Whether hcl-edit may parse `text` without risk of exponential time: `Err` with the break
/// when the estimated cost is over the budget.
pub fn check(text: &str, start: Start) -> Result<(), Break> {
    match first_break(text, start) {
        Some(b) if b.cost > budget(text.len()) => Err(b),
        _ => Ok(()),
    }
}

/// The parse steps allowed for a text of `len` bytes.
pub fn budget(len: usize) -> u64 {
    BASE_BUDGET.saturating_add((len as u64).saturating_mul(4))
}

#[derive(Clone, Copy, Debug)]
enum Frame {
    /// `(`, `[` or `{` in an expression or body, at its offset.
    Bracket(u8, usize),
    /// `${` or `%{`: an expression that ends at `}`.
    Interp(usize, Control),
    /// A quoted string.
    Str(usize),
    /// A heredoc whose delimiter is `text[delim.0..delim.1]`; the last field is where the
    /// heredoc ends if it is read as empty (its first line is the delimiter).
    Heredoc(usize, (usize, usize), Option<usize>),
    /// The template inside `%{ if }` or `%{ for }`, up to its `%{ endif }` or `%{ endfor }`.
    /// hcl-edit reads it as bare template text even inside a quoted string or a heredoc: a `"`
    /// or the heredoc's delimiter there does not end the string.
    Directive(usize),
}

/// What the `}` of an interpolation or directive does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    /// `${ … }` and `%{ else }`.
    Plain,
    /// `%{ if … }`, `%{ for … }`: a directive body follows.
    Opens,
    /// `%{ endif }`, `%{ endfor }`.
    Closes,
}

impl Frame {
    fn offset(self) -> usize {
        match self {
            Frame::Bracket(_, o)
            | Frame::Interp(o, _)
            | Frame::Str(o)
            | Frame::Heredoc(o, ..)
            | Frame::Directive(o) => o,
        }
    }

    /// Brackets, interpolations and directive bodies nest operands; a string or heredoc is one
    /// operand.
    fn is_level(self) -> bool {
        matches!(self, Frame::Bracket(..) | Frame::Interp(..) | Frame::Directive(_))
    }
}

/// How many times a scan may go back to read a heredoc as empty.
const MAX_REWINDS: usize = 64;

/// The first break in the structure of `text`, `None` when every bracket, string, template,
/// heredoc and comment is closed in order.
pub fn first_break(text: &str, start: Start) -> Option<Break> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    for _ in 0..MAX_REWINDS {
        let found = scan(text, start, &mut stack, i)?;
        // hcl-edit reads a heredoc body up to a line ending followed by the delimiter, and
        // only when that fails does it take a first line that is the delimiter as the end of
        // an empty heredoc: `<<EOT\nEOT${a}\nEOT` is the template `EOT${a}`.
        let Some((at, resume)) = stack.iter().enumerate().rev().find_map(|(k, f)| match f {
            Frame::Heredoc(_, _, Some(end)) => Some((k, *end)),
            _ => None,
        }) else {
            return Some(found);
        };
        stack.truncate(at);
        i = resume;
    }
    scan(text, start, &mut stack, i)
}

/// Scan from `i` with `stack` open: the first break, with `stack` as it is there.
fn scan(text: &str, start: Start, stack: &mut Vec<Frame>, mut i: usize) -> Option<Break> {
    let b = text.as_bytes();
    while i < b.len() {
        let c = b[i];
        match stack.last().copied() {
            Some(Frame::Str(_)) => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                _ => i = template_marker(b, i, stack),
            },
            Some(Frame::Heredoc(_, delim, _)) => {
                if let Some(end) = line_end(b, i).and_then(|n| heredoc_end(b, n, delim)) {
                    stack.pop();
                    i = end;
                    continue;
                }
                i = template_marker(b, i, stack);
            }
            Some(Frame::Directive(_)) => i = template_marker(b, i, stack),
            None if start == Start::Template => i = template_marker(b, i, stack),
            _ => match c {
                b'#' => i = skip_line(b, i),
                b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => match find(b, i + 2, b"*/") {
                    Some(end) => i = end + 1,
                    None => return Some(at_end(text, stack, i, "`/*` comment is never closed")),
                },
                b'"' => stack.push(Frame::Str(i)),
                b'<' if b.get(i + 1) == Some(&b'<') => {
                    if let Some((delim, body)) = heredoc_start(b, i) {
                        stack.push(Frame::Heredoc(i, delim, heredoc_end(b, body, delim)));
                        i = body;
                        continue;
                    }
                }
                b'(' | b'[' | b'{' => stack.push(Frame::Bracket(c, i)),
                b')' | b']' | b'}' => {
                    let closes = match stack.last() {
                        Some(Frame::Bracket(open, _)) => closer(*open) == c,
                        Some(Frame::Interp(..)) => c == b'}',
                        _ => false,
                    };
                    if !closes {
                        let what = match stack.last() {
                            Some(Frame::Bracket(open, o)) => {
                                format!("`{}` does not close `{}` at offset {o}", c as char, *open as char)
                            }
                            Some(Frame::Interp(o, _)) => format!(
                                "`{}` does not close the template interpolation at offset {o}",
                                c as char
                            ),
                            _ => format!("`{}` closes nothing", c as char),
                        };
                        return Some(at(stack, i, i, what));
                    }
                    match stack.pop() {
                        Some(Frame::Interp(o, Control::Opens)) => stack.push(Frame::Directive(o)),
                        Some(Frame::Interp(o, Control::Closes)) => {
                            if !matches!(stack.last(), Some(Frame::Directive(_))) {
                                let what = "the directive ends no `%{ if }` or `%{ for }`";
                                return Some(at(stack, o, i, what.to_string()));
                            }
                            stack.pop();
                        }
                        _ => {}
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    let top = stack.last().copied()?;
    let what = match top {
        Frame::Bracket(open, _) => format!("`{}` is never closed", open as char),
        Frame::Interp(..) => "the template interpolation is never closed".to_string(),
        Frame::Directive(_) => "the template directive is never ended".to_string(),
        Frame::Str(_) => "the string is never closed".to_string(),
        Frame::Heredoc(_, (s, e), _) => format!("the heredoc `{}` is never closed", &text[s..e]),
    };
    Some(at_end(text, stack, top.offset(), &what))
}

/// A break that runs to the end of the text (an unclosed opener at `offset`).
fn at_end(text: &str, stack: &[Frame], offset: usize, what: &str) -> Break {
    at(stack, offset, text.len(), what.to_string())
}

/// A break reported at `offset`, where the failing operand runs until `end`.
fn at(stack: &[Frame], offset: usize, end: usize, what: String) -> Break {
    let levels: Vec<usize> = stack.iter().filter(|f| f.is_level()).map(|f| f.offset()).collect();
    // Level k (1-based) is read 2^k times; each read covers the text from its opener to the
    // next level's opener (the deeper levels are counted on their own), plus a fixed cost per
    // read that dominates when the levels are a few bytes each.
    let mut cost: u64 = 0;
    for (k, &open) in levels.iter().enumerate() {
        let next = levels.get(k + 1).copied().unwrap_or(end).max(open);
        let span = (next - open) as u64;
        let reads = 1u64.checked_shl(k as u32 + 1).unwrap_or(u64::MAX);
        cost = cost.saturating_add(reads.saturating_mul(span + PER_READ));
    }
    Break {
        offset,
        depth: levels.len(),
        what,
        cost,
    }
}

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// In template text at `i`: an escaped marker (`$${`, `%%{`) is skipped, a `${` or `%{`
/// opens an interpolation or directive. Returns the index of the last byte consumed.
fn template_marker(b: &[u8], i: usize, stack: &mut Vec<Frame>) -> usize {
    let c = b[i];
    if c != b'$' && c != b'%' {
        return i;
    }
    match (b.get(i + 1), b.get(i + 2)) {
        (Some(&n), Some(&b'{')) if n == c => i + 2,
        (Some(&b'{'), _) => {
            let control = if c == b'%' {
                directive_kind(b, i + 2)
            } else {
                Control::Plain
            };
            stack.push(Frame::Interp(i, control));
            i + 1
        }
        _ => i,
    }
}

/// The keyword after `%{` (and an optional `~`) at `i`. hcl-edit matches keywords as
/// prefixes: `%{if1}` is `%{ if 1 }`.
fn directive_kind(b: &[u8], mut i: usize) -> Control {
    if b.get(i) == Some(&b'~') {
        i += 1;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    let rest = b.get(i..).unwrap_or_default();
    if rest.starts_with(b"if") || rest.starts_with(b"for") {
        Control::Opens
    } else if rest.starts_with(b"endif") || rest.starts_with(b"endfor") {
        Control::Closes
    } else {
        Control::Plain
    }
}

fn skip_line(b: &[u8], i: usize) -> usize {
    // The newline itself, which the loop then steps over.
    find(b, i, b"\n").unwrap_or(b.len())
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The index after a line ending (`\n` or `\r\n`) that starts at `i`.
fn line_end(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'\n' => Some(i + 1),
        b'\r' if b.get(i + 1) == Some(&b'\n') => Some(i + 2),
        _ => None,
    }
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_id_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80
}

/// `<<EOT` or `<<-EOT` and a line ending at `i`: the delimiter's range and where the body
/// starts.
fn heredoc_start(b: &[u8], i: usize) -> Option<((usize, usize), usize)> {
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let s = j;
    if !b.get(j).copied().is_some_and(is_id_start) {
        return None;
    }
    while b.get(j).copied().is_some_and(is_id_continue) {
        j += 1;
    }
    let body = if j < b.len() { line_end(b, j)? } else { return None };
    Some(((s, j), body))
}

/// At the start of a heredoc line `i`: spaces, the delimiter and no identifier character after
/// it end the heredoc; the index after the delimiter.
fn heredoc_end(b: &[u8], i: usize, (s, e): (usize, usize)) -> Option<usize> {
    let mut j = i;
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    let delim = &b[s..e];
    if b.get(j..j + delim.len()) != Some(delim) {
        return None;
    }
    let after = j + delim.len();
    if b.get(after).copied().is_some_and(is_id_continue) {
        return None;
    }
    Some(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brk(text: &str) -> Option<Break> {
        first_break(text, Start::Body)
    }

    #[test]
    fn well_formed_text_has_no_break() {
        for text in [
            "x = a+b+(a+b+(1))\n",
            "x = \"a ${b + \"c ${d}\"} %{if e}f%{endif} $${g} %%{h} \\\" )\"\n",
            "x = <<EOT\n  ${a} ) ]\n  EOT\ny = <<-X\nX\n",
            // hcl-edit reads a directive's body as bare template text: `"` is literal there.
            "x = \"%{if a}\"(%{else}\"%{endif}\"\n",
            "x = \"%{ for v in [1] ~}${v}%{~ endfor }\"\n",
            // A heredoc ends at a later delimiter line when there is one, else it is empty.
            "x = <<EOT\nEOT${{k = 1}})\nEOT\n",
            "x = <<EOT\nEOT\n",
            "x = [<<EOT\nEOT\n, 1]\n",
            "# ( [\n// {\n/* ( */ x = [1]\n",
            "x = \"(\" // )\n",
            "b \"l\" {\n  c {\n    x = { a = [1, 2] }\n  }\n}\n",
        ] {
            assert_eq!(brk(text), None, "{text}");
        }
        assert_eq!(first_break("a ${b} \" ( $${c} ${\"}\"}", Start::Template), None);
    }

    #[test]
    fn breaks_point_at_the_innermost_opener_or_the_wrong_closer() {
        let b = brk("x = a+b+(a+b+(#").unwrap();
        assert_eq!((b.offset, b.depth), (13, 2));
        assert_eq!(b.what, "`(` is never closed");
        let b = brk("x = (a]\n").unwrap();
        assert_eq!((b.offset, b.depth), (6, 1));
        assert!(b.what.contains("does not close `(`"), "{}", b.what);
        let b = brk("x = [\"${a\n").unwrap();
        assert_eq!((b.offset, b.depth), (6, 2));
        let b = brk("x = (\"abc\n").unwrap();
        assert_eq!(
            (b.offset, b.depth, b.what.as_str()),
            (5, 1, "the string is never closed")
        );
        let b = brk("x = <<EOT\nabc\n").unwrap();
        assert_eq!(b.what, "the heredoc `EOT` is never closed");
        assert!(brk("/* x").unwrap().what.contains("comment"));
        assert_eq!(brk("}").unwrap().what, "`}` closes nothing");
    }

    #[test]
    fn cost_doubles_with_each_open_level() {
        let shallow = brk(&format!("x = {}#", "a+b+(".repeat(10))).unwrap();
        let deep = brk(&format!("x = {}#", "a+b+(".repeat(11))).unwrap();
        assert!(deep.cost > 2 * shallow.cost - 8, "{} {}", deep.cost, shallow.cost);
        // The long tail of an unterminated string is re-read at every level.
        let tail = brk(&format!("x = {}\"{}", "a+b+(".repeat(12), "x".repeat(100_000))).unwrap();
        assert!(tail.cost > 1 << 28);
        assert!(check(&format!("x = {}#", "a+b+(".repeat(16)), Start::Body).is_ok());
        assert!(check(&format!("x = {}#", "a+b+(".repeat(24)), Start::Body).is_err());
        // A large file broken one level deep parses (hcl-edit gives its own message).
        assert!(check(&format!("x = ({}", " ".repeat(10_000_000)), Start::Body).is_ok());
    }
}
