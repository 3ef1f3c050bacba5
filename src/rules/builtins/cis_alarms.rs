//! `cis_monitoring_alarms` (CT207): for every CIS monitoring control
//! ([`crate::filter_pattern::CONTROLS`]), is there a chain from the trail's log group to someone
//! who is told?
//!
//! 1. a metric filter on this log group (`log_group_name` resolves to it) whose pattern covers
//!    the control ([`crate::filter_pattern::covers`]: by meaning, not by text);
//! 2. an alarm on a metric the filter publishes (same namespace and metric name);
//! 3. with its actions enabled and at least one action: an ARN outside the scan counts, an SNS
//!    topic of the scan counts when it has a subscription (inline `Subscription`, or an
//!    `aws_sns_topic_subscription` / `AWS::SNS::Subscription` naming it).
//!
//! One verdict per control. When no chain is complete, the finding names the link that is
//! missing on the chain that gets furthest: no filter, a pattern that misses events, no alarm,
//! an alarm without action, a topic without subscriber. A value the chain depends on that cannot
//! be resolved (a pattern, a log group name, a metric name, an action from a variable) makes the
//! verdict unknown rather than failing. A pattern that does not parse is a finding of its own,
//! at the pattern (CloudWatch Logs rejects it, so the filter covers nothing).

use super::{Outcome, Part};
use crate::filter_pattern::{self, CONTROLS, Control, Coverage, ParseError, Pattern};
use crate::finding::{Label, Verdict};
use crate::model::{Edge, Kind, Link, Resource, ResourceId, V, Val};
use crate::rules::describe;
use crate::rules::eval::{Ctx, display_name};
use crate::source::{SourceMap, Span};

/// How far the chain from the log group gets for one control, along one filter or alarm.
enum Step {
    Pass,
    Unknown {
        span: Span,
        state: String,
    },
    /// `rank`: how far the chain got; a later missing link ranks higher (0 no filter, 1 the
    /// pattern misses events, 2 no alarm, 3 an alarm without action, 4 a topic without
    /// subscriber).
    Fail {
        rank: u8,
        span: Span,
        state: String,
        related: Vec<Label>,
    },
}

fn unknown(span: Span, state: impl Into<String>) -> Step {
    Step::Unknown {
        span,
        state: state.into(),
    }
}

fn fail(rank: u8, span: Span, state: impl Into<String>, related: Vec<Label>) -> Step {
    Step::Fail {
        rank,
        span,
        state: state.into(),
        related,
    }
}

/// The best of several ways: a complete chain passes; else an undecided one makes the verdict
/// unknown (it may be complete); else the chain that gets furthest (the first of equals).
fn best(steps: Vec<Step>) -> Option<Step> {
    let mut out: Option<Step> = None;
    for s in steps {
        let better = match (&out, &s) {
            (None, _) => true,
            (Some(Step::Pass), _) => false,
            (_, Step::Pass) => true,
            (Some(Step::Unknown { .. }), _) => false,
            (_, Step::Unknown { .. }) => true,
            (Some(Step::Fail { rank: a, .. }), Step::Fail { rank: b, .. }) => b > a,
        };
        if better {
            out = Some(s);
        }
    }
    out
}

/// A metric filter's pattern, read once.
enum Pat {
    Parsed(Pattern),
    /// Not a literal string: how it is written.
    Unknown(String),
    Unparsable(ParseError),
    /// No pattern is written.
    Absent,
}

struct Filter<'a> {
    id: ResourceId,
    r: &'a Resource,
    pattern: Pat,
    /// Where the pattern is written (the header when it is not).
    at: Span,
}

