//! Reading suppressions: `ctlint:ignore` comments in Terraform and YAML, and
//! `Metadata: { ctlint: { ignore: [...] } }` on CloudFormation resources.
//!
//! Directives are collected per file while its parse tree is alive (the tree gives the extent of
//! the block a comment sits on): a directive covers the line it trails, or the next line of
//! code, or, when that line opens a block, the whole block.

use crate::load::Parsed;
use crate::parse::{Node, NodeKind};
use crate::source::{FileId, Span};

/// The comment keyword; `# ctlint:ignore CT003 reason="…"` (also `//`).
pub const KEYWORD: &str = "ctlint:ignore";

/// One suppression as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// The comment, or the `ignore` entry in `Metadata`.
    pub span: Span,
    /// Rule codes or names, as written, each with its span.
    pub rules: Vec<(String, Span)>,
    pub reason: Option<String>,
    pub until: Option<(String, Span)>,
    /// Byte range (in `span.file`) whose findings it suppresses.
    pub covers: (u32, u32),
    /// A problem found while reading it (an unknown key, an unclosed quote), and where.
    pub problem: Option<(String, Span)>,
}

/// A calendar date, compared as a tuple.
pub type Date = (i32, u32, u32);

/// Today in UTC, from the system clock.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// `YYYY-MM-DD`, checked for a real day of the month.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut it = s.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// The directives of one parsed file.
pub fn collect(text: &str, file: FileId, parsed: &Parsed) -> Vec<Directive> {
    let mut out = Vec::new();
    let blocks = match parsed {
        Parsed::TerraformHcl(body) => hcl_blocks(body),
        Parsed::CloudFormation(node) => {
            metadata_directives(node, &mut out);
            resource_ranges(node)
        }
        _ => return out,
    };
    if text.contains(KEYWORD) {
        // The keyword inside a string (a quoted YAML scalar, an HCL heredoc) is not a comment.
        let mut strings = match parsed {
            Parsed::TerraformHcl(body) => hcl_values(body),
            Parsed::CloudFormation(node) => yaml_strings(node),
            _ => Vec::new(),
        };
        strings.sort_unstable();
        // Values do not overlap, so only the last one starting before a position can hold it.
        let in_string = |at: u32| {
            let i = strings.partition_point(|(start, _)| *start <= at);
            i > 0 && at < strings[i - 1].1
        };
        let mut found = Vec::new();
        comment_directives(text, file, &blocks, &mut found);
        out.extend(found.into_iter().filter(|d| !in_string(d.span.start)));
    }
    out
}

/// The byte ranges of every attribute value of an HCL body, nested blocks included.
fn hcl_values(body: &hcl_edit::structure::Body) -> Vec<(u32, u32)> {
    use hcl_edit::Span as _;
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(b) = stack.pop() {
        for s in b.iter() {
            match s {
                hcl_edit::structure::Structure::Attribute(a) => {
                    if let Some(r) = a.value.span() {
                        out.push((r.start as u32, r.end as u32));
                    }
                }
                hcl_edit::structure::Structure::Block(blk) => stack.push(&blk.body),
            }
        }
    }
    out
}

/// The byte ranges of every string scalar of a YAML or JSON document.
fn yaml_strings(root: &Node) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::String(_) => out.push((n.span.start, n.span.end)),
            NodeKind::Array(items) => stack.extend(items),
            NodeKind::Object(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    out
}

/// Top-level blocks of an HCL body, as byte ranges.
fn hcl_blocks(body: &hcl_edit::structure::Body) -> Vec<(u32, u32)> {
    use hcl_edit::Span as _;
    body.iter()
        .filter_map(|s| s.as_block()?.span())
        .map(|r| (r.start as u32, r.end as u32))
        .collect()
}

/// Each CloudFormation resource, from its logical ID to the end of its definition.
fn resource_ranges(template: &Node) -> Vec<(u32, u32)> {
    match template.get("Resources").map(|r| &r.kind) {
        Some(NodeKind::Object(entries)) => entries.iter().map(|(k, v)| (k.span.start, v.span.end)).collect(),
        _ => Vec::new(),
    }
}

