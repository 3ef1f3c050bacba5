//! YAML documents (as CloudFormation reads them) into [`Node`] trees.
//!
//! The tree is built from saphyr-parser's event stream with an explicit stack, so hostile nesting
//! gives a [`ParseError`] instead of a stack overflow. On the way:
//!
//! - CloudFormation short-form tags become the long form: `!Ref X` is `{"Ref": "X"}`, `!Sub s` is
//!   `{"Fn::Sub": "s"}` and `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`. The wrapper mapping and
//!   its key carry the span of the tagged node (tag included); the argument keeps its own span.
//! - Plain scalars resolve YAML 1.1-style: `yes`/`no`/`on`/`off` are booleans, numbers keep their
//!   source text (`012345678901` stays an account ID), dates stay strings.
//! - Aliases are rejected (CloudFormation does not accept them); anchors are ignored.
//!
//! saphyr reports positions in characters and some of its token spans are loose (a quoted scalar
//! runs on over a trailing comment, a block scalar starts at its first content line, an indentless
//! sequence starts after its first `- `), so every span is converted to bytes and tightened here.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, StrInput, Tag};

use crate::parse::{Key, MAX_DEPTH, Node, NodeKind, ParseError};
use crate::source::{FileId, Span};

/// Most nodes accepted in one YAML stream (wrapper mappings of short-form tags included).
const MAX_NODES: usize = 5_000_000;

const ALIAS_MESSAGE: &str = "YAML aliases are not allowed in CloudFormation templates";

/// Parse the first document of a YAML stream. An empty stream (nothing, or only comments) is a
/// null node with the span `0..0`; documents after the first are not read.
pub fn parse(text: &str, file: FileId) -> Result<Node, ParseError> {
    let mut builder = Builder::new(text, file);
    Ok(builder
        .next_document()?
        .unwrap_or_else(|| Node::new(Span::new(file, 0, 0), NodeKind::Null)))
}

/// Parse every document of a YAML stream, in order. An empty stream gives an empty list.
pub fn parse_all(text: &str, file: FileId) -> Result<Vec<Node>, ParseError> {
    let mut builder = Builder::new(text, file);
    let mut documents = Vec::new();
    while let Some(document) = builder.next_document()? {
        documents.push(document);
    }
    Ok(documents)
}

/// Character index to byte offset. saphyr's markers count characters; for ASCII text that is the
/// byte offset, otherwise a checkpoint every [`Self::STRIDE`] characters bounds the walk.
struct CharOffsets<'a> {
    bytes: &'a [u8],
    /// Byte offset of character `i * STRIDE`; empty for ASCII text.
    checkpoints: Vec<usize>,
    ascii: bool,
}

impl<'a> CharOffsets<'a> {
    const STRIDE: usize = 16;

