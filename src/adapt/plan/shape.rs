//! The parts of a plan that ctlint reads must have the types HashiCorp documents
//! (<https://developer.hashicorp.com/terraform/internals/json-format#plan-representation>): a
//! wrong type is a CT000 at that value rather than a plan read as if it were empty. Properties
//! ctlint does not read are not checked, and unknown ones are ignored, as the format's
//! compatibility promise asks.

use crate::parse::{Node, NodeKind, ParseError};

/// `Err` at the first value of a wrong type, or for a `format_version` whose major version is
/// not 0 or 1 ("reject any input which reports an unsupported major version").
pub fn check(plan: &Node) -> Result<(), ParseError> {
    let version = want(plan, "format_version", Want::Str, "the plan")?;
    if let Some(v) = version.and_then(Node::as_str) {
        let major = v.split('.').next().unwrap_or("");
        if major != "0" && major != "1" {
            return Err(ParseError::new(
                format!("Terraform plan format_version `{v}` is not supported (ctlint reads versions 0.x and 1.x)"),
                version.map_or(plan.span, |n| n.span),
            ));
        }
    }
    want(plan, "terraform_version", Want::Str, "the plan")?;
    if let Some(pv) = want(plan, "planned_values", Want::Obj, "the plan")? {
        let mut stack: Vec<&Node> = want(pv, "root_module", Want::Obj, "`planned_values`")?
            .into_iter()
            .collect();
        while let Some(m) = stack.pop() {
            for r in items(m, "resources", "a module of `planned_values`")? {
                object(r, "a resource of `planned_values`")?;
                for key in ["address", "mode", "type", "name"] {
                    want(r, key, Want::Str, "a planned resource")?;
                }
                want(r, "values", Want::ObjOrNull, "a planned resource")?;
            }
            for c in items(m, "child_modules", "a module of `planned_values`")? {
                object(c, "a child module")?;
                want(c, "address", Want::Str, "a child module")?;
                stack.push(c);
            }
        }
    }
    if let Some(changes) = want(plan, "resource_changes", Want::List, "the plan")? {
        for c in changes.as_array().unwrap_or(&[]) {
            object(c, "an entry of `resource_changes`")?;
            want(c, "address", Want::Str, "a resource change")?;
            if let Some(change) = want(c, "change", Want::Obj, "a resource change")? {
                want(change, "after", Want::ObjOrNull, "a change")?;
                want(change, "after_unknown", Want::ObjOrBool, "a change")?;
            }
        }
    }
    if let Some(config) = want(plan, "configuration", Want::Obj, "the plan")? {
        want(config, "provider_config", Want::Obj, "`configuration`")?;
        let mut stack: Vec<&Node> = want(config, "root_module", Want::Obj, "`configuration`")?
            .into_iter()
            .collect();
        while let Some(m) = stack.pop() {
            for r in items(m, "resources", "a module of `configuration`")? {
                object(r, "a configured resource")?;
                want(r, "expressions", Want::Obj, "a configured resource")?;
            }
            if let Some(calls) = want(m, "module_calls", Want::Obj, "a module of `configuration`")? {
                for (_, call) in calls.as_object().unwrap_or(&[]) {
                    object(call, "a module call")?;
                    stack.extend(want(call, "module", Want::Obj, "a module call")?);
                }
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Want {
    Str,
    Obj,
    List,
    ObjOrNull,
    ObjOrBool,
}

impl Want {
    fn accepts(self, n: &Node) -> bool {
        matches!(
            (self, &n.kind),
            (Want::Str, NodeKind::String(_))
                | (Want::Obj | Want::ObjOrNull | Want::ObjOrBool, NodeKind::Object(_))
                | (Want::List, NodeKind::Array(_))
                | (Want::ObjOrNull, NodeKind::Null)
                | (Want::ObjOrBool, NodeKind::Bool(_))
        )
    }

    fn noun(self) -> &'static str {
        match self {
            Want::Str => "a string",
            Want::Obj => "an object",
            Want::List => "a list",
            Want::ObjOrNull => "an object or null",
            Want::ObjOrBool => "an object or a boolean",
        }
    }
}

/// The value of `key` in `n` when present, checked against `want`.
fn want<'a>(n: &'a Node, key: &str, want: Want, what: &str) -> Result<Option<&'a Node>, ParseError> {
    match n.get(key) {
        None => Ok(None),
        Some(v) if want.accepts(v) => Ok(Some(v)),
        Some(v) => Err(ParseError::new(
            format!(
                "Terraform plan: `{key}` of {what} must be {}, not {}",
                want.noun(),
                article(v)
            ),
            v.span,
        )),
    }
}

fn items<'a>(n: &'a Node, key: &str, what: &str) -> Result<&'a [Node], ParseError> {
    Ok(want(n, key, Want::List, what)?.and_then(Node::as_array).unwrap_or(&[]))
}

fn object(n: &Node, what: &str) -> Result<(), ParseError> {
    if n.as_object().is_some() {
        return Ok(());
    }
    Err(ParseError::new(
        format!("Terraform plan: {what} must be an object, not {}", article(n)),
        n.span,
    ))
}

fn article(n: &Node) -> &'static str {
    match n.kind {
        NodeKind::Null => "null",
        NodeKind::Bool(_) => "a boolean",
        NodeKind::Number(_) => "a number",
        NodeKind::String(_) => "a string",
        NodeKind::Array(_) => "a list",
        NodeKind::Object(_) => "an object",
    }
}
