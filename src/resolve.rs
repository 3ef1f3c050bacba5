//! Links between resources, resolved once before any rule runs.
//!
//! A trail's bucket, log group, role and key, and a log group's key, are found:
//! 1. by reference within the scope (`aws_s3_bucket.logs.id`, `!GetAtt Logs.Arn`; an alias
//!    leads to its key);
//! 2. otherwise by name or ARN anywhere in the scan, after expanding symbols
//!    ([`Resolver::expand`]): `"org-trail-logs"` finds the bucket named so, and
//!    `arn:…:log-group:trail:*` the log group `trail`.
//!
//! A reference to a data source, an AWS managed key or a name nothing in the scan carries is
//! *external* (rules that need the target are not applicable); a value that cannot be resolved
//! is *unknown*.
//!
//! The CloudWatch chain of CT207 links the same way: a metric filter to the log group it names
//! (`log_group_name`), a subscription to its topic (`topic_arn`), and each entry of an alarm's
//! `alarm_actions` to an SNS topic (one link per entry). An alarm links to the metric filters
//! that publish its metric: those with a metric transformation whose namespace and name equal
//! the alarm's `namespace` and `metric_name` (after expansion), or that its `metric_name`
//! references (`aws_cloudwatch_log_metric_filter.x.metric_transformation[0].name`).

use std::collections::HashMap;

use crate::adapt::attributes::{self, Attribute};
use crate::model::{AttrRef, Edge, Kind, Link, LinkInfo, Model, Part, Resource, ResourceId, Sym, Text, V, Val, arn};

/// Looks resources up by scope and local name, and expands symbolic attributes.
pub struct Resolver<'m> {
    model: &'m Model,
    by_name: HashMap<(u32, &'m str), ResourceId>,
    /// Resources by kind and expanded name, for links by name or ARN (first in scan order wins).
    by_value: HashMap<(Kind, Text), ResourceId>,
    /// Metric filters by the expanded (namespace, name) of each metric they publish.
    metrics: HashMap<(Text, Text), Vec<ResourceId>>,
}