    fn new(text: &'a str) -> CharOffsets<'a> {
        let bytes = text.as_bytes();
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut count = 0usize;
            for (offset, _) in text.char_indices() {
                if count.is_multiple_of(Self::STRIDE) {
                    checkpoints.push(offset);
                }
                count += 1;
            }
            if count.is_multiple_of(Self::STRIDE) {
                checkpoints.push(bytes.len());
            }
        }
        CharOffsets {
            bytes,
            checkpoints,
            ascii,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let len = self.bytes.len();
        if self.ascii {
            return char_index.min(len);
        }
        let Some(&start) = self.checkpoints.get(char_index / Self::STRIDE) else {
            return len;
        };
        let mut offset = start;
        for _ in 0..char_index % Self::STRIDE {
            if offset >= len {
                break;
            }
            offset += 1;
            while offset < len && (self.bytes[offset] & 0xC0) == 0x80 {
                offset += 1;
            }
        }
        offset
    }
}

/// What a tag means to us.
enum TagKind {
    None,
    /// A CloudFormation short form: the key of the long form (`Ref`, `Condition`, `Fn::Sub`, …).
    Intrinsic(String),
    /// A YAML core schema tag (`!!str`, `!!int`, …), by suffix.
    Core(String),
    /// The non-specific tag `!`: a scalar is a string.
    NonSpecific,
    /// Anything else (verbatim or `%TAG`-declared tags): ignored.
    Other,
}

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

fn classify_tag(tag: Option<&Tag>) -> TagKind {
    let Some(tag) = tag else {
        return TagKind::None;
    };
    if tag.handle == "!" {
        return match tag.suffix.as_str() {
            "" => TagKind::NonSpecific,
            "Ref" => TagKind::Intrinsic("Ref".to_string()),
            "Condition" => TagKind::Intrinsic("Condition".to_string()),
            name => TagKind::Intrinsic(format!("Fn::{name}")),
        };
    }
    if tag.handle == CORE_PREFIX {
        return TagKind::Core(tag.suffix.clone());
    }
    if tag.handle.is_empty() {
        if tag.suffix == "!" {
            return TagKind::NonSpecific;
        }
        if let Some(suffix) = tag.suffix.strip_prefix(CORE_PREFIX) {
            return TagKind::Core(suffix.to_string());
        }
    }
    TagKind::Other
}

/// A collection being built.
struct Frame {
    container: Container,
    /// Start of the node including its properties (tag, anchor).
    outer_start: usize,
    /// Start of the collection itself (`[`, `{`, the first `-` or the first key).
    inner_start: usize,
    /// End of the last child seen so far.
    end: usize,
    /// Key of the long form when the collection carries a short-form tag.
    intrinsic: Option<String>,
    /// Depth of the collection node in the tree (the root collection is 1; a wrapper counts).
    depth: usize,
}

enum Container {
    Sequence(Vec<Node>),
    Mapping {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
    },
}

impl Frame {
    fn wants_key(&self) -> bool {
        matches!(self.container, Container::Mapping { key: None, .. })
    }
}

struct Builder<'a> {
    text: &'a str,
    bytes: &'a [u8],
    file: FileId,
    parser: Parser<'a, StrInput<'a>>,
    offsets: CharOffsets<'a>,
    /// Byte offset just past the latest event: where searches for a node's real start begin.
    cursor: usize,
    nodes: usize,
    finished: bool,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, file: FileId) -> Builder<'a> {
        Builder {
            text,
            bytes: text.as_bytes(),
            file,
            parser: Parser::new_from_str(text),
            offsets: CharOffsets::new(text),
            cursor: 0,
            nodes: 0,
            finished: false,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error_at(&self, message: impl Into<String>, start: usize, end: usize) -> ParseError {
        ParseError::new(message, self.span(start, end))
    }

    fn scan_error(&self, error: &ScanError) -> ParseError {
        let at = self.offsets.byte(error.marker().index());
        let message = match error.info() {
            info if info.contains("unknown anchor") => ALIAS_MESSAGE,
            // saphyr counts flow levels in a u8.
            "recursion limit exceeded" => "flow collections nested deeper than 255 levels",
            info => info,
        };
        self.error_at(message, at, at)
    }

    /// The next event with its span in bytes, or `None` once the stream has ended.
    fn next_event(&mut self) -> Result<Option<(Event<'a>, usize, usize)>, ParseError> {
        if self.finished {
            return Ok(None);
        }
        match self.parser.next_event() {
            None => {
                self.finished = true;
                Ok(None)
            }
            Some(Err(error)) => {
                self.finished = true;
                Err(self.scan_error(&error))
            }
            Some(Ok((Event::StreamEnd, _))) => {
                self.finished = true;
                Ok(None)
            }
            Some(Ok((event, span))) => {
                let start = self.offsets.byte(span.start.index());
                let end = self.offsets.byte(span.end.index()).max(start);
                Ok(Some((event, start, end)))
            }
        }
    }

    fn count_node(&mut self, at: usize) -> Result<(), ParseError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error_at("document too large", at, at));
        }
        Ok(())
    }

    fn depth_error(&self, at: usize) -> ParseError {
        self.error_at(format!("nesting deeper than {MAX_DEPTH} levels"), at, at)
    }

    /// Read the next document of the stream, or `None` at the end of the stream.
    fn next_document(&mut self) -> Result<Option<Node>, ParseError> {
        // Find the document start.
        loop {
            let Some((event, start, end)) = self.next_event()? else {
                return Ok(None);
            };
            match event {
                Event::DocumentStart(_) => {
                    self.cursor = self.cursor.max(end);
                    break;
                }
                Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
                _ => return Err(self.error_at("unexpected YAML event outside a document", start, end)),
            }
        }

        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        loop {
            let Some((event, start, end)) = self.next_event()? else {
                // The stream ended inside the document; saphyr reports truncation itself, so this
                // is only reachable for an unterminated document without a root.
                return match (root, stack.is_empty()) {
                    (Some(node), true) => Ok(Some(node)),
                    _ => Err(self.error_at("unexpected end of YAML stream", self.bytes.len(), self.bytes.len())),
                };
            };
            match event {
                Event::DocumentEnd => {
                    if !stack.is_empty() {
                        return Err(self.error_at("unexpected end of YAML document", start, end));
                    }
                    self.cursor = self.cursor.max(end);
                    let node = root.unwrap_or_else(|| Node::new(self.span(start, start), NodeKind::Null));
                    return Ok(Some(node));
                }
                Event::Alias(_) => return Err(self.error_at(ALIAS_MESSAGE, start, end)),
                Event::Scalar(value, style, anchor, tag) => {
                    if root.is_some() {
                        return Err(self.error_at("unexpected YAML scalar after the document root", start, end));
                    }
                    let has_props = anchor > 0 || tag.is_some();
                    let tag = classify_tag(tag.as_deref());
                    let (outer_start, inner_start, inner_end) =
                        self.scalar_span(start, end, style, has_props, value.is_empty());
                    if !(value.is_empty() && style == ScalarStyle::Plain && !has_props) {
                        self.cursor = self.cursor.max(end);
                    }
                    if let Some(frame) = stack.last_mut().filter(|f| f.wants_key()) {
                        let key = Key {
                            name: value.into_owned(),
                            span: Span::new(self.file, inner_start, inner_end),
                        };
                        frame.end = frame.end.max(inner_end);
                        if let Container::Mapping { key: slot, .. } = &mut frame.container {
                            *slot = Some(key);
                        }
                        continue;
                    }
                    let parent_depth = stack.last().map_or(0, |f| f.depth);
                    let node =
                        self.scalar_node(value, style, tag, (outer_start, inner_start, inner_end), parent_depth)?;
                    attach(&mut stack, &mut root, node);
                }
                Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                    if root.is_some() {
                        return Err(self.error_at("unexpected YAML collection after the document root", start, end));
                    }
                    let is_sequence = matches!(event, Event::SequenceStart(..));
                    let has_props = anchor > 0 || tag.is_some();
                    let intrinsic = match classify_tag(tag.as_deref()) {
                        TagKind::Intrinsic(name) => Some(name),
                        _ => None,
                    };
                    // saphyr's span runs from the properties over the `[` / `{` and the blanks
                    // after it; block collections have an empty span at their first entry.
                    let mut inner_start = if has_props {
                        skip_properties(self.bytes, start, end)
                    } else {
                        start
                    };
                    let flow = inner_start < end && matches!(self.bytes[inner_start], b'[' | b'{');
                    let at_dash = self.bytes.get(inner_start) == Some(&b'-')
                        && self.bytes.get(inner_start + 1).is_none_or(|&b| is_blank_or_break(b));
                    if is_sequence && !flow && !at_dash && !has_props {
                        // An indentless sequence (`key:\n- a`) starts after its first `- `: find
                        // the dash after the key. (With properties, skipping them found it.)
                        let dash = skip_trivia(self.bytes, self.cursor.min(start), inner_start, true);
                        if dash < inner_start && self.bytes[dash] == b'-' {
                            inner_start = dash;
                        }
                    }
                    self.cursor = self.cursor.max(end);
                    let outer_start = if has_props { start.min(inner_start) } else { inner_start };
                    let parent_depth = stack.last().map_or(0, |f| f.depth);
                    let depth = parent_depth + 1 + usize::from(intrinsic.is_some());
                    if depth > MAX_DEPTH {
                        return Err(self.depth_error(outer_start));
                    }
                    self.count_node(outer_start)?;
                    if intrinsic.is_some() {
                        self.count_node(outer_start)?;
                    }
                    let container = if is_sequence {
                        Container::Sequence(Vec::new())
                    } else {
                        Container::Mapping {
                            entries: Vec::new(),
                            key: None,
                        }
                    };
                    stack.push(Frame {
                        container,
                        outer_start,
                        inner_start,
                        end: inner_start + usize::from(flow),
                        intrinsic,
                        depth,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = stack.pop() else {
                        return Err(self.error_at("unbalanced YAML collection end", start, end));
                    };
                    self.cursor = self.cursor.max(end);
                    // Flow collections end at their `]` / `}` (saphyr's span runs on over the
                    // blanks after it); block ones at their last child.
                    let closed = end > start && matches!(self.bytes[start], b']' | b'}');
                    let end = if closed { frame.end.max(start + 1) } else { frame.end };
                    let kind = match frame.container {
                        Container::Sequence(items) => NodeKind::Array(items),
                        Container::Mapping { mut entries, key } => {
                            if let Some(key) = key {
                                // A key without a value: not produced by saphyr, but keep it.
                                let at = key.span.end as usize;
                                entries.push((key, Node::new(self.span(at, at), NodeKind::Null)));
                            }
                            NodeKind::Object(entries)
                        }
                    };
                    let node = Node::new(self.span(frame.inner_start, end), kind);
                    let node = match frame.intrinsic {
                        Some(name) => wrap(name, self.span(frame.outer_start, end), node),
                        None => node,
                    };
                    if let Some(parent) = stack.last_mut().filter(|f| f.wants_key()) {
                        // A complex key (`? [a, b]`): its source text is the key.
                        let name = self.text.get(frame.outer_start..end).unwrap_or_default().to_string();
                        parent.end = parent.end.max(end);
                        if let Container::Mapping { key: slot, .. } = &mut parent.container {
                            *slot = Some(Key {
                                name,
                                span: self.span(frame.outer_start, end),
                            });
                        }
                        continue;
                    }
                    attach(&mut stack, &mut root, node);
                }
                Event::DocumentStart(_) => {
                    return Err(self.error_at("unexpected YAML document start", start, end));
                }
                Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            }
        }
    }

    /// Outer start (properties included), inner start and inner end of a scalar, in bytes.
    fn scalar_span(
        &self,
        start: usize,
        end: usize,
        style: ScalarStyle,
        has_props: bool,
        empty: bool,
    ) -> (usize, usize, usize) {
        let bytes = self.bytes;
        let content = if has_props {
            skip_properties(bytes, start, end)
        } else {
            start
        };
        let (inner_start, inner_end) = match style {
            ScalarStyle::Plain => {
                if has_props {
                    (content, end)
                } else if empty {
                    // An empty value: a point after its `:` (saphyr gives the `:` indicator or
                    // the next token as its span).
                    let at = if bytes.get(start) == Some(&b':') {
                        start + 1
                    } else {
                        start
                    };
                    (at, at)
                } else {
                    (start, end)
                }
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                // saphyr's span runs on over trailing blanks and a comment: stop at the closing quote.
                let quote = if style == ScalarStyle::SingleQuoted {
                    b'\''
                } else {
                    b'"'
                };
                if content < end && bytes[content] == quote {
                    (content, closing_quote(bytes, content, end, quote).unwrap_or(end))
                } else {
                    (content, end)
                }
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // saphyr's span starts at the first content line: move it back to the `|` / `>`.
                let (from, limit) = if has_props {
                    (content, end)
                } else {
                    (self.cursor.min(start), start)
                };
                let indicator = find_block_indicator(bytes, from, limit).unwrap_or(start.min(content));
                let mut inner_end = end.max(indicator);
                while inner_end > indicator + 1 && bytes[inner_end - 1].is_ascii_whitespace() {
                    inner_end -= 1;
                }
                (indicator, inner_end)
            }
        };
        let outer_start = if has_props { start.min(inner_start) } else { inner_start };
        (outer_start, inner_start, inner_end.max(inner_start))
    }

    fn scalar_node(
        &mut self,
        value: Cow<'a, str>,
        style: ScalarStyle,
        tag: TagKind,
        (outer_start, inner_start, inner_end): (usize, usize, usize),
        parent_depth: usize,
    ) -> Result<Node, ParseError> {
        let inner_span = self.span(inner_start, inner_end);
        self.count_node(inner_start)?;
        let kind = match &tag {
            TagKind::Intrinsic(_) | TagKind::NonSpecific => NodeKind::String(value.into_owned()),
            TagKind::Core(suffix) => match suffix.as_str() {
                "null" => NodeKind::Null,
                "bool" => match resolve_bool(&value) {
                    Some(b) => NodeKind::Bool(b),
                    None => NodeKind::String(value.into_owned()),
                },
                "int" | "float" if is_number(value.trim()) => NodeKind::Number(value.trim().to_string()),
                "str" | "binary" | "timestamp" | "int" | "float" => NodeKind::String(value.into_owned()),
                _ => resolve(value, style),
            },
            TagKind::None | TagKind::Other => resolve(value, style),
        };
        let TagKind::Intrinsic(name) = tag else {
            return Ok(Node::new(inner_span, kind));
        };
        if parent_depth + 1 > MAX_DEPTH {
            return Err(self.depth_error(outer_start));
        }
        self.count_node(outer_start)?;
        let mut argument = Node::new(inner_span, kind);
        if name == "Fn::GetAtt"
            && let NodeKind::String(s) = &argument.kind
            && let Some(dot) = s.find('.')
        {
            if parent_depth + 2 > MAX_DEPTH {
                return Err(self.depth_error(outer_start));
            }
            self.count_node(inner_start)?;
            self.count_node(inner_start)?;
            let (resource, attribute) = (s[..dot].to_string(), s[dot + 1..].to_string());
            // Point the items into the scalar when its source text is its value.
            let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
            let base = inner_start + usize::from(quoted);
            let raw_end = inner_end.saturating_sub(usize::from(quoted));
            let (first, second) = if self.text.get(base..raw_end) == Some(s.as_str()) {
                (self.span(base, base + dot), self.span(base + dot + 1, raw_end))
            } else {
                (inner_span, inner_span)
            };
            argument = Node::new(
                inner_span,
                NodeKind::Array(vec![
                    Node::new(first, NodeKind::String(resource)),
                    Node::new(second, NodeKind::String(attribute)),
                ]),
            );
        }
        Ok(wrap(name, self.span(outer_start, inner_end), argument))
    }
}

