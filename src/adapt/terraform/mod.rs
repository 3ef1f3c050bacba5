//! Terraform → model.
//!
//! A module is every `.tf` and `.tf.json` file of one directory. Its blocks are collected, the
//! evaluation context is built (variables, locals, resources, data sources, the `aws` provider's
//! region), and every resource of a modelled type becomes a [`Resource`] whose fields are filled
//! from the schema: the generic part ([`fill`]) reads attribute and block names from
//! [`crate::model::schema`], and the per-service files add what the schema cannot say (legacy
//! inline blocks and the split resources folded into buckets, keys and roles).
//!
//! Resources with a known `count`/`for_each` become one instance per element (none for
//! `count = 0`); with an unknown collection the body is evaluated once with the iterator unknown.

pub mod body;
pub mod eval;
pub mod functions;
mod iam;
mod kms;
pub mod policy_document;
mod s3;

use std::collections::HashMap;

use body::{Attr, Block, Body, ExprKind};
use eval::{Ctx, Variable};
use hcl_edit::expr::Expression;

use super::fields::{coerce, coerce_object, fill_defaults, set};
use crate::model::address::InstanceKey;
use crate::model::schema::{self, Field, Ty};
use crate::model::{Address, Format, Kind, Resource, ScopeId, V, Val};
use crate::parse::{self, Node};
use crate::source::Span;

/// The model kind of a Terraform resource type that becomes a resource of its own.
pub fn kind_of(type_name: &str) -> Option<Kind> {
    Some(match type_name {
        "aws_cloudtrail" => Kind::Trail,
        "aws_s3_bucket" => Kind::Bucket,
        "aws_cloudwatch_log_group" => Kind::LogGroup,
        "aws_kms_key" => Kind::Key,
        "aws_kms_alias" => Kind::KeyAlias,
        "aws_iam_role" => Kind::Role,
        "aws_iam_policy" => Kind::Policy,
        _ => return None,
    })
}

/// Values given from outside the module: `--var`, tfvars files.
pub type VarValues = HashMap<String, Val>;

