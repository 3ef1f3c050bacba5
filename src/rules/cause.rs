//! The cause of an unknown verdict: the unresolved value it depends on, and advice that leads
//! somewhere (give the variable a value, make the module readable…). When one unresolved link
//! makes every rule about the linked resource unknown, the human report shows those unknowns
//! once, by cause (docs/verdicts.md#unknown); JSON and SARIF keep one result per rule, each with
//! its cause.

use crate::finding::Cause;
use crate::model::{Edge, Format, Resource, Unknown};
use crate::source::Span;

use super::eval::display_name;

/// The cause of the unknowns a link that cannot be resolved gives: which resource the trail's
/// attribute names cannot be told.
pub fn of_link(from: &Resource, edge: Edge, span: Span, state: &str) -> Option<Cause> {
    let u = from.field(edge.field(from.kind))?.unknown_info()?;
    let noun = edge.target().noun();
    Some(Cause {
        span,
        what: format!("which {noun} {} `{}` uses", from.kind.noun(), display_name(from)),
        state: state.to_string(),
        advice: format!(
            "{}; if the {noun} is created elsewhere, scan that code with this one, so that the {noun}'s rules can be checked",
            advice(u, from.format)
        ),
    })
}

/// The cause of an unknown that a field of `target` at `span` gives, when that field holds the
/// unresolved value.
pub fn of_value(target: &Resource, span: Span, state: &str) -> Option<Cause> {
    let v = target.fields.find_at(span, |v| v.unknown_info().is_some())?;
    let u = v.unknown_info()?;
    let field = if v.source.is_empty() { u.expr.as_str() } else { v.source };
    Some(Cause {
        span,
        what: format!("`{field}` of {} `{}`", target.kind.noun(), display_name(target)),
        state: state.to_string(),
        advice: advice(u, target.format),
    })
}

/// The text between `after` and the next backtick in `s`.
fn named<'a>(s: &'a str, after: &str) -> Option<&'a str> {
    let rest = &s[s.find(after)? + after.len()..];
    rest.split('`').next()
}

/// What would let ctlint resolve an unknown value.
pub fn advice(u: &Unknown, format: Format) -> String {
    let (expr, reason) = (u.expr.trim(), u.reason.as_str());
    if reason.contains("is not given it")
        && let (Some(var), Some(module)) = (named(reason, "variable `"), named(reason, "module `"))
    {
        return format!("pass `{var}` in the call of module `{module}`");
    }
    if reason.contains("has no default") {
        if let Some(var) = named(reason, "variable `") {
            return format!(
                "give variable `{var}` a value: in terraform.tfvars, a *.auto.tfvars file or a file passed with --var-file, or with --var {var}=VALUE"
            );
        }
        if let Some(p) = named(reason, "parameter `") {
            return format!("give parameter `{p}` a value in a file passed with --cfn-parameters, or a `Default`");
        }
    }
    if expr.starts_with("module.") {
        return "make the module's source readable (a local path in the repository, or `terraform init` for registry and git sources), so that its outputs can be read".into();
    }
    if expr.contains("ImportValue") || reason.contains("only known at deployment") {
        return "the value is known only when the stack is deployed: write it literally, or through a parameter given with --cfn-parameters".into();
    }
    if expr.starts_with("data.") {
        return "a data source is read only when Terraform plans: lint the plan (`terraform show -json`)".into();
    }
    if reason.contains("after_unknown") {
        return "the value is known only after `terraform apply`: write it literally in the configuration".into();
    }
    match format {
        Format::CloudFormation => "write the value literally, or through a parameter with a `Default` or a --cfn-parameters value".into(),
        _ => "write the value so that it can be evaluated statically (a literal, a variable with a value), or lint a Terraform plan (`terraform show -json`), which has the values Terraform computes".into(),
    }
}