/// How many times an expansion may replace a symbol by text holding more symbols.
const MAX_EXPANSION: usize = 8;

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model) -> Resolver<'m> {
        // The first instance stands for a resource expanded by `count`/`for_each`.
        let by_name = model
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.scope, r.local_name()), i))
            .fold(HashMap::new(), |mut m, (k, i)| {
                m.entry(k).or_insert(i);
                m
            });
        let mut resolver = Resolver {
            model,
            by_name,
            by_value: HashMap::new(),
            metrics: HashMap::new(),
        };
        let mut by_value = HashMap::new();
        let mut metrics: HashMap<(Text, Text), Vec<ResourceId>> = HashMap::new();
        for (id, r) in model.resources.iter().enumerate() {
            if matches!(
                r.kind,
                Kind::Bucket | Kind::LogGroup | Kind::Role | Kind::KeyAlias | Kind::Topic
            ) {
                by_value
                    .entry((r.kind, resolver.expand(&resolver.name_text(id))))
                    .or_insert(id);
            }
            if r.kind == Kind::MetricFilter {
                for (ns, name) in resolver.published_metrics(r) {
                    let ids = metrics.entry((ns, name)).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
        resolver.by_value = by_value;
        resolver.metrics = metrics;
        resolver
    }

    pub fn lookup(&self, a: &AttrRef) -> Option<ResourceId> {
        self.by_name.get(&(a.scope, a.target.as_str())).copied()
    }

    /// Replace attribute symbols of resources in the scan by their computed values (a bucket's
    /// `arn` becomes `arn:<partition>:s3:::<name>`), so that texts can be compared and matched.
    pub fn expand(&self, text: &Text) -> Text {
        let mut current = text.clone();
        for _ in 0..MAX_EXPANSION {
            let mut changed = false;
            let mut out = Text::default();
            for p in &current.0 {
                match p {
                    Part::Sym(Sym::Attr(a)) => match self.lookup(a).and_then(|id| self.attribute(id, &a.attr)) {
                        Some(t) if t != Text::sym(Sym::Attr(a.clone())) => {
                            out.append(t);
                            changed = true;
                        }
                        _ => out.push(p.clone()),
                    },
                    other => out.push(other.clone()),
                }
            }
            current = out;
            if !changed {
                break;
            }
        }
        current
    }

    /// The computed value of an attribute of a resource in the scan, as its format spells it.
    pub fn attribute(&self, id: ResourceId, attr: &str) -> Option<Text> {
        let r = &self.model.resources[id];
        self.computed(id, attributes::meaning(r.format, r.kind, attr)?)
    }

    pub fn resource(&self, id: ResourceId) -> &'m Resource {
        &self.model.resources[id]
    }

    /// The region resource `id` is deployed in: its provider's, its scope's, or "this region".
    pub fn region_of(&self, id: ResourceId) -> Part {
        self.region(&self.model.resources[id])
    }

    /// The value of attribute `meaning` of resource `id`: its name, ARN or key id, computed
    /// from its fields, its scope's region and "this account".
    pub fn computed(&self, id: ResourceId, meaning: Attribute) -> Option<Text> {
        let r = &self.model.resources[id];
        let name = self.name_text(id);
        let region = self.region(r);
        let account = || Some(Part::Sym(Sym::Account));
        let prefixed = |prefix: &str, rest: Text| {
            let mut t = Text::lit(prefix);
            t.append(rest);
            t
        };
        Some(match (r.kind, meaning) {
            // A managed policy's ARN and name are not computed: its attachments match by reference.
            (Kind::Policy, _) => return None,
            // A subscription's ARN holds an id AWS generates.
            (Kind::Subscription, _) => return None,
            (Kind::Key, Attribute::KeyId) => self.key_id(id),
            (_, Attribute::KeyId) => return None,
            (_, Attribute::Name) => name,
            // A metric filter has no ARN.
            (Kind::MetricFilter, _) => return None,
            (Kind::Bucket, _) => arn::bucket(arn::partition_of(&region), name),
            (Kind::Topic, _) => arn::build("sns", arn::partition_of(&region), Some(region.clone()), account(), name),
            (Kind::Alarm, _) => arn::build(
                "cloudwatch",
                arn::partition_of(&region),
                Some(region.clone()),
                account(),
                prefixed("alarm:", name),
            ),
            (Kind::LogGroup, m) => {
                let mut res = prefixed("log-group:", name);
                if m == Attribute::ArnWithWildcard {
                    res.push(Part::Lit(":*".into()));
                }
                arn::build("logs", arn::partition_of(&region), Some(region.clone()), account(), res)
            }
            (Kind::Role, _) => {
                let path = r.field("path").and_then(Val::as_str).unwrap_or("/").to_string();
                arn::build(
                    "iam",
                    arn::partition_of(&region),
                    None,
                    account(),
                    prefixed(&format!("role{path}"), name),
                )
            }
            (Kind::Key, _) => arn::build(
                "kms",
                arn::partition_of(&region),
                Some(region.clone()),
                account(),
                prefixed("key/", self.key_id(id)),
            ),
            (Kind::KeyAlias, _) => arn::build("kms", arn::partition_of(&region), Some(region.clone()), account(), name),
            (Kind::Trail, _) => arn::build(
                "cloudtrail",
                arn::partition_of(&region),
                Some(region.clone()),
                account(),
                prefixed("trail/", name),
            ),
        })
    }

    /// A resource's name: its `name` field, or a symbol standing for the generated name.
    pub fn name_text(&self, id: ResourceId) -> Text {
        let r = &self.model.resources[id];
        match r.field("name").and_then(|v| v.text()) {
            Some(t) if t.first_unknown().is_none() => t.into_owned(),
            _ => self.opaque(r, attributes::spelling(r.format, r.kind, Attribute::Name)),
        }
    }

    fn key_id(&self, id: ResourceId) -> Text {
        let r = &self.model.resources[id];
        self.opaque(r, attributes::spelling(r.format, r.kind, Attribute::KeyId))
    }

    fn opaque(&self, r: &Resource, attr: &str) -> Text {
        Text::sym(Sym::Attr(Box::new(AttrRef {
            scope: r.scope,
            target: r.local_name().to_string(),
            attr: attr.to_string(),
        })))
    }

    fn region(&self, r: &Resource) -> Part {
        if let Some(region) = &r.region {
            return region.clone();
        }
        match self.model.scopes.get(r.scope as usize).and_then(|s| s.region.clone()) {
            Some(reg) => Part::Lit(reg),
            None => Part::Sym(Sym::Region),
        }
    }

    /// The (namespace, name) of every metric a metric filter publishes, expanded; those with a
    /// part that cannot be resolved are left out (the rule asks [`Resolver::unknown_metric`]).
    fn published_metrics(&self, filter: &Resource) -> Vec<(Text, Text)> {
        let items = filter
            .field("metric_transformations")
            .and_then(Val::as_list)
            .unwrap_or_default();
        items
            .iter()
            .filter_map(|t| {
                let ns = t.get("namespace")?.text()?;
                let name = t.get("name")?.text()?;
                (ns.first_unknown().is_none() && name.first_unknown().is_none())
                    .then(|| (self.expand(&ns), self.expand(&name)))
            })
            .collect()
    }

    /// The links of an alarm: to the metric filters that publish its metric, and to the SNS
    /// topics among its actions (one per entry of `alarm_actions`).
    pub fn alarm_links(&self, id: ResourceId) -> Vec<LinkInfo> {
        let r = &self.model.resources[id];
        let mut out = self.metric_links(r);
        match r.field("alarm_actions") {
            Some(Val { v: V::List(items), .. }) => {
                for item in items {
                    out.push(LinkInfo {
                        edge: Edge::Topic,
                        link: self.target(r, item, Kind::Topic),
                        span: item.span,
                    });
                }
            }
            Some(v) => out.push(LinkInfo {
                edge: Edge::Topic,
                link: self.target(r, v, Kind::Topic),
                span: v.span,
            }),
            None => {}
        }
        out
    }

    fn metric_links(&self, alarm: &Resource) -> Vec<LinkInfo> {
        let one = |link: Link, span| {
            vec![LinkInfo {
                edge: Edge::MetricFilter,
                link,
                span,
            }]
        };
        let Some(name) = alarm.field("metric_name") else {
            // A metric math alarm (`metric_query`, `Metrics`) watches no single metric.
            return one(Link::Absent, alarm.header);
        };
        let span = name.span;
        let namespace = alarm.field("namespace");
        // By reference: `metric_name = aws_cloudwatch_log_metric_filter.x.metric_transformation[0].name`.
        if let Some(t) = name.text() {
            for a in t.attr_refs() {
                if a.scope == alarm.scope
                    && a.attr.starts_with("metric_transformation")
                    && let Some(f) = self
                        .lookup(a)
                        .filter(|&f| self.model.resources[f].kind == Kind::MetricFilter)
                {
                    return one(Link::Resolved(f), span);
                }
            }
        }
        let text = |v: Option<&Val>| -> Result<Text, crate::model::Unknown> {
            let Some(v) = v else {
                return Err(crate::model::Unknown {
                    expr: String::new(),
                    reason: "is not set".into(),
                });
            };
            match (&v.v, v.text()) {
                (V::Unknown(u), _) => Err((**u).clone()),
                (_, Some(t)) => match t.first_unknown() {
                    Some(u) => Err(u.clone()),
                    None => Ok(self.expand(&t)),
                },
                _ => Err(crate::model::Unknown {
                    expr: v.to_string(),
                    reason: "is not a string".into(),
                }),
            }
        };
        let (ns, metric) = match (text(namespace), text(Some(name))) {
            (Ok(ns), Ok(m)) => (ns, m),
            (Err(u), _) if namespace.is_some() => return one(Link::Unknown(u), namespace.map_or(span, |n| n.span)),
            (Err(_), _) => return one(Link::Absent, alarm.header),
            (_, Err(u)) => return one(Link::Unknown(u), span),
        };
        match self.metrics.get(&(ns.clone(), metric.clone())) {
            Some(filters) => filters
                .iter()
                .map(|&f| LinkInfo {
                    edge: Edge::MetricFilter,
                    link: Link::Resolved(f),
                    span,
                })
                .collect(),
            None => one(Link::External(format!("metric {ns}/{metric}")), span),
        }
    }

    /// Where `edge` of resource `id` leads.
    pub fn link(&self, id: ResourceId, edge: Edge) -> LinkInfo {
        let r = &self.model.resources[id];
        let Some(v) = r.field(edge.field(r.kind)) else {
            return LinkInfo {
                edge,
                link: Link::Absent,
                span: r.header,
            };
        };
        LinkInfo {
            edge,
            link: self.target(r, v, edge.target()),
            span: v.span,
        }
    }

    fn target(&self, from: &Resource, v: &Val, kind: Kind) -> Link {
        let text = match &v.v {
            V::Unknown(u) => return Link::Unknown((**u).clone()),
            V::Null => return Link::Absent,
            _ => match v.text() {
                Some(t) => t.into_owned(),
                None => {
                    return Link::Unknown(crate::model::Unknown {
                        expr: v.to_string(),
                        reason: "is not a name or ARN".into(),
                    });
                }
            },
        };
        if text.is_present() == Some(false) {
            return Link::Absent;
        }
        // 1. By reference in the same scope.
        for a in text.attr_refs() {
            if a.scope != from.scope {
                continue;
            }
            if let Some(id) = self.lookup(a) {
                let target = &self.model.resources[id];
                if target.kind == kind {
                    return Link::Resolved(id);
                }
                if target.kind == Kind::KeyAlias && kind == Kind::Key {
                    return match target.field("target_key_id") {
                        Some(k) => self.target(target, k, Kind::Key),
                        None => Link::Absent,
                    };
                }
            }
            if a.target.starts_with("data.") || a.target.contains(".data.") {
                return Link::External(format!("{}.{}", a.target, a.attr));
            }
        }
        if let Some(u) = text.first_unknown() {
            return Link::Unknown(u.clone());
        }
        // 2. By name or ARN anywhere in the scan.
        let expanded = self.expand(&text);
        let wanted = match name_in(&expanded, kind) {
            Some(w) => w,
            None => return Link::External(expanded.to_string()),
        };
        if kind == Kind::Key {
            if wanted.as_lit().is_some_and(|s| s.starts_with("alias/aws/")) {
                return Link::External(wanted.to_string());
            }
            if let Some(&alias) = self.by_value.get(&(Kind::KeyAlias, wanted)) {
                let alias = &self.model.resources[alias];
                return match alias.field("target_key_id") {
                    Some(k) => self.target(alias, k, Kind::Key),
                    None => Link::Absent,
                };
            }
            return Link::External(expanded.to_string());
        }
        match self.by_value.get(&(kind, wanted)) {
            Some(&i) => Link::Resolved(i),
            None => Link::External(expanded.to_string()),
        }
    }
}

