//! Wildcard matching over symbolic strings.
//!
//! IAM matches `Action` case-insensitively and `Resource`, `StringLike` and `ArnLike` values
//! case-sensitively, with `*` (any run of characters, `:` and `/` included) and `?` (one
//! character) — <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>.
//!
//! Either side may be a [`Text`] with symbolic parts. A symbol stands for one value that is not
//! known here, so the matcher answers in three values: `Yes` when the match holds whatever the
//! symbols stand for, `No` when it fails whatever they stand for, `Maybe` otherwise. It runs two
//! searches over the same grid of (pattern position, subject position):
//! - *must*: a symbol is an opaque atom that only the same symbol in the pattern, or a `*`, can
//!   consume. A match found this way holds for every value of the symbols.
//! - *may*: a symbol or unknown on either side may stand for any string, so it can absorb any
//!   run of the other side. No match this way means no value of the symbols can match.
//!
//! Both are a dynamic programme over the grid (no backtracking), so the cost is
//! O(pattern × subject) whatever the pattern: `a*a*a*a*…b` cannot blow up.

use crate::model::{Part, Sym, Text};

use super::tri::Tri;

/// How literal characters of the pattern are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// `*` and `?` are wildcards (`StringLike`, `ArnLike`, `Action`, `Resource`); otherwise they
    /// are plain characters (`StringEquals`).
    pub wildcards: bool,
    /// Compare letters case-insensitively (`Action`, `…IgnoreCase`, `Bool`).
    pub fold_case: bool,
}

impl Mode {
    pub const GLOB: Mode = Mode {
        wildcards: true,
        fold_case: false,
    };
    pub const GLOB_FOLD: Mode = Mode {
        wildcards: true,
        fold_case: true,
    };
    pub const EXACT: Mode = Mode {
        wildcards: false,
        fold_case: false,
    };
    pub const EXACT_FOLD: Mode = Mode {
        wildcards: false,
        fold_case: true,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Char(char),
    /// `?`
    One,
    /// `*`
    Star,
    Sym(&'a Sym),
    /// A part whose value nothing tells.
    Opaque,
}

impl Tok<'_> {
    fn opaque(self) -> bool {
        matches!(self, Tok::Sym(_) | Tok::Opaque)
    }
}

fn tokens(t: &Text, mode: Mode, pattern: bool) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    for p in &t.0 {
        match p {
            Part::Lit(s) => {
                for c in s.chars() {
                    let tok = match c {
                        '*' if pattern && mode.wildcards => Tok::Star,
                        '?' if pattern && mode.wildcards => Tok::One,
                        c if mode.fold_case => Tok::Char(fold(c)),
                        c => Tok::Char(c),
                    };
                    // Runs of `*` match what one `*` matches; collapsing keeps the grid small.
                    if !(tok == Tok::Star && out.last() == Some(&Tok::Star)) {
                        out.push(tok);
                    }
                }
            }
            Part::Sym(s) => out.push(Tok::Sym(s)),
            Part::Unknown(_) => out.push(Tok::Opaque),
        }
    }
    out
}

fn fold(c: char) -> char {
    // Full Unicode lowercasing can yield several chars; IAM names are ASCII, so ASCII folding
    // is what matters and keeps one token per character.
    c.to_ascii_lowercase()
}

/// Does `pattern` match the whole of `subject`?
pub fn matches(pattern: &Text, subject: &Text, mode: Mode) -> Tri {
    // Policy rules ask this millions of times on a large scan, mostly of plain ASCII strings:
    // those take an allocation-free path that gives the same answer as the grid below.
    if let (Some(p), Some(s)) = (pattern.as_lit(), subject.as_lit())
        && p.is_ascii()
        && s.is_ascii()
    {
        return if ascii_matches(p.as_bytes(), s.as_bytes(), mode) {
            Tri::Yes
        } else {
            Tri::No
        };
    }
    grid_matches(pattern, subject, mode)
}

fn grid_matches(pattern: &Text, subject: &Text, mode: Mode) -> Tri {
    let p = tokens(pattern, mode, true);
    let s = tokens(subject, mode, false);
    let (p, s) = strip_common(&p, &s);
    // After the common ends are gone, two characters facing each other at either end differ,
    // and no path through the grid can start or finish there.
    match (p.first(), s.first(), p.last(), s.last()) {
        (None, None, _, _) => return Tri::Yes,
        (Some(Tok::Char(_)), Some(Tok::Char(_)), _, _) | (_, _, Some(Tok::Char(_)), Some(Tok::Char(_))) => {
            return Tri::No;
        }
        _ => {}
    }
    if search(p, s, false) {
        Tri::Yes
    } else if search(p, s, true) {
        Tri::Maybe
    } else {
        Tri::No
    }
}

