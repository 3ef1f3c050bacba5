//! One resource instance of a plan as a model value: its `change.after` (or planned `values`),
//! with what `change.after_unknown` marks unknown put back in, and, for those unknowns, the
//! references its `configuration` expression makes, so that links still resolve
//! (<https://developer.hashicorp.com/terraform/internals/json-format#change-representation>).
//!
//! A plan's strings are final values, never templates: `${aws:username}` in a policy stays as it
//! is.

use crate::model::{AttrRef, Part, ScopeId, Sym, Text, Unknown, V, Val};
use crate::parse::{Node, NodeKind};
use crate::source::Span;

/// How deep module outputs are followed when a reference names one.
const MAX_OUTPUT_DEPTH: usize = 16;

/// The configuration of a value: what the resource's `expressions` say about it.
#[derive(Clone, Copy)]
pub(super) enum Cfg<'a> {
    /// The resource's configuration was not found: nothing can be said.
    Unread,
    /// The configuration does not set it.
    Absent,
    /// A block-expressions object (or a list of them): attributes by name.
    Block(&'a Node),
    /// An expression representation (`constant_value` / `references`), for the whole subtree.
    Expr(&'a Node),
}

impl<'a> Cfg<'a> {
    fn classify(n: &'a Node) -> Cfg<'a> {
        match &n.kind {
            NodeKind::Object(entries)
                if !entries.is_empty()
                    && entries
                        .iter()
                        .all(|(k, _)| k.name == "constant_value" || k.name == "references") =>
            {
                Cfg::Expr(n)
            }
            NodeKind::Object(_) | NodeKind::Array(_) => Cfg::Block(n),
            _ => Cfg::Absent,
        }
    }

    fn key(self, k: &str) -> Cfg<'a> {
        match self {
            Cfg::Block(b) => b.get(k).map_or(Cfg::Absent, Cfg::classify),
            other => other,
        }
    }

    fn index(self, i: usize) -> Cfg<'a> {
        match self {
            Cfg::Block(b) => match &b.kind {
                NodeKind::Array(items) => items.get(i).map_or(Cfg::Absent, Cfg::classify),
                // A single nested block is the only element of its list value.
                NodeKind::Object(_) if i == 0 => self,
                _ => Cfg::Absent,
            },
            other => other,
        }
    }
}

/// Where references resolve: the module instance a resource belongs to.
pub(super) struct Refs<'a> {
    pub scope: ScopeId,
    /// `module.a["eu"].module.b.`, empty in the root module.
    pub prefix: String,
    /// The configuration of the instance's module (for `module.x.out` references).
    pub module: Option<&'a Node>,
}

/// What one resource instance is built from.
pub(super) struct Instance<'a> {
    pub ty: &'a str,
    pub values: Option<&'a Node>,
    pub unknown: Option<&'a Node>,
    pub cfg: Cfg<'a>,
}

/// Attributes the AWS provider computes when the configuration leaves them out (the deprecated
/// inline blocks of `aws_s3_bucket`, generated names, a key's default policy, a role's
/// attachments): unknown in a plan that creates the resource, and not set as far as the
/// configuration goes. They are left out, as they are when the `.tf` is read, so that the split
/// resources and documented defaults decide them.
fn provider_computed(ty: &str, attr: &str) -> bool {
    let attrs: &[&str] = match ty {
        "aws_s3_bucket" => &[
            "bucket",
            "acl",
            "grant",
            "policy",
            "versioning",
            "logging",
            "lifecycle_rule",
            "server_side_encryption_configuration",
            "object_lock_configuration",
            "object_lock_enabled",
        ],
        "aws_kms_key" => &["policy"],
        "aws_iam_role" => &["name", "inline_policy", "managed_policy_arns"],
        "aws_cloudwatch_log_group" | "aws_iam_policy" | "aws_kms_alias" | "aws_cloudtrail" => &["name"],
        _ => &[],
    };
    attrs.contains(&attr)
}

/// The instance's values as a map (empty when they are not an object).
pub(super) fn build(inst: &Instance<'_>, refs: &Refs<'_>, header: Span) -> Val {
    let mut path = String::new();
    let b = Builder { inst, refs };
    match b.value(inst.values, inst.unknown, inst.cfg, &mut path, None, 0) {
        Some(v @ Val { v: V::Map(_), .. }) => v,
        _ => Val::new(V::Map(Vec::new()), header),
    }
}

struct Builder<'b, 'a> {
    inst: &'b Instance<'a>,
    refs: &'b Refs<'a>,
}

