//! Where a failing value comes from, for its finding: a value written as a variable, local or
//! parameter is set elsewhere (a variable's default, a tfvars file, a parameter's `Default`).
//! The finding keeps pointing at the use, the line the user owns; the places that set the value
//! become related labels, and the help says where to change it (docs/verdicts.md#where-a-value-comes-from).

use crate::finding::Label;
use crate::model::{Val, Via, ViaKind};
use crate::source::{SourceMap, Span};

use super::describe;

/// The value at `span` among `fields` that came through a variable, local or parameter.
pub fn value_at(fields: &Val, span: Span) -> Option<&Val> {
    if span.is_empty() {
        return None;
    }
    fields.find_at(span, |v| v.via.as_deref().is_some_and(|via| !via.expr.is_empty()))
}

/// The steps of a value's chain, outermost (the use) first.
fn chain(v: &Val) -> Vec<&Via> {
    let mut out = Vec::new();
    let mut cur = v.via.as_deref();
    while let Some(via) = cur {
        out.push(via);
        cur = via.next.as_deref();
    }
    out
}

/// A related label at every place of the chain that a scanned file holds.
pub fn labels(v: &Val) -> Vec<Label> {
    chain(v)
        .into_iter()
        .filter(|via| !via.span.is_empty())
        .map(|via| {
            let text = match via.kind {
                ViaKind::VariableDefault | ViaKind::ParameterDefault => {
                    format!("{} defaults to {v} here", via.name)
                }
                _ => format!("{} is set here", via.name),
            };
            Label::new(via.span, text)
        })
        .collect()
}

/// Where to change the value, appended to the rule's help: "it is `var.x` here, so change the
/// default of variable `x` at variables.tf:12, or give the variable another value (…)".
pub fn help(v: &Val, sources: &SourceMap) -> Option<String> {
    let steps = chain(v);
    let (first, root) = (steps.first()?, steps.last()?);
    let mut out = format!("it is `{}` here", first.expr);
    for s in &steps[1..] {
        out.push_str(&format!(", which is `{}`", s.expr));
    }
    let at = describe::at(root.span, sources);
    let at = at.as_deref().map_or_else(String::new, |a| format!(" at {a}"));
    let name = &root.name;
    out.push_str(&match &root.kind {
        ViaKind::VariableDefault => format!(
            ", so change the default of {name}{at}, or give the variable another value (a .tfvars file, --var-file or --var)"
        ),
        ViaKind::VariableGiven(by) if by == "--var" => format!(", so give {name} another value with --var"),
        ViaKind::VariableGiven(by) => format!(", so change the value of {name} in {by}"),
        ViaKind::Local => format!(", so change {name}{at}"),
        ViaKind::ParameterDefault => format!(
            ", so change the `Default` of {name}{at}, or pass another value when the stack is deployed"
        ),
        ViaKind::ParameterGiven => format!(", so pass another value for {name} (--cfn-parameters)"),
    });
    Some(out)
}
