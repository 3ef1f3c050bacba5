//! Tokens and syntax tree of CloudWatch Logs filter patterns, with byte spans.
//!
//! The JSON form is parsed in full (`{ SELECTOR OP VALUE }`, `&&`, `||`, parentheses, numeric
//! comparisons, `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`); the empty pattern matches
//! every event; term and space-delimited patterns are recognised but not parsed further. The
//! grammar follows "Filter pattern syntax for metric filters"
//! (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html>,
//! section "Using metric filters to match terms in JSON log events"); `docs/filter-patterns.md`
//! lists what is accepted and why.
//!
//! The parser never panics: it works on bytes with checked indexing, and nesting is capped at
//! [`MAX_DEPTH`] so that recursion depth is bounded whatever the input.

use std::fmt;

/// Parentheses nest at most this deep; deeper input is a [`ParseError`], not a stack overflow.
pub const MAX_DEPTH: usize = 64;

/// A byte range in the pattern text, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    fn to(self, other: Span) -> Span {
        Span::new(self.start, other.end)
    }
}

/// Why a pattern does not parse, and where (a byte offset into the pattern text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
    })
}

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// The empty (or all-blank) pattern: it matches every log event.
    All,
    /// `{ … }`: conditions on the fields of JSON log events.
    Json { expr: Expr, span: Span },
    /// A pattern of terms (`ERROR`, `"Failed authentication"`, `?A ?B`), matched against the
    /// event text: not parsed further.
    Terms,
    /// `[a, b = 1, …]`: a space-delimited pattern: not parsed further.
    SpaceDelimited,
}

/// A boolean expression over comparisons. `&&` binds tighter than `||`, as the AWS
/// documentation says (`()` > `&&` > `||`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>, Span),
    Or(Vec<Expr>, Span),
    Cmp(Comparison),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::And(_, s) | Expr::Or(_, s) => *s,
            Expr::Cmp(c) => c.span,
        }
    }
}

/// `SELECTOR test`, e.g. `$.eventName = "ConsoleLogin"` or `$.userIdentity.invokedBy NOT EXISTS`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub selector: Selector,
    pub test: Test,
    pub span: Span,
}

/// `$.a.b[0].c`: the path from the root of the event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Selector {
    pub path: Vec<Segment>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Field(String),
    Index(u64),
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for seg in &self.path {
            match seg {
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// What a comparison tests of the selected value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Eq(Value),
    Ne(Value),
    Lt(f64),
    Le(f64),
    Gt(f64),
    Ge(f64),
    IsNull,
    IsTrue,
    IsFalse,
    NotExists,
}

/// The right-hand side of `=` and `!=`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, quoted or not, in which a leading or trailing `*` is a wildcard.
    Str(String),
    /// An unquoted number: compared numerically.
    Num(f64),
    /// `%regex%`: a regular expression (newer syntax); parsed, never decided.
    Regex(String),
}

/// Parse a filter pattern. Offsets in errors and spans are bytes into `src`.
pub fn parse(src: &str) -> Result<Pattern, ParseError> {
    let bytes = src.as_bytes();
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Ok(Pattern::All);
    };
    match bytes[first] {
        b'{' => {
            let mut p = Parser {
                src,
                bytes,
                pos: first + 1,
                depth: 0,
            };
            let expr = p.expr()?;
            p.skip_ws();
            match p.peek() {
                Some(b'}') => {}
                Some(_) => return err(p.pos, format!("expected `&&`, `||` or `}}`, found {}", p.describe())),
                None => return err(p.pos, "unclosed `{`: expected `}` at the end of the pattern"),
            }
            let close = p.pos;
            p.pos += 1;
            p.skip_ws();
            if p.pos < bytes.len() {
                return err(p.pos, "unexpected text after the closing `}`");
            }
            Ok(Pattern::Json {
                expr,
                span: Span::new(first, close + 1),
            })
        }
        b'[' => Ok(Pattern::SpaceDelimited),
        _ => Ok(Pattern::Terms),
    }
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