/// The name a name-or-ARN text designates for a kind: the bucket name of `arn:…:s3:::name`, the
/// log group of `arn:…:log-group:name[:*]`, the role of `arn:…:role/path/name`, the alias of
/// `…:alias/name`; a plain name as is.
fn name_in(t: &Text, kind: Kind) -> Option<Text> {
    let Some(arn) = arn::parse(t) else {
        return Some(t.clone());
    };
    let res = arn.resource;
    match kind {
        // arn:partition:s3:::name
        Kind::Bucket => Some(res),
        Kind::LogGroup => {
            // arn:partition:logs:region:account:log-group:name[:*]
            let (kind, rest) = res.split_once(":")?;
            if kind.as_lit() != Some("log-group") {
                return None;
            }
            Some(rest.split(":").into_iter().next().unwrap_or_default())
        }
        Kind::Role => {
            // arn:partition:iam::account:role/path/name
            let parts = res.split("/");
            if parts.first()?.as_lit() != Some("role") {
                return None;
            }
            parts.last().cloned()
        }
        Kind::Key => {
            // arn:partition:kms:region:account:alias/name (a key/id ARN never matches by name)
            res.as_lit().filter(|s| s.starts_with("alias/")).map(Text::lit)
        }
        // arn:partition:sns:region:account:name
        Kind::Topic if arn.service.as_lit() == Some("sns") => Some(res),
        _ => None,
    }
}

/// Resolve every link of the model.
pub fn resolve(model: &mut Model) {
    let links: Vec<Vec<LinkInfo>> = {
        let resolver = Resolver::new(model);
        model
            .resources
            .iter()
            .enumerate()
            .map(|(id, r)| match r.kind {
                Kind::Trail => [Edge::Bucket, Edge::LogGroup, Edge::Role, Edge::Key]
                    .into_iter()
                    .map(|e| resolver.link(id, e))
                    .collect(),
                Kind::LogGroup => vec![resolver.link(id, Edge::Key)],
                Kind::MetricFilter => vec![resolver.link(id, Edge::LogGroup)],
                Kind::Subscription => vec![resolver.link(id, Edge::Topic)],
                Kind::Alarm => resolver.alarm_links(id),
                _ => Vec::new(),
            })
            .collect()
    };
    let mut incoming: HashMap<(ResourceId, Edge), Vec<ResourceId>> = HashMap::new();
    for (id, ls) in links.iter().enumerate() {
        for l in ls {
            if let Link::Resolved(target) = l.link {
                incoming.entry((target, l.edge)).or_default().push(id);
            }
        }
    }
    model.links = links;
    model.incoming = incoming;
}
