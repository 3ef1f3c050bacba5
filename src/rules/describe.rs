//! Values in words, for messages: "`is_multi_region_trail` is false", "`is_multi_region_trail` is
//! not set and defaults to false", "`kms_key_id` is `var.key`, which cannot be resolved: …".
//!
//! Written values are quoted as the user wrote them (so `versioning { enabled = false }` reads as
//! `enabled` is false even though the model stores a status), followed by what they evaluate to
//! when that differs.

use crate::model::{Origin, V, Val, Via, ViaKind};
use crate::resolve::Resolver;
use crate::source::{SourceMap, Span};

pub fn state(v: Option<&Val>, fallback_name: &str, sources: &SourceMap) -> String {
    state_expanded(v, fallback_name, sources, None)
}

/// Like [`state`], showing symbolic values expanded (`<aws_s3_bucket.logs.arn>` becomes
/// `arn:<partition>:s3:::org-logs`).
pub fn state_expanded(
    v: Option<&Val>,
    fallback_name: &str,
    sources: &SourceMap,
    resolver: Option<&Resolver<'_>>,
) -> String {
    let Some(v) = v else {
        return format!("`{fallback_name}` is not set");
    };
    let name = if v.source.is_empty() { fallback_name } else { v.source };
    let snippet = snippet(v, sources);
    match v.origin {
        Origin::Defaulted => return format!("`{name}` is not set and defaults to {v}"),
        Origin::NullDefaulted => {
            let shown = snippet.unwrap_or_else(|| "null".into());
            return format!("`{name}` is `{shown}`, which leaves it unset, so it defaults to {v}");
        }
        Origin::Written => {}
    }
    if let Some(u) = v.unknown_info() {
        let shown = snippet.unwrap_or_else(|| u.expr.clone());
        return format!("`{name}` is `{shown}`, which cannot be resolved: {}", u.reason);
    }
    if v.is_null() {
        return match snippet {
            Some(s) if s != "null" => format!("`{name}` is `{s}`, which leaves it unset"),
            _ => format!("`{name}` is null, so it is not set"),
        };
    }
    let value = match (&v.v, resolver) {
        (V::Text(t), Some(r)) => format!("\"{}\"", r.expand(t)),
        _ => v.to_string(),
    };
    if let Some(via) = v.via.as_deref().filter(|via| !via.expr.is_empty()) {
        let shown = snippet.unwrap_or_else(|| via.expr.clone());
        return format!("`{name}` is `{shown}`, {}", origin(via, &value, sources));
    }
    match snippet {
        Some(s) if unquote(&s) != unquote(&value) => format!("`{name}` is `{s}`, which is {value}"),
        _ => format!("`{name}` is {value}"),
    }
}

/// Where a value that came through `via` is set, in words: "default false at variables.tf:12",
/// "30 from terraform.tfvars", "set at locals.tf:3 to `var.days`, default 30 at …".
pub fn origin(via: &Via, value: &str, sources: &SourceMap) -> String {
    let at = at(via.span, sources);
    match (&via.kind, &via.next) {
        (ViaKind::Local, Some(next)) => {
            let set = at.map_or_else(String::new, |a| format!("set at {a} to "));
            format!("{set}`{}`, {}", next.expr, origin(next, value, sources))
        }
        (ViaKind::Local, None) => match at {
            Some(a) => format!("which is {value}, set at {a}"),
            None => format!("which is {value}"),
        },
        (ViaKind::VariableDefault, _) => match at {
            Some(a) => format!("default {value} at {a}"),
            None => format!("default {value}"),
        },
        (ViaKind::ParameterDefault, _) => match at {
            Some(a) => format!("parameter Default {value} at {a}"),
            None => format!("parameter Default {value}"),
        },
        (ViaKind::VariableGiven(by), _) => format!("{value} from {by}"),
        (ViaKind::ParameterGiven, _) => format!("{value} from --cfn-parameters"),
    }
}

/// `file:line` of a span, when it is in a scanned file.
pub fn at(span: Span, sources: &SourceMap) -> Option<String> {
    if span.is_empty() || (span.file.0 as usize) >= sources.len() {
        return None;
    }
    let file = sources.get(span.file);
    Some(format!("{}:{}", file.display, file.line_of(span.start) + 1))
}

/// The source text of a value, when it is short and on one line.
pub fn snippet(v: &Val, sources: &SourceMap) -> Option<String> {
    if v.span.is_empty() || (v.span.file.0 as usize) >= sources.len() {
        return None;
    }
    let file = sources.get(v.span.file);
    let s = file.text.get(v.span.start as usize..v.span.end as usize)?.trim();
    (!s.is_empty() && !s.contains('\n') && s.chars().count() <= 80 && !matches!(v.v, V::Map(_))).then(|| s.to_string())
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '"' || c == '\'')
}
