//! `role_grants_only`: does the role CloudTrail writes to CloudWatch Logs with grant nothing but
//! the listed actions on the streams of the log groups it writes to?
//!
//! ```toml
//! expect = { builtin = "role_grants_only", args = { actions = ["logs:CreateLogStream", "logs:PutLogEvents"] } }
//! ```
//!
//! Every `Allow` statement of the role's policies (inline, and attached ones defined in the scan)
//! must name only the listed actions, each without wildcards, and only resources inside the log
//! groups of the trails that use the role: the group's ARN, or an ARN below it
//! (`…:log-group:<name>:*`, `…:log-group:<name>:log-stream:…`). A wildcard before the end of the
//! group's name reaches other groups (`…:log-group:cloudtrail/*`, `arn:aws:logs:*:*:*`, `*`);
//! `NotAction` and `NotResource` in an `Allow` grant everything they do not list. `Deny`
//! statements only take away and are not read. An AWS managed policy (`arn:…:iam::aws:policy/…`)
//! is written for every account and cannot name this account's log group, so attaching one
//! grants more; a customer managed policy that is not in the scan makes the verdict unknown.
//! Values ctlint cannot resolve, or a region or account that could go either way, make it unknown.

use super::Outcome;
use super::policy_allows::expanded;
use crate::adapt::attributes::Attribute;
use crate::finding::Verdict;
use crate::model::{Edge, Kind, Link, Part, Resource, ResourceId, Text, Val, arn};
use crate::policy::{Effect, Item, Mode, Policy, Statement, Tri, equals, matches};
use crate::rules::eval::Ctx;
use crate::rules::path::Path;
use crate::source::Span;

/// The arguments of one `role_grants_only` call.
#[derive(Debug, Clone)]
pub struct Query {
    /// Concrete actions (`service:Action`), compared case-insensitively as IAM does.
    pub actions: Vec<String>,
}

impl Query {
    pub fn parse(args: &toml::Value, kinds: &[Kind]) -> Result<Query, String> {
        let table = args.as_table().ok_or("`args` is a table")?;
        if let Some(k) = table.keys().find(|k| k.as_str() != "actions") {
            return Err(format!("`role_grants_only` has no argument `{k}` (it takes actions)"));
        }
        if let Some(k) = kinds.iter().find(|k| **k != Kind::Role) {
            return Err(format!(
                "`role_grants_only` reads a role's policies, not a {}'s",
                k.noun()
            ));
        }
        if !table.contains_key("actions") {
            return Err("`role_grants_only` needs `actions`".into());
        }
        let actions = super::tampering::actions(table, "actions", "role_grants_only")?;
        if actions.is_empty() {
            return Err("`actions` lists at least one action".into());
        }
        Ok(Query { actions })
    }

    pub fn check(&self, role: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
        let groups = log_groups(path, cx);
        let listed = self.listed();
        let mut unknown: Option<Outcome> = None;
        let mut note = |span: Span, state: String| {
            unknown.get_or_insert(Outcome {
                verdict: Verdict::Unknown,
                span,
                state,
                attribute: "policies".into(),
            });
        };
        // Attached policies that the scan does not define.
        if let Some(arns) = role.field("managed_policy_arns").and_then(Val::as_list) {
            for a in arns.iter().filter(|a| !in_scan(a, cx)) {
                let shown = a.text().map_or_else(|| a.to_string(), |t| t.to_string());
                match a.text().map(|t| aws_managed(&t)) {
                    Some(Tri::Yes) => {
                        return fail(
                            a.span,
                            "managed_policy_arns",
                            format!(
                                "the AWS managed policy `{shown}` is attached; AWS writes its policies for every account, so it cannot be limited to {listed} on {}",
                                groups.describe()
                            ),
                        );
                    }
                    _ => note(
                        a.span,
                        format!("the attached policy `{shown}` is not in the scan, so what it grants is not known"),
                    ),
                }
            }
        }
        let Some(items) = role.field("policies").and_then(Val::as_list) else {
            return unknown.unwrap_or_else(|| Outcome::pass(role));
        };
        for item in items {
            let Some(doc) = item.get("document") else { continue };
            let name = item
                .get("name")
                .and_then(Val::as_str)
                .map_or_else(|| "a policy of the role".to_string(), |n| format!("policy `{n}`"));
            let policy = Policy::parse(&expanded(doc, cx.resolver));
            if let Some(why) = &policy.unreadable {
                note(doc.span, format!("{name} cannot be read: {why}"));
                continue;
            }
            for st in &policy.statements {
                let who = match &st.sid {
                    Some(sid) => format!("statement `{sid}` of {name}"),
                    None => format!("statement {} of {name}", st.index + 1),
                };
                if st.unreadable {
                    note(st.span, format!("{who} cannot be read"));
                    continue;
                }
                let (offence, span, what) = match self.offence(st, &groups) {
                    Some(o) => o,
                    None => continue,
                };
                match (st.effect, offence) {
                    (Effect::Deny, _) | (_, Tri::No) => {}
                    (Effect::Allow, Tri::Yes) => {
                        return fail(span, "policies", format!("{who} {what}"));
                    }
                    (Effect::Unknown, _) => note(
                        span,
                        format!("{who} has an Effect that is not known, and if it allows, it {what}"),
                    ),
                    (_, Tri::Maybe) => note(span, format!("{who} may grant more than {listed}: it {what}")),
                }
            }
        }
        unknown.unwrap_or_else(|| Outcome::pass(role))
    }

