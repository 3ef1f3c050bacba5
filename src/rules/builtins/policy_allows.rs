//! `policy_allows`: does a policy of the target let a principal make requests, as AWS would
//! decide them ([`crate::policy`])? The rule file says who asks what:
//!
//! ```toml
//! expect = { builtin = "policy_allows", args = {
//!   policy    = "policy",                                         # the target's field
//!   principal = "service:logs.{log_group.region}.amazonaws.com",  # or "aws:<arn>", "*"
//!   actions   = ["kms:Encrypt", "kms:Decrypt"],                   # each asked on its own
//!   resource  = "{key.arn}",
//!   context   = { "kms:EncryptionContext:aws:logs:arn" = "{log_group.arn}" },
//! } }
//! ```
//!
//! Every string is a template over the rule's path (`rules/README.md`), checked when the rule
//! loads. Context keys the rule does not list may hold anything (`others = "any"`, the default:
//! a condition on them makes the verdict unknown, never a guess) or are absent from the request
//! (`others = "absent"`, for a service whose request context is fully documented).
//!
//! `policy = "policies"` reads a role's permissions: its inline policies and the documents of
//! the attached policies defined in the scan, allowed when one of them allows and none denies.
//! Attached policies that are not in the scan may grant what is missing, so a denial with such
//! policies attached is unknown.

use crate::finding::Verdict;
use crate::model::{Kind, Origin, Resource, Text, V, Val, schema};
use crate::policy::{self, ContextValue, Decision, Outcome as Effect, Policy, Principal, Request};
use crate::resolve::Resolver;
use crate::rules::builtins::Outcome;
use crate::rules::eval::Ctx;
use crate::rules::path::{Path, Template};

/// The arguments of one `policy_allows` call.
#[derive(Debug, Clone)]
pub struct Query {
    /// The model field holding the document(s).
    pub policy: String,
    pub principal: PrincipalTemplate,
    pub actions: Vec<String>,
    pub resource: Template,
    pub context: Vec<(String, Vec<Template>)>,
    pub others_any: bool,
    /// `expect = "deny"`: the requests must be explicitly denied (a guard such as the Deny on
    /// `aws:SecureTransport = false`), not allowed.
    pub expect_deny: bool,
    /// `scoped_by = [keys]`: a request the policy allows must no longer be allowed once these
    /// context keys may hold anything: the grant depends on one of them (`aws:SourceArn`).
    /// Requests that are not allowed pass (another rule reports the missing grant).
    pub scoped_by: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum PrincipalTemplate {
    Service(Template),
    Aws(Template),
    Anyone,
}

const ARGS: [&str; 8] = [
    "policy",
    "principal",
    "actions",
    "resource",
    "context",
    "others",
    "expect",
    "scoped_by",
];

impl Query {
    pub fn parse(args: &toml::Value, steps: &[&'static str], kinds: &[Kind]) -> Result<Query, String> {
        let table = args.as_table().ok_or("`args` is a table")?;
        if let Some(k) = table.keys().find(|k| !ARGS.contains(&k.as_str())) {
            return Err(format!(
                "`policy_allows` has no argument `{k}` (it takes {})",
                ARGS.join(", ")
            ));
        }
        let string = |name: &str| -> Result<&str, String> {
            table
                .get(name)
                .ok_or_else(|| format!("`policy_allows` needs `{name}`"))?
                .as_str()
                .ok_or_else(|| format!("`{name}` takes a string"))
        };
        let policy = string("policy")?.to_string();
        for kind in kinds {
            let ok = schema::field(schema::fields(*kind), &policy)
                .is_some_and(|f| matches!(f.ty, schema::Ty::Policy) || f.name == "policies");
            if !ok {
                return Err(format!(
                    "`policy = \"{policy}\"` is not a policy field of a {} (see `ctlint explain --fields`)",
                    kind.noun()
                ));
            }
        }
        let principal = match string("principal")? {
            "*" => PrincipalTemplate::Anyone,
            p => match p.split_once(':') {
                Some(("service", s)) => PrincipalTemplate::Service(Template::parse(s, steps)?),
                Some(("aws", a)) => PrincipalTemplate::Aws(Template::parse(a, steps)?),
                _ => return Err(format!("`principal = \"{p}\"`: write `service:NAME`, `aws:ARN` or `*`")),
            },
        };
        if !table.contains_key("actions") {
            return Err("`policy_allows` needs `actions`".into());
        }
        let actions = super::tampering::actions(table, "actions", "policy_allows")?;
        if actions.is_empty() {
            return Err("`actions` lists at least one action".into());
        }
        let resource = Template::parse(string("resource")?, steps)?;
        let mut context = Vec::new();
        if let Some(c) = table.get("context") {
            for (k, v) in c.as_table().ok_or("`context` maps condition keys to values")? {
                let values: Vec<&str> = match v {
                    toml::Value::String(s) => vec![s],
                    toml::Value::Array(a) => a
                        .iter()
                        .map(|i| i.as_str().ok_or(format!("`context.{k}` takes strings")))
                        .collect::<Result<_, _>>()?,
                    _ => return Err(format!("`context.{k}` takes a string or a list of strings")),
                };
                let templates = values
                    .into_iter()
                    .map(|s| Template::parse(s, steps))
                    .collect::<Result<_, _>>()?;
                context.push((k.clone(), templates));
            }
        }
        let others_any = match table.get("others").map(|o| o.as_str()) {
            None | Some(Some("any")) => true,
            Some(Some("absent")) => false,
            Some(_) => return Err("`others` is \"any\" or \"absent\"".into()),
        };
        let expect_deny = match table.get("expect").map(|o| o.as_str()) {
            None | Some(Some("allow")) => false,
            Some(Some("deny")) => true,
            Some(_) => return Err("`expect` is \"allow\" or \"deny\"".into()),
        };
        let scoped_by: Vec<String> = match table.get("scoped_by") {
            None => Vec::new(),
            Some(v) => v
                .as_array()
                .ok_or("`scoped_by` takes a list of condition keys")?
                .iter()
                .map(|k| k.as_str().map(str::to_string).ok_or("`scoped_by` takes strings"))
                .collect::<Result<_, _>>()?,
        };
        if expect_deny && !scoped_by.is_empty() {
            return Err("`scoped_by` asks about a grant; it cannot go with `expect = \"deny\"`".into());
        }
        Ok(Query {
            policy,
            principal,
            actions,
            resource,
            context,
            others_any,
            expect_deny,
            scoped_by,
        })
    }

    fn request<'a>(&self, action: &'a str, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Request<'a> {
        let render = |t: &Template| t.render(path, cx.resolver);
        let principal = match &self.principal {
            PrincipalTemplate::Service(t) => Principal::Service(render(t)),
            PrincipalTemplate::Aws(t) => Principal::Aws(render(t)),
            PrincipalTemplate::Anyone => Principal::Anonymous,
        };
        let mut req = Request::new(principal, action, render(&self.resource));
        for (k, values) in &self.context {
            let mut texts: Vec<Text> = values.iter().map(render).collect();
            let value = if texts.len() == 1 {
                ContextValue::One(texts.remove(0))
            } else {
                ContextValue::Many(texts)
            };
            req.set(k, value);
        }
        if self.others_any {
            req.others = ContextValue::Any;
        }
        if target.kind == Kind::Key {
            req = req.in_key_policy();
        }
        req
    }

