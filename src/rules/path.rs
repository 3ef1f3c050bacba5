//! The path a rule reached its target by (trail → log group → key), and templates over it.
//!
//! A rule on `trail.log_group.key` is about a key *as this log group uses it for this trail*:
//! a key shared by two log groups must let each of them encrypt. The engine hands builtins and
//! messages the whole [`Path`], and rule files name its steps in templates: `{trail}` (a name,
//! in messages), `{log_group.arn}`, `{log_group.region}`, `{key.arn}`, `{trail.logs_prefix}`.
//! Templates are parsed and checked against the rule's targets when the rule loads, so a rule
//! cannot name a step its target does not have.

use crate::adapt::attributes::Attribute;
use crate::model::{Edge, Kind, Part, ResourceId, Sym, Text, V, Val};
use crate::resolve::Resolver;

use super::Target;

/// One step: the name rule files use for it (`trail`, `bucket`, `log_group`, `role`, `key`, or
/// the kind of a target that is not reached through links) and the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path {
    pub steps: Vec<(&'static str, ResourceId)>,
}

impl Path {
    pub fn get(&self, step: &str) -> Option<ResourceId> {
        self.steps.iter().rev().find(|(s, _)| *s == step).map(|(_, id)| *id)
    }

    /// The resource the path ends at.
    pub fn target(&self) -> Option<ResourceId> {
        self.steps.last().map(|(_, id)| *id)
    }
}

/// The step names a target offers: `trail.log_group.key` → `trail`, `log_group`, `key`. A path
/// from a trail also offers the trail's other links (`bucket`, `role`…), which the engine adds
/// when they resolve.
pub fn step_names(target: &Target) -> Vec<&'static str> {
    match target {
        Target::Resources { root, path } => {
            let mut names: Vec<&'static str> = vec![root.as_str()];
            if *root == Kind::Trail {
                names.extend(
                    [Edge::Bucket, Edge::LogGroup, Edge::Role, Edge::Key]
                        .into_iter()
                        .filter(|e| !path.contains(e))
                        .map(Edge::as_str),
                );
            }
            names.extend(path.iter().map(|e: &Edge| e.as_str()));
            names
        }
        _ => Vec::new(),
    }
}

/// What a template can say of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    Name,
    Arn,
    /// The region the resource is deployed in.
    Region,
    /// The account it is deployed in (always "this account" for now).
    Account,
    Partition,
    /// A trail's log file prefix in its bucket: `<s3_key_prefix>/AWSLogs/`, or `AWSLogs/`.
    LogsPrefix,
    /// The ID of the organization an organization trail logs, which the code never names: `o-`
    /// and an unknown part (AWS Organizations IDs are `o-` and 10 to 32 letters or digits).
    OrgId,
}

impl Prop {
    const ALL: [(&'static str, Prop); 7] = [
        ("name", Prop::Name),
        ("arn", Prop::Arn),
        ("region", Prop::Region),
        ("account", Prop::Account),
        ("partition", Prop::Partition),
        ("logs_prefix", Prop::LogsPrefix),
        ("org_id", Prop::OrgId),
    ];

    fn parse(s: &str) -> Option<Prop> {
        Prop::ALL.iter().find(|(n, _)| *n == s).map(|(_, p)| *p)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Lit(String),
    Ref(&'static str, Prop),
}

/// A string with `{step.prop}` references, such as `{bucket.arn}/{trail.logs_prefix}*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
    /// As written, for messages.
    pub source: String,
}

/// The step names every one of `targets` offers.
pub fn common_steps(targets: &[Target]) -> Vec<&'static str> {
    let mut names: Option<Vec<&'static str>> = None;
    for t in targets {
        let these = step_names(t);
        names = Some(match names {
            None => these,
            Some(prev) => prev.into_iter().filter(|n| these.contains(n)).collect(),
        });
    }
    names.unwrap_or_default()
}

impl Template {
    /// Parse a template; every reference must name a step in `steps` and a known property.
    pub fn parse(s: &str, steps: &[&'static str]) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                pieces.push(Piece::Lit(rest[..start].to_string()));
            }
            let after = &rest[start + 1..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("`{s}`: a `{{` without its `}}`"))?;
            let inner = &after[..end];
            let (step, prop) = inner
                .split_once('.')
                .ok_or_else(|| format!("`{{{inner}}}` in `{s}`: write `{{step.property}}`, e.g. `{{trail.arn}}`"))?;
            let step = steps.iter().find(|n| **n == step).ok_or_else(|| {
                format!(
                    "`{{{inner}}}` in `{s}`: `{step}` is not on this rule's path (it has {})",
                    steps.join(", ")
                )
            })?;
            let prop = Prop::parse(prop).ok_or_else(|| {
                format!(
                    "`{{{inner}}}` in `{s}`: unknown property `{prop}` (expected {})",
                    Prop::ALL.map(|(n, _)| n).join(", ")
                )
            })?;
            if matches!(prop, Prop::LogsPrefix | Prop::OrgId) && *step != "trail" {
                return Err(format!(
                    "`{{{inner}}}` in `{s}`: only a trail has `{}`",
                    inner.split_once('.').map_or("", |p| p.1)
                ));
            }
            pieces.push(Piece::Ref(step, prop));
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Lit(rest.to_string()));
        }
        Ok(Template {
            pieces,
            source: s.to_string(),
        })
    }

    /// The steps the template refers to.
    pub fn steps(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Ref(step, _) => Some(*step),
            Piece::Lit(_) => None,
        })
    }

    /// The template's value on `path`: literal where the model is, symbolic where it is not
    /// (this account, a generated name), with unknown parts where a value cannot be resolved.
    pub fn render(&self, path: &Path, resolver: &Resolver<'_>) -> Text {
        let mut out = Text::default();
        for piece in &self.pieces {
            match piece {
                Piece::Lit(s) => out.push(Part::Lit(s.clone())),
                Piece::Ref(step, prop) => match path.get(step) {
                    Some(id) => out.append(value(*prop, id, resolver)),
                    None => out.push(unknown(&format!("{{{step}}}"), "not on this path")),
                },
            }
        }
        out
    }
}

