//! CloudFormation intrinsic functions and conditions, one function each.
//!
//! Every template value is evaluated through [`Template::eval`]: plain values map directly, and
//! a single-key mapping whose key is `Ref`, `Condition` or `Fn::…` is an intrinsic. Parameters
//! take their `--cfn-parameters` value or their `Default`; a parameter with neither, a condition
//! that depends on one, or a `Fn::FindInMap` keyed by a symbol is unknown, with the reason.
//! `Ref` and `Fn::GetAtt` of resources stay symbolic (`Logs.Ref`, `Logs.Arn`) so that links
//! resolve by reference; `Fn::ImportValue` is a symbol: set, value unknown.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::model::{AttrRef, Part, ScopeId, Sym, Text, V, Val, ViaKind};
use crate::parse::{Node, NodeKind};
use crate::source::Span;
use crate::source::Src;

/// Evaluation context of one template.
pub struct Template<'a> {
    pub scope: ScopeId,
    pub src: Src<'a>,
    pub root: &'a Node,
    pub parameters: HashMap<&'a str, &'a Node>,
    pub given: &'a HashMap<String, String>,
    pub resources: HashMap<&'a str, &'a Node>,
    conditions: HashMap<&'a str, &'a Node>,
    condition_cache: RefCell<HashMap<String, Val>>,
    active: RefCell<HashSet<String>>,
}

const MAX_DEPTH: usize = 64;