    /// Who asks, in words: "`logs.eu-west-1.amazonaws.com`", "anyone".
    fn who(&self, path: &Path, cx: &Ctx<'_>) -> String {
        match &self.principal {
            PrincipalTemplate::Service(t) | PrincipalTemplate::Aws(t) => {
                format!("`{}`", t.render(path, cx.resolver))
            }
            PrincipalTemplate::Anyone => "anyone".into(),
        }
    }

    /// The templates of the query, for the steps they need.
    fn templates(&self) -> impl Iterator<Item = &Template> {
        let principal = match &self.principal {
            PrincipalTemplate::Service(t) | PrincipalTemplate::Aws(t) => Some(t),
            PrincipalTemplate::Anyone => None,
        };
        principal
            .into_iter()
            .chain(std::iter::once(&self.resource))
            .chain(self.context.iter().flat_map(|(_, v)| v))
    }

    pub fn check(&self, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
        // The question names a resource this path does not have (a trail without a log group):
        // there is nothing to ask.
        if let Some(step) = self
            .templates()
            .flat_map(Template::steps)
            .find(|s| path.get(s).is_none())
        {
            return Outcome {
                verdict: Verdict::NotApplicable,
                span: target.header,
                state: format!("the path has no {step}"),
                attribute: self.policy.clone(),
            };
        }
        let field = target.field(&self.policy);
        let name = crate::rules::eval::source_name(target, &[&self.policy]);
        // Attached managed policies the scan does not define may grant anything.
        let outside: Vec<String> = if self.policy == "policies" {
            outside_policies(target, cx)
        } else {
            Vec::new()
        };
        let policies: Vec<(Policy, &Val)> = documents(field)
            .into_iter()
            .map(|d| (Policy::parse(&expanded(d, cx.resolver)), d))
            .collect();
        let who = self.who(path, cx);
        let ask = Ask {
            query: self,
            target,
            field,
            name: &name,
            who: &who,
            policies: &policies,
            outside: &outside,
        };
        let mut unknown: Option<Outcome> = None;
        let mut refused_on = String::new();
        // The first refusal, and every action refused for the same reason.
        let mut refused: Option<(Outcome, Vec<&str>)> = None;
        for action in &self.actions {
            let req = self.request(action, target, path, cx);
            let on = format!("on `{}`", req.resource);
            let (span, why) = match ask.judge(&req, &on) {
                Judged::Holds => continue,
                Judged::Unknown(o) => {
                    unknown.get_or_insert(o);
                    continue;
                }
                Judged::Refused(span, why) => (span, why),
            };
            match &mut refused {
                Some((first, actions)) if first.span == span && first.state == why => actions.push(action),
                Some(_) => {}
                None => {
                    let first = Outcome {
                        verdict: Verdict::Fail,
                        span,
                        state: why,
                        attribute: self.policy.clone(),
                    };
                    refused = Some((first, vec![action.as_str()]));
                    refused_on = on;
                }
            }
        }
        if let Some((mut first, actions)) = refused {
            let listed: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
            first.state = format!("{} {} {refused_on}", first.state, listed.join(", "));
            if !self.scoped_by.is_empty() {
                let keys: Vec<String> = self.scoped_by.iter().map(|k| format!("`{k}`")).collect();
                first.state.push_str(&format!(
                    " whatever {} {}",
                    keys.join(" and "),
                    if keys.len() == 1 { "is" } else { "are" }
                ));
            }
            return first;
        }
        unknown.unwrap_or_else(|| Outcome::pass(target))
    }
}

/// One request's answer, as the check sees it.
enum Judged {
    Holds,
    /// The requirement does not hold: where, and why (the actions are appended).
    Refused(crate::source::Span, String),
    Unknown(Outcome),
}

/// What judging a request needs to know.
struct Ask<'a> {
    query: &'a Query,
    target: &'a Resource,
    field: Option<&'a Val>,
    name: &'a str,
    who: &'a str,
    policies: &'a [(Policy, &'a Val)],
    outside: &'a [String],
}