    /// "`logs:CreateLogStream` and `logs:PutLogEvents`".
    fn listed(&self) -> String {
        let names: Vec<String> = self.actions.iter().map(|a| format!("`{a}`")).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    /// How a statement grants more than the listed actions on the groups' streams, if it does
    /// (`Yes`), may (`Maybe`) or does not (`None` / `No`): where, and in words.
    fn offence(&self, st: &Statement, groups: &Groups) -> Option<(Tri, Span, String)> {
        if let Some(v) = &st.not_action {
            return Some((
                Tri::Yes,
                v.span,
                "allows every action except those in its `NotAction`".into(),
            ));
        }
        let mut maybe = None;
        for item in st.action.iter().flat_map(|v| &v.items) {
            match self.action_is_listed(item) {
                Tri::Yes => {}
                Tri::No if has_wildcard(&item.text) => {
                    return Some((
                        Tri::Yes,
                        item.span,
                        format!(
                            "allows `{}`, a wildcard that grants every action it matches, now and as AWS adds them",
                            item.text
                        ),
                    ));
                }
                Tri::No => {
                    return Some((
                        Tri::Yes,
                        item.span,
                        format!("allows `{}`, which CloudTrail never calls", item.text),
                    ));
                }
                Tri::Maybe => {
                    maybe.get_or_insert((Tri::Maybe, item.span, format!("allows `{}`", item.text)));
                }
            }
        }
        if let Some(v) = &st.not_resource {
            return Some((
                Tri::Yes,
                v.span,
                "allows its actions on every resource except those in its `NotResource`".into(),
            ));
        }
        for item in st.resource.iter().flat_map(|v| &v.items) {
            match groups.contain(&item.text) {
                Tri::Yes => {}
                Tri::No => {
                    let reach = if item.text.as_lit() == Some("*") {
                        "every resource".to_string()
                    } else {
                        format!("`{}`", item.text)
                    };
                    return Some((
                        Tri::Yes,
                        item.span,
                        format!("allows its actions on {reach}, beyond {}", groups.describe()),
                    ));
                }
                Tri::Maybe => {
                    maybe.get_or_insert((
                        Tri::Maybe,
                        item.span,
                        format!(
                            "allows its actions on `{}`, which may or may not lie within {}",
                            item.text,
                            groups.describe()
                        ),
                    ));
                }
            }
        }
        maybe
    }

    fn action_is_listed(&self, item: &Item) -> Tri {
        if has_wildcard(&item.text) {
            return Tri::No;
        }
        Tri::any(self.actions.iter().map(|a| equals(&item.text, &Text::lit(a), true)))
    }
}

fn fail(span: Span, attribute: &str, state: String) -> Outcome {
    Outcome {
        verdict: Verdict::Fail,
        span,
        state,
        attribute: attribute.into(),
    }
}

/// The ARNs of the log groups that the trails using the role write to.
struct Groups {
    arns: Vec<(String, Text)>,
    /// Some trail's log group cannot be told.
    unknown: bool,
}

impl Groups {
    /// Does every ARN `resource` matches lie in one of the groups: the group itself, or below
    /// `<group ARN>:`?
    fn contain(&self, resource: &Text) -> Tri {
        let (head, wild) = before_wildcard(resource);
        let found = Tri::any(self.arns.iter().map(|(_, group)| {
            let mut below = group.clone();
            below.push(Part::Lit(":*".into()));
            let inside = matches(&below, &head, Mode::GLOB);
            if wild {
                inside
            } else {
                inside.or(equals(resource, group, false))
            }
        }));
        if found == Tri::No && self.unknown {
            Tri::Maybe
        } else {
            found
        }
    }

