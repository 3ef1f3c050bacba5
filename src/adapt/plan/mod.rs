//! Terraform plans (`terraform show -json plan.out > plan.json`) → model.
//!
//! The format is HashiCorp's JSON output format
//! (<https://developer.hashicorp.com/terraform/internals/json-format>):
//! - the resources that will exist come from `planned_values.root_module` and, recursively, its
//!   `child_modules` (each with its module `address`, `module.a["eu"].module.b`); a resource's
//!   `index` is its `count`/`for_each` key;
//! - their values from `resource_changes[].change.after` (the planned `values` when a resource
//!   has no change entry), with `change.after_unknown` marking what is known only after apply
//!   ([`values`]);
//! - for those unknowns, the `references` of the resource's expression in `configuration`, so
//!   that a trail whose bucket name is still unknown links to the bucket it refers to.
//!
//! The values are then read exactly as a `.tf` resource is ([`Body::Value`]): the same schema,
//! split resources, legacy blocks and policy normalisation (policies are JSON strings in a plan).
//! When the `.tf` files of the plan's directory are scanned too, [`locate`] points the findings
//! at them.

mod locate;
mod shape;
mod values;

use std::collections::HashMap;

pub use locate::supersede;
pub use shape::check;

use super::Adapted;
use super::terraform::body::{Block, Body};
use super::terraform::eval::Ctx;
use crate::model::address::InstanceKey;
use crate::model::{Format, Scope, ScopeId};
use crate::parse::{Node, NodeKind};
use crate::source::{FileId, SourceFile, Span, Src};
use values::{Cfg, Instance, Refs};

/// One module instance of the plan: its address steps (`a["eu"]`, `b`), and its resources.
struct Module<'a> {
    path: Vec<String>,
    /// The module's configuration (`configuration.root_module`, `…module_calls.a.module`).
    config: Option<&'a Node>,
    resources: Vec<&'a Node>,
}

/// The model resources of a plan, as one scope.
pub fn adapt(plan: &Node, file: &SourceFile, id: FileId, scope: ScopeId) -> Adapted {
    let src = Src {
        file: id,
        text: &file.text,
    };
    let changes = changes(plan);
    let config_root = plan.get("configuration").and_then(|c| c.get("root_module"));
    let mut modules = Vec::new();
    if let Some(root) = plan.get("planned_values").and_then(|p| p.get("root_module")) {
        collect_modules(root, Vec::new(), config_root, &mut modules);
    }
    let region = region(plan);
    let mut out = Vec::new();
    for m in &modules {
        out.extend(module_resources(m, &changes, src, scope, region.clone()));
    }
    (
        Scope {
            format: Format::Terraform,
            origin: file.display.clone(),
            region,
            checked: Vec::new(),
        },
        out,
        Vec::new(),
        Vec::new(),
    )
}

/// The change of each current resource instance, by address (deposed objects are left out).
fn changes(plan: &Node) -> HashMap<&str, &Node> {
    plan.get("resource_changes")
        .and_then(Node::as_array)
        .unwrap_or(&[])
        .iter()
        .filter(|c| c.get("deposed").is_none())
        .filter_map(|c| Some((c.get("address")?.as_str()?, c)))
        .collect()
}

/// Every module of the planned values, depth first, with the configuration it instantiates.
fn collect_modules<'a>(m: &'a Node, path: Vec<String>, config: Option<&'a Node>, out: &mut Vec<Module<'a>>) {
    let mut stack = vec![(m, path, config)];
    while let Some((m, path, config)) = stack.pop() {
        let resources = m.get("resources").and_then(Node::as_array).unwrap_or(&[]);
        let children = m.get("child_modules").and_then(Node::as_array).unwrap_or(&[]);
        for child in children.iter().rev() {
            let Some(address) = child.get("address").and_then(Node::as_str) else {
                continue;
            };
            let Some(child_path) = module_path(address) else {
                continue;
            };
            // Its configuration: the call named by its last step, without the instance key.
            let call = child_path.last().map(|s| s.split('[').next().unwrap_or(s));
            let child_config = config
                .and_then(|c| c.get("module_calls"))
                .and_then(|c| c.get(call?))
                .and_then(|c| c.get("module"));
            stack.push((child, child_path, child_config));
        }
        out.push(Module {
            path,
            config,
            resources: resources.iter().collect(),
        });
    }
}

/// `module.a["eu"].module.b` → `["a[\"eu\"]", "b"]`.
fn module_path(address: &str) -> Option<Vec<String>> {
    let refs = values::split_steps(address);
    if !refs.len().is_multiple_of(2) {
        return None;
    }
    refs.chunks(2)
        .map(|pair| (pair[0].0 == "module" && pair[0].1.is_empty()).then(|| format!("{}{}", pair[1].0, pair[1].1)))
        .collect()
}