fn comment_directives(text: &str, file: FileId, blocks: &[(u32, u32)], out: &mut Vec<Directive>) {
    let lines: Vec<(usize, &str)> = line_starts(text);
    for (n, &(start, line)) in lines.iter().enumerate() {
        let Some(at) = line.find(KEYWORD) else { continue };
        let Some(comment) = comment_start(&line[..at]) else {
            continue;
        };
        let trailing = !line[..comment].trim().is_empty();
        let body_start = start + at + KEYWORD.len();
        let body = &line[at + KEYWORD.len()..];
        // The line the directive is about: its own when it trails code, else the next line of
        // code (blank lines and further comments, such as a second directive, are skipped).
        let target = if trailing {
            Some(n)
        } else {
            (n + 1..lines.len()).find(|&m| {
                let t = lines[m].1.trim_start();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
            })
        };
        let covers = match target {
            Some(m) => {
                let (ls, lt) = lines[m];
                let (ls, le) = (ls as u32, (ls + lt.len()) as u32);
                blocks
                    .iter()
                    .find(|(bs, _)| (ls..le.max(ls + 1)).contains(bs))
                    .copied()
                    .unwrap_or((ls, le))
            }
            None => (0, 0),
        };
        let span = Span::new(file, start + comment, start + line.trim_end().len());
        out.push(parse_comment(body, body_start, file, span, covers));
    }
}

/// Each line with its byte offset, without the line break.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut at = 0;
    text.split('\n')
        .map(|l| {
            let start = at;
            at += l.len() + 1;
            (start, l.strip_suffix('\r').unwrap_or(l))
        })
        .collect()
}

/// Where the comment holding the keyword starts: `#` or `//` right before it (spaces between).
fn comment_start(before: &str) -> Option<usize> {
    let t = before.trim_end();
    if t.ends_with("//") {
        Some(t.len() - 2)
    } else if t.ends_with('#') {
        Some(t.len() - 1)
    } else {
        None
    }
}

/// `CT003,trail-logging-disabled reason="…" until=2027-01-31`
fn parse_comment(body: &str, offset: usize, file: FileId, span: Span, covers: (u32, u32)) -> Directive {
    let mut d = Directive {
        span,
        rules: Vec::new(),
        reason: None,
        until: None,
        covers,
        problem: None,
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() || bytes[i] == b',' {
            i += 1;
            continue;
        }
        // A further comment ends the directive: `# ctlint:ignore CT003 reason="…" # see ADR-7`.
        if bytes[i] == b'#' || bytes[i..].starts_with(b"//") {
            break;
        }
        let word_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b',' && bytes[i] != b'=' {
            i += 1;
        }
        let word = &body[word_start..i];
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            let (value, value_start) = if i < bytes.len() && bytes[i] == b'"' {
                let open = i + 1;
                match body[open..].find('"') {
                    Some(len) => {
                        i = open + len + 1;
                        (&body[open..open + len], open)
                    }
                    None => {
                        d.problem = Some((format!("the value of `{word}` has no closing quote"), span));
                        return d;
                    }
                }
            } else {
                let open = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                (&body[open..i], open)
            };
            let value_span = Span::new(file, offset + value_start, offset + value_start + value.len());
            match word {
                "reason" => d.reason = Some(value.trim().to_string()),
                "until" => d.until = Some((value.to_string(), value_span)),
                _ => {
                    let key = Span::new(file, offset + word_start, offset + word_start + word.len());
                    d.problem = Some((
                        format!("unknown key `{word}` (expected `reason=\"…\"` or `until=YYYY-MM-DD`)"),
                        key,
                    ));
                    return d;
                }
            }
        } else if d.reason.is_none() && d.until.is_none() {
            let s = Span::new(file, offset + word_start, offset + i);
            d.rules.push((word.to_string(), s));
        } else {
            d.problem = Some((
                format!("unexpected `{word}` after the options; rules come first: `ctlint:ignore CT003 reason=\"…\"`"),
                Span::new(file, offset + word_start, offset + i),
            ));
            return d;
        }
    }
    d
}

