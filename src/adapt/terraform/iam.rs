//! IAM roles in Terraform: `inline_policy` blocks, `aws_iam_role_policy`,
//! `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` and `managed_policy_arns`, folded into the role's `policies`
//! (the documents of policies defined in the scan) and `managed_policy_arns` (every ARN).

use std::collections::HashMap;

use super::body::Block;
use super::eval::Ctx;
use super::policy_attr;
use crate::model::{Kind, Resource, V, Val};
use crate::source::Span;

/// Where the resources of a module are, by local name and by literal `name`, so that folding
/// each split resource into its target is a lookup, not a scan of every resource (which made
/// a module of 280,000 resources take 19 s).
pub(super) struct Targets {
    by_local: HashMap<String, usize>,
    by_name: HashMap<(Kind, String), usize>,
}

impl Targets {
    /// The first resource of each local name and of each (kind, literal `name`). Folding
    /// changes neither, so the index holds while `out` is folded into.
    pub(super) fn new(out: &[Resource]) -> Targets {
        let mut t = Targets {
            by_local: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, r) in out.iter().enumerate() {
            t.by_local.entry(r.local_name().to_string()).or_insert(i);
            if let Some(name) = r.field("name").and_then(Val::as_str) {
                t.by_name.entry((r.kind, name.to_string())).or_insert(i);
            }
        }
        t
    }
}

/// The resource of `kind` that a value refers to: by reference to its local name (an alias
/// reference leads to the alias's key), or by its literal `name`.
pub(super) fn find_target(out: &[Resource], targets: &Targets, target: &Val, kind: Kind) -> Option<usize> {
    let text = target.text()?;
    for a in text.attr_refs() {
        if let Some(&i) = targets.by_local.get(a.target.as_str()) {
            if out[i].kind == kind {
                return Some(i);
            }
            if out[i].kind == Kind::KeyAlias && kind == Kind::Key {
                let key = out[i].field("target_key_id")?.clone();
                return find_target(out, targets, &key, Kind::Key);
            }
        }
    }
    let lit = text.as_lit()?;
    targets.by_name.get(&(kind, lit.to_string())).copied()
}

fn policy_item(name: Val, document: Val, span: Span) -> Val {
    let mut m = Val::new(V::Map(Vec::new()), span);
    if !name.is_null() {
        m.insert("name", name);
    }
    m.insert("document", document);
    m
}

fn push_policy(role: &mut Resource, item: Val) {
    match role.fields.get_mut("policies") {
        Some(Val { v: V::List(items), .. }) => items.push(item),
        _ => {
            let span = item.span;
            role.fields.insert(
                "policies",
                Val::new(V::List(vec![item]), span).with_source("inline_policy"),
            );
        }
    }
}

pub(super) fn inline_policies(ctx: &Ctx<'_>, b: &Block<'_>, r: &mut Resource) {
    for blk in b.body.blocks("inline_policy") {
        let Some(p) = blk.body.attr("policy") else { continue };
        let name = blk.body.attr("name").map_or_else(Val::default, |a| ctx.eval(a.expr));
        push_policy(r, policy_item(name, policy_attr(ctx, &p), blk.header));
    }
}

/// Fold an inline role policy or a role policy attachment into its role; the role's index when
/// it is in the module.
pub(super) fn fold_role_policy(ctx: &Ctx<'_>, b: &Block<'_>, out: &mut [Resource], targets: &Targets) -> Option<usize> {
    let role_attr = b.body.attr("role")?;
    let role_val = ctx.eval(role_attr.expr);
    if b.labels[0] == "aws_iam_role_policy_attachment" {
        return attach(ctx, b, &role_val, out, targets);
    }
    let i = find_target(out, targets, &role_val, Kind::Role)?;
    if let Some(p) = b.body.attr("policy") {
        let name = b.body.attr("name").map_or_else(Val::default, |a| ctx.eval(a.expr));
        let item = policy_item(name, policy_attr(ctx, &p), b.header);
        push_policy(&mut out[i], item);
    }
    Some(i)
}

/// `aws_iam_policy_attachment` (the exclusive attachment): every role of `roles` gets the policy;
/// the first role's index.
pub(super) fn fold_policy_attachment(
    ctx: &Ctx<'_>,
    b: &Block<'_>,
    out: &mut [Resource],
    targets: &Targets,
) -> Option<usize> {
    let roles = b.body.attr("roles")?;
    let roles = ctx.eval(roles.expr);
    let mut first = None;
    for role in roles.as_list().unwrap_or(&[]) {
        let i = attach(ctx, b, role, out, targets);
        first = first.or(i);
    }
    first
}

/// `aws_iam_role_policy_attachment`: the role lists the policy ARN, and a policy defined in the
/// module lists the role in `roles` (as an `AWS::IAM::ManagedPolicy` lists its `Roles`).
fn attach(ctx: &Ctx<'_>, b: &Block<'_>, role: &Val, out: &mut [Resource], targets: &Targets) -> Option<usize> {
    let arn_attr = b.body.attr("policy_arn")?;
    let arn = ctx.eval(arn_attr.expr);
    if let Some(p) = arn.text().and_then(|t| {
        t.attr_refs().find_map(|a| {
            out.iter()
                .position(|r| r.kind == Kind::Policy && r.local_name() == a.target)
        })
    }) {
        let role = role.clone().with_source("role");
        match out[p].fields.get_mut("roles") {
            Some(Val { v: V::List(items), .. }) => {
                if !items.iter().any(|i| i.same_value(&role)) {
                    items.push(role);
                }
            }
            _ => {
                let span = role.span;
                out[p]
                    .fields
                    .insert("roles", Val::new(V::List(vec![role]), span).with_source("role"));
            }
        }
    }
    let i = find_target(out, targets, role, Kind::Role)?;
    crate::adapt::add_managed_policy_arn(&mut out[i], arn.with_source("policy_arn"), "policy_arn");
    Some(i)
}
