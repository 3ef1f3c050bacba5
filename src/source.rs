//! Source files and spans.
//!
//! Every node the parsers produce and every value in the model carries a [`Span`]: a file and a
//! byte range. Lines and columns are computed only when a finding is rendered, from the file's
//! line index, so the hot path never counts lines.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use line_index::{LineIndex, TextSize, WideEncoding};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file. `start == end` marks a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end.max(start)),
        }
    }

    /// The span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Shift by `base` bytes: for text parsed out of a larger file (heredocs, JSON strings).
    pub fn shifted(self, base: u32) -> Span {
        Span {
            file: self.file,
            start: self.start.saturating_add(base),
            end: self.end.saturating_add(base),
        }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A position for humans: 1-based line, 1-based column counted in characters, and the column
/// counted in UTF-16 code units (what SARIF consumers expect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

/// One input file: its path as given (relative to the working directory when possible) and its
/// text. The text is shared with renderers without copying.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as shown in reports: relative to the working directory, `/`-separated.
    pub display: String,
    pub text: Arc<str>,
    index: LineIndex,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: Arc<str>) -> SourceFile {
        let index = LineIndex::new(&text);
        SourceFile {
            path,
            display,
            text,
            index,
        }
    }

    /// Line and column of a byte offset; offsets past the end clamp to the end, offsets inside a
    /// UTF-8 sequence move back to its start.
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let lc = self.index.line_col(TextSize::from(offset as u32));
        let line_start = offset - lc.col as usize;
        let mut column = self.text[line_start..offset].chars().count() as u32 + 1;
        let mut column_utf16 = self
            .index
            .to_wide(WideEncoding::Utf16, lc)
            .map_or(column, |w| w.col + 1);
        // A byte order mark is not a column in any format, as editors do not show it.
        if line_start == 0 && offset > 0 && self.text.starts_with('\u{feff}') {
            column -= 1;
            column_utf16 -= 1;
        }
        Position {
            line: lc.line + 1,
            column,
            column_utf16,
        }
    }

    /// The end position of a span: the position of its last byte's successor, but never on the
    /// next line when the span ends with a newline.
    pub fn end_position(&self, span: Span) -> Position {
        let mut end = span.end;
        if end > span.start && self.text.as_bytes().get(end as usize - 1) == Some(&b'\n') {
            end -= 1;
        }
        self.position(end)
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.text.len() as u32);
        self.index.line_col(TextSize::from(offset)).line
    }

    /// How many lines the file has (a last line without a line break counts).
    pub fn line_count(&self) -> u32 {
        self.line_of(self.text.len() as u32) + 1
    }

    /// The byte range of a 0-based line, without its line break (`\n` or `\r\n`).
    pub fn line_range(&self, line: u32) -> (usize, usize) {
        match self.index.line(line) {
            Some(r) => {
                let (start, mut end) = (usize::from(r.start()), usize::from(r.end()));
                let bytes = self.text.as_bytes();
                if end > start && bytes.get(end - 1) == Some(&b'\n') {
                    end -= 1;
                }
                if end > start && bytes.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
                (start, end)
            }
            None => (self.text.len(), self.text.len()),
        }
    }

    /// The text of one 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1) as usize)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or("")
    }
}

/// All files of one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Arc::new(file));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(|i| FileId(i as u32))
    }
}

/// A path as shown to users: relative to `base` when inside it, with `/` separators, and `.`
/// and `..` resolved lexically, so that however a path was typed, a file shows (and is
/// fingerprinted) the same way.
pub fn display_path(path: &Path, base: &Path) -> String {
    let path = normalize(path);
    let rel = path.strip_prefix(base).unwrap_or(&path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".to_string() } else { s }
}

/// Remove `.` components and fold `name/..` pairs without touching the file system (symlinks
/// are not resolved; a leading `..` stays).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t".into(), "t".into(), Arc::from(text))
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = file("ab\né😀x\n");
        assert_eq!(f.position(0).line, 1);
        assert_eq!(f.position(0).column, 1);
        let x = f.text.find('x').unwrap() as u32;
        let p = f.position(x);
        assert_eq!((p.line, p.column, p.column_utf16), (2, 3, 4));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let f = file("\u{feff}ab\nc");
        let p = f.position(4);
        assert_eq!((p.line, p.column, p.column_utf16), (1, 2, 2));
        assert_eq!(f.position(0).column, 1);
        assert_eq!(f.position(3).column, 1);
        assert_eq!(f.position(6).column, 1);
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let f = file("ab");
        assert_eq!(f.position(99).column, 3);
    }

    #[test]
    fn display_paths_are_normalised() {
        let base = Path::new("/repo");
        assert_eq!(
            display_path(Path::new("./examples/../examples/a.tf"), Path::new("")),
            "examples/a.tf"
        );
        assert_eq!(display_path(Path::new("/repo/infra/./main.tf"), base), "infra/main.tf");
        assert_eq!(display_path(Path::new("../other/x.tf"), base), "../other/x.tf");
        assert_eq!(display_path(Path::new("."), base), ".");
    }

    #[test]
    fn end_position_stays_on_the_line() {
        let f = file("abc\ndef\n");
        let p = f.end_position(Span::new(FileId(0), 0, 4));
        assert_eq!((p.line, p.column), (1, 4));
    }
}

/// The file an expression comes from, while its parse tree is alive: its id and text, for spans
/// relative to an embedded document (a heredoc, a `file()`), and snippets in messages.
#[derive(Debug, Clone, Copy)]
pub struct Src<'a> {
    pub file: FileId,
    pub text: &'a str,
}

impl<'a> Src<'a> {
    pub fn span(&self, range: Option<std::ops::Range<usize>>, base: u32) -> Span {
        match range {
            Some(r) => Span::new(self.file, r.start, r.end).shifted(base),
            None => Span::new(self.file, base as usize, base as usize),
        }
    }

    /// The source text of a span, shortened for messages.
    pub fn snippet(&self, span: Span) -> String {
        let s = self
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
            .trim();
        let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            let cut: String = one_line.chars().take(77).collect();
            format!("{cut}...")
        } else {
            one_line
        }
    }
}