impl Ask<'_> {
    fn decide(&self, req: &Request<'_>) -> Vec<(Decision, &Val)> {
        self.policies
            .iter()
            .map(|(p, d)| (policy::decide(p, req), *d))
            .collect()
    }

    fn unknown(&self, span: crate::source::Span, state: String) -> Judged {
        Judged::Unknown(Outcome {
            verdict: Verdict::Unknown,
            span,
            state,
            attribute: self.query.policy.clone(),
        })
    }

    fn judge(&self, req: &Request<'_>, on: &str) -> Judged {
        let (who, name, action) = (self.who, self.name, req.action);
        let decisions = self.decide(req);
        let denied = decisions.iter().find(|(d, _)| d.effect == Effect::ExplicitDeny);
        let allowed = decisions.iter().any(|(d, _)| d.effect == Effect::Allow);
        let undecided = decisions.iter().find(|(d, _)| d.effect == Effect::Unknown);
        let header = self.target.header;
        if self.query.expect_deny {
            return match (denied, undecided) {
                (Some(_), _) => Judged::Holds,
                (None, Some((d, doc))) => self.unknown(
                    d.deciding.first().map_or(doc.span, |s| s.span),
                    format!(
                        "cannot tell whether `{name}` denies {who} `{action}` {on}: {}",
                        d.reason
                    ),
                ),
                (None, None) => Judged::Refused(
                    self.field.map_or(header, |f| f.span),
                    match self.field {
                        None => format!("`{name}` is not set, so nothing denies {who}"),
                        Some(_) if allowed => format!("`{name}` allows, and no statement denies, {who}"),
                        Some(_) => format!("no statement of `{name}` denies {who}"),
                    },
                ),
            };
        }
        if let Some((d, _)) = denied {
            let by = d.deciding.first();
            if !self.query.scoped_by.is_empty() {
                // Denied: nothing granted to scope; the missing grant is another rule's finding.
                return Judged::Holds;
            }
            return Judged::Refused(
                by.map_or(header, |s| s.span),
                format!("{} denies {who}", by.map_or("a statement".into(), statement_name)),
            );
        }
        if allowed {
            if self.query.scoped_by.is_empty() {
                return Judged::Holds;
            }
            let mut wide = req.clone();
            for k in &self.query.scoped_by {
                wide.set(k, ContextValue::Any);
            }
            let decisions = self.decide(&wide);
            return match decisions.iter().find(|(d, _)| d.effect == Effect::Allow) {
                Some((d, _)) => {
                    let by = d.deciding.first();
                    Judged::Refused(
                        by.map_or(header, |s| s.span),
                        format!("{} allows {who}", by.map_or("a statement".into(), statement_name)),
                    )
                }
                None => Judged::Holds,
            };
        }
        if let Some((d, doc)) = undecided {
            return self.unknown(
                d.deciding.first().map_or(doc.span, |s| s.span),
                format!(
                    "cannot tell whether `{name}` allows {who} to call `{action}` {on}: {}",
                    d.reason
                ),
            );
        }
        if !self.query.scoped_by.is_empty() {
            return Judged::Holds;
        }
        if !self.outside.is_empty() {
            return self.unknown(
                self.field.map_or(header, |f| f.span),
                format!(
                    "no policy in the scan allows {who} to call `{action}` {on}, and the attached {} not in the scan: {}",
                    if self.outside.len() == 1 { "policy is" } else { "policies are" },
                    self.outside.join(", ")
                ),
            );
        }
        let (span, why) = match self.field {
            None => (header, format!("`{name}` is not set, so nothing allows {who}")),
            Some(v) if v.origin == Origin::Defaulted => (
                header,
                format!("`{name}` is not set, and the default policy does not allow {who}"),
            ),
            Some(v) => (v.span, format!("no statement of `{name}` allows {who}")),
        };
        Judged::Refused(span, why)
    }
}