/// Add a finished node to the collection on top of the stack, or make it the root.
fn attach(stack: &mut [Frame], root: &mut Option<Node>, node: Node) {
    let Some(frame) = stack.last_mut() else {
        *root = Some(node);
        return;
    };
    frame.end = frame.end.max(node.span.end as usize);
    match &mut frame.container {
        Container::Sequence(items) => items.push(node),
        Container::Mapping { entries, key } => {
            // `wants_key` frames never get here, so the key is set.
            let key = key.take().unwrap_or_else(|| Key {
                name: String::new(),
                span: Span {
                    end: node.span.start,
                    ..node.span
                },
            });
            entries.push((key, node));
        }
    }
}

/// The long form `{name: node}`, with `span` on the mapping and its key.
fn wrap(name: String, span: Span, node: Node) -> Node {
    Node::new(span, NodeKind::Object(vec![(Key { name, span }, node)]))
}

/// The kind of an untagged scalar: plain scalars resolve, the other styles are strings.
fn resolve(value: Cow<'_, str>, style: ScalarStyle) -> NodeKind {
    if style != ScalarStyle::Plain {
        return NodeKind::String(value.into_owned());
    }
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        v => match resolve_bool(v) {
            Some(b) => NodeKind::Bool(b),
            None if is_number(v) => NodeKind::Number(value.into_owned()),
            None => NodeKind::String(value.into_owned()),
        },
    }
}