/// Bytes that end an unquoted value or a keyword.
fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'(' | b')' | b'{' | b'}' | b'&' | b'|' | b'"' | b'=' | b'!' | b'<' | b'>'
        )
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s.as_bytes()))
    }

    /// The next token, for messages.
    fn describe(&self) -> String {
        match self.src.get(self.pos..) {
            None | Some("") => "the end of the pattern".to_string(),
            Some(rest) => {
                let word: String = rest.chars().take_while(|c| !c.is_whitespace()).take(20).collect();
                let word = if word.is_empty() {
                    rest.chars().next().map(String::from).unwrap_or_default()
                } else {
                    word
                };
                format!("`{word}`")
            }
        }
    }

    // expr := and ('||' and)*
    fn expr(&mut self) -> Result<Expr, ParseError> {
        let first = self.and()?;
        let mut terms = vec![first];
        loop {
            self.skip_ws();
            if self.starts_with("||") {
                self.pos += 2;
                terms.push(self.and()?);
            } else {
                break;
            }
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            let span = terms[0].span().to(terms[terms.len() - 1].span());
            Expr::Or(terms, span)
        })
    }

    // and := unary ('&&' unary)*
    fn and(&mut self) -> Result<Expr, ParseError> {
        let first = self.unary()?;
        let mut terms = vec![first];
        loop {
            self.skip_ws();
            if self.starts_with("&&") {
                self.pos += 2;
                terms.push(self.unary()?);
            } else {
                break;
            }
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            let span = terms[0].span().to(terms[terms.len() - 1].span());
            Expr::And(terms, span)
        })
    }

    // unary := '(' expr ')' | comparison
    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        match self.peek() {
            Some(b'(') => {
                let open = self.pos;
                if self.depth >= MAX_DEPTH {
                    return err(open, format!("parentheses nest deeper than {MAX_DEPTH}"));
                }
                self.depth += 1;
                self.pos += 1;
                let inner = self.expr()?;
                self.skip_ws();
                if self.peek() != Some(b')') {
                    return err(
                        self.pos,
                        format!(
                            "expected `)` to close the `(` at byte {open}, found {}",
                            self.describe()
                        ),
                    );
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(inner)
            }
            Some(b'$') => self.comparison().map(Expr::Cmp),
            _ => err(
                self.pos,
                format!("expected a selector (`$.field`) or `(`, found {}", self.describe()),
            ),
        }
    }

    fn selector(&mut self) -> Result<Selector, ParseError> {
        let start = self.pos;
        // At `$`.
        self.pos += 1;
        let mut path = Vec::new();
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    let name_start = self.pos;
                    while self.peek().is_some_and(is_name_byte) {
                        self.pos += 1;
                    }
                    if self.pos == name_start {
                        return err(
                            self.pos,
                            format!("expected a field name after `.`, found {}", self.describe()),
                        );
                    }
                    path.push(Segment::Field(self.src[name_start..self.pos].to_string()));
                }
                Some(b'[') => {
                    self.pos += 1;
                    let num_start = self.pos;
                    while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    let digits = &self.src[num_start..self.pos];
                    let Ok(index) = digits.parse::<u64>() else {
                        return err(
                            num_start,
                            format!("expected an array index (digits) after `[`, found {}", self.describe()),
                        );
                    };
                    if self.peek() != Some(b']') {
                        return err(
                            self.pos,
                            format!("expected `]` after the array index, found {}", self.describe()),
                        );
                    }
                    self.pos += 1;
                    path.push(Segment::Index(index));
                }
                _ => break,
            }
        }
        if path.is_empty() {
            return err(self.pos, "expected `.field` after `$`");
        }
        if matches!(path.first(), Some(Segment::Index(_))) {
            return err(start + 1, "an array index must follow a property (`$.items[0]`)");
        }
        if self.peek().is_some_and(|b| !is_delimiter(b)) {
            return err(
                self.pos,
                format!(
                    "unexpected {} in a selector (field names are letters, digits, `-` and `_`)",
                    self.describe()
                ),
            );
        }
        Ok(Selector {
            path,
            span: Span::new(start, self.pos),
        })
    }

    fn keyword(&mut self) -> Option<(String, usize)> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        if self.pos == start || self.peek().is_some_and(|b| !is_delimiter(b)) {
            self.pos = start;
            return None;
        }
        Some((self.src[start..self.pos].to_string(), start))
    }

    fn comparison(&mut self) -> Result<Comparison, ParseError> {
        let selector = self.selector()?;
        self.skip_ws();
        let op_start = self.pos;
        let op: &str = if self.starts_with("!=") {
            "!="
        } else if self.starts_with("<=") {
            "<="
        } else if self.starts_with(">=") {
            ">="
        } else if self.starts_with("=") {
            "="
        } else if self.starts_with("<") {
            "<"
        } else if self.starts_with(">") {
            ">"
        } else {
            return self.keyword_test(selector);
        };
        self.pos += op.len();
        if op == "=" && self.peek() == Some(b'=') {
            return err(op_start, "`==` is not an operator: use `=`");
        }
        self.skip_ws();
        let (value, value_span) = self.value()?;
        let test = match (op, value) {
            ("=", v) => Test::Eq(v),
            ("!=", v) => Test::Ne(v),
            (_, Value::Num(n)) => match op {
                "<" => Test::Lt(n),
                "<=" => Test::Le(n),
                ">" => Test::Gt(n),
                _ => Test::Ge(n),
            },
            (_, _) => return err(value_span.start, format!("`{op}` compares numbers: expected a number")),
        };
        Ok(Comparison {
            span: selector.span.to(value_span),
            selector,
            test,
        })
    }

    fn keyword_test(&mut self, selector: Selector) -> Result<Comparison, ParseError> {
        let expected = "expected an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`), `IS` or `NOT EXISTS`";
        let Some((first, start)) = self.keyword() else {
            return err(self.pos, format!("{expected}, found {}", self.describe()));
        };
        let test = match first.as_str() {
            "IS" => {
                self.skip_ws();
                let at = self.pos;
                match self.keyword() {
                    Some((w, _)) if w == "NULL" => Test::IsNull,
                    Some((w, _)) if w == "TRUE" => Test::IsTrue,
                    Some((w, _)) if w == "FALSE" => Test::IsFalse,
                    _ => {
                        self.pos = at;
                        return err(
                            at,
                            format!(
                                "expected `NULL`, `TRUE` or `FALSE` after `IS`, found {}",
                                self.describe()
                            ),
                        );
                    }
                }
            }
            "NOT" => {
                self.skip_ws();
                let at = self.pos;
                match self.keyword() {
                    Some((w, _)) if w == "EXISTS" => Test::NotExists,
                    _ => {
                        self.pos = at;
                        return err(at, format!("expected `EXISTS` after `NOT`, found {}", self.describe()));
                    }
                }
            }
            _ => return err(start, format!("{expected}, found `{first}`")),
        };
        Ok(Comparison {
            span: Span::new(selector.span.start, self.pos),
            selector,
            test,
        })
    }

    fn value(&mut self) -> Result<(Value, Span), ParseError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                let mut text = String::new();
                loop {
                    let rest = self.src.get(self.pos..).unwrap_or("");
                    let Some(c) = rest.chars().next() else {
                        return err(start, "unterminated string: expected a closing `\"`");
                    };
                    self.pos += c.len_utf8();
                    match c {
                        '"' => break,
                        '\\' => {
                            let rest = self.src.get(self.pos..).unwrap_or("");
                            let Some(e) = rest.chars().next() else {
                                return err(start, "unterminated string: expected a closing `\"`");
                            };
                            self.pos += e.len_utf8();
                            text.push(e);
                        }
                        c => text.push(c),
                    }
                }
                Ok((Value::Str(text), Span::new(start, self.pos)))
            }
            Some(b'%') => {
                self.pos += 1;
                let rest = self.src.get(self.pos..).unwrap_or("");
                let Some(end) = rest.find('%') else {
                    return err(start, "unterminated regular expression: expected a closing `%`");
                };
                let re = rest[..end].to_string();
                self.pos += end + 1;
                Ok((Value::Regex(re), Span::new(start, self.pos)))
            }
            _ => {
                let rest = self.src.get(self.pos..).unwrap_or("");
                let len: usize = rest
                    .char_indices()
                    .find(|&(_, c)| c.is_ascii() && is_delimiter(c as u8))
                    .map(|(i, _)| i)
                    .unwrap_or(rest.len());
                if len == 0 {
                    return err(start, format!("expected a value, found {}", self.describe()));
                }
                let text = &rest[..len];
                self.pos += len;
                let span = Span::new(start, self.pos);
                if is_number(text)
                    && let Ok(n) = text.parse::<f64>()
                    && n.is_finite()
                {
                    return Ok((Value::Num(n), span));
                }
                Ok((Value::Str(text.to_string()), span))
            }
        }
    }
}

/// An integer or decimal with an optional sign and exponent, as the AWS documentation defines
/// NUMBER.
fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == int_start {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == frac {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp {
            return false;
        }
    }
    i == b.len()
}
