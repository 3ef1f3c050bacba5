//! One type for every problem that is not a finding: a configuration or rule file that does not
//! load, a path that cannot be read, an invalid suppression comment, a baseline that cannot be
//! read, a bad command-line value.
//!
//! A [`Diagnostic`] is located (file, 1-based line and column; the start of the file when the
//! problem is the whole file) and says one thing. Every renderer prints it the same way, and the
//! command line prints it as `file:line:column: message` (just the message when it is about the
//! command line itself). Parse errors of input files are not diagnostics but CT000 findings, so
//! that they can be filtered, baselined and uploaded like any other result (docs/verdicts.md).

use std::fmt;

use crate::source::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as shown to the user; empty for the command line.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Diagnostic {
    /// A problem with a whole file (unreadable, the wrong shape): located at its start.
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: 1,
            column: 1,
            message: message.into(),
        }
    }

    /// A problem at a byte offset of a text (a configuration or rule file).
    pub fn at_offset(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Diagnostic {
        let source = SourceFile::new(file.into(), file.into(), text.into());
        let at = source.position(offset.min(text.len()) as u32);
        Diagnostic {
            file: file.to_string(),
            line: at.line,
            column: at.column,
            message: message.into(),
        }
    }

    /// A problem with the command line (a flag's value), which has no file.
    pub fn cli(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: String::new(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    /// The same problem, located at the start of `file` (when the message came from a parser
    /// that does not know which file it read).
    pub fn with_file(mut self, file: impl Into<String>) -> Diagnostic {
        if self.file.is_empty() {
            self.file = file.into();
            self.line = self.line.max(1);
            self.column = self.column.max(1);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let d = Diagnostic::at_offset("c.yaml", "a: 1\nbé: 2\n", 9, "bad");
        assert_eq!((d.line, d.column), (2, 4));
        assert_eq!(d.to_string(), "c.yaml:2:4: bad");
    }

    #[test]
    fn command_line_problems_have_no_location() {
        let d = Diagnostic::cli("--var `x`: expected NAME=VALUE");
        assert_eq!(d.to_string(), "--var `x`: expected NAME=VALUE");
        assert_eq!(
            d.with_file("vars.tfvars").to_string(),
            "vars.tfvars:1:1: --var `x`: expected NAME=VALUE"
        );
    }
}
