//! `provider "aws"` configurations and the region they give resources.
//!
//! A configuration is named `aws` (the default) or `aws.<alias>`. The root module's are its
//! `provider` blocks. A module instance inherits its caller's default configuration, or, when
//! the call has a `providers` map (`providers = { aws = aws.west }`), exactly the ones it lists;
//! the module's own `provider` blocks (legacy shared modules) win. A resource or data source
//! uses the configuration its `provider` argument names (`provider = aws.west`), else the
//! default. (Terraform, "The Module providers Meta-Argument":
//! <https://developer.hashicorp.com/terraform/language/meta-arguments/module-providers>.)
//!
//! A configuration's region is a [`Part`]: literal when its `region` is, "this region"
//! ([`Sym::Region`]) for a default configuration whose region is not written literally (it is
//! the region the configuration deploys to by definition) and for a configuration without
//! `region` (both read it from the environment), and unknown for an alias whose region is an
//! expression ctlint cannot evaluate: it is then not "this region", and nothing that depends on
//! it is guessed.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey};

use super::body::{Block, Expr, ExprKind};
use super::eval::Ctx;
use crate::model::{Part, Sym, Unknown};
use crate::parse::NodeKind;

/// The region of provider configuration `name` (`aws`, `aws.west`) in `ctx`'s module.
pub fn region(ctx: &Ctx<'_>, name: &str) -> Part {
    match ctx.provider_regions.get(name) {
        Some(p) => p.clone(),
        None if !name.contains('.') => Part::Sym(Sym::Region),
        None => unknown(
            name,
            format!("provider configuration `{name}` is not defined in {}", module_name(ctx)),
        ),
    }
}

/// The region of the configuration a resource or data source block uses.
pub fn of_block(ctx: &Ctx<'_>, b: &Block<'_>) -> Part {
    match b.body.attr("provider").and_then(|a| reference(a.expr)) {
        Some(name) => region(ctx, &name),
        None => region(ctx, "aws"),
    }
}

/// The configurations a module call gives its instance, evaluated in the caller.
pub fn passed(parent: &Ctx<'_>, call: &Block<'_>) -> HashMap<String, Part> {
    let Some(map) = call.body.attr("providers") else {
        return parent
            .provider_regions
            .get("aws")
            .map(|p| ("aws".to_string(), p.clone()))
            .into_iter()
            .collect();
    };
    entries(map.expr)
        .into_iter()
        .map(|(inner, outer)| {
            let part = region(parent, &outer);
            (inner, part)
        })
        .collect()
}

/// The module's own `provider "aws"` blocks over `inherited`. In the root module (`root`) a
/// default configuration whose region is not literal is "this region".
pub fn own(ctx: &Ctx<'_>, mut inherited: HashMap<String, Part>, root: bool) -> HashMap<String, Part> {
    for b in ctx
        .providers
        .iter()
        .filter(|b| b.ident == "provider" && b.labels.first() == Some(&"aws"))
    {
        let alias = b
            .body
            .attr("alias")
            .and_then(|a| ctx.eval(a.expr).as_str().map(str::to_string));
        let name = match alias {
            Some(a) => format!("aws.{a}"),
            None if b.body.attr("alias").is_some() => continue,
            None => "aws".to_string(),
        };
        let part = match b.body.attr("region") {
            None => Part::Sym(Sym::Region),
            Some(a) => {
                let v = ctx.eval(a.expr);
                let single = v.text().and_then(|t| match t.0.as_slice() {
                    [p @ (Part::Lit(_) | Part::Sym(Sym::Region))] => Some(p.clone()),
                    _ => None,
                });
                match single {
                    Some(p) => p,
                    None if root && name == "aws" => Part::Sym(Sym::Region),
                    None => {
                        let why = v.unknown_info().map_or_else(
                            || "it is not a known string".to_string(),
                            |u| format!("it depends on `{}`: {}", u.expr, u.reason),
                        );
                        unknown(
                            &format!("provider.{name}.region"),
                            format!("the region of provider configuration `{name}` is not known: {why}"),
                        )
                    }
                }
            }
        };
        inherited.insert(name, part);
    }
    inherited
}

fn module_name(ctx: &Ctx<'_>) -> String {
    let prefix = ctx.prefix();
    match prefix.strip_suffix('.') {
        Some(p) => format!("`{p}`"),
        None => "the root module".into(),
    }
}

fn unknown(expr: &str, reason: String) -> Part {
    Part::Unknown(Box::new(Unknown {
        expr: expr.into(),
        reason,
    }))
}

/// A provider reference as written: `aws.west` (HCL), `"aws.west"` (JSON, or quoted).
fn reference(e: Expr<'_>) -> Option<String> {
    let text = match e.kind {
        ExprKind::Json(n) => n.as_str()?.to_string(),
        ExprKind::Value(v) => v.as_str()?.to_string(),
        ExprKind::Hcl(_) => e
            .src
            .text
            .get(e.span().start as usize..e.span().end as usize)?
            .to_string(),
    };
    let t = text.trim().trim_matches('"').trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The entries of a `providers` map: (name in the child, name in the caller).
fn entries(e: Expr<'_>) -> Vec<(String, String)> {
    match e.kind {
        // A plan's module calls are already instances, with their providers resolved.
        ExprKind::Value(_) => Vec::new(),
        ExprKind::Json(n) => match &n.kind {
            NodeKind::Object(items) => items
                .iter()
                .filter_map(|(k, v)| Some((k.name.clone(), v.as_str()?.to_string())))
                .collect(),
            _ => Vec::new(),
        },
        ExprKind::Hcl(Expression::Object(o)) => o
            .iter()
            .filter_map(|(k, v)| {
                let key = match k {
                    ObjectKey::Ident(i) => i.value().to_string(),
                    ObjectKey::Expression(x) => reference(Expr {
                        kind: ExprKind::Hcl(x),
                        src: e.src,
                    })?,
                };
                let value = reference(Expr {
                    kind: ExprKind::Hcl(v.expr()),
                    src: e.src,
                })?;
                Some((key, value))
            })
            .collect(),
        ExprKind::Hcl(_) => Vec::new(),
    }
}
