//! A plan beside its configuration: the plan decides the values, the `.tf` files give the
//! locations.
//!
//! When the `.tf`/`.tf.json` files of a plan's directory are scanned too, that Terraform scope
//! and the plan describe the same resources. Checking both would report everything twice, so the
//! plan supersedes the Terraform scope: its resources are dropped (and its unread module calls,
//! which the plan has expanded), after lending their locations to the plan's resources of the
//! same address. A value then points where the `.tf` sets it, a default at the resource header,
//! and a finding inside a module carries its module calls, as when the `.tf` is checked alone.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::adapt::Adapted;
use crate::model::{Origin, Part, Resource, ScopeId, Sym, V, Val};
use crate::source::Span;

/// Let each plan scope supersede the Terraform scope of its directory. `tf_dirs[g]` is the
/// directory of group `g` when it is a Terraform module, `plan_dirs[g]` when it is a plan.
pub fn supersede(adapted: &mut [Option<Adapted>], tf_dirs: &[Option<PathBuf>], plan_dirs: &[Option<PathBuf>]) {
    let mut by_dir: HashMap<&PathBuf, usize> = HashMap::new();
    for (g, dir) in tf_dirs.iter().enumerate() {
        if let Some(d) = dir
            && adapted.get(g).is_some_and(Option::is_some)
        {
            by_dir.entry(d).or_insert(g);
        }
    }
    let mut pairs: Vec<(usize, usize)> = plan_dirs
        .iter()
        .enumerate()
        .filter_map(|(p, dir)| Some((*by_dir.get(dir.as_ref()?)?, p)))
        .filter(|(_, p)| adapted.get(*p).is_some_and(Option::is_some))
        .collect();
    pairs.sort_unstable();
    let mut i = 0;
    while i < pairs.len() {
        let tf = pairs[i].0;
        let Some((tf_scope, hcl, unread, _)) = adapted[tf].as_mut() else {
            i += 1;
            continue;
        };
        let hcl = std::mem::take(hcl);
        unread.clear();
        let region = tf_scope.region.clone();
        while i < pairs.len() && pairs[i].0 == tf {
            if let Some((scope, resources, _, _)) = adapted[pairs[i].1].as_mut() {
                if scope.region.is_none() {
                    scope.region.clone_from(&region);
                }
                locate_all(resources, &hcl, tf as ScopeId, pairs[i].1 as ScopeId);
            }
            i += 1;
        }
    }
}

/// Address without instance keys: `module.a[0].aws_s3_bucket.b["x"]` → `module.a.aws_s3_bucket.b`.
fn unkeyed(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
    for c in address.chars() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => quoted = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn locate_all(plan: &mut [Resource], hcl: &[Resource], from: ScopeId, to: ScopeId) {
    let mut exact: HashMap<String, usize> = HashMap::new();
    let mut loose: HashMap<String, usize> = HashMap::new();
    for (i, h) in hcl.iter().enumerate() {
        let a = h.address.to_string();
        loose.entry(unkeyed(&a)).or_insert(i);
        exact.entry(a).or_insert(i);
    }
    for r in plan.iter_mut() {
        let a = r.address.to_string();
        let Some(&h) = exact.get(&a).or_else(|| loose.get(&unkeyed(&a))) else {
            continue;
        };
        let h = &hcl[h];
        r.header = h.header;
        r.instance.clone_from(&h.instance);
        let fields = std::mem::take(&mut r.fields);
        r.fields = merge(fields, Some(&h.fields), h.header, from, to);
    }
}

/// The plan's value `p` at the location of the `.tf` value `h` at the same path. What the `.tf`
/// does not write points at the nearest place it does (`fallback`). A scalar the plan leaves
/// unknown but the `.tf` evaluates (`"${aws_cloudwatch_log_group.trail.arn}:*"`, symbolic) is
/// taken from the `.tf`: it is the same configuration, read more closely.
fn merge(mut p: Val, h: Option<&Val>, fallback: Span, from: ScopeId, to: ScopeId) -> Val {
    let Some(h) = h else {
        return defaulted(p, fallback);
    };
    let scalar = !matches!(p.v, V::Map(_) | V::List(_));
    if scalar && p.has_unknown() && !h.has_unknown() && !matches!(h.origin, Origin::Defaulted) {
        let mut v = h.clone();
        rescope(&mut v, from, to);
        return v;
    }
    p.span = h.span;
    if h.origin != Origin::Written && p.same_value(h) {
        p.origin = h.origin;
    }
    if !h.source.is_empty() {
        p.source = h.source;
    }
    match &mut p.v {
        V::Map(entries) => {
            // The plan lists every attribute of the schema, null where nothing sets it: what the
            // `.tf` leaves out and the plan has as null is not set, as when the `.tf` is read.
            entries.retain(|(k, v)| h.get(k).is_some() || !matches!(v.v, V::Null));
            for (k, v) in entries.iter_mut() {
                *v = merge(std::mem::take(v), h.get(k), h.span, from, to);
            }
        }
        V::List(items) => {
            let theirs = h.as_list().unwrap_or(&[]);
            for (i, v) in items.iter_mut().enumerate() {
                *v = merge(std::mem::take(v), theirs.get(i), h.span, from, to);
            }
        }
        _ => {}
    }
    p
}

/// A value the plan has and the `.tf` does not write: the provider's default, pointed at the
/// nearest place the `.tf` writes.
fn defaulted(p: Val, at: Span) -> Val {
    let mut v = p.respan_deep(at);
    set_origin(&mut v, Origin::Defaulted);
    v
}

fn set_origin(v: &mut Val, origin: Origin) {
    v.origin = origin;
    match &mut v.v {
        V::List(items) => items.iter_mut().for_each(|i| set_origin(i, origin)),
        V::Map(entries) => entries.iter_mut().for_each(|(_, i)| set_origin(i, origin)),
        _ => {}
    }
}

/// References of a value taken from the `.tf` scope, made references of the plan's scope.
fn rescope(v: &mut Val, from: ScopeId, to: ScopeId) {
    match &mut v.v {
        V::Text(t) => {
            for part in &mut t.0 {
                if let Part::Sym(Sym::Attr(a)) = part
                    && a.scope == from
                {
                    a.scope = to;
                }
            }
        }
        V::List(items) => items.iter_mut().for_each(|i| rescope(i, from, to)),
        V::Map(entries) => entries.iter_mut().for_each(|(_, i)| rescope(i, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::unkeyed;

    #[test]
    fn instance_keys_are_stripped() {
        assert_eq!(
            unkeyed("module.a[0].module.b[\"x]y\"].aws_cloudtrail.this[1]"),
            "module.a.module.b.aws_cloudtrail.this"
        );
    }
}