fn statement_name(d: &policy::Deciding) -> String {
    match &d.sid {
        Some(sid) => format!("statement `{sid}`"),
        None => format!("statement {}", d.index + 1),
    }
}

/// The documents of a policy field: the value itself, or each `document` of a role's list.
fn documents(field: Option<&Val>) -> Vec<&Val> {
    let Some(v) = field else { return Vec::new() };
    match v.as_list() {
        Some(items) => items.iter().filter_map(|i| i.get("document")).collect(),
        None => vec![v],
    }
}

/// A document with the attributes of resources in the scan replaced by their computed values
/// ([`Resolver::expand`]): `${aws_cloudwatch_log_group.trail.arn}:*` is matched as
/// `arn:<partition>:logs:<region>:<account>:log-group:<name>:*`, as the request's templates are.
pub(crate) fn expanded(doc: &Val, resolver: &Resolver<'_>) -> Val {
    let v = match &doc.v {
        V::Text(t) => resolver.expand(t).into_v(),
        V::List(items) => V::List(items.iter().map(|i| expanded(i, resolver)).collect()),
        V::Map(entries) => V::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), expanded(v, resolver)))
                .collect(),
        ),
        other => other.clone(),
    };
    Val { v, ..doc.clone() }
}

/// Managed policy ARNs attached to a role whose documents are not in the scan.
fn outside_policies(role: &Resource, cx: &Ctx<'_>) -> Vec<String> {
    let Some(arns) = role.field("managed_policy_arns").and_then(Val::as_list) else {
        return Vec::new();
    };
    let in_scan = |arn: &Val| {
        arn.text().is_some_and(|t| {
            t.attr_refs().any(|a| {
                cx.resolver
                    .lookup(a)
                    .is_some_and(|id| cx.model.resources[id].kind == Kind::Policy)
            })
        })
    };
    arns.iter().filter(|a| !in_scan(a)).map(|a| format!("`{a}`")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Query, String> {
        let v: toml::Value = toml::from_str(&format!("args = {args}")).unwrap();
        Query::parse(&v["args"], &["trail", "log_group", "key"], &[Kind::Key])
    }

    #[test]
    fn arguments_are_checked_when_the_rule_loads() {
        let ok = r#"{ policy = "policy", principal = "service:logs.{log_group.region}.amazonaws.com", actions = ["kms:Encrypt"], resource = "{key.arn}" }"#;
        assert!(parse(ok).is_ok());
        let e = parse(&ok.replace(r#"policy = "policy""#, r#"policy = "description""#)).unwrap_err();
        assert!(e.contains("not a policy field of a KMS key"), "{e}");
        let e = parse(&ok.replace("kms:Encrypt", "kms:Encrypt*")).unwrap_err();
        assert!(e.contains("without wildcards"), "{e}");
        let e = parse(&ok.replace("{key.arn}", "{bucket.arn}")).unwrap_err();
        assert!(e.contains("`bucket` is not on this rule's path"), "{e}");
        let e = parse(&ok.replace("service:", "role:")).unwrap_err();
        assert!(e.contains("`service:NAME`"), "{e}");
        let e = parse(&ok.replace(" }", r#", colour = "red" }"#)).unwrap_err();
        assert!(e.contains("no argument `colour`"), "{e}");
        let e = parse(&ok.replace(" }", r#", expect = "deny", scoped_by = ["aws:SourceArn"] }"#)).unwrap_err();
        assert!(e.contains("cannot go with"), "{e}");
        assert!(parse(&ok.replace(r#"resource = "{key.arn}""#, "")).is_err());
        let q = parse(&ok.replace(" }", r#", scoped_by = ["aws:SourceArn"], others = "absent" }"#)).unwrap();
        assert_eq!(q.scoped_by, ["aws:SourceArn"]);
        assert!(!q.others_any);
    }
}
