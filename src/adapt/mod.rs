//! Adapters: parsed files → the format-agnostic [`Model`].
//!
//! Terraform files are grouped into modules (one per directory), CloudFormation templates and
//! policy documents stand alone; each group is a *scope* in which references resolve. Scopes
//! are adapted in parallel and concatenated in path order, so the model is deterministic.

pub mod cloudformation;
pub mod fields;
pub mod policy_json;
pub mod terraform;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::load::{Loaded, Parsed};
use crate::model::{Format, Model, Origin, Part, Resource, Scope, Sym, Text, V, Val};
use crate::source::{FileId, Span};
use terraform::body::{Body, Src};

/// Inputs to resolution that come from the command line or configuration.
#[derive(Debug, Default, Clone)]
pub struct AdaptOptions {
    /// Terraform variable values (`--var`, `--var-file`, tfvars).
    pub tf_vars: terraform::VarValues,
    /// CloudFormation parameter values (`--cfn-parameters`).
    pub cfn_parameters: HashMap<String, String>,
}

enum Job {
    Terraform { dir: String, files: Vec<FileId> },
    CloudFormation(FileId),
    Policy(FileId),
}

pub fn build(loaded: &Loaded, opts: &AdaptOptions) -> Model {
    let mut modules: BTreeMap<PathBuf, Vec<FileId>> = BTreeMap::new();
    let mut jobs = Vec::new();
    for f in &loaded.files {
        match &f.parsed {
            Parsed::TerraformHcl(_) | Parsed::TerraformJson(_) => {
                let path = &loaded.sources.get(f.id).path;
                let dir = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
                modules.entry(dir).or_default().push(f.id);
            }
            Parsed::CloudFormation(_) => jobs.push(Job::CloudFormation(f.id)),
            Parsed::Policy(_) => jobs.push(Job::Policy(f.id)),
            _ => {}
        }
    }
    for (dir, files) in modules {
        let shown = crate::source::display_path(&dir, std::path::Path::new(""));
        jobs.push(Job::Terraform { dir: shown, files });
    }
    let by_id: HashMap<FileId, &Parsed> = loaded.files.iter().map(|f| (f.id, &f.parsed)).collect();
    let results: Vec<(Scope, Vec<Resource>)> = jobs
        .par_iter()
        .enumerate()
        .map(|(i, job)| {
            let scope = i as u32;
            let src = |id: FileId| Src {
                file: id,
                text: &loaded.sources.get(id).text,
            };
            match job {
                Job::Terraform { dir, files } => {
                    let bodies: Vec<Body<'_>> = files
                        .iter()
                        .filter_map(|id| match by_id[id] {
                            Parsed::TerraformHcl(b) => Some(Body::Hcl(b, src(*id))),
                            Parsed::TerraformJson(n) => Some(Body::Json(n, src(*id))),
                            _ => None,
                        })
                        .collect();
                    let (resources, region) = terraform::adapt_module(&bodies, scope, &opts.tf_vars);
                    (
                        Scope {
                            format: Format::Terraform,
                            origin: dir.clone(),
                            region,
                        },
                        resources,
                    )
                }
                Job::CloudFormation(id) => {
                    let Parsed::CloudFormation(node) = by_id[id] else {
                        unreachable!()
                    };
                    let resources = cloudformation::adapt_template(node, src(*id), scope, &opts.cfn_parameters);
                    (
                        Scope {
                            format: Format::CloudFormation,
                            origin: loaded.sources.get(*id).display.clone(),
                            region: None,
                        },
                        resources,
                    )
                }
                Job::Policy(id) => {
                    let Parsed::Policy(node) = by_id[id] else {
                        unreachable!()
                    };
                    let display = &loaded.sources.get(*id).display;
                    let resources = policy_json::adapt_document(node, display, scope);
                    (
                        Scope {
                            format: Format::PolicyJson,
                            origin: display.clone(),
                            region: None,
                        },
                        resources,
                    )
                }
            }
        })
        .collect();
    let mut model = Model::default();
    for (scope, resources) in results {
        model.scopes.push(scope);
        model.resources.extend(resources);
    }
    model.links = vec![Vec::new(); model.resources.len()];
    model
}

/// `arn:<partition>:iam::<account>:root`: the account principal.
pub fn account_root() -> Text {
    let mut t = Text::lit("arn:");
    t.push(Part::Sym(Sym::Partition));
    t.push(Part::Lit(":iam::".into()));
    t.push(Part::Sym(Sym::Account));
    t.push(Part::Lit(":root".into()));
    t
}

/// The key policy AWS KMS attaches when none is given: the account may use the key through IAM
/// policies.
pub fn default_key_policy(header: Span, source: &'static str) -> Val {
    let d = |v: V| Val {
        v,
        span: header,
        origin: Origin::Defaulted,
        source: "",
    };
    let list = |items: Vec<Val>| d(V::List(items));
    let statement = d(V::Map(vec![
        ("Sid".into(), d(V::Str("Enable IAM User Permissions".into()))),
        ("Effect".into(), d(V::Str("Allow".into()))),
        (
            "Principal".into(),
            d(V::Map(vec![("AWS".into(), list(vec![d(V::Text(account_root()))]))])),
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
