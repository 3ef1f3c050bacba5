//! Adapters: parsed files → the format-agnostic [`Model`].
//!
//! Terraform files are grouped into modules (one per directory), CloudFormation templates,
//! Terraform plans and policy documents stand alone; each group is a *scope* in which references resolve.
//! [`adapt_scope`] adapts one; [`crate::scan`] runs it as soon as a scope's files are parsed.

pub mod attributes;
pub mod cloudformation;
pub mod fields;
pub mod names;
pub mod plan;
pub mod policy_json;
pub mod terraform;

use std::collections::HashMap;

use crate::load::Parsed;
use crate::model::{Format, Model, Resource, Scope, ScopeId, V, Val};
use crate::source::Src;
use crate::source::{FileId, SourceFile, Span};
use terraform::body::Body;

/// Inputs to resolution that come from the command line or configuration.
#[derive(Debug, Default, Clone)]
pub struct AdaptOptions {
    /// Terraform variable values (`--var`, `--var-file`, tfvars).
    pub tf_vars: terraform::VarValues,
    /// CloudFormation parameter values (`--cfn-parameters`).
    pub cfn_parameters: HashMap<String, String>,
}

/// The parsed files of one scope: a Terraform module (its directory's files), or one template or
/// policy document. Files of other kinds in the list are ignored.
pub struct ScopeFiles<'a> {
    /// `(source, id, parsed)` of each file.
    pub files: Vec<(&'a SourceFile, FileId, &'a Parsed)>,
}

/// What one scope adapts to: its resources, the Terraform module calls it could not read, and
/// notes about its expansion.
pub type Adapted = (Scope, Vec<Resource>, Vec<crate::model::UnreadModule>, Vec<String>);

/// Adapt one scope; `None` when none of its files is Terraform, CloudFormation or a policy. A
/// Terraform scope is a root module: `modules` holds the directories its calls may instantiate.
pub fn adapt_scope<'a>(
    input: &ScopeFiles<'a>,
    scope: ScopeId,
    opts: &AdaptOptions,
    modules: &'a terraform::Modules<'a>,
) -> Option<Adapted> {
    fn src(file: &SourceFile, id: FileId) -> Src<'_> {
        Src {
            file: id,
            text: &file.text,
        }
    }
    let bodies = terraform_bodies(input);
    if !bodies.is_empty() {
        let (first, _, _) = input.files[0];
        let dir = first.path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
        // Values given on the command line win over the files Terraform loads by itself.
        let (mut vars, mut notes) = terraform::auto_tfvars(&dir, &modules.repository(&dir));
        vars.extend(opts.tf_vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        let root = terraform::adapt_module(&bodies, scope, &vars, &dir, modules);
        notes.extend(root.notes);
        let origin = crate::source::display_path(&dir, std::path::Path::new(""));
        return Some((
            Scope {
                format: Format::Terraform,
                origin,
                region: root.region,
                checked: root.checked,
            },
            root.resources,
            root.unread,
            notes,
        ));
    }
    if let Some((file, id, Parsed::Plan(node))) = input.files.iter().find(|(_, _, p)| matches!(p, Parsed::Plan(_))) {
        return Some(plan::adapt(node, file, *id, scope));
    }
    input.files.iter().find_map(|(file, id, parsed)| {
        let (format, (resources, checked)) = match parsed {
            Parsed::CloudFormation(node) => (
                Format::CloudFormation,
                cloudformation::adapt_template(node, src(file, *id), scope, &opts.cfn_parameters),
            ),
            Parsed::Policy(node) => (
                Format::PolicyJson,
                (policy_json::adapt_document(node, &file.display, scope), Vec::new()),
            ),
            _ => return None,
        };
        Some((
            Scope {
                format,
                origin: file.display.clone(),
                region: None,
                checked,
            },
            resources,
            Vec::new(),
            Vec::new(),
        ))
    })
}

/// The Terraform files of a scope as bodies.
pub fn terraform_bodies<'a>(input: &ScopeFiles<'a>) -> Vec<Body<'a>> {
    fn src(file: &SourceFile, id: FileId) -> Src<'_> {
        Src {
            file: id,
            text: &file.text,
        }
    }
    input
        .files
        .iter()
        .filter_map(|(file, id, parsed)| match parsed {
            Parsed::TerraformHcl(b) => Some(Body::Hcl(b, src(file, *id))),
            Parsed::TerraformJson(n) => Some(Body::Json(n, src(file, *id))),
            _ => None,
        })
        .collect()
}