/// `Metadata: { ctlint: { ignore: [ { rule: CT003, reason: "…", until: 2027-01-31 } ] } }`
fn metadata_directives(template: &Node, out: &mut Vec<Directive>) {
    let Some(NodeKind::Object(resources)) = template.get("Resources").map(|r| &r.kind) else {
        return;
    };
    for (key, resource) in resources {
        let Some(ignore) = resource
            .get("Metadata")
            .and_then(|m| m.get("ctlint"))
            .and_then(|c| c.get("ignore"))
        else {
            continue;
        };
        let covers = (key.span.start, resource.span.end);
        let entries: Vec<&Node> = match &ignore.kind {
            NodeKind::Array(items) => items.iter().collect(),
            _ => vec![ignore],
        };
        for entry in entries {
            let mut d = Directive {
                span: entry.span,
                rules: Vec::new(),
                reason: None,
                until: None,
                covers,
                problem: None,
            };
            match &entry.kind {
                NodeKind::Object(fields) => {
                    for (k, v) in fields {
                        match (k.name.as_str(), &v.kind) {
                            ("rule", NodeKind::String(s)) => d.rules.push((s.clone(), v.span)),
                            ("rule", NodeKind::Array(items)) => {
                                for item in items {
                                    match &item.kind {
                                        NodeKind::String(s) => d.rules.push((s.clone(), item.span)),
                                        _ => d.problem = Some(("`rule` must be a rule code or name".into(), item.span)),
                                    }
                                }
                            }
                            ("reason", NodeKind::String(s)) => d.reason = Some(s.trim().to_string()),
                            ("until", NodeKind::String(s)) => d.until = Some((s.clone(), v.span)),
                            ("rule" | "reason" | "until", _) => {
                                d.problem = Some((format!("`{}` must be a string", k.name), v.span));
                            }
                            (other, _) => {
                                d.problem = Some((
                                    format!(
                                        "unknown key `{other}` in a ctlint ignore entry (expected `rule`, `reason`, `until`)"
                                    ),
                                    k.span,
                                ));
                            }
                        }
                    }
                }
                _ => {
                    d.problem = Some((
                        "a ctlint ignore entry must be a mapping: `{ rule: CT003, reason: \"…\" }`".into(),
                        entry.span,
                    ));
                }
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    fn comments(text: &str) -> Vec<Directive> {
        let mut out = Vec::new();
        comment_directives(text, F, &[], &mut out);
        out
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(parse_date("2028-02-29"), Some((2028, 2, 29)));
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(parse_date("2027-1-01"), None);
        assert_eq!(parse_date("2027-13-01"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }

    #[test]
    fn comment_forms() {
        let text = "# ctlint:ignore CT001,CT002 reason=\"org trail covers it\" until=2030-01-01\nx = 1\n  y = 2 // ctlint:ignore trail-logging-disabled reason=\"paused\"\n";
        let ds = comments(text);
        assert_eq!(ds.len(), 2);
        let names: Vec<&str> = ds[0].rules.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(names, ["CT001", "CT002"]);
        assert_eq!(ds[0].reason.as_deref(), Some("org trail covers it"));
        assert_eq!(ds[0].until.as_ref().map(|u| u.0.as_str()), Some("2030-01-01"));
        // The next line of code, `x = 1`.
        assert_eq!(&text[ds[0].covers.0 as usize..ds[0].covers.1 as usize], "x = 1");
        // A trailing comment covers its own line.
        assert_eq!(
            &text[ds[1].covers.0 as usize..ds[1].covers.1 as usize],
            "  y = 2 // ctlint:ignore trail-logging-disabled reason=\"paused\""
        );
        assert_eq!(ds[1].reason.as_deref(), Some("paused"));
    }

    #[test]
    fn skips_blank_and_comment_lines_to_the_code() {
        let text = "# ctlint:ignore CT001 reason=\"a\"\n\n# ctlint:ignore CT002 reason=\"b\"\n# other comment\nz = 3\n";
        let ds = comments(text);
        assert_eq!(ds.len(), 2);
        for d in &ds {
            assert_eq!(&text[d.covers.0 as usize..d.covers.1 as usize], "z = 3");
        }
    }

    #[test]
    fn a_directive_on_a_block_covers_the_block() {
        let text = "# ctlint:ignore CT001 reason=\"a\"\nresource \"x\" \"y\" {\n  a = 1\n}\n";
        let start = text.find("resource").unwrap() as u32;
        let end = text.rfind('}').unwrap() as u32 + 1;
        let mut out = Vec::new();
        comment_directives(text, F, &[(start, end)], &mut out);
        assert_eq!(out[0].covers, (start, end));
    }

    #[test]
    fn problems_are_kept_for_the_error() {
        assert!(
            comments("# ctlint:ignore CT001 reason=\"open\n")
                .remove(0)
                .problem
                .is_some()
        );
        assert!(
            comments("# ctlint:ignore CT001 because=x\n")
                .remove(0)
                .problem
                .is_some()
        );
        assert!(
            comments("# ctlint:ignore CT001 reason=\"x\" CT002\n")
                .remove(0)
                .problem
                .is_some()
        );
        // A second comment after it is the writer's, not the directive's.
        let d = comments("x = 1 # ctlint:ignore CT001 reason=\"x\" # see ADR-7\n").remove(0);
        assert_eq!((d.problem, d.reason.as_deref()), (None, Some("x")));
        // Not a comment: the keyword inside a string is left alone.
        assert!(comments("x = \"ctlint:ignore CT001\"\n").is_empty());
    }
}