impl Builder<'_, '_> {
    /// The value at `path`; `None` when it is left out (a provider-computed unknown). `key` is the
    /// span of the key naming it in `after_unknown`, where an unknown points.
    fn value(
        &self,
        values: Option<&Node>,
        unknown: Option<&Node>,
        cfg: Cfg<'_>,
        path: &mut String,
        key: Option<Span>,
        depth: usize,
    ) -> Option<Val> {
        if let Some(u) = unknown
            && matches!(u.kind, NodeKind::Bool(true))
        {
            // `"name": true` in `after_unknown`: the entry that says it is unknown.
            let at = key.map_or(u.span, |k| k.to(u.span));
            return self.unknown(cfg, path, at);
        }
        let unknown_entries = unknown.and_then(Node::as_object).unwrap_or(&[]);
        let unknown_items = unknown.and_then(Node::as_array).unwrap_or(&[]);
        let Some(values) = values else {
            // Omitted from `after` but with unknown parts below.
            let u = unknown?;
            return match &u.kind {
                NodeKind::Object(_) => Some(self.map(&[], unknown_entries, cfg, path, u.span, depth)),
                NodeKind::Array(_) => Some(self.list(&[], unknown_items, cfg, path, u.span, depth)),
                _ => None,
            };
        };
        let v = match &values.kind {
            NodeKind::Null => V::Null,
            NodeKind::Bool(b) => V::Bool(*b),
            NodeKind::Number(s) => s.parse::<f64>().map_or_else(|_| V::Str(s.clone()), V::Num),
            NodeKind::String(s) => V::Str(s.clone()),
            NodeKind::Object(entries) => {
                return Some(self.map(entries, unknown_entries, cfg, path, values.span, depth));
            }
            NodeKind::Array(items) => return Some(self.list(items, unknown_items, cfg, path, values.span, depth)),
        };
        Some(Val::new(v, values.span))
    }

    fn map(
        &self,
        entries: &[(crate::parse::Key, Node)],
        unknown: &[(crate::parse::Key, Node)],
        cfg: Cfg<'_>,
        path: &mut String,
        span: Span,
        depth: usize,
    ) -> Val {
        let mut out: Vec<(String, Val)> = Vec::new();
        let len = path.len();
        let unknown_of = |k: &str| unknown.iter().rev().find(|(uk, _)| uk.name == k);
        for (k, v) in entries {
            if out.iter().any(|(o, _)| *o == k.name) {
                continue;
            }
            push_key(path, &k.name);
            let u = unknown_of(&k.name);
            let key_span = u.map(|(uk, _)| uk.span);
            if let Some(val) = self.value(Some(v), u.map(|(_, n)| n), cfg.key(&k.name), path, key_span, depth + 1)
                && self.keep(depth, &k.name, &val)
            {
                out.push((k.name.clone(), val));
            }
            path.truncate(len);
        }
        // Unknown attributes that `after` leaves out.
        for (k, u) in unknown {
            if entries.iter().any(|(e, _)| e.name == k.name) || out.iter().any(|(o, _)| *o == k.name) {
                continue;
            }
            push_key(path, &k.name);
            if let Some(val) = self.value(None, Some(u), cfg.key(&k.name), path, Some(k.span), depth + 1) {
                out.push((k.name.clone(), val));
            }
            path.truncate(len);
        }
        Val::new(V::Map(out), span)
    }

    fn list(&self, items: &[Node], unknown: &[Node], cfg: Cfg<'_>, path: &mut String, span: Span, depth: usize) -> Val {
        let len = path.len();
        let mut out = Vec::new();
        for i in 0..items.len().max(unknown.len()) {
            path.push_str(&format!("[{i}]"));
            // `after` holds null where an element is unknown.
            let v = items
                .get(i)
                .filter(|n| !matches!(n.kind, NodeKind::Null) || unknown.get(i).is_none());
            if let Some(val) = self.value(v, unknown.get(i), cfg.index(i), path, None, depth + 1) {
                out.push(val);
            }
            path.truncate(len);
        }
        Val::new(V::List(out), span)
    }

    /// A resource's `policy` the provider reports as `""` (no policy) is not set.
    fn keep(&self, depth: usize, name: &str, val: &Val) -> bool {
        !(depth == 0 && name == "policy" && val.as_str() == Some(""))
    }

    /// An unknown value at `path`: with the resources its expression refers to, so that links
    /// still resolve; left out when the provider computes it and the configuration does not set
    /// it.
    fn unknown(&self, cfg: Cfg<'_>, path: &str, span: Span) -> Option<Val> {
        let top = path.split(['.', '[']).next().unwrap_or(path);
        let mut reason = "the plan leaves it unknown until apply (`after_unknown`)".to_string();
        let mut found = Vec::new();
        match cfg {
            Cfg::Absent if provider_computed(self.inst.ty, top) => return None,
            Cfg::Expr(e) => {
                let listed: Vec<&str> = e
                    .get("references")
                    .and_then(Node::as_array)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::as_str)
                    .collect();
                resolve(&listed, self.refs.module, &self.refs.prefix, 0, &mut found);
                if let Some(first) = listed.first() {
                    reason.push_str(&format!("; its expression refers to `{first}`"));
                }
            }
            _ => {}
        }
        let unknown = Part::Unknown(Box::new(Unknown {
            expr: "(known after apply)".into(),
            reason,
        }));
        if found.is_empty() {
            let Part::Unknown(u) = unknown else { unreachable!() };
            return Some(Val::new(V::Unknown(u), span));
        }
        let mut text = Text::default();
        for (target, attr) in found {
            text.push(Part::Sym(Sym::Attr(Box::new(AttrRef {
                scope: self.refs.scope,
                target,
                attr,
            }))));
        }
        text.push(unknown);
        Some(Val::new(V::Text(text), span))
    }
}