/// Put scopes together into a model; scope ids are positions, so scopes without resources keep
/// a placeholder.
pub fn assemble(results: Vec<Option<Adapted>>) -> Model {
    let mut model = Model::default();
    let mut seen = std::collections::HashSet::new();
    for r in results {
        match r {
            Some((mut scope, resources, unread, notes)) => {
                // A module called from two root modules is checked in each: keep its blocks once.
                for block in std::mem::take(&mut scope.checked) {
                    if seen.insert(block.header) {
                        if let Some(owner) = block.owner.filter(|_| !block.unknown.is_empty()) {
                            model.misspelt.entry(owner).or_default().push(model.checked.len());
                        }
                        model.checked.push(block);
                    }
                }
                model.scopes.push(scope);
                model.resources.extend(resources);
                model.unread_modules.extend(unread);
                for n in notes {
                    if !model.notes.contains(&n) {
                        model.notes.push(n);
                    }
                }
            }
            None => model.scopes.push(Scope {
                format: Format::PolicyJson,
                origin: String::new(),
                region: None,
                checked: Vec::new(),
            }),
        }
    }
    model.links = vec![Vec::new(); model.resources.len()];
    model
}

/// The key policy AWS KMS attaches when none is given: the account may use the key through IAM
/// policies.
pub fn default_key_policy(header: Span, source: &'static str) -> Val {
    let d = |v: V| Val::defaulted(v, header, "");
    let list = |items: Vec<Val>| d(V::List(items));
    let statement = d(V::Map(vec![
        ("Sid".into(), d(V::Str("Enable IAM User Permissions".into()))),
        ("Effect".into(), d(V::Str("Allow".into()))),
        (
            "Principal".into(),
            d(V::Map(vec![(
                "AWS".into(),
                list(vec![d(V::Text(crate::model::arn::account_root()))]),
            )])),
        ),
        ("Action".into(), list(vec![d(V::Str("kms:*".into()))])),
        ("Resource".into(), list(vec![d(V::Str("*".into()))])),
    ]));
    Val {
        source,
        ..d(V::Map(vec![
            ("Version".into(), d(V::Str("2012-10-17".into()))),
            ("Statement".into(), list(vec![statement])),
        ]))
    }
}

/// Attach a managed policy to a role by its ARN (`aws_iam_role_policy_attachment`, the `Roles`
/// of an `AWS::IAM::ManagedPolicy`), once: an ARN the role already lists is not added again.
pub fn add_managed_policy_arn(role: &mut Resource, arn: Val, source: &'static str) {
    match role.fields.get_mut("managed_policy_arns") {
        Some(Val { v: V::List(items), .. }) => {
            if !items.iter().any(|i| i.same_value(&arn)) {
                items.push(arn);
            }
        }
        _ => {
            let span = arn.span;
            role.fields.insert(
                "managed_policy_arns",
                Val::new(V::List(vec![arn]), span).with_source(source),
            );
        }
    }
}

/// Give each role the documents of the managed policies it attaches (`managed_policy_arns`,
/// `ManagedPolicyArns`) that are defined in the same scope.
pub fn attach_managed_policies(out: &mut [Resource]) {
    let mut additions = Vec::new();
    for (ri, r) in out
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == crate::model::Kind::Role)
    {
        let Some(arns) = r.field("managed_policy_arns").and_then(Val::as_list) else {
            continue;
        };
        for arn in arns {
            let Some(text) = arn.text() else { continue };
            for a in text.attr_refs() {
                if let Some(p) = out
                    .iter()
                    .find(|p| p.kind == crate::model::Kind::Policy && p.local_name() == a.target)
                    && let Some(doc) = p.field("document")
                {
                    let mut item = Val::new(V::Map(Vec::new()), arn.span);
                    if let Some(name) = p.field("name") {
                        item.insert("name", name.clone());
                    }
                    item.insert("document", doc.clone());
                    additions.push((ri, item));
                }
            }
        }
    }
    for (ri, item) in additions {
        let role = &mut out[ri];
        match role.fields.get_mut("policies") {
            Some(Val { v: V::List(items), .. }) => items.push(item),
            _ => {
                let span = item.span;
                role.fields.insert("policies", Val::new(V::List(vec![item]), span));
            }
        }
    }
}