/// Wildcard matching of two ASCII literals: the usual two-pointer walk that, on a mismatch,
/// lets the last `*` take one more character.
fn ascii_matches(p: &[u8], s: &[u8], mode: Mode) -> bool {
    let same = |a: u8, b: u8| {
        if mode.fold_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    if !mode.wildcards || !p.iter().any(|&c| c == b'*' || c == b'?') {
        return p.len() == s.len() && p.iter().zip(s).all(|(&a, &b)| same(a, b));
    }
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        if i < p.len() && p[i] == b'*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && (p[i] == b'?' || same(p[i], s[j])) {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

/// Is `a` equal to `b`, neither read as a pattern?
pub fn equals(a: &Text, b: &Text, fold_case: bool) -> Tri {
    matches(
        a,
        b,
        Mode {
            wildcards: false,
            fold_case,
        },
    )
}

/// Drop the prefix and suffix that both sides spell the same (same characters, same
/// symbols), which is sound because a wildcard-free stretch of the pattern consumes exactly its
/// own length. It matters for symbols: `arn:<partition>:s3:::<bucket>/AWSLogs/…` against
/// `arn:<partition>:s3:::<bucket>/elsewhere/…` is decided only once the shared `<bucket>` is
/// known to be the same value on both sides, which the searches below, reading each symbol
/// independently, cannot see.
fn strip_common<'p, 's, 'a>(p: &'p [Tok<'a>], s: &'s [Tok<'a>]) -> (&'p [Tok<'a>], &'s [Tok<'a>]) {
    let same = |a: &Tok<'_>, b: &Tok<'_>| {
        matches!((a, b), (Tok::Char(x), Tok::Char(y)) if x == y)
            || matches!((a, b), (Tok::Sym(x), Tok::Sym(y)) if x == y)
    };
    let front = p.iter().zip(s).take_while(|(a, b)| same(a, b)).count();
    let (p, s) = (&p[front..], &s[front..]);
    let back = p
        .iter()
        .rev()
        .zip(s.iter().rev())
        .take_while(|(a, b)| same(a, b))
        .count();
    (&p[..p.len() - back], &s[..s.len() - back])
}

/// Reachability over the grid of (pattern tokens consumed, subject tokens consumed), one row at
/// a time. `may` adds the transitions through which a symbol or unknown absorbs input.
fn search(p: &[Tok<'_>], s: &[Tok<'_>], may: bool) -> bool {
    let (n, m) = (p.len(), s.len());
    let mut prev = vec![false; m + 1];
    let mut row = vec![false; m + 1];
    for i in 0..=n {
        for j in 0..=m {
            let mut r = i == 0 && j == 0;
            if i > 0 {
                let pt = p[i - 1];
                // (i-1, j) -> (i, j): the pattern token matches nothing more (a `*` ends), or an
                // opaque subject token at j absorbs it.
                if prev[j] && (pt == Tok::Star || (may && (pt.opaque() || (j < m && absorbs(s[j], pt))))) {
                    r = true;
                }
                // (i-1, j-1) -> (i, j): one token each.
                if !r && j > 0 && prev[j - 1] && step(pt, s[j - 1]) {
                    r = true;
                }
            }
            // (i, j-1) -> (i, j): the pattern token at i (a `*`) absorbs the subject token, or an
            // opaque subject token ends, or an opaque pattern token at i absorbs it.
            if !r && j > 0 && row[j - 1] {
                let st = s[j - 1];
                let star = i < n && p[i] == Tok::Star;
                r = star || (may && (st.opaque() || (i < n && absorbs(p[i], st))));
            }
            row[j] = r;
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev[m]
}

/// Can the opaque token `by` stand for a string that contains what `tok` matches? The
/// deployment symbols have known alphabets (an account is digits, a partition `aws-us-gov`), so
/// `arn:<partition>:s3:::b` cannot match `arn:aws:sqs:::b` by the partition swallowing `aws:sq`.
fn absorbs(by: Tok<'_>, tok: Tok<'_>) -> bool {
    let Tok::Char(c) = tok else {
        return by.opaque();
    };
    match by {
        Tok::Sym(Sym::Account) => c.is_ascii_digit(),
        Tok::Sym(Sym::Region) => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        Tok::Sym(Sym::Partition) => c.is_ascii_lowercase() || c == '-',
        Tok::Sym(Sym::UrlSuffix) => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.',
        Tok::Sym(_) | Tok::Opaque => true,
        _ => false,
    }
}

fn step(p: Tok<'_>, s: Tok<'_>) -> bool {
    match (p, s) {
        (Tok::Char(a), Tok::Char(b)) => a == b,
        (Tok::One, Tok::Char(_)) => true,
        (Tok::Sym(a), Tok::Sym(b)) => a == b,
        _ => false,
    }
}

/// `ArnEquals`/`ArnLike`: each of the six colon-separated components is matched on its own,
/// case-sensitively, with wildcards; the sixth (the resource) keeps its own colons
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>).
pub fn arn_matches(pattern: &Text, subject: &Text) -> Tri {
    match (arn_components(pattern), arn_components(subject)) {
        (Some(pc), Some(sc)) => Tri::all(pc.iter().zip(&sc).map(|(p, s)| matches(p, s, Mode::GLOB))),
        _ => {
            // A side that is not six components: a literal that is not an ARN matches nothing;
            // a symbolic one (`aws_cloudtrail.t.arn`) is compared whole, where only the same
            // symbol, or wildcards spanning it, can decide.
            if is_literal(pattern) && is_literal(subject) {
                Tri::No
            } else if is_literal(pattern) && arn_components(pattern).is_none() {
                // A literal pattern that is not an ARN (`"*"`) matches no literal, so an
                // unresolved subject that may be any string decides nothing for certain.
                Tri::all([matches(pattern, subject, Mode::GLOB), Tri::Maybe])
            } else {
                matches(pattern, subject, Mode::GLOB)
            }
        }
    }
}

fn is_literal(t: &Text) -> bool {
    t.as_lit().is_some()
}

/// The six components of an ARN split at literal colons, or `None` if there are fewer.
fn arn_components(t: &Text) -> Option<Vec<Text>> {
    let parts = t.split(":");
    if parts.len() < 6 {
        return None;
    }
    let mut out: Vec<Text> = parts[..5].to_vec();
    let mut rest = Text::default();
    for (k, p) in parts[5..].iter().enumerate() {
        if k > 0 {
            rest.push(Part::Lit(":".into()));
        }
        rest.append(p.clone());
    }
    out.push(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrRef, Unknown};

    fn lit(s: &str) -> Text {
        Text::lit(s)
    }

    fn text(parts: &[P]) -> Text {
        let mut t = Text::default();
        for p in parts {
            t.push(match p {
                P::L(s) => Part::Lit((*s).into()),
                P::S(s) => Part::Sym(s.clone()),
                P::U => Part::Unknown(Box::new(Unknown {
                    expr: "var.x".into(),
                    reason: "no default".into(),
                })),
            });
        }
        t
    }

    enum P {
        L(&'static str),
        S(Sym),
        U,
    }

    fn glob(p: &str, s: &str) -> Tri {
        matches(&lit(p), &lit(s), Mode::GLOB)
    }

    #[test]
    fn literal_wildcards() {
        assert_eq!(glob("s3:*", "s3:PutObject"), Tri::Yes);
        assert_eq!(glob("*", ""), Tri::Yes);
        assert_eq!(glob("?", ""), Tri::No);
        assert_eq!(
            glob("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext"),
            Tri::Yes
        );
        assert_eq!(glob("kms:GenerateDataKey*", "kms:Decrypt"), Tri::No);
        assert_eq!(glob("arn:aws:s3:::b/*", "arn:aws:s3:::b/AWSLogs/1/x"), Tri::Yes);
        assert_eq!(glob("arn:aws:s3:::b/*", "arn:aws:s3:::b"), Tri::No);
        assert_eq!(glob("a?c", "abc"), Tri::Yes);
        assert_eq!(glob("a?c", "ac"), Tri::No);
        assert_eq!(glob("*:*", "a/b:c/d"), Tri::Yes);
    }

    #[test]
    fn case_sensitivity() {
        assert_eq!(glob("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket"), Tri::No);
        assert_eq!(
            matches(&lit("S3:putobject"), &lit("s3:PutObject"), Mode::GLOB_FOLD),
            Tri::Yes
        );
        assert_eq!(equals(&lit("TRUE"), &lit("true"), true), Tri::Yes);
        assert_eq!(equals(&lit("TRUE"), &lit("true"), false), Tri::No);
    }

    #[test]
    fn exact_mode_reads_wildcards_literally() {
        assert_eq!(matches(&lit("a*"), &lit("abc"), Mode::EXACT), Tri::No);
        assert_eq!(matches(&lit("a*"), &lit("a*"), Mode::EXACT), Tri::Yes);
    }

    #[test]
    fn symbols_match_the_same_symbol_only() {
        let subject = text(&[P::L("arn:"), P::S(Sym::Partition), P::L(":s3:::b/x")]);
        let same = text(&[P::L("arn:"), P::S(Sym::Partition), P::L(":s3:::b/*")]);
        assert_eq!(matches(&same, &subject, Mode::GLOB), Tri::Yes);
        // A literal partition may or may not be the symbol's value.
        assert_eq!(matches(&lit("arn:aws:s3:::b/*"), &subject, Mode::GLOB), Tri::Maybe);
        // A different symbol may or may not be equal.
        let other = text(&[P::L("arn:"), P::S(Sym::Region), P::L(":s3:::b/*")]);
        assert_eq!(matches(&other, &subject, Mode::GLOB), Tri::Maybe);
        // `*` spans symbols.
        assert_eq!(matches(&lit("arn:*:s3:::b/*"), &subject, Mode::GLOB), Tri::Yes);
        assert_eq!(matches(&lit("*"), &subject, Mode::GLOB), Tri::Yes);
        // Literal parts that cannot line up decide even with a symbol in between.
        assert_eq!(matches(&lit("arn:aws:sqs:::b/*"), &subject, Mode::GLOB), Tri::No);
        assert_eq!(matches(&lit("arn:aws:s3:::c/*"), &subject, Mode::GLOB), Tri::No);
    }

    #[test]
    fn unknowns_are_maybe_unless_a_star_covers_them() {
        let subject = text(&[P::L("arn:aws:s3:::"), P::U]);
        assert_eq!(matches(&lit("arn:aws:s3:::b"), &subject, Mode::GLOB), Tri::Maybe);
        assert_eq!(matches(&lit("arn:aws:s3:::*"), &subject, Mode::GLOB), Tri::Yes);
        assert_eq!(matches(&lit("arn:aws:sns:*"), &subject, Mode::GLOB), Tri::No);
        let pattern = text(&[P::L("arn:aws:s3:::"), P::U]);
        assert_eq!(matches(&pattern, &lit("arn:aws:s3:::b"), Mode::GLOB), Tri::Maybe);
        assert_eq!(matches(&pattern, &lit("arn:aws:sns:::b"), Mode::GLOB), Tri::No);
        // An unknown in the pattern never matches definitely, not even itself.
        assert_eq!(matches(&pattern, &pattern, Mode::GLOB), Tri::Maybe);
    }

    #[test]
    fn attribute_symbols() {
        let trail = Sym::Attr(Box::new(AttrRef {
            scope: 0,
            target: "aws_cloudtrail.t".into(),
            attr: "arn".into(),
        }));
        let t = Text::sym(trail);
        assert_eq!(matches(&t, &t, Mode::EXACT), Tri::Yes);
        assert_eq!(arn_matches(&t, &t), Tri::Yes);
        assert_eq!(
            arn_matches(&lit("arn:aws:cloudtrail:*:111111111111:trail/*"), &t),
            Tri::Maybe
        );
    }

    #[test]
    fn arn_components_are_matched_separately() {
        let a = |p: &str, s: &str| arn_matches(&lit(p), &lit(s));
        assert_eq!(
            a(
                "arn:aws:cloudtrail:*:111111111111:trail/*",
                "arn:aws:cloudtrail:us-east-1:111111111111:trail/t"
            ),
            Tri::Yes
        );
        // `*` in the region component does not reach into the account.
        assert_eq!(
            a(
                "arn:aws:logs:*:log-group:x",
                "arn:aws:logs:us-east-1:111111111111:log-group:x"
            ),
            Tri::No
        );
        assert_eq!(
            a(
                "arn:aws:logs:us-east-1:111111111111:log-group:*",
                "arn:aws:logs:us-east-1:111111111111:log-group:x:log-stream:y"
            ),
            Tri::Yes
        );
        assert_eq!(a("not-an-arn", "not-an-arn"), Tri::No);
        // `*` is not an ARN: it matches no literal, so an unresolved value may or may not match.
        assert_eq!(a("*", "not-an-arn"), Tri::No);
        assert_eq!(arn_matches(&lit("*"), &text(&[P::U])), Tri::Maybe);
    }

    proptest::proptest! {
        /// The ASCII shortcut answers what the grid answers, in every mode.
        #[test]
        fn ascii_shortcut_agrees_with_the_grid(p in "[aAb*?]{0,8}", s in "[aAb*?]{0,8}", w: bool, f: bool) {
            let mode = Mode { wildcards: w, fold_case: f };
            let grid = grid_matches(&lit(&p), &lit(&s), mode);
            proptest::prop_assert_eq!(matches(&lit(&p), &lit(&s), mode), grid);
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let pattern = format!("{}b", "a*".repeat(200));
        let subject = "a".repeat(2000);
        let started = std::time::Instant::now();
        assert_eq!(glob(&pattern, &subject), Tri::No);
        assert_eq!(glob(&"*?".repeat(300), &"x".repeat(3000)), Tri::Yes);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
