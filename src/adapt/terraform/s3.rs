//! S3 buckets in Terraform: the legacy inline blocks of `aws_s3_bucket` (provider < 4) and the
//! split resources of provider 4+ (`aws_s3_bucket_versioning`, `_logging`,
//! `_lifecycle_configuration`, `_policy`, `_public_access_block`, `_acl`,
//! `_server_side_encryption_configuration`, `_object_lock_configuration`), all folded into the
//! one bucket they configure. A split resource finds its bucket by reference
//! (`bucket = aws_s3_bucket.logs.id`) or by literal name.

use super::body::{Block, Body};
use super::eval::Ctx;
use super::{fill, policy_attr};
use crate::adapt::fields::{coerce, fill_defaults, set};
use crate::model::schema::{self, Field, Ty};
use crate::model::{Format, Kind, Resource, V, Val};
use crate::source::Span;

/// The nested fields of a bucket field (`versioning`, `public_access_block`…).
fn sub(name: &str) -> &'static [Field] {
    match schema::field(schema::BUCKET, name).map(|f| f.ty) {
        Some(Ty::Obj(s) | Ty::List(s)) => s,
        _ => &[],
    }
}

fn obj(span: Span) -> Val {
    Val::new(V::Map(Vec::new()), span)
}

fn status_from_bool(v: Val, on: &str, off: &str) -> Val {
    match v.as_bool() {
        Some(true) => Val {
            v: V::Str(on.into()),
            ..v
        },
        Some(false) => Val {
            v: V::Str(off.into()),
            ..v
        },
        None => v,
    }
}

pub(super) fn legacy_blocks(ctx: &Ctx<'_>, b: &Block<'_>, r: &mut Resource) {
    let body = &b.body;
    if let Some(blk) = body.blocks("versioning").into_iter().next() {
        let mut m = obj(blk.header).with_source("versioning");
        let enabled = blk.body.attr("enabled").map_or_else(
            || Val::defaulted(V::Bool(false), blk.header, "versioning.enabled"),
            |a| coerce(ctx.eval(a.expr), &Ty::Bool, "versioning.enabled"),
        );
        m.insert("status", status_from_bool(enabled, "Enabled", "Disabled"));
        if let Some(a) = blk.body.attr("mfa_delete") {
            let v = coerce(ctx.eval(a.expr), &Ty::Bool, "versioning.mfa_delete");
            m.insert("mfa_delete", status_from_bool(v, "Enabled", "Disabled"));
        }
        r.fields.insert("versioning", m);
    }
    if let Some(blk) = body.blocks("logging").into_iter().next() {
        r.fields
            .insert("logging", logging(ctx, &blk.body, blk.header, "logging"));
    }
    let rules: Vec<Val> = body
        .blocks("lifecycle_rule")
        .iter()
        .map(|blk| {
            let mut m = obj(blk.header).with_source("lifecycle_rule");
            attr_into(ctx, &blk.body, "id", &mut m, "id", &Ty::Str);
            if let Some(a) = blk.body.attr("enabled") {
                let v = coerce(ctx.eval(a.expr), &Ty::Bool, "lifecycle_rule.enabled");
                m.insert("status", status_from_bool(v, "Enabled", "Disabled"));
            }
            attr_into(ctx, &blk.body, "prefix", &mut m, "prefix", &Ty::Str);
            if let Some(a) = blk.body.attr("tags") {
                m.insert("tag_filter", Val::new(V::Bool(true), ctx.eval(a.expr).span));
            }
            expiration(ctx, &blk.body, &mut m, "days");
            m
        })
        .collect();
    if !rules.is_empty() {
        let span = rules[0].span;
        r.fields.insert(
            "lifecycle_rules",
            Val::new(V::List(rules), span).with_source("lifecycle_rule"),
        );
    }
    if let Some(blk) = body.blocks("server_side_encryption_configuration").into_iter().next()
        && let Some(enc) = encryption(ctx, &blk.body)
    {
        r.fields.insert("encryption", enc);
    }
    if let Some(a) = body.attr("policy") {
        set(&mut r.fields, "policy", policy_attr(ctx, &a).with_source("policy"));
    }
    if let Some(a) = body.attr("object_lock_enabled") {
        let mut m = obj(a.span).with_source("object_lock_enabled");
        m.insert("enabled", coerce(ctx.eval(a.expr), &Ty::Bool, "object_lock_enabled"));
        r.fields.insert("object_lock", m);
    }
    if let Some(blk) = body.blocks("object_lock_configuration").into_iter().next() {
        let mut m = r
            .fields
            .remove("object_lock")
            .unwrap_or_else(|| obj(blk.header).with_source("object_lock_configuration"));
        if let Some(a) = blk.body.attr("object_lock_enabled") {
            let v = ctx.eval(a.expr);
            let enabled = match v.as_str() {
                Some(s) => Val {
                    v: V::Bool(s == "Enabled"),
                    ..v
                },
                None => v,
            };
            m.insert(
                "enabled",
                enabled.with_source("object_lock_configuration.object_lock_enabled"),
            );
        }
        retention(ctx, &blk.body, &mut m);
        r.fields.insert("object_lock", m);
    }
}