impl<'a> Filter<'a> {
    fn read(id: ResourceId, cx: &Ctx<'a>) -> Filter<'a> {
        let r = &cx.model.resources[id];
        let v = r.field("pattern");
        let pattern = match v {
            None => Pat::Absent,
            Some(v) => match &v.v {
                V::Str(s) => match filter_pattern::parse(s) {
                    Ok(p) => Pat::Parsed(p),
                    Err(e) => Pat::Unparsable(e),
                },
                V::Null => Pat::Absent,
                _ => Pat::Unknown(describe::state(Some(v), "pattern", cx.sources)),
            },
        };
        Filter {
            id,
            r,
            pattern,
            at: v.map_or(r.header, |v| v.span),
        }
    }

    fn name(&self) -> String {
        display_name(self.r)
    }
}

/// One part per CIS control, after one per metric filter of the log group whose pattern does
/// not parse.
/// What CT207 asks of the whole scan for every log group and filter, found in one pass: asking
/// it of every resource each time makes the rule quadratic in the size of the scan.
#[derive(Debug, Default)]
pub struct Index {
    /// Metric filters by the module or template that defines them.
    filters_by_scope: std::collections::HashMap<crate::model::ScopeId, Vec<ResourceId>>,
    /// Metric filters whose log group cannot be told.
    filters_unknown_group: Vec<ResourceId>,
    /// Alarms with a metric-filter link that cannot be resolved.
    alarms_unknown_metric: Vec<ResourceId>,
    /// Subscriptions whose topic cannot be resolved.
    subscriptions_unknown_topic: Vec<ResourceId>,
}

fn index<'c>(cx: &'c Ctx<'_>) -> &'c Index {
    cx.memo.cis.get_or_init(|| {
        let mut ix = Index::default();
        let unknown = |l: Option<&crate::model::LinkInfo>| matches!(l.map(|l| &l.link), Some(Link::Unknown(_)));
        for (id, r) in cx.model.resources.iter().enumerate() {
            match r.kind {
                Kind::MetricFilter => {
                    ix.filters_by_scope.entry(r.scope).or_default().push(id);
                    if unknown(cx.model.link(id, Edge::LogGroup)) {
                        ix.filters_unknown_group.push(id);
                    }
                }
                Kind::Alarm
                    if cx
                        .model
                        .links_of(id, Edge::MetricFilter)
                        .any(|l| matches!(l.link, Link::Unknown(_))) =>
                {
                    ix.alarms_unknown_metric.push(id);
                }
                Kind::Subscription if unknown(cx.model.link(id, Edge::Topic)) => {
                    ix.subscriptions_unknown_topic.push(id);
                }
                _ => {}
            }
        }
        ix
    })
}

pub fn parts(log_group: &Resource, id: ResourceId, cx: &Ctx<'_>) -> Vec<Part> {
    let on_group: Vec<Filter<'_>> = cx
        .model
        .linked_from(id, Edge::LogGroup)
        .iter()
        .filter(|&&f| cx.model.resources[f].kind == Kind::MetricFilter)
        .map(|&f| Filter::read(f, cx))
        .collect();
    let mut out = Vec::new();
    for f in &on_group {
        if let Pat::Unparsable(e) = &f.pattern {
            out.push(Part {
                outcome: Outcome {
                    verdict: Verdict::Fail,
                    span: error_span(f.r.field("pattern"), e, cx.sources).unwrap_or(f.at),
                    state: format!(
                        "the events of metric filter `{}`: its pattern does not parse: {e}, so CloudWatch Logs rejects the filter",
                        f.name()
                    ),
                    attribute: format!("metric_filter {} pattern", f.r.address),
                },
                related: Vec::new(),
            });
        }
    }
    // The other filters worth naming: those of the same module or template (a filter meant for
    // this log group but pointed at another), and any whose log group cannot be told. Filters of
    // other stacks are not read: they would make every log group's finding list the whole scan.
    let ix = index(cx);
    let mut ids: Vec<ResourceId> = ix
        .filters_by_scope
        .get(&log_group.scope)
        .into_iter()
        .flatten()
        .chain(&ix.filters_unknown_group)
        .copied()
        .filter(|f| !on_group.iter().any(|g| g.id == *f))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let elsewhere: Vec<Filter<'_>> = ids.into_iter().map(|f| Filter::read(f, cx)).collect();
    for c in CONTROLS {
        let step = control(c, log_group, &on_group, &elsewhere, cx);
        let attribute = format!("control {}", c.id);
        let what = format!("{} ({})", c.title, c.ids());
        let (outcome, related) = match step {
            Step::Pass => (
                Outcome {
                    attribute,
                    ..Outcome::pass(log_group)
                },
                Vec::new(),
            ),
            Step::Unknown { span, state } => (
                Outcome {
                    verdict: Verdict::Unknown,
                    span,
                    state: format!("whether an alarm is raised on {what}: {state}"),
                    attribute,
                },
                Vec::new(),
            ),
            Step::Fail {
                span, state, related, ..
            } => (
                Outcome {
                    verdict: Verdict::Fail,
                    span,
                    state: format!("{what}: {state}"),
                    attribute,
                },
                related,
            ),
        };
        out.push(Part { outcome, related });
    }
    out
}

/// The chain for one control.
fn control(c: &Control, log_group: &Resource, on_group: &[Filter<'_>], elsewhere: &[Filter<'_>], cx: &Ctx<'_>) -> Step {
    let mut steps = Vec::new();
    for f in on_group {
        match &f.pattern {
            Pat::Parsed(p) => match filter_pattern::covers_parsed(p, c) {
                Coverage::Covered => steps.push(alarm(f, cx)),
                Coverage::Missing(names) => {
                    // A filter about something else is not a near miss.
                    if filter_pattern::intended_for(p, c) == Some(true) {
                        let extra = filter_pattern::extra_fields(p, c);
                        let hint = match extra.as_slice() {
                            [] => String::new(),
                            fields => format!(
                                " (it also tests {}, which the CIS pattern does not)",
                                listing(&fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>())
                            ),
                        };
                        steps.push(fail(
                            1,
                            f.at,
                            format!(
                                "the pattern of metric filter `{}` does not match {}{hint}",
                                f.name(),
                                listing(&names)
                            ),
                            Vec::new(),
                        ));
                    }
                }
                Coverage::Unknown(reason) => steps.push(unknown(
                    f.at,
                    format!(
                        "whether the pattern of metric filter `{}` matches them is not decided: {reason}",
                        f.name()
                    ),
                )),
                Coverage::Unparsable(_) => {}
            },
            Pat::Unknown(state) => steps.push(unknown(f.at, format!("metric filter `{}`: {state}", f.name()))),
            Pat::Unparsable(_) | Pat::Absent => {}
        }
    }
    // A filter whose log group cannot be told may filter this one.
    for f in elsewhere {
        if let Some(Link::Unknown(_)) = cx.model.link(f.id, Edge::LogGroup).map(|l| &l.link) {
            let v = f.r.field("log_group_name");
            steps.push(unknown(
                v.map_or(f.r.header, |v| v.span),
                format!(
                    "metric filter `{}` may filter this log group: {}",
                    f.name(),
                    describe::state(v, "log_group_name", cx.sources)
                ),
            ));
        }
    }
    if let Some(s) = best(steps) {
        return s;
    }
    // No filter on this log group is about the control; one on another log group may be.
    let mut related = Vec::new();
    let mut hint = String::new();
    for f in elsewhere {
        let Pat::Parsed(p) = &f.pattern else { continue };
        if filter_pattern::covers_parsed(p, c) != Coverage::Covered {
            continue;
        }
        let group = match cx.model.link(f.id, Edge::LogGroup).map(|l| &l.link) {
            Some(Link::Resolved(g)) => format!("log group `{}`", display_name(&cx.model.resources[*g])),
            _ => "another log group".to_string(),
        };
        if hint.is_empty() {
            hint = format!(" (metric filter `{}` does, but it filters {group})", f.name());
        }
        let at = f.r.field("log_group_name").map_or(f.r.header, |v| v.span);
        related.push(Label::new(
            at,
            format!("metric filter `{}` matches them, but filters {group}", f.name()),
        ));
    }
    fail(
        0,
        log_group.header,
        format!("no metric filter on this log group matches them{hint}"),
        related,
    )
}

/// A filter that covers the control: is there an alarm on its metric, with an action?
fn alarm(f: &Filter<'_>, cx: &Ctx<'_>) -> Step {
    let transformations =
        f.r.field("metric_transformations")
            .and_then(Val::as_list)
            .unwrap_or_default();
    if transformations.is_empty() {
        return fail(
            2,
            f.r.header,
            format!("metric filter `{}` matches them but publishes no metric", f.name()),
            Vec::new(),
        );
    }
    let metric = metric_name(&transformations[0]);
    let mut steps = Vec::new();
    let mut alarms: Vec<ResourceId> = Vec::new();
    for &a in cx.model.linked_from(f.id, Edge::MetricFilter) {
        if cx.model.resources[a].kind == Kind::Alarm && !alarms.contains(&a) {
            alarms.push(a);
        }
    }
    for &a in &alarms {
        steps.push(actions(a, f, &metric, cx));
    }
    // The filter's metric is not known: any alarm may watch it.
    for t in transformations {
        for key in ["namespace", "name"] {
            if let Some(v) = t.get(key).filter(|v| v.has_unknown()) {
                steps.push(unknown(
                    v.span,
                    format!(
                        "which alarm watches the metric of metric filter `{}` cannot be told: {}",
                        f.name(),
                        describe::state(Some(v), key, cx.sources)
                    ),
                ));
            }
        }
    }
    // An alarm whose metric is not known may watch this one.
    for &a in &index(cx).alarms_unknown_metric {
        let r = &cx.model.resources[a];
        if let Some(l) = cx
            .model
            .links_of(a, Edge::MetricFilter)
            .find(|l| matches!(l.link, Link::Unknown(_)))
        {
            let Link::Unknown(u) = &l.link else { continue };
            steps.push(unknown(
                l.span,
                format!(
                    "alarm `{}` may watch the metric of metric filter `{}`: `{}` cannot be resolved: {}",
                    display_name(r),
                    f.name(),
                    u.expr,
                    u.reason
                ),
            ));
        }
    }
    best(steps).unwrap_or_else(|| {
        let at = transformations[0]
            .get("name")
            .map_or(transformations[0].span, |v| v.span);
        fail(
            2,
            at,
            format!(
                "metric filter `{}` matches them, but no alarm watches its metric {metric}",
                f.name()
            ),
            Vec::new(),
        )
    })
}

/// `` `CISBenchmark/RootAccountUsage` `` (namespace/name), as written.
fn metric_name(t: &Val) -> String {
    let part = |k: &str| match t.get(k) {
        Some(v) => match (&v.v, v.text()) {
            (V::Str(s), _) => s.clone(),
            (_, Some(text)) => text.to_string(),
            _ => v.to_string(),
        },
        None => "?".into(),
    };
    format!("`{}/{}`", part("namespace"), part("name"))
}

/// An alarm on the filter's metric: are its actions enabled, and does one reach someone?
fn actions(a: ResourceId, f: &Filter<'_>, metric: &str, cx: &Ctx<'_>) -> Step {
    let r = &cx.model.resources[a];
    let name = display_name(r);
    let via = |span: Span| {
        vec![Label::new(
            span,
            format!(
                "metric filter `{}` publishes the metric {metric} that alarm `{name}` watches",
                f.name()
            ),
        )]
    };
    let filter_at =
        f.r.field("metric_transformations")
            .and_then(Val::as_list)
            .and_then(|l| l.first())
            .and_then(|t| t.get("name"))
            .map_or(f.r.header, |v| v.span);
    if let Some(enabled) = r.field("actions_enabled") {
        match enabled.as_bool() {
            Some(true) => {}
            Some(false) => {
                return fail(
                    3,
                    enabled.span,
                    format!(
                        "alarm `{name}` on metric {metric} has its actions disabled ({})",
                        describe::state(Some(enabled), "actions_enabled", cx.sources)
                    ),
                    via(filter_at),
                );
            }
            None => {
                return unknown(
                    enabled.span,
                    format!(
                        "alarm `{name}`: {}",
                        describe::state(Some(enabled), "actions_enabled", cx.sources)
                    ),
                );
            }
        }
    }
    let mut steps = Vec::new();
    for l in cx.model.links_of(a, Edge::Topic) {
        match &l.link {
            Link::Resolved(t) => steps.push(subscribers(*t, l.span, &name, cx)),
            // An action outside the scan (a topic of another stack, an automation ARN).
            Link::External(_) => steps.push(Step::Pass),
            Link::Unknown(u) => steps.push(unknown(
                l.span,
                format!(
                    "an action of alarm `{name}` is `{}`, which cannot be resolved: {}",
                    u.expr, u.reason
                ),
            )),
            Link::Absent => {}
        }
    }
    best(steps).unwrap_or_else(|| {
        let at = r.field("alarm_actions").map_or(r.header, |v| v.span);
        fail(
            3,
            at,
            format!("alarm `{name}` on metric {metric} has no alarm action, so nobody is notified"),
            via(filter_at),
        )
    })
}

/// A topic an alarm notifies: does anyone subscribe to it?
fn subscribers(topic: ResourceId, action: Span, alarm: &str, cx: &Ctx<'_>) -> Step {
    let r = &cx.model.resources[topic];
    if let Some(inline) = r.field("subscriptions") {
        match inline.is_present() {
            Some(true) => return Step::Pass,
            Some(false) => {}
            None => {
                return unknown(
                    inline.span,
                    format!(
                        "SNS topic `{}`: {}",
                        display_name(r),
                        describe::state(Some(inline), "Subscription", cx.sources)
                    ),
                );
            }
        }
    }
    let subscribed = cx
        .model
        .linked_from(topic, Edge::Topic)
        .iter()
        .any(|&s| cx.model.resources[s].kind == Kind::Subscription);
    if subscribed {
        return Step::Pass;
    }
    for &s in &index(cx).subscriptions_unknown_topic {
        let sub = &cx.model.resources[s];
        if let Some(l) = cx.model.link(s, Edge::Topic)
            && let Link::Unknown(u) = &l.link
        {
            return unknown(
                l.span,
                format!(
                    "subscription `{}` may subscribe to SNS topic `{}`: `{}` cannot be resolved: {}",
                    sub.address,
                    display_name(r),
                    u.expr,
                    u.reason
                ),
            );
        }
    }
    fail(
        4,
        r.header,
        format!(
            "alarm `{alarm}` notifies SNS topic `{}`, which has no subscription in the scanned files",
            display_name(r)
        ),
        vec![Label::new(action, format!("alarm `{alarm}` notifies this topic"))],
    )
}

/// `a`, `a and b`, `a, b and c`; past six, the first five and how many more.
fn listing(items: &[String]) -> String {
    let shown: Vec<&str> = items
        .iter()
        .take(if items.len() > 6 { 5 } else { 6 })
        .map(String::as_str)
        .collect();
    let rest = items.len() - shown.len();
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => one.to_string(),
        (many, 0) => format!("{} and {}", many[..many.len() - 1].join(", "), many[many.len() - 1]),
        (many, n) => format!("{} and {n} more", many.join(", ")),
    }
}

