//! CT901 unknown-attribute (`target = "resource"`): one finding per name a resource block writes
//! that its type does not have, at that name, from what the adapters found
//! ([`crate::model::checked`]). A block without such names passes.

use super::eval::{Active, Ctx, Evaluation, Tally};
use crate::adapt::names;
use crate::finding::{Finding, Label, Verdict};
use crate::model::Format;
use crate::model::checked::{CheckedBlock, UnknownAttribute};

/// Names listed in the help when no valid name is close; beyond, the help points at the docs.
const MAX_LISTED: usize = 16;

pub fn evaluate(a: &Active<'_>, cx: &Ctx<'_>) -> (Vec<Finding>, Tally) {
    let mut tally = Tally::default();
    let mut out = Vec::new();
    for block in &cx.model.checked {
        if !a.rule.applies_to(block.format) {
            tally.not_applicable += 1;
            continue;
        }
        let evaluation = |verdict| Evaluation {
            code: a.rule.code.clone(),
            resource: block.address.clone(),
            file: block.header.file,
            verdict,
        };
        if block.unknown.is_empty() {
            tally.pass += 1;
            tally.evaluations.push(evaluation(Verdict::Pass));
            continue;
        }
        for u in &block.unknown {
            tally.fail += 1;
            tally.evaluations.push(evaluation(Verdict::Fail));
            out.push(finding(a, cx, block, u));
        }
    }
    (out, tally)
}

fn finding(a: &Active<'_>, cx: &Ctx<'_>, block: &CheckedBlock, u: &UnknownAttribute) -> Finding {
    let file = &cx.sources.get(block.header.file).display;
    let label = match (u.read_only, u.suggestion) {
        (true, _) => "computed by the provider: it cannot be set".to_string(),
        (false, Some(s)) => format!("did you mean `{s}`?"),
        (false, None) => format!("not {}", u.what),
    };
    Finding {
        code: a.rule.code.clone(),
        name: a.rule.name.clone(),
        severity: a.severity,
        verdict: Verdict::Fail,
        message: u.message(),
        resource: block.address.clone(),
        primary: Label::new(u.span, label),
        related: Vec::new(),
        help: Some(help(block, u)),
        attribute: u.path.clone(),
        fingerprint: Finding::fingerprint_of(&a.rule.code, file, &block.address, &u.path),
        suppressed: None,
        target: Some(block.header),
        cause: None,
    }
}

fn help(block: &CheckedBlock, u: &UnknownAttribute) -> String {
    let rejects = match block.format {
        Format::Terraform if u.read_only => "Terraform rejects a value for it (`terraform validate`)",
        Format::Terraform => "Terraform rejects it (`terraform validate`)",
        _ => "CloudFormation rejects the template",
    };
    if u.read_only {
        return match &u.within {
            Some(w) if w.is_empty() => {
                let local = block.address.rsplit('.').take(2).collect::<Vec<_>>();
                format!(
                    "remove it: {rejects}; the provider sets it, and it is read as `{}.{}.{}`",
                    local.get(1).unwrap_or(&""),
                    local[0],
                    u.name
                )
            }
            _ => format!("remove it: {rejects}"),
        };
    }
    match u.suggestion {
        Some(s) if u.beside => return format!("remove it ({rejects}): `{s}` is written beside it"),
        Some(s) => return format!("rename it to `{s}`: as written, {rejects}, and `{s}` is not set"),
        None => {}
    }
    let valid = valid_names(block, u);
    match valid {
        Some(names) if names.len() <= MAX_LISTED => {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("remove it or use a valid name ({rejects}): {}", list.join(", "))
        }
        _ => format!(
            "remove it or use a name from the documentation of `{}` ({rejects})",
            block.type_name
        ),
    }
}

/// The names the block holding `u` accepts.
fn valid_names(block: &CheckedBlock, u: &UnknownAttribute) -> Option<&'static [&'static str]> {
    let Some(within) = &u.within else {
        return Some(&crate::adapt::cloudformation::RESOURCE_KEYS);
    };
    let mut b = names::resource(block.format, &block.type_name)?;
    for w in within {
        b = b.nested(w)?;
    }
    Some(b.names)
}