fn unknown(expr: &str, reason: &str) -> Part {
    Part::Unknown(Box::new(crate::model::Unknown {
        expr: expr.into(),
        reason: reason.into(),
    }))
}

fn value(prop: Prop, id: ResourceId, resolver: &Resolver<'_>) -> Text {
    match prop {
        Prop::Name => resolver.expand(&resolver.name_text(id)),
        Prop::Arn => resolver
            .computed(id, Attribute::Arn)
            .map(|t| resolver.expand(&t))
            .unwrap_or_else(|| Text(vec![unknown("arn", "this resource has no ARN ctlint can compute")])),
        Prop::Region => Text(vec![resolver.region_of(id)]),
        Prop::Account => Text::sym(Sym::Account),
        Prop::Partition => Text::sym(Sym::Partition),
        Prop::LogsPrefix => logs_prefix(resolver.resource(id).field("s3_key_prefix")),
        Prop::OrgId => Text(vec![
            Part::Lit("o-".into()),
            unknown("organization ID", "the organization's ID is not in the scanned code"),
        ]),
    }
}

/// `<prefix>/AWSLogs/` (CloudTrail adds the `/`), or `AWSLogs/` without a prefix.
fn logs_prefix(prefix: Option<&Val>) -> Text {
    let mut t = match prefix {
        None => Text::default(),
        Some(v) => match &v.v {
            V::Null => Text::default(),
            V::Unknown(u) => Text(vec![Part::Unknown(u.clone())]),
            _ => match v.text() {
                Some(p) if p.is_present() == Some(false) => Text::default(),
                Some(p) => {
                    let mut p = p.into_owned();
                    p.push(Part::Lit("/".into()));
                    p
                }
                None => Text(vec![unknown(&v.to_string(), "is not a string")]),
            },
        },
    };
    t.push(Part::Lit("AWSLogs/".into()));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_steps_of_the_path() {
        let steps = ["trail", "log_group", "key"];
        let t = Template::parse("logs.{log_group.region}.amazonaws.com", &steps).unwrap();
        assert_eq!(t.pieces.len(), 3);
        let e = Template::parse("{bucket.arn}/*", &steps).unwrap_err();
        assert!(e.contains("`bucket` is not on this rule's path"), "{e}");
        assert!(
            Template::parse("{trail.colour}", &steps)
                .unwrap_err()
                .contains("unknown property")
        );
        assert!(
            Template::parse("{trail}", &steps)
                .unwrap_err()
                .contains("{step.property}")
        );
        assert!(Template::parse("{key.logs_prefix}", &steps).is_err());
        assert!(Template::parse("{trail.arn", &steps).is_err());
        assert_eq!(Template::parse("s3:PutObject", &steps).unwrap().pieces.len(), 1);
    }

    #[test]
    fn the_logs_prefix_follows_the_key_prefix() {
        assert_eq!(logs_prefix(None).to_string(), "AWSLogs/");
        assert_eq!(logs_prefix(Some(&Val::from("org"))).to_string(), "org/AWSLogs/");
        assert_eq!(logs_prefix(Some(&Val::from(""))).to_string(), "AWSLogs/");
    }
}