impl<'a> Template<'a> {
    pub fn new(root: &'a Node, src: Src<'a>, scope: ScopeId, given: &'a HashMap<String, String>) -> Template<'a> {
        let section = |name: &str| -> HashMap<&'a str, &'a Node> {
            root.get(name)
                .and_then(Node::as_object)
                .map(|entries| entries.iter().map(|(k, v)| (k.name.as_str(), v)).collect())
                .unwrap_or_default()
        };
        Template {
            scope,
            src,
            root,
            parameters: section("Parameters"),
            given,
            resources: section("Resources"),
            conditions: section("Conditions"),
            condition_cache: RefCell::new(HashMap::new()),
            active: RefCell::new(HashSet::new()),
        }
    }

    pub fn eval(&self, n: &Node) -> Val {
        self.eval_depth(n, 0)
    }

    fn eval_depth(&self, n: &Node, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return self.unknown(n, "intrinsic functions nest too deeply to evaluate");
        }
        if let Some((name, arg)) = n.as_intrinsic() {
            return self.intrinsic(name, arg, n, depth + 1);
        }
        let v = match &n.kind {
            NodeKind::Null => V::Null,
            NodeKind::Bool(b) => V::Bool(*b),
            NodeKind::Number(s) => s.parse::<f64>().map_or_else(|_| V::Str(s.clone()), V::Num),
            NodeKind::String(s) => V::Str(s.clone()),
            NodeKind::Array(items) => V::List(
                items
                    .iter()
                    .map(|i| self.eval_depth(i, depth + 1))
                    // `!Ref AWS::NoValue` in a list removes the item.
                    .filter(|v| !v.is_null())
                    .collect(),
            ),
            NodeKind::Object(entries) => V::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), self.eval_depth(v, depth + 1)))
                    .filter(|(_, v)| !v.is_null())
                    .collect(),
            ),
        };
        Val::new(v, n.span)
    }

    pub fn unknown(&self, n: &Node, reason: impl Into<String>) -> Val {
        Val::unknown(self.src.snippet(n.span), reason, n.span)
    }

    fn intrinsic(&self, name: &str, arg: &Node, whole: &Node, depth: usize) -> Val {
        let v = match name {
            "Ref" => self.ref_(arg, whole),
            "Fn::GetAtt" => self.get_att(arg, whole),
            "Fn::Sub" => self.sub(arg, whole, depth),
            "Fn::Join" => self.join(arg, whole, depth),
            "Fn::Select" => self.select(arg, whole, depth),
            "Fn::Split" => self.split(arg, whole, depth),
            "Fn::If" => self.if_(arg, whole, depth),
            "Fn::FindInMap" => self.find_in_map(arg, whole, depth),
            "Fn::ImportValue" => self.import_value(arg, whole, depth),
            "Fn::Base64" => self.eval_depth(arg, depth),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => self.condition_expr(whole, depth),
            "Fn::Length" => {
                let list = self.eval_depth(arg, depth);
                match list.as_list() {
                    Some(items) => Val::new(V::Num(items.len() as f64), whole.span),
                    None => self.unknown(whole, "the list's length is not known"),
                }
            }
            "Fn::ToJsonString" => self.eval_depth(arg, depth),
            "Fn::GetAZs" => self.unknown(whole, "the Availability Zones of a region are known only at deployment"),
            other => self.unknown(whole, format!("`{other}` is not evaluated")),
        };
        v.respan(whole.span)
    }

    /// `Ref`: a parameter, a pseudo parameter or a resource.
    fn ref_(&self, arg: &Node, whole: &Node) -> Val {
        let Some(name) = arg.as_str() else {
            return self.unknown(whole, "`Ref` needs a name");
        };
        if let Some(p) = pseudo(name, self.scope) {
            return Val::new(p, whole.span);
        }
        if let Some(param) = self.parameters.get(name) {
            return self.parameter(name, param, whole);
        }
        if self.resources.contains_key(name) {
            return self.attr_ref(name, "Ref", whole.span);
        }
        self.unknown(
            whole,
            format!("`{name}` is not a parameter or resource of this template"),
        )
    }

    fn parameter(&self, name: &str, param: &Node, whole: &Node) -> Val {
        let is_list = param
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
        let shown = self.src.snippet(whole.span);
        let expr = if shown.is_empty() || shown.contains('\n') || shown.chars().count() > 80 {
            format!("Ref {name}")
        } else {
            shown
        };
        let what = format!("parameter `{name}`");
        let raw = match self.given.get(name) {
            Some(v) => {
                Val::new(V::Str(v.clone()), Span::default()).through(expr, what, ViaKind::ParameterGiven, whole.span)
            }
            None => match param.get("Default") {
                Some(d) => {
                    let d = self.eval(d);
                    if d.has_unknown() {
                        d.respan(whole.span)
                    } else {
                        d.through(expr, what, ViaKind::ParameterDefault, whole.span)
                    }
                }
                None => {
                    return self.unknown(
                        whole,
                        format!("parameter `{name}` has no default (give it a value with --cfn-parameters)"),
                    );
                }
            },
        };
        if is_list && let Some(s) = raw.as_str() {
            let items = if s.is_empty() {
                Vec::new()
            } else {
                s.split(',')
                    .map(|p| Val::new(V::Str(p.trim().to_string()), whole.span))
                    .collect()
            };
            return Val {
                v: V::List(items),
                ..raw
            };
        }
        match raw.v {
            V::Num(n) => Val {
                v: V::Str(crate::model::value::fmt_num(n)),
                ..raw
            },
            V::Bool(b) => Val {
                v: V::Str(b.to_string()),
                ..raw
            },
            _ => raw,
        }
    }

    /// A symbolic attribute of a resource of this template (`Logs.Arn`, `Logs.Ref`).
    pub fn attr_ref(&self, target: &str, attr: &str, span: Span) -> Val {
        Val::new(
            V::Text(Text::sym(Sym::Attr(Box::new(AttrRef {
                scope: self.scope,
                target: target.to_string(),
                attr: attr.to_string(),
            })))),
            span,
        )
    }

    /// `Fn::GetAtt`: `[Resource, Attribute]` or `"Resource.Attribute"`.
    fn get_att(&self, arg: &Node, whole: &Node) -> Val {
        let (res, att) = match &arg.kind {
            NodeKind::String(s) => match s.split_once('.') {
                Some((r, a)) => (r.to_string(), a.to_string()),
                None => return self.unknown(whole, "`Fn::GetAtt` needs `Resource.Attribute`"),
            },
            NodeKind::Array(items) if items.len() == 2 => {
                let r = items[0].as_str().map(str::to_string);
                let a = self.eval(&items[1]);
                match (r, a.as_str()) {
                    (Some(r), Some(a)) => (r, a.to_string()),
                    _ => return self.unknown(whole, "`Fn::GetAtt` arguments are not known"),
                }
            }
            _ => return self.unknown(whole, "`Fn::GetAtt` needs a resource and an attribute"),
        };
        self.attr_ref(&res, &att, whole.span)
    }

    /// `Fn::Sub`: `"text ${Name} ${Res.Attr} ${!Literal}"`, with optional variables.
    fn sub(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let (template, vars) = match &arg.kind {
            NodeKind::String(s) => (s.as_str(), None),
            NodeKind::Array(items) if items.len() == 2 => match items[0].as_str() {
                Some(s) => (s, Some(&items[1])),
                None => return self.unknown(whole, "`Fn::Sub` needs a string"),
            },
            _ => return self.unknown(whole, "`Fn::Sub` needs a string"),
        };
        let mut text = Text::default();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            text.push(Part::Lit(rest[..start].to_string()));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                text.push(Part::Lit(rest[start..].to_string()));
                rest = "";
                break;
            };
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(lit) = name.strip_prefix('!') {
                text.push(Part::Lit(format!("${{{lit}}}")));
                continue;
            }
            let value = if let Some(v) = vars.and_then(|m| m.get(name)) {
                self.eval_depth(v, depth)
            } else if let Some((r, a)) = name.split_once('.').filter(|(r, _)| self.resources.contains_key(r)) {
                self.attr_ref(r, a, whole.span)
            } else if let Some(p) = pseudo(name, self.scope) {
                Val::new(p, whole.span)
            } else if let Some(param) = self.parameters.get(name) {
                self.parameter(name, param, whole)
            } else if self.resources.contains_key(name) {
                self.attr_ref(name, "Ref", whole.span)
            } else {
                Val::unknown(
                    format!("${{{name}}}"),
                    format!("`{name}` is not a parameter or resource of this template"),
                    whole.span,
                )
            };
            match value.v {
                V::Str(s) => text.push(Part::Lit(s)),
                V::Num(n) => text.push(Part::Lit(crate::model::value::fmt_num(n))),
                V::Text(t) => text.append(t),
                V::Unknown(u) => text.push(Part::Unknown(u)),
                _ => text.push(Part::Unknown(Box::new(crate::model::Unknown {
                    expr: format!("${{{name}}}"),
                    reason: "does not evaluate to a string".into(),
                }))),
            }
        }
        text.push(Part::Lit(rest.to_string()));
        Val::new(text.into_v(), whole.span)
    }

    /// `Fn::Join`: `[delimiter, [values]]`.
    fn join(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let Some([delim, list]) = arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok()) else {
            return self.unknown(whole, "`Fn::Join` needs a delimiter and a list");
        };
        let Some(delim) = delim.as_str() else {
            return self.unknown(whole, "`Fn::Join` delimiter is not a string");
        };
        let list = self.eval_depth(list, depth);
        let Some(items) = list.as_list() else {
            return match list.unknown_info() {
                Some(_) => list,
                None => self.unknown(whole, "`Fn::Join` list is not known"),
            };
        };
        let mut text = Text::default();
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                text.push(Part::Lit(delim.to_string()));
            }
            match (&it.v, it.text()) {
                (V::Unknown(u), _) => text.push(Part::Unknown(u.clone())),
                (V::Num(n), _) => text.push(Part::Lit(crate::model::value::fmt_num(*n))),
                (_, Some(t)) => text.append(t.into_owned()),
                _ => return self.unknown(whole, "`Fn::Join` item is not a string"),
            }
        }
        Val::new(text.into_v(), whole.span)
    }

    /// `Fn::Select`: `[index, [values]]`.
    fn select(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let Some([idx, list]) = arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok()) else {
            return self.unknown(whole, "`Fn::Select` needs an index and a list");
        };
        let idx = self.eval_depth(idx, depth);
        let i = idx.as_num().or_else(|| idx.as_str().and_then(|s| s.parse().ok()));
        let list = self.eval_depth(list, depth);
        match (i, list.as_list()) {
            (Some(i), Some(items)) if i >= 0.0 && (i as usize) < items.len() => items[i as usize].clone(),
            _ => self.unknown(whole, "`Fn::Select` index or list is not known"),
        }
    }

    /// `Fn::Split`: `[delimiter, string]`.
    fn split(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let Some([delim, s]) = arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok()) else {
            return self.unknown(whole, "`Fn::Split` needs a delimiter and a string");
        };
        let (Some(delim), Some(text)) = (delim.as_str(), self.eval_depth(s, depth).text().map(|t| t.into_owned()))
        else {
            return self.unknown(whole, "`Fn::Split` arguments are not known");
        };
        let items = text
            .split(delim)
            .into_iter()
            .map(|t| Val::new(t.into_v(), whole.span))
            .collect();
        Val::new(V::List(items), whole.span)
    }

    /// `Fn::If`: `[condition, when true, when false]`.
    fn if_(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let Some([cond, yes, no]) = arg.as_array().and_then(|a| <&[Node; 3]>::try_from(a).ok()) else {
            return self.unknown(whole, "`Fn::If` needs a condition and two values");
        };
        let Some(name) = cond.as_str() else {
            return self.unknown(whole, "`Fn::If` condition must be a name");
        };
        let c = self.condition(name, whole);
        match c.as_bool() {
            Some(true) => self.eval_depth(yes, depth),
            Some(false) => self.eval_depth(no, depth),
            None => {
                let (a, b) = (self.eval_depth(yes, depth), self.eval_depth(no, depth));
                if a.same_value(&b) && !a.has_unknown() {
                    return a;
                }
                let why = c.unknown_info().map_or_else(
                    || format!("condition `{name}` is not known"),
                    |u| format!("condition `{name}` is not known: {}", u.reason),
                );
                self.unknown(whole, why)
            }
        }
    }

    /// The value of a named condition (cached; cycles are unknown).
    pub fn condition(&self, name: &str, at: &Node) -> Val {
        if let Some(v) = self.condition_cache.borrow().get(name) {
            return v.clone();
        }
        let Some(node) = self.conditions.get(name).copied() else {
            return self.unknown(at, format!("condition `{name}` is not defined"));
        };
        if !self.active.borrow_mut().insert(name.to_string()) {
            return self.unknown(at, format!("condition `{name}` refers to itself"));
        }
        let v = self.condition_expr(node, 1);
        self.active.borrow_mut().remove(name);
        self.condition_cache.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    /// `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`.
    fn condition_expr(&self, n: &Node, depth: usize) -> Val {
        let Some((name, arg)) = n.as_intrinsic() else {
            return self.unknown(n, "not a condition");
        };
        let bool_of = |v: &Val| v.as_bool();
        let items = || arg.as_array().unwrap_or(&[]);
        let v = match name {
            "Condition" => match arg.as_str() {
                Some(c) => return self.condition(c, n),
                None => return self.unknown(n, "`Condition` needs a name"),
            },
            "Fn::Equals" => {
                let [a, b] = items() else {
                    return self.unknown(n, "`Fn::Equals` needs two values");
                };
                let (a, b) = (self.eval_depth(a, depth), self.eval_depth(b, depth));
                if let Some(u) = a.unknown_info().or(b.unknown_info()) {
                    return Val::unknown(u.expr.clone(), u.reason.clone(), n.span);
                }
                if a.same_value(&b) {
                    true
                } else if matches!(a.v, V::Text(_)) || matches!(b.v, V::Text(_)) {
                    return self.unknown(
                        n,
                        "compares a value only known when deployed (a region, account or resource attribute)",
                    );
                } else {
                    equal_loosely(&a, &b)
                }
            }
            "Fn::Not" => {
                let [c] = items() else {
                    return self.unknown(n, "`Fn::Not` needs one condition");
                };
                let c = self.condition_expr(c, depth + 1);
                match bool_of(&c) {
                    Some(b) => !b,
                    None => return c,
                }
            }
            "Fn::And" | "Fn::Or" => {
                let want = name == "Fn::Or";
                let mut unknown = None;
                for c in items() {
                    let c = self.condition_expr(c, depth + 1);
                    match bool_of(&c) {
                        Some(b) if b == want => return Val::new(V::Bool(want), n.span),
                        Some(_) => {}
                        None => unknown = Some(c),
                    }
                }
                match unknown {
                    Some(u) => return u,
                    None => !want,
                }
            }
            _ => return self.unknown(n, format!("`{name}` is not a condition function")),
        };
        Val::new(V::Bool(v), n.span)
    }

    /// `Fn::FindInMap`: `[map, top key, second key]` (and an optional default).
    fn find_in_map(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let items = arg.as_array().unwrap_or(&[]);
        if items.len() < 3 {
            return self.unknown(whole, "`Fn::FindInMap` needs a map and two keys");
        }
        let keys: Vec<Val> = items[..3].iter().map(|k| self.eval_depth(k, depth)).collect();
        let default = items.get(3).and_then(|d| d.get("DefaultValue"));
        let names: Vec<Option<&str>> = keys.iter().map(Val::as_str).collect();
        let [Some(map), Some(k1), Some(k2)] = names[..] else {
            return self.unknown(whole, "`Fn::FindInMap` keys are only known when deployed");
        };
        let found = self
            .root
            .get("Mappings")
            .and_then(|m| m.get(map))
            .and_then(|m| m.get(k1))
            .and_then(|m| m.get(k2));
        match (found, default) {
            (Some(v), _) | (None, Some(v)) => self.eval_depth(v, depth),
            (None, None) => self.unknown(whole, format!("mapping `{map}` has no `{k1}`/`{k2}`")),
        }
    }

    fn import_value(&self, arg: &Node, whole: &Node, depth: usize) -> Val {
        let name = self.eval_depth(arg, depth);
        let label = name.text().map_or_else(|| "?".to_string(), |t| t.to_string());
        Val::new(V::Text(Text::sym(Sym::Import(label))), whole.span)
    }
}

/// CloudFormation compares scalars as strings: `"true"` equals `true`, `"5"` equals `5`.
fn equal_loosely(a: &Val, b: &Val) -> bool {
    let s = |v: &Val| match &v.v {
        V::Str(s) => Some(s.clone()),
        V::Num(n) => Some(crate::model::value::fmt_num(*n)),
        V::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    matches!((s(a), s(b)), (Some(x), Some(y)) if x == y)
}

/// Pseudo parameters.
fn pseudo(name: &str, scope: ScopeId) -> Option<V> {
    let sym = |s: Sym| V::Text(Text::sym(s));
    Some(match name {
        "AWS::AccountId" => sym(Sym::Account),
        "AWS::Region" => sym(Sym::Region),
        "AWS::Partition" => sym(Sym::Partition),
        "AWS::URLSuffix" => sym(Sym::UrlSuffix),
        "AWS::NoValue" => V::Null,
        "AWS::StackName" | "AWS::StackId" | "AWS::NotificationARNs" => sym(Sym::Attr(Box::new(AttrRef {
            scope,
            target: name.to_string(),
            attr: String::new(),
        }))),
        _ => return None,
    })
}