    fn describe(&self) -> String {
        let names: Vec<String> = self.arns.iter().map(|(n, _)| format!("`{n}`")).collect();
        match names.len() {
            0 => "the trail's log group".into(),
            1 => format!("log group {}", names[0]),
            _ => format!("log groups {}", names.join(", ")),
        }
    }
}

/// The trails whose role is the target of `path`, and their log groups.
fn log_groups(path: &Path, cx: &Ctx<'_>) -> Groups {
    let mut out = Groups {
        arns: Vec::new(),
        unknown: false,
    };
    let Some(role) = path.target() else { return out };
    for &trail in cx.model.linked_from(role, Edge::Role) {
        match cx.model.link(trail, Edge::LogGroup).map(|l| &l.link) {
            Some(Link::Resolved(g)) => out.push(*g, cx),
            Some(Link::Absent) | None => {}
            Some(Link::External(_) | Link::Unknown(_)) => out.unknown = true,
        }
    }
    out
}

impl Groups {
    fn push(&mut self, group: ResourceId, cx: &Ctx<'_>) {
        let Some(arn) = cx.resolver.computed(group, Attribute::Arn) else {
            self.unknown = true;
            return;
        };
        let arn = cx.resolver.expand(&arn);
        let name = cx.resolver.name_text(group).to_string();
        if !self.arns.iter().any(|(_, a)| *a == arn) {
            self.arns.push((name, arn));
        }
    }
}

/// The text before the first `*` or `?`, and whether there is one.
fn before_wildcard(t: &Text) -> (Text, bool) {
    let mut head = Text::default();
    for p in &t.0 {
        match p {
            Part::Lit(s) => match s.find(['*', '?']) {
                Some(i) => {
                    head.push(Part::Lit(s[..i].to_string()));
                    return (head, true);
                }
                None => head.push(p.clone()),
            },
            other => head.push(other.clone()),
        }
    }
    (head, false)
}

fn has_wildcard(t: &Text) -> bool {
    t.0.iter().any(|p| matches!(p, Part::Lit(s) if s.contains(['*', '?'])))
}

/// Is the attached policy `arn` one of the scan's (`aws_iam_policy.p.arn`, `!Ref Policy`)?
fn in_scan(arn: &Val, cx: &Ctx<'_>) -> bool {
    arn.text().is_some_and(|t| {
        t.attr_refs().any(|a| {
            cx.resolver
                .lookup(a)
                .is_some_and(|id| cx.model.resources[id].kind == Kind::Policy)
        })
    })
}

/// Is `arn` an AWS managed policy (`arn:<partition>:iam::aws:policy/…`)?
fn aws_managed(t: &Text) -> Tri {
    match arn::parse(t) {
        Some(a) => equals(&a.account, &Text::lit("aws"), false).and(equals(&a.service, &Text::lit("iam"), false)),
        None if t.first_unknown().is_some() => Tri::Maybe,
        None => Tri::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Query, String> {
        let v: toml::Value = toml::from_str(&format!("args = {args}")).unwrap();
        Query::parse(&v["args"], &[Kind::Role])
    }

    #[test]
    fn arguments_are_checked_when_the_rule_loads() {
        let q = parse(r#"{ actions = ["logs:CreateLogStream", "logs:PutLogEvents"] }"#).unwrap();
        assert_eq!(q.listed(), "`logs:CreateLogStream` and `logs:PutLogEvents`");
        assert!(
            parse(r#"{ actions = ["logs:*"] }"#)
                .unwrap_err()
                .contains("without wildcards")
        );
        assert!(parse(r#"{ actions = [] }"#).is_err());
        assert!(
            parse(r#"{ actions = ["logs:PutLogEvents"], colour = 1 }"#)
                .unwrap_err()
                .contains("colour")
        );
        let v: toml::Value = toml::from_str(r#"args = { actions = ["logs:PutLogEvents"] }"#).unwrap();
        assert!(Query::parse(&v["args"], &[Kind::Key]).is_err());
    }

    fn text(s: &str) -> Text {
        Text::lit(s)
    }

    #[test]
    fn resources_must_stay_inside_the_groups() {
        let groups = Groups {
            arns: vec![(
                "cloudtrail/main".into(),
                text("arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail/main"),
            )],
            unknown: false,
        };
        let base = "arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail/main";
        for inside in [
            base.to_string(),
            format!("{base}:*"),
            format!("{base}:log-stream:*"),
            format!("{base}:log-stream:111122223333_CloudTrail_eu-west-1*"),
        ] {
            assert_eq!(groups.contain(&text(&inside)), Tri::Yes, "{inside}");
        }
        for outside in [
            "*".to_string(),
            "arn:aws:logs:*:*:*".to_string(),
            format!("{base}*"),
            "arn:aws:logs:eu-west-1:111122223333:log-group:cloudtrail/*".to_string(),
            "arn:aws:logs:*:111122223333:log-group:cloudtrail/main:*".to_string(),
            "arn:aws:logs:eu-west-1:111122223333:log-group:app:*".to_string(),
        ] {
            assert_eq!(groups.contain(&text(&outside)), Tri::No, "{outside}");
        }
        let mut symbolic = text("arn:aws:logs:");
        symbolic.push(Part::Sym(crate::model::Sym::Region));
        symbolic.push(Part::Lit(":111122223333:log-group:cloudtrail/main:*".into()));
        assert_eq!(groups.contain(&symbolic), Tri::Maybe);
    }

    #[test]
    fn aws_managed_policies_are_told_by_their_account() {
        assert_eq!(
            aws_managed(&text("arn:aws:iam::aws:policy/CloudWatchLogsFullAccess")),
            Tri::Yes
        );
        assert_eq!(aws_managed(&text("arn:aws:iam::111122223333:policy/mine")), Tri::No);
    }
}