fn push_key(path: &mut String, k: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(k);
}

/// One step of a reference: a name and the index brackets after it (`logs`, `[0]`).
struct Step<'r> {
    name: &'r str,
    index: &'r str,
}

/// Split `module.a["x.y"].b[0].c` into steps, dots inside brackets and quotes not splitting.
fn steps<'r>(r: &'r str) -> Vec<Step<'r>> {
    let mut out = Vec::new();
    let (mut start, mut depth, mut quoted, mut escaped) = (0, 0u32, false, false);
    let bytes = r.as_bytes();
    let mut i = 0;
    let cut = |a: usize, b: usize, out: &mut Vec<Step<'r>>| {
        let seg = &r[a..b];
        let (name, index) = seg.find('[').map_or((seg, ""), |p| (&seg[..p], &seg[p..]));
        out.push(Step { name, index });
    };
    while i < bytes.len() {
        let c = bytes[i];
        if quoted {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => quoted = true,
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'.' if depth == 0 => {
                    cut(start, i, &mut out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    cut(start, r.len(), &mut out);
    out
}

/// The steps of an address as `(name, index)`: `module.a["eu"]` → `[("module", ""), ("a", "[\"eu\"]")]`.
pub(super) fn split_steps(address: &str) -> Vec<(&str, &str)> {
    steps(address).into_iter().map(|s| (s.name, s.index)).collect()
}

/// The resources and data sources `references` name, as `(target, attribute)` with the module
/// prefix: `aws_s3_bucket.logs.id` → (`aws_s3_bucket.logs`, `id`). A module output is followed
/// into the module's configuration. Variables, locals and iterators lead to no resource.
/// Terraform lists every prefix of a reference after it; the first, longest, one per target is
/// kept.
pub(super) fn resolve(
    references: &[&str],
    module: Option<&Node>,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, String)>,
) {
    for r in references {
        let s = steps(r);
        let attr = |from: usize| {
            s.get(from..)
                .unwrap_or(&[])
                .iter()
                .map(|st| st.name)
                .collect::<Vec<_>>()
                .join(".")
        };
        let (target, attr) = match s.first().map(|st| st.name) {
            None | Some("var" | "local" | "each" | "count" | "path" | "terraform" | "self") => continue,
            Some("module") => {
                let (Some(call), Some(output)) = (s.get(1), s.get(2)) else {
                    continue;
                };
                if depth >= MAX_OUTPUT_DEPTH {
                    continue;
                }
                let callee = module
                    .and_then(|m| m.get("module_calls"))
                    .and_then(|c| c.get(call.name));
                let child = callee.and_then(|c| c.get("module"));
                let listed: Vec<&str> = child
                    .and_then(|m| m.get("outputs"))
                    .and_then(|o| o.get(output.name))
                    .and_then(|o| o.get("expression"))
                    .and_then(|e| e.get("references"))
                    .and_then(Node::as_array)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::as_str)
                    .collect();
                let inner = format!("{prefix}module.{}{}.", call.name, call.index);
                resolve(&listed, child, &inner, depth + 1, out);
                continue;
            }
            Some("data") if s.len() >= 3 => (format!("{prefix}data.{}.{}", s[1].name, s[2].name), attr(3)),
            Some(_) if s.len() >= 2 => (format!("{prefix}{}.{}", s[0].name, s[1].name), attr(2)),
            Some(_) => continue,
        };
        if !out.iter().any(|(t, _)| *t == target) {
            out.push((target, attr));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_keep_the_longest_form_per_target() {
        let mut out = Vec::new();
        resolve(
            &[
                "aws_s3_bucket.logs[0].id",
                "aws_s3_bucket.logs[0]",
                "aws_s3_bucket.logs",
                "var.name",
                "data.aws_iam_policy_document.p.json",
                "data.aws_iam_policy_document.p",
            ],
            None,
            "module.a[\"x.y\"].",
            0,
            &mut out,
        );
        assert_eq!(
            out,
            vec![
                ("module.a[\"x.y\"].aws_s3_bucket.logs".to_string(), "id".to_string()),
                (
                    "module.a[\"x.y\"].data.aws_iam_policy_document.p".to_string(),
                    "json".to_string()
                ),
            ]
        );
    }

    #[test]
    fn steps_split_outside_brackets() {
        let s = steps("module.a[\"x.y\"].b");
        let names: Vec<_> = s.iter().map(|s| (s.name, s.index)).collect();
        assert_eq!(names, vec![("module", ""), ("a", "[\"x.y\"]"), ("b", "")]);
    }
}