/// Build the model resources of one module (read from `dir`, where `file()` paths start); also
/// returns the region its `aws` provider fixes.
pub fn adapt_module(
    bodies: &[Body<'_>],
    scope: ScopeId,
    vars: &VarValues,
    dir: &std::path::Path,
) -> (Vec<Resource>, Option<String>) {
    let blocks: Vec<Block<'_>> = bodies.iter().flat_map(|b| b.top_blocks()).collect();
    let mut ctx = Ctx::new(scope);
    ctx.module_dir = Some(dir.to_path_buf());
    let mut resources = Vec::new();
    for b in &blocks {
        match (b.ident, b.labels.as_slice()) {
            ("variable", [name]) => {
                ctx.variables.insert(
                    name,
                    Variable {
                        default: b.body.attr("default").map(|a| a.expr),
                        value: vars.get(*name).cloned(),
                    },
                );
            }
            ("locals", []) => {
                for a in b.body.attrs() {
                    ctx.locals.insert(a.name, a.expr);
                }
            }
            ("resource", [ty, name]) => {
                ctx.resources.insert(format!("{ty}.{name}"));
                resources.push(b);
            }
            ("data", [ty, name]) => {
                ctx.data.insert(format!("data.{ty}.{name}"), b.clone());
            }
            _ => {}
        }
    }
    ctx.region = provider_region(&blocks, &ctx);

    let mut out = Vec::new();
    for b in &resources {
        let (ty, name) = (b.labels[0], b.labels[1]);
        let Some(kind) = kind_of(ty) else { continue };
        for (index, iter) in instances(&ctx, b) {
            let bindings = iter.len();
            ctx.iterators.borrow_mut().extend(iter);
            let address = Address {
                module: Vec::new(),
                local: format!("{ty}.{name}"),
                index: index.clone(),
            };
            let mut r = Resource::new(kind, Format::Terraform, ty, address, scope, b.header);
            r.fields = fill(&ctx, &b.body, schema::fields(kind), b.header);
            match kind {
                Kind::Bucket => s3::legacy_blocks(&ctx, b, &mut r),
                Kind::Key => kms::default_policy(&mut r),
                Kind::Role => iam::inline_policies(&ctx, b, &mut r),
                _ => {}
            }
            let len = ctx.iterators.borrow().len();
            ctx.iterators.borrow_mut().truncate(len - bindings);
            out.push(r);
        }
    }
    // Split resources fold into what they configure, once every resource exists.
    for b in &resources {
        let ty = b.labels[0];
        if ty.starts_with("aws_s3_bucket_") {
            s3::fold_split(&ctx, b, &mut out);
        } else if ty == "aws_kms_key_policy" {
            kms::fold_key_policy(&ctx, b, &mut out);
        } else if ty == "aws_iam_role_policy" || ty == "aws_iam_role_policy_attachment" {
            iam::fold_role_policy(&ctx, b, &mut out);
        } else if ty == "aws_iam_policy_attachment" {
            iam::fold_policy_attachment(&ctx, b, &mut out);
        }
    }
    super::attach_managed_policies(&mut out);
    (out, ctx.region.clone())
}

/// The literal region of the default (un-aliased) `aws` provider.
fn provider_region(blocks: &[Block<'_>], ctx: &Ctx<'_>) -> Option<String> {
    let b = blocks
        .iter()
        .find(|b| b.ident == "provider" && b.labels.first() == Some(&"aws") && b.body.attr("alias").is_none())?;
    let v = ctx.eval(b.body.attr("region")?.expr);
    v.as_str().map(str::to_string)
}

type Binding = (String, Val);

/// The instances of a resource block: `(instance key, iterator bindings)`.
fn instances(ctx: &Ctx<'_>, b: &Block<'_>) -> Vec<(Option<InstanceKey>, Vec<Binding>)> {
    if let Some(count) = b.body.attr("count") {
        let v = ctx.eval(count.expr);
        return match v.as_num() {
            Some(n) if n >= 0.0 => (0..n as i64)
                .map(|i| {
                    let index = Val::new(V::Num(i as f64), count.span);
                    (
                        Some(InstanceKey::Int(i)),
                        vec![("count".to_string(), map_of(vec![("index", index)], count.span))],
                    )
                })
                .collect(),
            _ => {
                let unknown = Val::unknown("count.index", "the resource's `count` is not known", count.span);
                vec![(
                    None,
                    vec![("count".to_string(), map_of(vec![("index", unknown)], count.span))],
                )]
            }
        };
    }
    if let Some(fe) = b.body.attr("for_each") {
        let v = ctx.eval(fe.expr);
        let items: Option<Vec<(String, Val)>> = match &v.v {
            V::Map(entries) => Some(entries.clone()),
            V::List(items) => items
                .iter()
                .map(|i| i.as_str().map(|s| (s.to_string(), i.clone())))
                .collect(),
            _ => None,
        };
        return match items {
            Some(items) => items
                .into_iter()
                .map(|(k, val)| {
                    let key = Val::new(V::Str(k.clone()), fe.span);
                    (
                        Some(InstanceKey::Str(k)),
                        vec![("each".to_string(), map_of(vec![("key", key), ("value", val)], fe.span))],
                    )
                })
                .collect(),
            None => {
                let unknown = Val::unknown("each", "the resource's `for_each` is not known", fe.span);
                vec![(
                    None,
                    vec![(
                        "each".to_string(),
                        map_of(vec![("key", unknown.clone()), ("value", unknown)], fe.span),
                    )],
                )]
            }
        };
    }
    vec![(None, Vec::new())]
}

fn map_of(entries: Vec<(&str, Val)>, span: Span) -> Val {
    Val::new(
        V::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        span,
    )
}

/// Fill the fields of a resource or nested block from its body, following the schema.
pub fn fill(ctx: &Ctx<'_>, body: &Body<'_>, fields: &'static [Field], header: Span) -> Val {
    let mut map = Val::new(V::Map(Vec::new()), header);
    for f in fields.iter().filter(|f| !f.tf.is_empty()) {
        match f.ty {
            Ty::Obj(sub) => {
                if let Some(v) = nested(ctx, body, f, sub).into_iter().next() {
                    set(&mut map, f.name, v);
                }
            }
            Ty::List(sub) => {
                let items = nested(ctx, body, f, sub);
                let dynamic = dynamic_items(ctx, body, f, sub);
                if !items.is_empty() || !dynamic.is_empty() {
                    let span = items.first().or(dynamic.first()).map_or(header, |v| v.span);
                    let mut all = items;
                    all.extend(dynamic);
                    set(&mut map, f.name, Val::new(V::List(all), span).with_source(f.tf));
                }
            }
            Ty::Policy => {
                if let Some(a) = body.attr(f.tf) {
                    set(&mut map, f.name, policy_attr(ctx, &a).with_source(f.tf));
                }
            }
            _ => {
                if let Some(a) = body.attr(f.tf) {
                    set(&mut map, f.name, coerce(ctx.eval(a.expr), &f.ty, f.tf));
                }
            }
        }
    }
    fill_defaults(&mut map, fields, Format::Terraform, header);
    map
}

/// A nested object or list of objects: blocks of that name, or an attribute holding objects.
fn nested(ctx: &Ctx<'_>, body: &Body<'_>, f: &Field, sub: &'static [Field]) -> Vec<Val> {
    let blocks = body.blocks(f.tf);
    if !blocks.is_empty() {
        return blocks
            .iter()
            .map(|blk| fill(ctx, &blk.body, sub, blk.header).with_source(f.tf))
            .collect();
    }
    let Some(a) = body.attr(f.tf) else {
        return Vec::new();
    };
    let v = ctx.eval(a.expr);
    let objects = match v.v {
        V::List(items) => items,
        V::Map(_) => vec![v],
        V::Null => Vec::new(),
        _ => return vec![v.with_source(f.tf)],
    };
    objects
        .into_iter()
        .map(|o| {
            let h = o.span;
            coerce_object(o, sub, Format::Terraform, h, f.tf)
        })
        .collect()
}

/// `dynamic "<name>" { for_each = …; content { … } }` blocks: one item per element, or one
/// unknown item when the collection is not known.
fn dynamic_items(ctx: &Ctx<'_>, body: &Body<'_>, f: &Field, sub: &'static [Field]) -> Vec<Val> {
    let mut out = Vec::new();
    for d in body
        .blocks("dynamic")
        .into_iter()
        .filter(|d| d.labels.first() == Some(&f.tf))
    {
        let Some(content) = d.body.blocks("content").into_iter().next() else {
            continue;
        };
        let iter_name = d
            .body
            .attr("iterator")
            .and_then(|a| match a.expr.kind {
                ExprKind::Hcl(Expression::Variable(v)) => Some(v.value().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| f.tf.to_string());
        let Some(fe) = d.body.attr("for_each") else { continue };
        let coll = ctx.eval(fe.expr);
        let elements: Option<Vec<(Val, Val)>> = match &coll.v {
            V::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(V::Num(i as f64), fe.span), v.clone()))
                    .collect(),
            ),
            V::Map(entries) => Some(
                entries
                    .iter()
                    .map(|(k, v)| (Val::new(V::Str(k.clone()), fe.span), v.clone()))
                    .collect(),
            ),
            _ => None,
        };
        match elements {
            Some(elements) => {
                for (key, value) in elements {
                    ctx.iterators
                        .borrow_mut()
                        .push((iter_name.clone(), map_of(vec![("key", key), ("value", value)], fe.span)));
                    out.push(fill(ctx, &content.body, sub, d.header).with_source(f.tf));
                    ctx.iterators.borrow_mut().pop();
                }
            }
            None => {
                let why = coll.unknown_info().map_or_else(
                    || "its `for_each` is not a known collection".to_string(),
                    |u| format!("its `for_each` depends on `{}`: {}", u.expr, u.reason),
                );
                out.push(Val::unknown(format!("dynamic \"{}\"", f.tf), why, fe.span).with_source(f.tf));
            }
        }
    }
    out
}

/// A policy attribute: heredoc JSON is parsed from the source so that statements keep exact
/// spans; anything else is evaluated (`jsonencode`, a policy document data source, a variable).
pub fn policy_attr(ctx: &Ctx<'_>, a: &Attr<'_>) -> Val {
    if let ExprKind::Hcl(Expression::HeredocTemplate(_)) = a.expr.kind
        && let Some(v) = heredoc_json(ctx, a)
    {
        return crate::model::policy::normalize(v);
    }
    crate::model::policy::normalize(ctx.eval(a.expr))
}

fn heredoc_json(ctx: &Ctx<'_>, a: &Attr<'_>) -> Option<Val> {
    let span = a.expr.span();
    let text = a.expr.src.text.get(span.start as usize..span.end as usize)?;
    let body_start = text.find('\n')? + 1;
    let body_end = text.rfind('\n')?;
    if body_end <= body_start {
        return None;
    }
    let inner = &text[body_start..body_end];
    let mut node: Node = parse::json::parse(inner, span.file).ok()?;
    node.shift(span.start + body_start as u32);
    // Re-evaluate through the JSON evaluator so `${…}` inside strings resolves; the node must
    // outlive the evaluation only for its duration.
    let v = ctx.eval(body::Expr {
        kind: ExprKind::Json(&node),
        src: a.expr.src,
    });
    Some(v)
}

/// The variable values Terraform loads by itself from a root module's directory, in its order of
/// precedence (later wins): `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars` and
/// `*.auto.tfvars.json` in lexical order. A file that cannot be read or parsed gives no values.
pub fn auto_tfvars(dir: &std::path::Path) -> VarValues {
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return VarValues::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            n == "terraform.tfvars"
                || n == "terraform.tfvars.json"
                || n.ends_with(".auto.tfvars")
                || n.ends_with(".auto.tfvars.json")
        })
        .collect();
    names.sort_by_key(|n| (!n.starts_with("terraform.tfvars"), n.clone()));
    let mut out = VarValues::new();
    for name in names {
        let path = dir.join(&name);
        let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
        let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
            continue;
        };
        let vars = if name.ends_with(".json") {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), crate::model::value::from_json(v, Span::default())))
                    .collect(),
                _ => continue,
            }
        } else {
            match tfvars(&text, "") {
                Ok(v) => v,
                Err(_) => continue,
            }
        };
        out.extend(vars);
    }
    out
}

/// The variables of a `.tfvars` file (`file` as shown): every top-level attribute, evaluated
/// without context.
pub fn tfvars(text: &str, file: &str) -> Result<VarValues, crate::diagnostic::Diagnostic> {
    let body = parse::hcl::parse(text, crate::source::FileId(0))
        .map_err(|e| crate::diagnostic::Diagnostic::at_offset(file, text, e.span.start as usize, e.message))?;
    let src = crate::source::Src {
        file: crate::source::FileId(0),
        text,
    };
    let ctx = Ctx::new(u32::MAX);
    let b = Body::Hcl(&body, src);
    Ok(b.attrs()
        .into_iter()
        .map(|a| (a.name.to_string(), ctx.eval(a.expr).respan(Span::default())))
        .collect())
}
