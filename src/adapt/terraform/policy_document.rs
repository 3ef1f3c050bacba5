//! `data "aws_iam_policy_document"` → the normal policy form of [`crate::model::policy`].
//!
//! Statements come from `statement` blocks (`effect` defaults to `Allow`), `principals` and
//! `not_principals` blocks group identifiers by type, and `condition` blocks group values by test
//! and variable. `source_policy_documents` statements come first; `override_policy_documents`
//! replace statements with the same `sid` (or are appended), as the provider documents.

use super::body::Block;
use super::eval::Ctx;
use crate::model::{V, Val};
use crate::source::Span;

pub fn evaluate(ctx: &Ctx<'_>, block: &Block<'_>) -> Val {
    let header = block.header;
    let body = &block.body;
    let mut statements: Vec<Val> = Vec::new();
    if let Some(a) = body.attr("source_policy_documents") {
        match documents_statements(ctx.eval(a.expr)) {
            Ok(s) => statements.extend(s),
            Err(u) => return u,
        }
    }
    for st in body.blocks("statement") {
        statements.push(statement(ctx, &st));
    }
    if let Some(a) = body.attr("override_policy_documents") {
        match documents_statements(ctx.eval(a.expr)) {
            Ok(overrides) => {
                for o in overrides {
                    let sid = o.get("Sid").and_then(Val::as_str).map(str::to_string);
                    match sid.and_then(|s| {
                        statements
                            .iter()
                            .position(|x| x.get("Sid").and_then(Val::as_str) == Some(s.as_str()))
                    }) {
                        Some(i) => statements[i] = o,
                        None => statements.push(o),
                    }
                }
            }
            Err(u) => return u,
        }
    }
    let mut doc = Val::new(V::Map(Vec::new()), header);
    let version = body.attr("version").map_or_else(
        || Val::defaulted(V::Str("2012-10-17".into()), header, "version"),
        |a| ctx.eval(a.expr),
    );
    doc.insert("Version", version);
    if let Some(a) = body.attr("policy_id") {
        doc.insert("Id", ctx.eval(a.expr));
    }
    doc.insert("Statement", Val::new(V::List(statements), header));
    doc
}

/// The statements of a list of policy documents (JSON strings or evaluated documents).
fn documents_statements(list: Val) -> Result<Vec<Val>, Val> {
    let Some(items) = list.as_list() else {
        return Err(list);
    };
    let mut out = Vec::new();
    for item in items {
        let doc = crate::model::policy::normalize(item.clone());
        if doc.unknown_info().is_some() {
            return Err(doc);
        }
        if let Some(st) = doc.get("Statement").and_then(Val::as_list) {
            out.extend(st.iter().cloned());
        }
    }
    Ok(out)
}

fn statement(ctx: &Ctx<'_>, st: &Block<'_>) -> Val {
    let b = &st.body;
    let mut m = Val::new(V::Map(Vec::new()), st.header);
    if let Some(a) = b.attr("sid") {
        m.insert("Sid", ctx.eval(a.expr));
    }
    let effect = b.attr("effect").map_or_else(
        || Val::defaulted(V::Str("Allow".into()), st.header, "effect"),
        |a| ctx.eval(a.expr),
    );
    m.insert("Effect", effect);
    for (attr, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(a) = b.attr(attr) {
            m.insert(key, ctx.eval(a.expr));
        }
    }
    for (ident, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
        let blocks = b.blocks(ident);
        if blocks.is_empty() {
            continue;
        }
        let mut p = Val::new(V::Map(Vec::new()), blocks[0].header);
        for pb in &blocks {
            let ty = pb.body.attr("type").map(|a| ctx.eval(a.expr));
            let ids = pb.body.attr("identifiers").map(|a| ctx.eval(a.expr));
            let (Some(ty), Some(ids)) = (ty, ids) else { continue };
            let ty_name = match ty.as_str() {
                // `type = "*"` with `identifiers = ["*"]` is the document's `"Principal": "*"`.
                Some("*") => "AWS".to_string(),
                Some(t) => t.to_string(),
                None => {
                    // Who else the statement applies to is not known: the principal as a whole
                    // is unknown, not the known part alone.
                    let why = ty.unknown_info().map_or_else(
                        || "the principal type is not known".to_string(),
                        |u| format!("the principal type depends on `{}`: {}", u.expr, u.reason),
                    );
                    p = Val::unknown("principals.type", why, pb.header);
                    break;
                }
            };
            append_list(&mut p, &ty_name, ids, pb.header);
        }
        m.insert(key, p);
    }
    let conditions = b.blocks("condition");
    if !conditions.is_empty() {
        let mut c = Val::new(V::Map(Vec::new()), conditions[0].header);
        for cb in &conditions {
            let test = cb.body.attr("test").map(|a| ctx.eval(a.expr));
            let var = cb.body.attr("variable").map(|a| ctx.eval(a.expr));
            let values = cb.body.attr("values").map(|a| ctx.eval(a.expr));
            let (Some(test), Some(var), Some(values)) = (test, var, values) else {
                continue;
            };
            let (Some(test), Some(var)) = (test.as_str(), var.as_str()) else {
                c.insert(
                    "?",
                    Val::unknown("condition", "the condition test or variable is not known", cb.header),
                );
                continue;
            };
            if c.get(test).is_none() {
                c.insert(test, Val::new(V::Map(Vec::new()), cb.header));
            }
            if let Some(op) = c.get_mut(test) {
                append_list(op, var, values, cb.header);
            }
        }
        m.insert("Condition", c);
    }
    m
}

/// Append values under `key` of a map, making a list.
fn append_list(map: &mut Val, key: &str, values: Val, span: Span) {
    let new_items = match values.v {
        V::List(items) => items,
        _ => vec![values],
    };
    match map.get_mut(key) {
        Some(existing) => {
            if let V::List(items) = &mut existing.v {
                items.extend(new_items);
            }
        }
        None => map.insert(key, Val::new(V::List(new_items), span)),
    }
}
