//! Reading and classifying: each discovered file is read, checked (size cap, UTF-8), recognised
//! by name and content, and parsed ([`crate::scan`] calls it for the files of each scope, in
//! parallel); a panic in one file's parser is caught and becomes that file's CT000 finding.
//!
//! - `.tf` → Terraform (HCL); `.tf.json` → Terraform (JSON syntax);
//! - YAML/JSON with `AWSTemplateFormatVersion` or a `Resources` map of `AWS::…` types →
//!   CloudFormation;
//! - JSON with `format_version` and `planned_values` → a Terraform plan;
//! - JSON with `Statement` → a standalone policy document;
//! - `terraform.tfvars`, `*.auto.tfvars(.json)` → parsed for CT000s only (values are read with
//!   their module);
//! - anything else is skipped silently, unless it was named on the command line.

use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use hcl_edit::structure::Body;

use crate::discover::Input;
use crate::parse::{self, Node, NodeKind, ParseError};
use crate::source::{FileId, SourceFile, Span, display_path};

/// Default cap on the size of one input file (docs/limits.md#file-size).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The largest cap `--max-file-size` accepts: spans are 32-bit byte offsets.
pub const MAX_FILE_SIZE_LIMIT: u64 = u32::MAX as u64;

#[derive(Debug)]
pub enum Parsed {
    TerraformHcl(Body),
    TerraformJson(Node),
    CloudFormation(Node),
    Plan(Node),
    Policy(Node),
    /// Not a file ctlint reads.
    Ignored,
    /// Recognised as ours but unreadable: a CT000 finding.
    Failed(ParseError),
}

/// Read, classify and parse one input. A panic in a parser becomes this file's parse error.
pub fn read_and_parse(input: &Input, id: FileId, base: &Path, max_size: u64) -> (SourceFile, Parsed) {
    let display = display_path(&input.path, base);
    let (text, parsed) = read(input, id, max_size);
    let parsed = match parsed {
        Some(p) => p,
        None => std::panic::catch_unwind(AssertUnwindSafe(|| classify(&input.path, &text, id, input.explicit)))
            .unwrap_or_else(|_| {
                Parsed::Failed(ParseError::new(
                    "internal error: the parser panicked on this file (please report it)",
                    Span::new(id, 0, 0),
                ))
            }),
    };
    (SourceFile::new(input.path.clone(), display, text), parsed)
}

/// Read a file; returns the text to keep and, when it cannot be used, the failure.
fn read(input: &Input, id: FileId, max_size: u64) -> (Arc<str>, Option<Parsed>) {
    let at_start = Span::new(id, 0, 0);
    let failed = |message: String| (Arc::from(""), Some(Parsed::Failed(ParseError::new(message, at_start))));
    // One open: the size is taken from the handle that is then read, so a file cannot grow
    // past the limit between the check and the read.
    let bytes = match std::fs::File::open(&input.path).and_then(|file| {
        let len = file.metadata()?.len();
        if len > max_size {
            return Ok(Err(len));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(max_size.saturating_add(1)).read_to_end(&mut bytes)?;
        Ok(if bytes.len() as u64 > max_size {
            Err(bytes.len() as u64)
        } else {
            Ok(bytes)
        })
    }) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(len)) => {
            return failed(format!(
                "file is {len} bytes, larger than the {max_size} byte limit; it was not read (raise it with --max-file-size)"
            ));
        }
        Err(e) => return failed(format!("cannot read file: {e}")),
    };
    match String::from_utf8(bytes) {
        Ok(text) => (Arc::from(text), None),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Only an error for files we would have read; a binary `.json` elsewhere is skipped.
            let ours = input.explicit || crate::discover::is_terraform(&input.path) || looks_like_ours(&lossy);
            let parsed = if ours {
                Parsed::Failed(ParseError::new(
                    format!("file is not valid UTF-8 (first invalid byte at offset {offset})"),
                    Span::new(id, offset, offset),
                ))
            } else {
                Parsed::Ignored
            };
            (Arc::from(lossy), Some(parsed))
        }
    }
}