/// The `count`/`for_each` key of a planned resource.
fn instance_key(r: &Node) -> Option<InstanceKey> {
    match &r.get("index")?.kind {
        NodeKind::Number(n) => n.parse().ok().map(InstanceKey::Int),
        NodeKind::String(s) => Some(InstanceKey::Str(s.clone())),
        _ => None,
    }
}

/// The configuration of resource `ty.name` in a module's configuration.
fn resource_config<'a>(config: Option<&'a Node>, ty: &str, name: &str) -> Cfg<'a> {
    let found = config
        .and_then(|c| c.get("resources"))
        .and_then(Node::as_array)
        .unwrap_or(&[])
        .iter()
        .find(|r| {
            r.get("mode").and_then(Node::as_str) != Some("data")
                && r.get("type").and_then(Node::as_str) == Some(ty)
                && r.get("name").and_then(Node::as_str) == Some(name)
        });
    match found {
        None => Cfg::Unread,
        Some(r) => match r.get("expressions") {
            Some(e) if e.as_object().is_some() => Cfg::Block(e),
            _ => Cfg::Absent,
        },
    }
}

/// The model resources of one module instance: its planned resources become blocks whose bodies
/// are their values, and are read like the resources of a `.tf` module.
fn module_resources(
    m: &Module<'_>,
    changes: &HashMap<&str, &Node>,
    src: Src<'_>,
    scope: ScopeId,
    region: Option<String>,
) -> Vec<crate::model::Resource> {
    let refs = Refs {
        scope,
        prefix: m.path.iter().map(|s| format!("module.{s}.")).collect(),
        module: m.config,
    };
    let mut built = Vec::new();
    for r in &m.resources {
        if r.get("mode").and_then(Node::as_str) != Some("managed") {
            continue;
        }
        let (Some(ty), Some(name)) = (
            r.get("type").and_then(Node::as_str),
            r.get("name").and_then(Node::as_str),
        ) else {
            continue;
        };
        if !ty.starts_with("aws_") {
            continue;
        }
        let address = r.get("address").and_then(Node::as_str).unwrap_or("");
        let change = changes.get(address).and_then(|c| c.get("change"));
        let after = change.and_then(|c| c.get("after")).filter(|a| a.as_object().is_some());
        // The resource's entry in `resource_changes` (its `address` line) is its header, else
        // its planned values' entry.
        let entry = changes.get(address).copied().unwrap_or(r);
        let header = entry.entry("address").map_or(entry.span, |(k, v)| k.span.to(v.span));
        let inst = Instance {
            ty,
            values: after.or_else(|| r.get("values")),
            unknown: after.and(change.and_then(|c| c.get("after_unknown"))),
            cfg: resource_config(m.config, ty, name),
        };
        built.push((ty, name, header, instance_key(r), values::build(&inst, &refs, header)));
    }
    let keys: HashMap<Span, InstanceKey> = built
        .iter()
        .filter_map(|(_, _, h, k, _)| Some((*h, k.clone()?)))
        .collect();
    let mut ctx = Ctx::new(scope);
    ctx.module_path = m.path.clone();
    if let Some(r) = region {
        ctx.provider_regions.insert("aws".into(), crate::model::Part::Lit(r));
    }
    ctx.resource_blocks = built
        .iter()
        .map(|(ty, name, header, _, v)| Block {
            ident: "resource",
            labels: vec![*ty, *name],
            header: *header,
            body: Body::Value(v, src),
        })
        .collect();
    let mut out = super::terraform::instance_resources(&ctx);
    for r in &mut out {
        r.address.index = keys.get(&r.header).cloned();
    }
    out
}

/// The region of the root module's default `aws` provider: a constant, or a root variable's
/// planned value.
fn region(plan: &Node) -> Option<String> {
    let configs = plan.get("configuration")?.get("provider_config")?.as_object()?;
    let aws = configs.iter().map(|(_, c)| c).find(|c| {
        c.get("name").and_then(Node::as_str) == Some("aws")
            && c.get("alias").is_none()
            && c.get("module_address").is_none()
    })?;
    let region = aws.get("expressions")?.get("region")?;
    if let Some(s) = region.get("constant_value").and_then(Node::as_str) {
        return Some(s.to_string());
    }
    let refs = region.get("references")?.as_array()?;
    let var = refs.first()?.as_str()?.strip_prefix("var.")?;
    let value = plan.get("variables")?.get(var)?.get("value")?.as_str()?;
    Some(value.to_string())
}
