//! KMS keys in Terraform: `aws_kms_key_policy` replaces the key's `policy`, and a key without
//! any policy gets the AWS default key policy (the account may use the key through IAM).

use super::body::Block;
use super::eval::Ctx;
use super::iam::{Targets, find_target};
use super::policy_attr;
use crate::model::{Kind, Resource};

pub(super) fn default_policy(r: &mut Resource) {
    if r.field("policy").is_none_or(crate::model::Val::is_null) {
        r.fields
            .insert("policy", crate::adapt::default_key_policy(r.header, "policy"));
    }
}

/// Replace its key's policy; the key's index when it is in the module.
pub(super) fn fold_key_policy(ctx: &Ctx<'_>, b: &Block<'_>, out: &mut [Resource], targets: &Targets) -> Option<usize> {
    let key_attr = b.body.attr("key_id")?;
    let i = find_target(out, targets, &ctx.eval(key_attr.expr), Kind::Key)?;
    if let Some(p) = b.body.attr("policy") {
        out[i]
            .fields
            .insert("policy", policy_attr(ctx, &p).with_source("policy"));
    }
    Some(i)
}