/// Markers of CloudFormation templates, plans and policy documents, checked on the raw text
/// before paying for a parse: most YAML in a repository (CI, Kubernetes, Helm) is none of ours.
fn looks_like_ours(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text.contains("Resources")
        || text.contains("Statement")
        || text.contains("planned_values")
}

fn classify(path: &Path, text: &str, id: FileId, explicit: bool) -> Parsed {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if name.ends_with(".tf") {
        return match parse::hcl::parse(text, id) {
            Ok(body) => Parsed::TerraformHcl(body),
            Err(e) => Parsed::Failed(e),
        };
    }
    // The variables files Terraform loads by itself change verdicts: one that does not parse
    // is a CT000. Their values are read with the module (`auto_tfvars`).
    if crate::adapt::terraform::is_auto_tfvars(&name) {
        let parsed = if name.ends_with(".json") {
            parse::json::parse(text, id).map(|_| ())
        } else {
            parse::hcl::parse(text, id).map(|_| ())
        };
        return match parsed {
            Ok(()) => Parsed::Ignored,
            Err(e) => Parsed::Failed(e),
        };
    }
    if name.ends_with(".tf.json") {
        return match parse::json::parse(text, id) {
            Ok(node) => Parsed::TerraformJson(node),
            Err(e) => Parsed::Failed(e),
        };
    }
    if !explicit && !looks_like_ours(text) {
        return Parsed::Ignored;
    }
    let json = name.ends_with(".json") || text.trim_start_matches('\u{feff}').trim_start().starts_with('{');
    let result = if json {
        parse::json::parse(text, id)
    } else {
        parse::yaml::parse(text, id)
    };
    match result {
        Ok(node) => recognise(node, explicit, json),
        // A broken file is only our business if it claims to be a template or policy.
        Err(e) if explicit || claims_to_be_ours(text) => Parsed::Failed(e),
        Err(_) => Parsed::Ignored,
    }
}

fn claims_to_be_ours(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text.lines().any(|l| l.starts_with("Resources:"))
        || has_json_key(text, "Resources")
        || has_json_key(text, "Statement")
}

/// Does `"key"` appear followed by a colon, as a JSON object key?
fn has_json_key(text: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .any(|(i, _)| text[i + quoted.len()..].trim_start().starts_with(':'))
}

fn recognise(node: Node, explicit: bool, json: bool) -> Parsed {
    if is_cloudformation(&node) {
        Parsed::CloudFormation(node)
    } else if json && node.get("format_version").is_some() && node.get("planned_values").is_some() {
        match crate::adapt::plan::check(&node) {
            Ok(()) => Parsed::Plan(node),
            Err(e) => Parsed::Failed(e),
        }
    } else if json && node.get("Statement").is_some() {
        Parsed::Policy(node)
    } else if explicit && node.get("Resources").is_some() {
        // Named on the command line and shaped like a template: read it as one.
        Parsed::CloudFormation(node)
    } else {
        Parsed::Ignored
    }
}

pub fn is_cloudformation(node: &Node) -> bool {
    if node.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let Some(NodeKind::Object(resources)) = node.get("Resources").map(|n| &n.kind) else {
        return false;
    };
    // `AWS::…`, `Custom::…`, registry types (`Org::Service::Type`) and modules (`…::MODULE`); or
    // an empty `Resources` beside other template sections.
    resources
        .iter()
        .any(|(_, r)| r.get("Type").and_then(Node::as_str).is_some_and(|t| t.contains("::")))
        || (resources.is_empty()
            && [
                "Parameters",
                "Outputs",
                "Conditions",
                "Mappings",
                "Transform",
                "Description",
            ]
            .iter()
            .any(|k| node.get(k).is_some()))
}
