//! IAM roles in Terraform: `inline_policy` blocks, `aws_iam_role_policy`,
//! `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` and `managed_policy_arns`, folded into the role's `policies`
//! (the documents of policies defined in the scan) and `managed_policy_arns` (every ARN).

use super::body::Block;
use super::eval::Ctx;
use super::policy_attr;
use crate::model::{Kind, Resource, V, Val};
use crate::source::Span;

/// The resource of `kind` that a value refers to: by reference to its local name (an alias
/// reference leads to the alias's key), or by its literal `name`.
pub(super) fn find_target(out: &[Resource], target: &Val, kind: Kind) -> Option<usize> {
    let text = target.text()?;
    for a in text.attr_refs() {
        if let Some(i) = out.iter().position(|r| r.local_name() == a.target) {
            if out[i].kind == kind {
                return Some(i);
            }
            if out[i].kind == Kind::KeyAlias && kind == Kind::Key {
                let key = out[i].field("target_key_id")?.clone();
                return find_target(out, &key, Kind::Key);
            }
        }
    }
    let lit = text.as_lit()?;
    out.iter()
        .position(|r| r.kind == kind && r.field("name").and_then(Val::as_str) == Some(lit))
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
pub(super) fn fold_role_policy(ctx: &Ctx<'_>, b: &Block<'_>, out: &mut [Resource]) -> Option<usize> {
    let role_attr = b.body.attr("role")?;
    let role_val = ctx.eval(role_attr.expr);
    if b.labels[0] == "aws_iam_role_policy_attachment" {
        return attach(ctx, b, &role_val, out);
    }
    let i = find_target(out, &role_val, Kind::Role)?;
    if let Some(p) = b.body.attr("policy") {
        let name = b.body.attr("name").map_or_else(Val::default, |a| ctx.eval(a.expr));
        let item = policy_item(name, policy_attr(ctx, &p), b.header);
        push_policy(&mut out[i], item);
    }
    Some(i)
}

/// `aws_iam_policy_attachment` (the exclusive attachment): every role of `roles` gets the policy;
/// the first role's index.
pub(super) fn fold_policy_attachment(ctx: &Ctx<'_>, b: &Block<'_>, out: &mut [Resource]) -> Option<usize> {
    let roles = b.body.attr("roles")?;
    let roles = ctx.eval(roles.expr);
    let mut first = None;
    for role in roles.as_list().unwrap_or(&[]) {
        let i = attach(ctx, b, role, out);
        first = first.or(i);
    }
    first
}

/// `aws_iam_role_policy_attachment`: the role lists the policy ARN, and a policy defined in the
/// module lists the role in `roles` (as an `AWS::IAM::ManagedPolicy` lists its `Roles`).
fn attach(ctx: &Ctx<'_>, b: &Block<'_>, role: &Val, out: &mut [Resource]) -> Option<usize> {
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
    let i = find_target(out, role, Kind::Role)?;
    crate::adapt::add_managed_policy_arn(&mut out[i], arn.with_source("policy_arn"), "policy_arn");
    Some(i)
}
