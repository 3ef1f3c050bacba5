//! Renderers: a [`Report`] as text. Each format is one file; all of them compute lines and
//! columns from spans here, so every format points at the same place.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::str::FromStr;

use crate::Report;
use crate::source::{SourceMap, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Compact,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Ok(match s {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "github" => Format::Github,
            "compact" => Format::Compact,
            _ => {
                return Err(format!(
                    "unknown format `{s}` (expected human, json, sarif, junit, github or compact)"
                ));
            }
        })
    }
}

/// How human output looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn render(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Github => github::render(report),
        Format::Compact => compact::render(report),
    }
}

/// A span as a range of 1-based lines and columns (columns in characters).
#[derive(Debug, Clone)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The same columns in UTF-16 code units, for SARIF.
    pub column_utf16: u32,
    pub end_column_utf16: u32,
}

pub fn loc(sources: &SourceMap, span: Span) -> Loc {
    let file = sources.get(span.file);
    let start = file.position(span.start);
    let end = file.end_position(span);
    Loc {
        file: file.display.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        column_utf16: start.column_utf16,
        end_column_utf16: end.column_utf16,
    }
}