/// Fold one split resource into its bucket; the bucket's index when it is in the module.
pub(super) fn fold_split(
    ctx: &Ctx<'_>,
    b: &Block<'_>,
    out: &mut [Resource],
    targets: &super::iam::Targets,
) -> Option<usize> {
    let ty = b.labels[0];
    let body = &b.body;
    let bucket_attr = body.attr("bucket")?;
    let target = ctx.eval(bucket_attr.expr);
    let i = super::iam::find_target(out, targets, &target, Kind::Bucket)?;
    let header = b.header;
    let fields = &mut out[i].fields;
    match ty {
        "aws_s3_bucket_versioning" => {
            if let Some(vc) = body.blocks("versioning_configuration").into_iter().next() {
                let m = fill(ctx, &vc.body, sub("versioning"), vc.header).with_source("versioning_configuration");
                fields.insert("versioning", m);
            }
        }
        "aws_s3_bucket_logging" => {
            fields.insert("logging", logging(ctx, body, header, "aws_s3_bucket_logging"));
        }
        "aws_s3_bucket_lifecycle_configuration" => {
            let rules: Vec<Val> = body
                .blocks("rule")
                .iter()
                .map(|blk| {
                    let mut m = obj(blk.header).with_source("rule");
                    attr_into(ctx, &blk.body, "id", &mut m, "id", &Ty::Str);
                    attr_into(ctx, &blk.body, "status", &mut m, "status", &Ty::Str);
                    attr_into(ctx, &blk.body, "prefix", &mut m, "prefix", &Ty::Str);
                    if let Some(f) = blk.body.blocks("filter").into_iter().next() {
                        attr_into(ctx, &f.body, "prefix", &mut m, "prefix", &Ty::Str);
                        if let Some(tag) = f.body.blocks("tag").into_iter().next() {
                            m.insert("tag_filter", Val::new(V::Bool(true), tag.header));
                        }
                        if let Some(and) = f.body.blocks("and").into_iter().next() {
                            attr_into(ctx, &and.body, "prefix", &mut m, "prefix", &Ty::Str);
                            if let Some(a) = and.body.attr("tags") {
                                m.insert("tag_filter", Val::new(V::Bool(true), ctx.eval(a.expr).span));
                            }
                        }
                    }
                    expiration(ctx, &blk.body, &mut m, "noncurrent_days");
                    m
                })
                .collect();
            let span = rules.first().map_or(header, |r| r.span);
            fields.insert("lifecycle_rules", Val::new(V::List(rules), span).with_source("rule"));
        }
        "aws_s3_bucket_policy" => {
            if let Some(a) = body.attr("policy") {
                fields.insert("policy", policy_attr(ctx, &a).with_source("policy"));
            }
        }
        "aws_s3_bucket_public_access_block" => {
            let m =
                fill(ctx, body, sub("public_access_block"), header).with_source("aws_s3_bucket_public_access_block");
            fields.insert("public_access_block", m);
        }
        "aws_s3_bucket_acl" => {
            if let Some(a) = body.attr("acl") {
                fields.insert("acl", coerce(ctx.eval(a.expr), &Ty::Str, "acl"));
            }
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            if let Some(enc) = encryption(ctx, body) {
                fields.insert("encryption", enc);
            }
        }
        "aws_s3_bucket_object_lock_configuration" => {
            let mut m = obj(header).with_source("aws_s3_bucket_object_lock_configuration");
            m.insert("enabled", Val::new(V::Bool(true), header));
            retention(ctx, body, &mut m);
            fields.insert("object_lock", m);
        }
        _ => {}
    }
    Some(i)
}

fn logging(ctx: &Ctx<'_>, body: &Body<'_>, header: Span, source: &'static str) -> Val {
    let mut m = obj(header).with_source(source);
    for f in sub("logging") {
        if let Some(a) = body.attr(f.tf) {
            set(&mut m, f.name, coerce(ctx.eval(a.expr), &f.ty, f.tf));
        }
    }
    fill_defaults(&mut m, sub("logging"), Format::Terraform, header);
    m
}

fn attr_into(ctx: &Ctx<'_>, body: &Body<'_>, attr: &'static str, m: &mut Val, field: &str, ty: &Ty) {
    if let Some(a) = body.attr(attr) {
        set(m, field, coerce(ctx.eval(a.expr), ty, attr));
    }
}

/// `expiration { days }` and `noncurrent_version_expiration { <days attr> }`.
fn expiration(ctx: &Ctx<'_>, body: &Body<'_>, m: &mut Val, noncurrent_days: &'static str) {
    if let Some(e) = body.blocks("expiration").into_iter().next() {
        attr_into(ctx, &e.body, "days", m, "expiration_days", &Ty::Num);
        attr_into(ctx, &e.body, "date", m, "expiration_date", &Ty::Str);
    }
    if let Some(e) = body.blocks("noncurrent_version_expiration").into_iter().next() {
        attr_into(ctx, &e.body, noncurrent_days, m, "noncurrent_expiration_days", &Ty::Num);
    }
}

fn encryption(ctx: &Ctx<'_>, body: &Body<'_>) -> Option<Val> {
    let rule = body.blocks("rule").into_iter().next()?;
    let by_default = rule
        .body
        .blocks("apply_server_side_encryption_by_default")
        .into_iter()
        .next()?;
    let m = fill(ctx, &by_default.body, sub("encryption"), by_default.header)
        .with_source("apply_server_side_encryption_by_default");
    Some(m)
}

fn retention(ctx: &Ctx<'_>, body: &Body<'_>, m: &mut Val) {
    let Some(rule) = body.blocks("rule").into_iter().next() else {
        return;
    };
    let Some(dr) = rule.body.blocks("default_retention").into_iter().next() else {
        return;
    };
    attr_into(ctx, &dr.body, "mode", m, "mode", &Ty::Str);
    attr_into(ctx, &dr.body, "days", m, "days", &Ty::Num);
    attr_into(ctx, &dr.body, "years", m, "years", &Ty::Num);
}