/// YAML 1.1 booleans, as CloudFormation reads them.
fn resolve_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// Integers (decimal, leading zeros allowed; `0x` hex; `0o` octal) and floats (`1.5`, `1.`, `.5`,
/// `1e3`, `.inf`, `.nan`), with an optional sign except on `.nan`.
fn is_number(value: &str) -> bool {
    if matches!(value, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let bytes = unsigned.as_bytes();
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits(0);
    let mut i = int_end;
    let mut mantissa_digits = int_end;
    if bytes.get(i) == Some(&b'.') {
        let frac_end = digits(i + 1);
        mantissa_digits += frac_end - (i + 1);
        i = frac_end;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_end = digits(i);
        if exp_end == i {
            return false;
        }
        i = exp_end;
    }
    i == bytes.len()
}

fn is_blank_or_break(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Skip blanks, line breaks and comments from `at`, stopping at `limit`; with `indicators`, also
/// skip the `:` and `?` indicators.
fn skip_trivia(bytes: &[u8], mut at: usize, limit: usize, indicators: bool) -> usize {
    let limit = limit.min(bytes.len());
    while at < limit {
        match bytes[at] {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b':' | b'?' if indicators => at += 1,
            b'#' => {
                while at < limit && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    at
}

/// Skip the node properties (tag, anchor) that start a node at `at`: the start of its content.
fn skip_properties(bytes: &[u8], mut at: usize, limit: usize) -> usize {
    let limit = limit.min(bytes.len());
    loop {
        at = skip_trivia(bytes, at, limit, false);
        if at >= limit || !matches!(bytes[at], b'!' | b'&') {
            return at;
        }
        if bytes[at] == b'!' && bytes.get(at + 1) == Some(&b'<') {
            // Verbatim tag `!<…>`.
            while at < limit && bytes[at] != b'>' {
                at += 1;
            }
            at = (at + 1).min(limit);
        } else {
            while at < limit && !is_blank_or_break(bytes[at]) && !matches!(bytes[at], b',' | b'[' | b']' | b'{' | b'}')
            {
                at += 1;
            }
        }
    }
}

/// The offset just past the quote closing the quoted scalar that opens at `open`.
fn closing_quote(bytes: &[u8], open: usize, limit: usize, quote: u8) -> Option<usize> {
    let limit = limit.min(bytes.len());
    let mut at = open + 1;
    while at < limit {
        let b = bytes[at];
        if quote == b'"' && b == b'\\' {
            at += 2;
        } else if b == quote {
            if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') {
                at += 2;
            } else {
                return Some(at + 1);
            }
        } else {
            at += 1;
        }
    }
    None
}

/// The `|` or `>` header of a block scalar between `from` and `limit` (inclusive), skipping the
/// indicators, properties and comments in front of it.
fn find_block_indicator(bytes: &[u8], from: usize, limit: usize) -> Option<usize> {
    let last = limit.min(bytes.len().saturating_sub(1));
    let mut at = from;
    while at <= last {
        let b = bytes[at];
        let at_boundary = at == from || is_blank_or_break(bytes[at - 1]);
        match b {
            b'|' | b'>' if at_boundary => return Some(at),
            b'#' if at_boundary => {
                while at <= last && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            _ => at += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(7);

    fn p(text: &str) -> Node {
        match parse(text, F) {
            Ok(node) => node,
            Err(e) => panic!("parse failed: {e:?}\n{text}"),
        }
    }

    fn err(text: &str) -> ParseError {
        match parse(text, F) {
            Ok(node) => panic!("expected an error, got {node:?}"),
            Err(e) => e,
        }
    }

    fn slice(text: &str, span: Span) -> &str {
        assert_eq!(span.file, F);
        &text[span.start as usize..span.end as usize]
    }

    fn key_names(node: &Node) -> Vec<&str> {
        node.as_object().unwrap().iter().map(|(k, _)| k.name.as_str()).collect()
    }

    /// Every span in the tree is inside the text, on character boundaries, and a parent's span
    /// contains its children's.
    fn check_spans(text: &str, node: &Node) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let (s, e) = (n.span.start as usize, n.span.end as usize);
            assert!(s <= e && e <= text.len(), "span {s}..{e} out of the text");
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            let children: Vec<&Node> = match &n.kind {
                NodeKind::Array(items) => items.iter().collect(),
                NodeKind::Object(entries) => {
                    for (k, _) in entries {
                        assert!(
                            k.span.start as usize >= s && k.span.end as usize <= e,
                            "key outside parent"
                        );
                    }
                    entries.iter().map(|(_, v)| v).collect()
                }
                _ => Vec::new(),
            };
            for c in children {
                assert!(
                    c.span.start as usize >= s && c.span.end as usize <= e,
                    "child {:?} outside parent {s}..{e}: {:?}",
                    c.span,
                    slice(text, c.span)
                );
                stack.push(c);
            }
        }
    }

    #[test]
    fn scalar_and_collection_spans_are_exact() {
        let text = "a: plain text  # comment\nb: \"dq\\\"x\"  # c\nc: 'sq''s' # c\nd: [1, {e: f}]\ng:\n  h: i\n  j:\n  - k\n  - l\n";
        let root = p(text);
        check_spans(text, &root);
        assert_eq!(slice(text, root.span), text.trim_end());
        let get = |k: &str| root.get(k).unwrap();
        assert_eq!(slice(text, get("a").span), "plain text");
        assert_eq!(slice(text, get("b").span), "\"dq\\\"x\"");
        assert_eq!(get("b").as_str(), Some("dq\"x"));
        assert_eq!(slice(text, get("c").span), "'sq''s'");
        assert_eq!(get("c").as_str(), Some("sq's"));
        assert_eq!(slice(text, get("d").span), "[1, {e: f}]");
        assert_eq!(slice(text, get("d").as_array().unwrap()[1].span), "{e: f}");
        assert_eq!(slice(text, get("g").span), "h: i\n  j:\n  - k\n  - l");
        assert_eq!(slice(text, get("g").get("j").unwrap().span), "- k\n  - l");
        let (k, _) = root.entry("b").unwrap();
        assert_eq!(slice(text, k.span), "b");
    }

    #[test]
    fn flow_collections_do_not_swallow_blanks() {
        let text = "A: !If [ C, x ]  \nB: [ 1 , {k: v}   \n ]   # c\nC: { \"a\" : [ 1 ]  }\n";
        let root = p(text);
        check_spans(text, &root);
        let a = root.get("A").unwrap();
        assert_eq!(slice(text, a.span), "!If [ C, x ]");
        assert_eq!(slice(text, a.as_intrinsic().unwrap().1.span), "[ C, x ]");
        let b = root.get("B").unwrap();
        assert_eq!(slice(text, b.span), "[ 1 , {k: v}   \n ]");
        assert_eq!(slice(text, b.as_array().unwrap()[0].span), "1");
        assert_eq!(slice(text, b.as_array().unwrap()[1].span), "{k: v}");
        let c = root.get("C").unwrap();
        assert_eq!(slice(text, c.span), "{ \"a\" : [ 1 ]  }");
        assert_eq!(slice(text, c.get("a").unwrap().span), "[ 1 ]");
    }

    #[test]
    fn indentless_sequence_starts_at_its_dash() {
        let text = "k:\n- # comment\n  x\n- - -1\n  - 2\n";
        let root = p(text);
        check_spans(text, &root);
        let k = root.get("k").unwrap();
        assert_eq!(slice(text, k.span), "- # comment\n  x\n- - -1\n  - 2");
        assert_eq!(slice(text, k.as_array().unwrap()[1].span), "- -1\n  - 2");
        assert_eq!(
            k.as_array().unwrap()[1].as_array().unwrap()[0].kind,
            NodeKind::Number("-1".into())
        );
    }

    #[test]
    fn quoted_keys_do_not_swallow_blanks() {
        let text = "\"a\" : b\n{\"x\" : 1, y}: z\n";
        let root = p(text);
        let entries = root.as_object().unwrap();
        assert_eq!(slice(text, entries[0].0.span), "\"a\"");
        assert_eq!(entries[1].0.name, "{\"x\" : 1, y}");
        assert_eq!(slice(text, entries[1].0.span), "{\"x\" : 1, y}");
    }

    #[test]
    fn block_scalars_span_from_indicator_to_last_content() {
        let text =
            "a: |\n  line 1\n  line 2\n\nb: >- # folded\n  f1\n  f2\nc: !Sub |\n  ${X}\nd: |+\n\n    keep\n\ne: |\n";
        let root = p(text);
        check_spans(text, &root);
        let get = |k: &str| root.get(k).unwrap();
        assert_eq!(slice(text, get("a").span), "|\n  line 1\n  line 2");
        assert_eq!(get("a").as_str(), Some("line 1\nline 2\n"));
        assert_eq!(slice(text, get("b").span), ">- # folded\n  f1\n  f2");
        assert_eq!(get("b").as_str(), Some("f1 f2"));
        let (name, arg) = get("c").as_intrinsic().unwrap();
        assert_eq!(name, "Fn::Sub");
        assert_eq!(slice(text, arg.span), "|\n  ${X}");
        assert_eq!(slice(text, get("c").span), "!Sub |\n  ${X}");
        assert_eq!(slice(text, get("d").span), "|+\n\n    keep");
        assert_eq!(get("d").as_str(), Some("\nkeep\n\n"));
        assert_eq!(slice(text, get("e").span), "|");
        assert_eq!(get("e").as_str(), Some(""));
    }

    #[test]
    fn empty_values_are_null_points() {
        let text = "a:\nb: # nothing\nc: 1\n";
        let root = p(text);
        check_spans(text, &root);
        let a = root.get("a").unwrap();
        assert_eq!(a.kind, NodeKind::Null);
        assert_eq!((a.span.start, a.span.end), (2, 2));
        let b = root.get("b").unwrap();
        assert_eq!(b.kind, NodeKind::Null);
        assert_eq!((b.span.start, b.span.end), (5, 5));
    }

    #[test]
    fn short_form_tags_on_scalars() {
        let text = "A: !Ref Bucket\nB: !Sub 'arn:${X}'\nC: !Condition IsProd\nD: !Base64 true\nE: !GetAZs ''\nF: !Ref\nG: !Foo 12\n";
        let root = p(text);
        check_spans(text, &root);
        let a = root.get("A").unwrap();
        let (name, arg) = a.as_intrinsic().unwrap();
        assert_eq!((name, arg.as_str()), ("Ref", Some("Bucket")));
        assert_eq!(slice(text, a.span), "!Ref Bucket");
        assert_eq!(a.as_object().unwrap()[0].0.span, a.span);
        assert_eq!(slice(text, arg.span), "Bucket");
        let b = root.get("B").unwrap();
        assert_eq!(b.as_intrinsic().unwrap().0, "Fn::Sub");
        assert_eq!(slice(text, b.as_intrinsic().unwrap().1.span), "'arn:${X}'");
        assert_eq!(root.get("C").unwrap().as_intrinsic().unwrap().0, "Condition");
        // Tagged scalars are strings, as CloudFormation constructs them.
        let (name, arg) = root.get("D").unwrap().as_intrinsic().unwrap();
        assert_eq!((name, arg.as_str()), ("Fn::Base64", Some("true")));
        assert_eq!(root.get("E").unwrap().as_intrinsic().unwrap().1.as_str(), Some(""));
        let f = root.get("F").unwrap();
        assert_eq!(slice(text, f.span), "!Ref");
        assert_eq!(f.as_intrinsic().unwrap().1.as_str(), Some(""));
        let (name, arg) = root.get("G").unwrap().as_intrinsic().unwrap();
        assert_eq!((name, arg.as_str()), ("Fn::Foo", Some("12")));
    }

    #[test]
    fn short_form_tags_on_collections() {
        let text = "A: !If [C, !Ref X, !Ref 'AWS::NoValue']\nB: !Sub\n  - '${A}-${B}'\n  - A: x\n    B: !GetAtt R.Arn\nC: !Transform\n  Name: T\nD: !Sub {}\n";
        let root = p(text);
        check_spans(text, &root);
        let a = root.get("A").unwrap();
        assert_eq!(slice(text, a.span), "!If [C, !Ref X, !Ref 'AWS::NoValue']");
        let (name, args) = a.as_intrinsic().unwrap();
        assert_eq!(name, "Fn::If");
        assert_eq!(slice(text, args.span), "[C, !Ref X, !Ref 'AWS::NoValue']");
        let items = args.as_array().unwrap();
        assert_eq!(slice(text, items[1].span), "!Ref X");
        assert_eq!(items[2].as_intrinsic().unwrap().1.as_str(), Some("AWS::NoValue"));
        let b = root.get("B").unwrap();
        let (name, args) = b.as_intrinsic().unwrap();
        assert_eq!(name, "Fn::Sub");
        assert_eq!(slice(text, args.span), "- '${A}-${B}'\n  - A: x\n    B: !GetAtt R.Arn");
        assert_eq!(
            slice(text, b.span),
            "!Sub\n  - '${A}-${B}'\n  - A: x\n    B: !GetAtt R.Arn"
        );
        let c = root.get("C").unwrap();
        assert_eq!(c.as_intrinsic().unwrap().0, "Fn::Transform");
        assert_eq!(slice(text, c.as_intrinsic().unwrap().1.span), "Name: T");
        let d = root.get("D").unwrap();
        assert_eq!(d.as_intrinsic().unwrap().1.as_object().map(<[_]>::len), Some(0));
        assert_eq!(slice(text, d.span), "!Sub {}");
    }

    #[test]
    fn getatt_scalar_splits_at_first_dot() {
        let text = "A: !GetAtt Res.Arn\nB: !GetAtt Res.Outputs.Url\nC: !GetAtt [Res, Arn]\nD: !GetAtt \"Q.Attr\"\nE: !GetAtt NoDot\n";
        let root = p(text);
        check_spans(text, &root);
        let a = root.get("A").unwrap();
        assert_eq!(slice(text, a.span), "!GetAtt Res.Arn");
        let (name, arg) = a.as_intrinsic().unwrap();
        assert_eq!(name, "Fn::GetAtt");
        assert_eq!(slice(text, arg.span), "Res.Arn");
        let items = arg.as_array().unwrap();
        assert_eq!((items[0].as_str(), items[1].as_str()), (Some("Res"), Some("Arn")));
        assert_eq!((slice(text, items[0].span), slice(text, items[1].span)), ("Res", "Arn"));
        let items = root.get("B").unwrap().as_intrinsic().unwrap().1.as_array().unwrap();
        assert_eq!(
            (items[0].as_str(), items[1].as_str()),
            (Some("Res"), Some("Outputs.Url"))
        );
        assert_eq!(slice(text, items[1].span), "Outputs.Url");
        let c = root.get("C").unwrap().as_intrinsic().unwrap().1;
        assert_eq!(slice(text, c.span), "[Res, Arn]");
        assert_eq!(c.as_array().unwrap().len(), 2);
        let d = root.get("D").unwrap().as_intrinsic().unwrap().1.as_array().unwrap();
        assert_eq!((slice(text, d[0].span), slice(text, d[1].span)), ("Q", "Attr"));
        assert_eq!(root.get("E").unwrap().as_intrinsic().unwrap().1.as_str(), Some("NoDot"));
    }

    #[test]
    fn core_tags_are_not_wrapped() {
        let text = "a: !!str 123\nb: !!int \"5\"\nc: !!bool 'yes'\nd: !!null ''\ne: !!float 1.5\nf: !!map {x: 1}\ng: !!seq [1]\nh: ! 12\ni: !!binary aGk=\nj: !!timestamp 2001-12-14\nk: !<tag:yaml.org,2002:str> 7\n";
        let root = p(text);
        check_spans(text, &root);
        let kind = |k: &str| root.get(k).unwrap().kind.clone();
        assert_eq!(kind("a"), NodeKind::String("123".into()));
        assert_eq!(kind("b"), NodeKind::Number("5".into()));
        assert_eq!(kind("c"), NodeKind::Bool(true));
        assert_eq!(kind("d"), NodeKind::Null);
        assert_eq!(kind("e"), NodeKind::Number("1.5".into()));
        assert!(matches!(kind("f"), NodeKind::Object(_)));
        assert!(matches!(kind("g"), NodeKind::Array(_)));
        assert_eq!(kind("h"), NodeKind::String("12".into()));
        assert_eq!(kind("i"), NodeKind::String("aGk=".into()));
        assert_eq!(kind("j"), NodeKind::String("2001-12-14".into()));
        assert_eq!(kind("k"), NodeKind::String("7".into()));
        assert_eq!(slice(text, root.get("a").unwrap().span), "123");
        assert_eq!(slice(text, root.get("b").unwrap().span), "\"5\"");
        assert_eq!(slice(text, root.get("f").unwrap().span), "{x: 1}");
    }

    #[test]
    fn plain_scalars_resolve_like_yaml_1_1() {
        let cases: &[(&str, NodeKind)] = &[
            ("null", NodeKind::Null),
            ("Null", NodeKind::Null),
            ("NULL", NodeKind::Null),
            ("~", NodeKind::Null),
            ("", NodeKind::Null),
            ("true", NodeKind::Bool(true)),
            ("True", NodeKind::Bool(true)),
            ("TRUE", NodeKind::Bool(true)),
            ("false", NodeKind::Bool(false)),
            ("False", NodeKind::Bool(false)),
            ("FALSE", NodeKind::Bool(false)),
            ("yes", NodeKind::Bool(true)),
            ("Yes", NodeKind::Bool(true)),
            ("YES", NodeKind::Bool(true)),
            ("no", NodeKind::Bool(false)),
            ("No", NodeKind::Bool(false)),
            ("NO", NodeKind::Bool(false)),
            ("on", NodeKind::Bool(true)),
            ("On", NodeKind::Bool(true)),
            ("ON", NodeKind::Bool(true)),
            ("off", NodeKind::Bool(false)),
            ("Off", NodeKind::Bool(false)),
            ("OFF", NodeKind::Bool(false)),
            ("123456789012", NodeKind::Number("123456789012".into())),
            ("012345678901", NodeKind::Number("012345678901".into())),
            ("-3", NodeKind::Number("-3".into())),
            ("+3", NodeKind::Number("+3".into())),
            ("1.5", NodeKind::Number("1.5".into())),
            ("1.", NodeKind::Number("1.".into())),
            (".5", NodeKind::Number(".5".into())),
            ("1e3", NodeKind::Number("1e3".into())),
            ("-1.5E-3", NodeKind::Number("-1.5E-3".into())),
            ("0x1F", NodeKind::Number("0x1F".into())),
            ("0o17", NodeKind::Number("0o17".into())),
            (".inf", NodeKind::Number(".inf".into())),
            ("-.Inf", NodeKind::Number("-.Inf".into())),
            (".nan", NodeKind::Number(".nan".into())),
            ("2012-10-17", NodeKind::String("2012-10-17".into())),
            ("2010-09-09", NodeKind::String("2010-09-09".into())),
            ("1.2.3", NodeKind::String("1.2.3".into())),
            ("0x", NodeKind::String("0x".into())),
            ("1e", NodeKind::String("1e".into())),
            (".", NodeKind::String(".".into())),
            ("-x", NodeKind::String("-x".into())),
            ("y", NodeKind::String("y".into())),
            ("nULL", NodeKind::String("nULL".into())),
            ("tRUE", NodeKind::String("tRUE".into())),
            ("1_000", NodeKind::String("1_000".into())),
            ("NaN", NodeKind::String("NaN".into())),
        ];
        for (src, want) in cases {
            let text = format!("v: {src}\n");
            assert_eq!(&p(&text).get("v").unwrap().kind, want, "plain {src:?}");
        }
        for quoted in ["'yes'", "\"123\"", "'null'", "\"true\"", "|\n  123", ">\n  no"] {
            let text = format!("v: {quoted}\n");
            assert!(
                matches!(p(&text).get("v").unwrap().kind, NodeKind::String(_)),
                "{quoted}"
            );
        }
    }

    #[test]
    fn keys_keep_source_text_and_order_and_duplicates() {
        let text = "b: 1\na: 2\nb: 3\nyes: x\n1.0: y\n~: z\n'q k': w\n";
        let root = p(text);
        assert_eq!(key_names(&root), ["b", "a", "b", "yes", "1.0", "~", "q k"]);
        assert_eq!(root.get("b").unwrap().kind, NodeKind::Number("3".into()));
        let entries = root.as_object().unwrap();
        assert_eq!(slice(text, entries[2].0.span), "b");
        assert_eq!(slice(text, entries[6].0.span), "'q k'");
    }

    #[test]
    fn complex_keys_become_their_source_text() {
        let text = "? [a, b]\n: v\n? |\n  lit\n: w\n!Ref k: x\n";
        let root = p(text);
        check_spans(text, &root);
        assert_eq!(key_names(&root), ["[a, b]", "lit\n", "k"]);
        assert_eq!(slice(text, root.as_object().unwrap()[1].0.span), "|\n  lit");
    }

    #[test]
    fn aliases_are_rejected_and_anchors_ignored() {
        let e = err("a: &x 1\nb: *x\n");
        assert_eq!(e.message, ALIAS_MESSAGE);
        assert_eq!(e.span.start, 11);
        assert_eq!(err("a: *nowhere\n").message, ALIAS_MESSAGE);
        let text = "a: &x 1\nb: &y [1]\nc: &z !Ref q\n";
        let root = p(text);
        assert_eq!(slice(text, root.get("a").unwrap().span), "1");
        assert_eq!(slice(text, root.get("b").unwrap().span), "[1]");
        let c = root.get("c").unwrap();
        assert_eq!(slice(text, c.span), "&z !Ref q");
        assert_eq!(slice(text, c.as_intrinsic().unwrap().1.span), "q");
    }

    /// `depth` nested block mappings: `k:\n k:\n  k: …` ending with the scalar `v`.
    fn nested_block(depth: usize) -> String {
        let mut text = String::new();
        for i in 0..depth {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        text.push_str(&" ".repeat(depth));
        text.push_str("v\n");
        text
    }

    #[test]
    fn depth_limit() {
        assert!(parse(&nested_block(MAX_DEPTH), F).is_ok());
        let e = parse(&nested_block(MAX_DEPTH + 1), F).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 256 levels");
        let line_start = nested_block(MAX_DEPTH).rfind("k:").unwrap() + 3;
        assert_eq!(e.span.start as usize, line_start + MAX_DEPTH);
        // Flow collections: saphyr itself stops at 255 levels.
        let ok = format!("{}{}", "[".repeat(255), "]".repeat(255));
        assert!(parse(&ok, F).is_ok());
        let too_deep = format!("{}{}", "[".repeat(256), "]".repeat(256));
        let e = parse(&too_deep, F).unwrap_err();
        assert_eq!(e.message, "flow collections nested deeper than 255 levels");
        assert_eq!(e.span.start, 255);
        let mixed = format!(
            "{}{}{}",
            nested_block(200).trim_end().trim_end_matches('v'),
            "[".repeat(56),
            "]".repeat(56)
        );
        assert!(parse(&mixed, F).is_ok(), "{:?}", parse(&mixed, F));
        let mixed = format!(
            "{}{}{}",
            nested_block(200).trim_end().trim_end_matches('v'),
            "[".repeat(57),
            "]".repeat(57)
        );
        assert_eq!(parse(&mixed, F).unwrap_err().message, "nesting deeper than 256 levels");
        // Short-form wrappers count as levels, as their long form does in JSON.
        let tagged = format!("{}x{}", "!If [".repeat(MAX_DEPTH / 2), "]".repeat(MAX_DEPTH / 2));
        assert!(parse(&tagged, F).is_ok());
        let tagged = format!(
            "{}x{}",
            "!If [".repeat(MAX_DEPTH / 2 + 1),
            "]".repeat(MAX_DEPTH / 2 + 1)
        );
        assert_eq!(parse(&tagged, F).unwrap_err().message, "nesting deeper than 256 levels");
    }

    #[test]
    fn million_brackets_fail_fast() {
        let start = std::time::Instant::now();
        for text in ["[".repeat(1_000_000), "{a: ".repeat(1_000_000)] {
            let e = parse(&text, F).unwrap_err();
            assert_eq!(e.message, "flow collections nested deeper than 255 levels");
        }
        let e = parse(&"- ".repeat(1_000_000), F).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 256 levels");
        let e = parse(&nested_block(1_000), F).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 256 levels");
        assert!(start.elapsed().as_secs() < 10);
    }

    #[test]
    fn multibyte_text_gives_byte_spans() {
        let text = "é: \"😀\"\nk: [é😀, x]\nm: !Sub 'ü ${A}'\nn: !GetAtt Ré.Arn\n";
        let root = p(text);
        check_spans(text, &root);
        assert_eq!(slice(text, root.as_object().unwrap()[0].0.span), "é");
        assert_eq!(slice(text, root.get("é").unwrap().span), "\"😀\"");
        let k = root.get("k").unwrap();
        assert_eq!(slice(text, k.span), "[é😀, x]");
        assert_eq!(slice(text, k.as_array().unwrap()[1].span), "x");
        assert_eq!(slice(text, root.get("m").unwrap().span), "!Sub 'ü ${A}'");
        let n = root.get("n").unwrap().as_intrinsic().unwrap().1.as_array().unwrap();
        assert_eq!((slice(text, n[0].span), slice(text, n[1].span)), ("Ré", "Arn"));
    }

    #[test]
    fn char_offsets_match_char_indices() {
        let text = "aé😀b\u{10FFFF}xyz".repeat(7);
        let offsets = CharOffsets::new(&text);
        for (i, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(i), b);
        }
        let n = text.chars().count();
        assert_eq!(offsets.byte(n), text.len());
        assert_eq!(offsets.byte(n + 100), text.len());
    }

    #[test]
    fn bom_crlf_and_tabs() {
        let text = "\u{feff}a: 1\r\nb:\t'x' \t# c\r\nc:\r\n  - \"é\"\r\n";
        let root = p(text);
        check_spans(text, &root);
        assert_eq!(slice(text, root.as_object().unwrap()[0].0.span), "a");
        assert_eq!(slice(text, root.get("b").unwrap().span), "'x'");
        assert_eq!(slice(text, root.get("c").unwrap().as_array().unwrap()[0].span), "\"é\"");
        assert_eq!(p("\u{feff}").kind, NodeKind::Null);
    }

    #[test]
    fn documents() {
        assert_eq!(p("").span, Span::new(F, 0, 0));
        assert_eq!(p("# only a comment\n").kind, NodeKind::Null);
        assert_eq!(parse_all("", F).unwrap().len(), 0);
        let text = "a: 1\n---\nb: 2\n...\n--- [3]\n";
        assert_eq!(key_names(&p(text)), ["a"]);
        let docs = parse_all(text, F).unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(key_names(&docs[1]), ["b"]);
        assert_eq!(slice(text, docs[2].span), "[3]");
        assert_eq!(p("---\n").kind, NodeKind::Null);
        assert_eq!(p("--- text\n").as_str(), Some("text"));
    }

    #[test]
    fn errors_have_messages_and_positions() {
        let e = err("a: 'unterminated\n");
        assert!(!e.message.is_empty());
        let e = err("a: [1, 2\n");
        assert!(e.message.contains("flow sequence") || !e.message.is_empty());
        let e = err("é: x\n\tb: y\n");
        assert!(e.span.end as usize <= "é: x\n\tb: y\n".len());
        // No " at byte … line … column …" duplication: we print locations ourselves.
        assert!(!e.message.contains(" line "));
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let inputs = [
            "!Ref",
            "!Sub {}",
            "!Sub",
            "a: !Ref\nb: !GetAtt\n",
            "!GetAtt .",
            "!GetAtt a.",
            "\u{0}\u{1}\u{7f}",
            "a: \"\\x\"",
            "? ? ? a",
            "- - - ",
            "{a: [}, ]",
            "&a",
            "!!",
            "!<>",
            "%TAG !e! tag:e,2000:\n--- !e!x 1\n",
            "%YAML 1.1\n--- a\n",
            "--- |\n  x\n--- >\n",
            "a: |\n\tx\n",
            "\u{feff}\u{feff}a: 1",
            "a: 1\n\u{feff}b: 2",
            "[a, b]: c",
            "\"",
            "'",
            "a: b: c",
            ":",
            "- :",
            "? :",
            "[:]",
            "{:}",
            "*a",
            "a: !Ref &x",
            "... \n...",
            "\r\r\r",
            "a:\r b",
        ];
        for input in inputs {
            if let Ok(node) = parse(input, F) {
                check_spans(input, &node);
            }
            let _ = parse_all(input, F);
        }
    }
}