/// The bytes of a pattern's parse error in the file, when the pattern is written as one quoted
/// literal without escapes (so offsets in the pattern are offsets in the file).
fn error_span(v: Option<&Val>, e: &ParseError, sources: &SourceMap) -> Option<Span> {
    let v = v?;
    let pattern = v.as_str()?;
    let file = sources.get(v.span.file);
    let written = file.text.get(v.span.start as usize..v.span.end as usize)?;
    let quoted = written.len() == pattern.len() + 2
        && (written.starts_with('"') || written.starts_with('\''))
        && &written[1..written.len() - 1] == pattern;
    if !quoted {
        return None;
    }
    let start = v.span.start as usize + 1 + e.offset.min(pattern.len());
    let end = (start + 1).min(v.span.end as usize);
    Some(Span::new(v.span.file, start, end))
}

/// The controls as `ctlint explain CT207` lists them, generated from
/// [`crate::filter_pattern::CONTROLS`] so that the documentation cannot drift from the code.
pub fn controls_markdown() -> String {
    let mut out = String::from(
        "One verdict per control. CIS numbers are those of CIS AWS Foundations Benchmark v1.4.0 and v3.0.0 (v1.2.0 in brackets); the pattern is the reference a filter must cover (Security Hub's for CloudWatch.1–14, the CIS audit procedure's for 4.15).\n\n| CIS | Security Hub | control | finding attribute |\n|---|---|---|---|\n",
    );
    for c in CONTROLS {
        let v12 = c.cis_v1_2.map_or(String::new(), |v| format!(" ({v})"));
        out.push_str(&format!(
            "| {}{v12} | {} | {} | `control {}` |\n",
            c.cis,
            c.security_hub.unwrap_or("—"),
            c.title,
            c.id
        ));
    }
    out.push_str("\nReference patterns:\n\n");
    for c in CONTROLS {
        out.push_str(&format!("- CIS {} ({}): `{}`\n", c.cis, c.title, c.reference));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::listing;

    #[test]
    fn listings_read_as_prose() {
        let l = |n: usize| listing(&(1..=n).map(|i| format!("E{i}")).collect::<Vec<_>>());
        assert_eq!(l(1), "E1");
        assert_eq!(l(2), "E1 and E2");
        assert_eq!(l(3), "E1, E2 and E3");
        assert_eq!(l(6), "E1, E2, E3, E4, E5 and E6");
        assert_eq!(l(9), "E1, E2, E3, E4, E5 and 4 more");
    }
}
