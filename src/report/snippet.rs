//! The excerpt of a file that the human renderer shows for a group of labels.
//!
//! miette is handed the few lines around the labels instead of the whole file, for two reasons.
//! It finds lines by scanning its source from the start, so handing it a whole file made every
//! finding cost the file's size (4,000 findings in one 438 KB file took 25 s). And it pads with
//! `{:width$}`, whose width must fit in 16 bits, so a label past column 65,535 (a minified JSON
//! template) panicked. Here long lines are clipped to a window around their labels (marked with
//! `…`), and the excerpt keeps the file's own line numbers and character columns.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{SourceFile, Span};

/// Lines longer than this many characters are clipped.
const MAX_LINE: usize = 200;
/// Characters kept before the first and after the last label on a clipped line.
const MARGIN: usize = 60;
const ELLIPSIS: char = '…';

/// An excerpt: lines `first_line..` of a file (0-based), each possibly clipped.
pub struct Snippet {
    name: String,
    text: String,
    first_line: u32,
    /// Per excerpt line: its byte offset in `text`, the character column of the file line it
    /// starts at (0 unless clipped), and whether an ellipsis was put in front.
    lines: Vec<(usize, usize, bool)>,
}

impl Snippet {
    /// The excerpt of `file` that shows `spans` (all in `file`) with `context` lines around them,
    /// and each span's offset and length in the excerpt.
    pub fn new(file: &SourceFile, spans: &[Span], context: u32) -> (Snippet, Vec<(usize, usize)>) {
        let first = spans.iter().map(|s| file.line_of(s.start)).min().unwrap_or(0);
        let last = spans.iter().map(|s| file.line_of(s.end)).max().unwrap_or(0);
        let first_line = first.saturating_sub(context);
        let last_line = (last + context).min(file.line_count().saturating_sub(1));
        let mut text = String::new();
        let mut lines = Vec::new();
        // Per file line: (file byte offset of the line, kept char range, excerpt byte offset).
        let mut kept: Vec<(usize, usize, usize, bool)> = Vec::new();
        for line in first_line..=last_line {
            let (mut start, end) = file.line_range(line);
            // A byte order mark is not text: not shown, and not a column.
            if start == 0 && file.text.starts_with('\u{feff}') {
                start = '\u{feff}'.len_utf8().min(end);
            }
            let line_text = &file.text[start..end];
            let n = line_text.chars().count();
            let (from, to) = if n <= MAX_LINE {
                (0, n)
            } else {
                // The window around the labels on this line.
                let cols: Vec<usize> = spans
                    .iter()
                    .flat_map(|s| [s.start as usize, s.end as usize])
                    .filter(|o| (start..=end).contains(o))
                    .map(|o| line_text[..o - start].chars().count())
                    .collect();
                let lo = cols.iter().min().copied().unwrap_or(0).saturating_sub(MARGIN);
                let hi = (cols.iter().max().copied().unwrap_or(0) + MARGIN).min(n);
                (lo, hi.min(lo + MAX_LINE.max(2 * MARGIN)).max(lo))
            };
            let offset = text.len();
            let prefix = from > 0;
            if prefix {
                text.push(ELLIPSIS);
            }
            text.extend(line_text.chars().skip(from).take(to - from));
            if to < n {
                text.push(ELLIPSIS);
            }
            text.push('\n');
            lines.push((offset, from, prefix));
            kept.push((start, from, to, prefix));
        }
        let snippet = Snippet {
            name: file.display.clone(),
            text,
            first_line,
            lines,
        };
        let remap = |o: usize| -> usize {
            let line = file.line_of(o as u32);
            let i = (line.saturating_sub(first_line) as usize).min(kept.len().saturating_sub(1));
            let Some(&(start, from, to, prefix)) = kept.get(i) else {
                return 0;
            };
            let col = file.text[start..o.max(start).min(file.text.len())].chars().count();
            let col = col.clamp(from, to) - from + usize::from(prefix);
            let line_start = snippet.lines[i].0;
            let line_text = &snippet.text[line_start..];
            line_start + line_text.char_indices().nth(col).map_or(line_text.len(), |(b, _)| b)
        };
        let mapped = spans
            .iter()
            .map(|s| {
                let a = remap(s.start as usize);
                let b = remap(s.end as usize).max(a);
                (a, b - a)
            })
            .collect();
        (snippet, mapped)
    }

    /// The file's character column (0-based) of a byte offset into the excerpt.
    fn column(&self, line: usize, byte: usize) -> usize {
        let Some(&(start, from, prefix)) = self.lines.get(line) else {
            return byte;
        };
        let chars = self.text.get(start..byte.max(start)).map_or(0, |s| s.chars().count());
        chars.saturating_sub(usize::from(prefix)) + from
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .as_str()
            .read_span(span, context_lines_before, context_lines_after)?;
        let line = inner.line();
        // The header (`[file:line:col]`) reads the column of a span asked with no context: give
        // it the file's column, in characters as every other format counts.
        let column = if context_lines_before == 0 {
            self.column(line, span.offset())
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line + self.first_line as usize,
            column,
            inner.line_count(),
        )))
    }
}
