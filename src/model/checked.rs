//! Resource blocks checked against their type's schema (CT901 unknown-attribute).
//!
//! The adapters compare every attribute, nested block and property that a resource of a type they
//! read writes with the names of that type ([`crate::adapt::names`]), as written and before any
//! evaluation, once per block however many instances it expands to. What they find is kept in the
//! model: CT901 reports it, and a rule that finds a field unset names the misspelling that left
//! it so ([`crate::rules::eval`]).

use crate::source::Span;

/// One resource block or CloudFormation resource of a type whose names are known.
#[derive(Debug, Clone)]
pub struct CheckedBlock {
    pub format: super::Format,
    /// `aws_cloudtrail`, `AWS::CloudTrail::Trail`.
    pub type_name: String,
    /// Its address (the first module instance's, for a block in a module).
    pub address: String,
    /// The block header or logical ID.
    pub header: Span,
    /// The header of the model resource whose fields it sets: its own, or the bucket, key or role
    /// a split resource folds into; `None` when that resource is not in the scan.
    pub owner: Option<Span>,
    pub unknown: Vec<UnknownAttribute>,
}

/// A name its block does not accept.
#[derive(Debug, Clone)]
pub struct UnknownAttribute {
    /// As written: `KmsKeyId`, `read_write_typ`.
    pub name: String,
    /// The key (or the label of a `dynamic` block).
    pub span: Span,
    /// Where it is, as the format spells it: `EventSelectors[0].ReadWriteTyp`; the finding's
    /// attribute, so part of its fingerprint.
    pub path: String,
    /// The names of its enclosing blocks as written, outermost first (`EventSelectors`), without
    /// list indices: empty at the top level; `None` for a key of a CloudFormation resource
    /// itself, beside `Type` and `Properties`.
    pub within: Option<Vec<String>>,
    /// What it is not, for messages: "a property of `EventSelectors` in `AWS::CloudTrail::Trail`".
    pub what: String,
    /// The valid name it most likely stands for.
    pub suggestion: Option<&'static str>,
    /// The schema has the name, but it cannot be set: a Terraform computed-only attribute.
    pub read_only: bool,
    /// The suggested name is written beside it too.
    pub beside: bool,
}

impl UnknownAttribute {
    /// The one-line statement of the problem.
    pub fn message(&self) -> String {
        if self.read_only {
            return format!(
                "`{}` is computed by the provider and cannot be set: it is not {}",
                self.name, self.what
            );
        }
        match self.suggestion {
            Some(s) => format!("`{}` is not {}; did you mean `{s}`?", self.name, self.what),
            None => format!("`{}` is not {}", self.name, self.what),
        }
    }

    /// Is it likely a misspelling that leaves unset the field the format spells `within` +
    /// `name`: that name itself, or the `Properties` of the resource?
    pub fn stands_for(&self, within: &[&str], name: &str) -> bool {
        if self.read_only {
            return false;
        }
        match &self.within {
            None => self.suggestion == Some("Properties"),
            Some(w) => {
                self.suggestion == Some(name) && w.len() == within.len() && w.iter().zip(within).all(|(a, b)| a == b)
            }
        }
    }
}
