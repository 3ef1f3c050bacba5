//! CT901 in CloudFormation: the keys of a resource and the properties it writes, as written,
//! compared with the resource attributes of a template and its type's provider schema
//! ([`crate::adapt::names`]).
//!
//! A property object that is an `Fn::If` is checked in both branches; any other intrinsic stands
//! for a value computed at deployment, whose names cannot be seen.

use crate::adapt::names::{self, Block as Names};
use crate::model::Format;
use crate::model::checked::UnknownAttribute;
use crate::parse::{Node, NodeKind};

/// The keys a resource takes beside `Type` (CloudFormation User Guide, "Resources" and "Resource
/// attribute reference"), sorted.
pub const RESOURCE_KEYS: [&str; 9] = [
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "DependsOn",
    "Metadata",
    "Properties",
    "Type",
    "UpdatePolicy",
    "UpdateReplacePolicy",
];

/// The transforms that AWS runs and that leave the properties of the types ctlint reads as they
/// are: SAM rewrites `AWS::Serverless::*` resources only, the language extensions add intrinsics.
const PLAIN_TRANSFORMS: [&str; 2] = ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"];

/// Does the template name a macro, or any transform but [`PLAIN_TRANSFORMS`], at its top level?
pub fn has_macro(root: &Node) -> bool {
    let Some(t) = root.get("Transform") else { return false };
    let names: Vec<&Node> = match &t.kind {
        NodeKind::Array(items) => items.iter().collect(),
        _ => vec![t],
    };
    names
        .iter()
        .any(|n| n.as_str().is_none_or(|s| !PLAIN_TRANSFORMS.contains(&s)))
}

/// The keys and properties of resource `node` (of type `type_name`) that are not valid; `None`
/// when the type's names are not known.
pub fn check(node: &Node, type_name: &str) -> Option<Vec<UnknownAttribute>> {
    let schema = names::resource(Format::CloudFormation, type_name)?;
    let mut out: Vec<UnknownAttribute> = Vec::new();
    for (k, _) in node.as_object().unwrap_or(&[]) {
        if RESOURCE_KEYS.binary_search(&k.name.as_str()).is_err() {
            out.push(UnknownAttribute {
                name: k.name.clone(),
                span: k.span,
                path: k.name.clone(),
                within: None,
                what: "a CloudFormation resource attribute".into(),
                suggestion: names::suggest(&k.name, &RESOURCE_KEYS),
                read_only: false,
                beside: false,
            });
        }
    }
    for u in &mut out {
        u.beside = u.suggestion.is_some_and(|s| node.get(s).is_some());
    }
    if let Some(props) = node.get("Properties") {
        let mut w = Walk { type_name, out };
        w.object(props, schema, &mut Vec::new(), "");
        out = w.out;
    }
    Some(out)
}

struct Walk<'t> {
    type_name: &'t str,
    out: Vec<UnknownAttribute>,
}

impl Walk<'_> {
    /// A mapping of properties (or an `Fn::If` between two).
    fn object(&mut self, node: &Node, schema: &Names, within: &mut Vec<String>, path: &str) {
        if let Some((name, arg)) = node.as_intrinsic() {
            if name == "Fn::If"
                && let Some([_, yes, no]) = arg.as_array()
            {
                self.object(yes, schema, within, path);
                self.object(no, schema, within, path);
            }
            return;
        }
        let NodeKind::Object(entries) = &node.kind else { return };
        // `Fn::Transform` (`AWS::Include`, a macro) rewrites the mapping it is in.
        if entries.iter().any(|(k, _)| k.name == "Fn::Transform") {
            return;
        }
        let first = self.out.len();
        for (k, v) in entries {
            let name = k.name.as_str();
            // YAML merge keys are not CloudFormation's, and intrinsics mixed into a mapping are
            // another check's business (cfn-lint E1001).
            if name == "<<" || name.starts_with("Fn::") {
                continue;
            }

            let at = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            if !schema.has(name) {
                let what = if within.is_empty() {
                    format!("a property of `{}`", self.type_name)
                } else {
                    format!("a property of `{}` in `{}`", within.join("."), self.type_name)
                };
                self.out.push(UnknownAttribute {
                    name: name.to_string(),
                    span: k.span,
                    path: at,
                    within: Some(within.clone()),
                    what,
                    suggestion: schema.suggest(name),
                    read_only: false,
                    beside: false,
                });
                continue;
            }
            if let Some(sub) = schema.nested(name) {
                within.push(name.to_string());
                self.value(v, sub, within, &at);
                within.pop();
            }
        }
        for u in &mut self.out[first..] {
            if u.within.as_ref().is_some_and(|w| w.len() == within.len())
                && u.suggestion.is_some_and(|s| node.get(s).is_some())
            {
                u.beside = true;
            }
        }
    }

    /// A property value that holds an object, or a list of them.
    fn value(&mut self, node: &Node, schema: &Names, within: &mut Vec<String>, path: &str) {
        match &node.kind {
            NodeKind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.object(item, schema, within, &format!("{path}[{i}]"));
                }
            }
            _ => {
                if let Some(("Fn::If", arg)) = node.as_intrinsic()
                    && let Some([_, yes, no]) = arg.as_array()
                {
                    self.value(yes, schema, within, path);
                    self.value(no, schema, within, path);
                    return;
                }
                self.object(node, schema, within, path);
            }
        }
    }
}
