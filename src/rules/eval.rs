//! Rule evaluation: every active rule on every target it names, one verdict each (docs/verdicts.md).
//!
//! For linked targets (`trail.bucket`…) the engine follows the links the resolver stored: an
//! absent or external link makes the rule not applicable for that trail, an unknown link gives
//! an unknown finding at the trail's attribute, and a resolved one leads to the target, which is
//! evaluated once however many trails reach it. `when` checks decide applicability; `check`s
//! decide the verdict, the worst one winning; the first failing check gives the finding its
//! message and location, and later failures join it as related labels.

use std::collections::HashSet;

use jsonpath_rust::query::js_path_process;
use rayon::prelude::*;

use super::builtins::Outcome;
use super::cause;
use super::describe;
use super::path::{Path, Template};
use super::predicate::{ConfigValues, Predicate};
use super::provenance;
use super::registry::{Check, Rule, Target};
use crate::finding::{Cause, Finding, Label, Severity, Verdict};
use crate::model::{Edge, Format, Kind, Link, Model, Resource, ResourceId, Val, schema};
use crate::resolve::Resolver;
use crate::source::{SourceMap, Span};

/// A rule as configured for this run.
pub struct Active<'r> {
    pub rule: &'r Rule,
    pub severity: Severity,
}

/// Counts of verdicts, and why rules were not applicable.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    /// Why rules were not applicable, counted (docs/verdicts.md#not-applicable).
    pub not_applicable_by: NotApplicable,
    /// Per link that leads outside the scanned files ("the bucket of trail `x` (name)"), how
    /// many rule verdicts it made not applicable.
    pub outside: std::collections::BTreeMap<String, usize>,
    /// One line per trail link that made rules not applicable.
    pub notes: Vec<String>,
    /// Every rule × resource evaluated to pass, fail or unknown (for JUnit).
    pub evaluations: Vec<Evaluation>,
}

/// Not-applicable verdicts by why.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NotApplicable {
    /// The link the rule follows leads to a resource not in the scanned files.
    pub outside: usize,
    /// The link the rule follows is not set (a trail without a log group).
    pub unset: usize,
    /// The rule does not apply to the target: a `when` condition does not hold (CT006 on a
    /// single-region trail), another format, a step the target does not have.
    pub condition: usize,
}

impl NotApplicable {
    fn add(&mut self, o: NotApplicable) {
        self.outside += o.outside;
        self.unset += o.unset;
        self.condition += o.condition;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evaluation {
    pub code: String,
    pub resource: String,
    /// The file the resource is defined in: two templates may both have a `Trail`.
    pub file: crate::source::FileId,
    pub verdict: Verdict,
}

pub struct Ctx<'a> {
    pub model: &'a Model,
    /// The whole catalogue: `scan` rules evaluate the trail rules they name.
    pub registry: &'a super::Registry,
    pub sources: &'a SourceMap,
    pub resolver: &'a Resolver<'a>,
    pub config: &'a dyn ConfigValues,
    /// Facts about the whole scan that builtins need for every target, computed once.
    pub memo: Memo,
}

/// Computed once per run, on first use.
#[derive(Default)]
pub struct Memo {
    pub trail_buckets: std::sync::OnceLock<super::builtins::TrailBuckets>,
    /// Where the documents of the scan's managed policies are (`aws_iam_policy`, …).
    pub managed_policies: std::sync::OnceLock<HashSet<crate::source::Span>>,
    /// CT207's lookups of metric filters, alarms and subscriptions across the scan.
    pub cis: std::sync::OnceLock<super::builtins::cis_alarms::Index>,
}

pub fn evaluate(rules: &[Active<'_>], cx: &Ctx<'_>) -> (Vec<Finding>, Tally) {
    let results: Vec<(Vec<Finding>, Tally)> = rules.par_iter().map(|a| evaluate_rule(a, cx)).collect();
    let mut findings = Vec::new();
    let mut tally = Tally::default();
    for (f, t) in results {
        findings.extend(f);
        tally.pass += t.pass;
        tally.fail += t.fail;
        tally.unknown += t.unknown;
        tally.not_applicable += t.not_applicable;
        tally.not_applicable_by.add(t.not_applicable_by);
        for (link, n) in t.outside {
            *tally.outside.entry(link).or_default() += n;
        }
        tally.notes.extend(t.notes);
        tally.evaluations.extend(t.evaluations);
    }
    for (link, n) in &tally.outside {
        let rules = if *n == 1 {
            "rule about it was"
        } else {
            "rules about it were"
        };
        let advice = if link.contains("(alias/aws/") {
            "an AWS managed key, which no code defines"
        } else {
            "scan the code that defines it too, to check them"
        };
        tally.notes.push(format!(
            "{link} is not defined in the scanned files; {n} {rules} not applied ({advice})"
        ));
    }
    tally.notes.sort();
    tally.notes.dedup();
    tally.evaluations.sort();
    (findings, tally)
}

fn evaluate_rule(a: &Active<'_>, cx: &Ctx<'_>) -> (Vec<Finding>, Tally) {
    let mut out = Vec::new();
    let mut tally = Tally::default();
    // Targets already judged: by resource, or by the whole path for per-path rules.
    let mut done: HashSet<Vec<ResourceId>> = HashSet::new();
    let mut unknown_links: HashSet<(ResourceId, Edge)> = HashSet::new();
    let mut jobs: Vec<(ResourceId, Path, Vec<Label>, Option<String>)> = Vec::new();
    for target in &a.rule.targets {
        let (root, path) = match target {
            Target::Resources { root, path } => (root, path),
            Target::Scan => return super::whole_scan::evaluate(a, cx),
            Target::Written => return super::unknown_attributes::evaluate(a, cx),
            Target::File => continue,
        };
        'roots: for (root_id, _) in cx.model.of_kind(*root) {
            let mut cur = root_id;
            let mut related = Vec::new();
            let mut steps = Path {
                steps: vec![(root.as_str(), root_id)],
            };
            for edge in path {
                let from = &cx.model.resources[cur];
                let Some(info) = cx.model.link(cur, *edge) else {
                    tally.not_applicable += 1;
                    tally.not_applicable_by.unset += 1;
                    continue 'roots;
                };
                match &info.link {
                    Link::Absent => {
                        tally.not_applicable += 1;
                        tally.not_applicable_by.unset += 1;
                        let field = edge.field(from.kind);
                        if let Some(why) = required(from, &[field]) {
                            tally.notes.push(format!(
                                "{} `{}` does not set `{}`: {why}; rules about its {} were not applied",
                                from.kind.noun(),
                                display_name(from),
                                source_name(from, &[field]),
                                edge.target().noun()
                            ));
                        }
                        continue 'roots;
                    }
                    Link::External(what) => {
                        tally.not_applicable += 1;
                        tally.not_applicable_by.outside += 1;
                        let link = format!(
                            "the {} of {} `{}` ({what})",
                            edge.target().noun(),
                            from.kind.noun(),
                            from.address
                        );
                        *tally.outside.entry(link).or_default() += 1;
                        continue 'roots;
                    }
                    Link::Unknown(_) => {
                        if unknown_links.insert((cur, *edge)) {
                            tally.unknown += 1;
                            tally.evaluations.push(Evaluation {
                                code: a.rule.code.clone(),
                                resource: from.address.to_string(),
                                file: from.file(),
                                verdict: Verdict::Unknown,
                            });
                            out.push(unknown_link(a, cx, from, *edge, info.span));
                        }
                        continue 'roots;
                    }
                    Link::Resolved(next) => {
                        related.push(Label::new(info.span, link_label(from, *edge)));
                        cur = *next;
                        steps.steps.push((edge.as_str(), cur));
                    }
                }
            }
            // A trail's other links are on every path from it: a rule about its role may name
            // its log group. They go first: the chain's own steps win on a shared name, and the
            // last step stays the target.
            if *root == Kind::Trail {
                let side: Vec<(&'static str, ResourceId)> = [Edge::Bucket, Edge::LogGroup, Edge::Role, Edge::Key]
                    .into_iter()
                    .filter(|e| !steps.steps.iter().any(|(s, _)| *s == e.as_str()))
                    .filter_map(|e| match cx.model.link(root_id, e).map(|l| &l.link) {
                        Some(Link::Resolved(id)) => Some((e.as_str(), *id)),
                        _ => None,
                    })
                    .collect();
                steps.steps.splice(0..0, side);
            }
            let judged = if a.rule.per_path {
                steps.steps.iter().map(|(_, id)| *id).collect()
            } else {
                vec![cur]
            };
            if !done.insert(judged) {
                continue;
            }
            let trail = (cur != root_id).then(|| display_name(&cx.model.resources[root_id]));
            jobs.push((cur, steps, related, trail));
        }
    }
    // The walk above is cheap and decides what is judged, in order; the judging (policy
    // evaluation, above all) runs in parallel, and its results are taken in that order.
    let judged: Vec<Vec<(Verdict, Option<Finding>)>> = jobs
        .par_iter()
        .map(|(_, steps, related, trail)| evaluate_each(a, cx, steps, related.clone(), trail.as_deref()))
        .collect();
    for ((cur, ..), results) in jobs.iter().zip(judged) {
        let cur = *cur;
        for result in results {
            if result.0 != Verdict::NotApplicable {
                tally.evaluations.push(Evaluation {
                    code: a.rule.code.clone(),
                    resource: cx.model.resources[cur].address.to_string(),
                    file: cx.model.resources[cur].file(),
                    verdict: result.0,
                });
            }
            match result {
                (Verdict::Pass, _) => tally.pass += 1,
                (Verdict::NotApplicable, _) => {
                    tally.not_applicable += 1;
                    tally.not_applicable_by.condition += 1;
                }
                (v, Some(f)) => {
                    if v == Verdict::Fail {
                        tally.fail += 1;
                    } else {
                        tally.unknown += 1;
                    }
                    out.push(f);
                }
                (_, None) => {}
            }
        }
    }
    (out, tally)
}

fn link_label(from: &Resource, edge: Edge) -> String {
    let who = format!("{} `{}`", from.kind.noun(), display_name(from));
    match edge {
        Edge::Bucket => format!("{who} delivers its log files to this bucket"),
        Edge::LogGroup => format!("{who} sends its events to this log group"),
        Edge::Role => format!("{who} writes to CloudWatch Logs with this role"),
        Edge::Key if from.kind == crate::model::Kind::Trail => format!("{who} encrypts its log files with this key"),
        Edge::Key => format!("{who} is encrypted with this key"),
        Edge::MetricFilter => format!("{who} watches the metric of this metric filter"),
        Edge::Topic => format!("{who} notifies this SNS topic"),
    }
}

fn unknown_link(a: &Active<'_>, cx: &Ctx<'_>, from: &Resource, edge: Edge, span: Span) -> Finding {
    let state = describe::state(
        from.field(edge.field(from.kind)),
        source_name(from, &[edge.field(from.kind)]).as_str(),
        cx.sources,
    );
    let message = format!(
        "cannot tell which {} {} `{}` uses, so {} cannot be checked: {state}",
        edge.target().noun(),
        from.kind.noun(),
        display_name(from),
        a.rule.code
    );
    let cause = cause::of_link(from, edge, span, &state);
    let mut f = finding(
        a,
        cx,
        from,
        Verdict::Unknown,
        message,
        Label::new(span, state),
        Vec::new(),
        None,
        edge.field(from.kind),
    );
    f.cause = cause;
    f
}

/// Evaluate `when` and `check`s on one target: one verdict, or, for a rule whose check judges
/// several requirements separately ([`super::builtins::Part`], CT207), one per requirement.
fn evaluate_each(
    a: &Active<'_>,
    cx: &Ctx<'_>,
    path: &Path,
    related: Vec<Label>,
    trail: Option<&str>,
) -> Vec<(Verdict, Option<Finding>)> {
    let id = path.target().expect("a path has a target");
    let target = &cx.model.resources[id];
    let parted = match a.rule.checks.as_slice() {
        [
            c @ Check {
                expect: Predicate::Builtin(b),
                ..
            },
        ] if b.has_parts() => Some((c, b)),
        _ => None,
    };
    let Some((check, builtin)) = parted else {
        return vec![evaluate_target(a, cx, path, related, trail)];
    };
    if !a.rule.applies_to(target.format) {
        return vec![(Verdict::NotApplicable, None)];
    }
    let when_unknown = match when(a, target, path, cx) {
        Ok(w) => w,
        Err(()) => return vec![(Verdict::NotApplicable, None)],
    };
    builtin
        .parts(target, path, cx)
        .into_iter()
        .map(|part| {
            let mut labels = related.clone();
            labels.extend(part.related);
            judge(
                a,
                cx,
                path,
                vec![(part.outcome, check)],
                when_unknown.as_ref(),
                labels,
                trail,
            )
        })
        .collect()
}

/// The `when` checks of a rule on a target: `Err` when one does not hold (not applicable), else
/// the first that is unknown, if any.
fn when(a: &Active<'_>, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Result<Option<Outcome>, ()> {
    let mut when_unknown: Option<Outcome> = None;
    for w in &a.rule.when {
        let o = run_check(w, target, path, cx);
        match o.verdict {
            Verdict::Fail | Verdict::NotApplicable => return Err(()),
            Verdict::Unknown => {
                when_unknown.get_or_insert(o);
            }
            Verdict::Pass => {}
        }
    }
    Ok(when_unknown)
}

/// Evaluate `when` and `check`s on one target.
pub(super) fn evaluate_target(
    a: &Active<'_>,
    cx: &Ctx<'_>,
    path: &Path,
    related: Vec<Label>,
    trail: Option<&str>,
) -> (Verdict, Option<Finding>) {
    let id = path.target().expect("a path has a target");
    let target = &cx.model.resources[id];
    if !a.rule.applies_to(target.format) {
        return (Verdict::NotApplicable, None);
    }
    let Ok(when_unknown) = when(a, target, path, cx) else {
        return (Verdict::NotApplicable, None);
    };
    let mut outcomes: Vec<(Outcome, &Check)> = Vec::new();
    for c in &a.rule.checks {
        let o = run_check(c, target, path, cx);
        let stop = c.stop && o.verdict == Verdict::Fail;
        outcomes.push((o, c));
        if stop {
            break;
        }
    }
    judge(a, cx, path, outcomes, when_unknown.as_ref(), related, trail)
}

/// The verdict and finding of the outcomes of a target's checks: the worst wins.
fn judge(
    a: &Active<'_>,
    cx: &Ctx<'_>,
    path: &Path,
    outcomes: Vec<(Outcome, &Check)>,
    when_unknown: Option<&Outcome>,
    related: Vec<Label>,
    trail: Option<&str>,
) -> (Verdict, Option<Finding>) {
    let target = &cx.model.resources[path.target().expect("a path has a target")];
    // A check about a step the path does not have (a trail without a log group) does not apply.
    if outcomes.iter().any(|(o, _)| o.verdict == Verdict::NotApplicable) {
        return (Verdict::NotApplicable, None);
    }
    let worst = if outcomes.iter().any(|(o, _)| o.verdict == Verdict::Fail) {
        Verdict::Fail
    } else if outcomes.iter().any(|(o, _)| o.verdict == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        return (Verdict::Pass, None);
    };
    let vars = Vars {
        target,
        trail,
        path,
        cx,
    };
    // Per-path findings on one target differ by the way they reached it.
    let via = |attribute: &str| -> String {
        if !a.rule.per_path || path.steps.len() < 2 {
            return attribute.to_string();
        }
        let steps: Vec<String> = path.steps[..path.steps.len() - 1]
            .iter()
            .map(|(_, id)| cx.model.resources[*id].address.to_string())
            .collect();
        format!("{attribute} via {}", steps.join(" > "))
    };
    // The rule fails, but whether it applies is unknown: the verdict is unknown.
    if let (Verdict::Fail, Some(w)) = (worst, when_unknown) {
        let message = format!(
            "{} `{}` may not comply with {} ({}): {}",
            target.kind.noun(),
            display_name(target),
            a.rule.code,
            a.rule.title.to_lowercase(),
            w.state
        );
        let f = finding(
            a,
            cx,
            target,
            Verdict::Unknown,
            message,
            Label::new(w.span, w.state.clone()),
            related,
            None,
            &via(&w.attribute),
        );
        let mut f = f;
        f.cause = cause::of_value(target, w.span, &w.state).map(|c| Cause {
            span: f.primary.span,
            ..c
        });
        return (Verdict::Unknown, Some(f));
    }
    let mut picked = outcomes.iter().filter(|(o, _)| o.verdict == worst);
    let (first, check) = picked.next().expect("a check with the worst verdict");
    let message = if worst == Verdict::Fail {
        let template = check.message.as_deref().unwrap_or("{title}: {state}");
        vars.render(template, &first.state, &a.rule.title)
    } else {
        format!(
            "{} `{}` cannot be checked for {}: {}",
            target.kind.noun(),
            display_name(target),
            a.rule.code,
            first.state
        )
    };
    let label_text = match (worst, &check.label) {
        (Verdict::Fail, Some(l)) => vars.render(l, &first.state, &a.rule.title),
        _ => first.state.clone(),
    };
    // Later failures at the same place join the primary label; elsewhere, they are related.
    let mut label_text = label_text;
    let mut labels = related;
    if let (Verdict::Fail, Predicate::Builtin(b)) = (worst, &check.expect) {
        labels.extend(b.related(path, cx));
    }
    for (o, _) in picked {
        if o.span == first.span {
            label_text.push_str("; ");
            label_text.push_str(&o.state);
        } else {
            labels.push(Label::new(o.span, o.state.clone()));
        }
    }
    let mut help = check
        .help
        .as_ref()
        .map(|h| vars.render(h.for_format(target.format), &first.state, &a.rule.title));
    // A value written as a variable, local or parameter: where it is set is related, and the
    // help says to change it there.
    if worst == Verdict::Fail
        && let Some(v) = path
            .steps
            .iter()
            .rev()
            .find_map(|(_, id)| provenance::value_at(&cx.model.resources[*id].fields, first.span))
    {
        labels.extend(provenance::labels(v));
        if let Some(where_) = provenance::help(v, cx.sources) {
            help = Some(match help {
                Some(h) => format!("{h}; {where_}"),
                None => where_,
            });
        }
    }
    let mut f = finding(
        a,
        cx,
        target,
        worst,
        message,
        Label::new(first.span, label_text),
        labels,
        help,
        &via(&first.attribute),
    );
    if worst == Verdict::Unknown {
        f.cause = cause::of_value(target, first.span, &first.state).map(|c| Cause {
            span: f.primary.span,
            ..c
        });
    }
    (worst, Some(f))
}

#[allow(clippy::too_many_arguments)]
fn finding(
    a: &Active<'_>,
    cx: &Ctx<'_>,
    target: &Resource,
    verdict: Verdict,
    mut message: String,
    primary: Label,
    related: Vec<Label>,
    help: Option<String>,
    attribute: &str,
) -> Finding {
    let resource = target.address.to_string();
    let file = &cx.sources.get(target.file()).display;
    let (primary, mut related) = module_locations(target, primary, related, &mut message);
    let mut help = help;
    misspellings(cx, target, attribute, &mut related, &mut help);
    Finding {
        code: a.rule.code.clone(),
        name: a.rule.name.clone(),
        severity: a.severity,
        verdict,
        fingerprint: Finding::fingerprint_of(&a.rule.code, file, &resource, attribute),
        message,
        resource,
        primary,
        related,
        help,
        attribute: attribute.to_string(),
        suppressed: None,
        target: Some(target.header),
        cause: None,
    }
}

/// When the field a finding is about is unset (or defaulted) and a name written in the target's
/// blocks is not valid (CT901) and most likely stands for it, say so: a related label at that
/// name and a note in the help ("`KmsKeyId` at line 12 is not a property …").
fn misspellings(cx: &Ctx<'_>, target: &Resource, attribute: &str, related: &mut Vec<Label>, help: &mut Option<String>) {
    if cx.model.misspelt.is_empty() {
        return;
    }
    let model_path: Vec<&str> = attribute.split(" via ").next().unwrap_or("").split('.').collect();
    if !schema::path_exists(target.kind, &model_path) || !unset(&target.fields, &model_path) {
        return;
    }
    let (within, exact) = format_path(target, &model_path);
    let Some((name, within)) = within.split_last() else {
        return;
    };
    for u in cx.model.unknown_attributes(target) {
        let likely = if exact {
            u.stands_for(within, name)
        } else {
            // Set through a split resource (`aws_s3_bucket_versioning`): its blocks are named
            // otherwise, so only the name itself is compared.
            !u.read_only && u.suggestion == Some(*name)
        };
        if !likely || u.beside || related.iter().any(|l| l.span == u.span) {
            continue;
        }
        let meant = u.suggestion.unwrap_or(name);
        related.push(Label::new(
            u.span,
            format!(
                "`{}` is not {}: likely a misspelling of `{meant}` (CT901)",
                u.name, u.what
            ),
        ));
        let source = cx.sources.get(u.span.file);
        let line = source.position(u.span.start).line;
        let at = if u.span.file == target.file() {
            format!("line {line}")
        } else {
            format!("{}:{line}", source.display)
        };
        let note = format!(
            "`{}` at {at} is not {}: it likely stands for `{meant}` (CT901), so renaming it may be the fix",
            u.name, u.what
        );
        *help = Some(match help.take() {
            Some(h) => format!("{h}; {note}"),
            None => note,
        });
    }
}

/// When the field at model path `path` is one the target's resource type requires (in its
/// provider schema; below the top level, when the object holding it is written), what that
/// means: "CloudFormation requires it, so the stack does not deploy".
pub(crate) fn required(target: &Resource, path: &[&str]) -> Option<&'static str> {
    let (names, exact) = format_path(target, path);
    if !exact || names.len() != path.len() {
        return None;
    }
    let mut block = crate::adapt::names::resource(target.format, &target.type_name)?;
    let (last, within) = names.split_last()?;
    let mut cur = &target.fields;
    for (name, field) in within.iter().zip(path) {
        cur = cur.get(field)?;
        if cur.as_list().is_some() {
            // A list of objects: required in each item, which rules reach through their own paths.
            return None;
        }
        block = block.nested(name)?;
    }
    block.is_required(last).then_some(match target.format {
        Format::Terraform => "the provider requires it, so `terraform validate` fails",
        _ => "CloudFormation requires it, so the stack does not deploy",
    })
}

/// Is the field at `path` unset or defaulted (in some item, below a list)?
fn unset(fields: &Val, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    match fields.get(first) {
        None => true,
        Some(v) if v.origin != crate::model::Origin::Written => true,
        Some(v) if rest.is_empty() => v.is_null(),
        Some(v) => match v.as_list() {
            Some(items) => items.iter().any(|i| unset(i, rest)),
            None => unset(v, rest),
        },
    }
}

/// The names the target's format gives the fields of `path`, and whether each has one (fields
/// that Terraform fills from split resources have none: their model names stand in).
fn format_path(target: &Resource, path: &[&str]) -> (Vec<&'static str>, bool) {
    let mut fields = schema::fields(target.kind);
    let mut out = Vec::new();
    let mut exact = true;
    for seg in path {
        let Some(f) = schema::field(fields, seg) else { break };
        let name = match target.format {
            Format::Terraform => f.tf,
            _ => f.cfn,
        };
        exact &= !name.is_empty();
        out.push(if name.is_empty() { f.name } else { name });
        if let schema::Ty::Obj(sub) | schema::Ty::List(sub) = f.ty {
            fields = sub;
        }
    }
    (out, exact)
}

/// In a module instance: when the failing value came in through a module argument, the finding
/// points at that argument in the caller and the place in the module that uses it is related;
/// otherwise it points into the module, with the module calls leading there as related.
fn module_locations(
    target: &Resource,
    mut primary: Label,
    mut related: Vec<Label>,
    message: &mut String,
) -> (Label, Vec<Label>) {
    let Some(instance) = &target.instance else {
        return (primary, related);
    };
    if let Some((_, used, what)) = instance.args.iter().find(|(value, _, _)| *value == primary.span) {
        primary.message.push_str(&format!(" (set by {what})"));
        message.push_str(&format!(" (set by {what})"));
        related.insert(0, Label::new(*used, format!("{} uses {what} here", target.address)));
        return (primary, related);
    }
    for (span, call) in instance.calls.iter().rev() {
        related.push(Label::new(
            *span,
            format!("`{}` is instantiated by {call} here", target.address),
        ));
    }
    (primary, related)
}

/// Run one check (or `when`) on a target reached by `path`.
fn run_check(c: &Check, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
    if let Predicate::Builtin(b) = &c.expect {
        return b.call(target, path, cx);
    }
    let attribute = c.fields.join(".");
    let name = source_name(target, &c.fields.iter().map(String::as_str).collect::<Vec<_>>());
    let values: Vec<&Val> = match &c.select {
        Some((_, q)) => js_path_process(q, &target.fields)
            .map(|r| r.into_iter().map(|q| q.val).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    if values.is_empty() {
        let path: Vec<&str> = c.fields.iter().map(String::as_str).collect();
        // A property the resource type requires fails whatever the rule accepts when it is unset:
        // the code does not deploy (CT005 on a CloudFormation trail without `IsLogging`).
        if let Some(why) = required(target, &path) {
            return Outcome {
                verdict: Verdict::Fail,
                span: nearest_span(target, &c.fields),
                state: format!("`{name}` is not set, and {why}"),
                attribute,
            };
        }
        return Outcome {
            verdict: c.expect.on_absent(),
            span: nearest_span(target, &c.fields),
            state: describe::state(None, &name, cx.sources),
            attribute,
        };
    }
    let mut unknown = None;
    for v in values {
        match c.expect.eval(v, cx.resolver, cx.config) {
            Verdict::Fail => {
                return Outcome {
                    verdict: Verdict::Fail,
                    span: v.span,
                    state: describe::state_expanded(Some(v), &name, cx.sources, Some(cx.resolver)),
                    attribute,
                };
            }
            Verdict::Unknown => {
                unknown.get_or_insert(v);
            }
            _ => {}
        }
    }
    match unknown {
        Some(v) => Outcome {
            verdict: Verdict::Unknown,
            span: v.span,
            state: describe::state(Some(v), &name, cx.sources),
            attribute,
        },
        None => Outcome {
            verdict: Verdict::Pass,
            span: target.header,
            state: String::new(),
            attribute,
        },
    }
}

/// Where an unset field should be set: the deepest enclosing object that exists, else the
/// resource header.
fn nearest_span(target: &Resource, fields: &[String]) -> Span {
    let mut span = target.header;
    let mut cur = &target.fields;
    for f in fields {
        match cur.get(f) {
            Some(v) => {
                span = v.span;
                cur = v;
            }
            None => break,
        }
    }
    span
}

/// How the user spells a model path in the target's format: `versioning_configuration.status`
/// is shown as the schema's names joined by dots, model names where the format has none.
pub(crate) fn source_name(target: &Resource, path: &[&str]) -> String {
    let mut fields = schema::fields(target.kind);
    let mut out = Vec::new();
    for seg in path {
        let Some(f) = schema::field(fields, seg) else {
            out.push(seg.to_string());
            continue;
        };
        let name = match target.format {
            Format::Terraform => f.tf,
            _ => f.cfn,
        };
        out.push(if name.is_empty() {
            f.name.to_string()
        } else {
            name.to_string()
        });
        if let schema::Ty::Obj(sub) | schema::Ty::List(sub) = f.ty {
            fields = sub;
        }
    }
    out.join(".")
}

/// A resource's name for messages: its literal name, or its address.
pub fn display_name(r: &Resource) -> String {
    match r.field("name").and_then(Val::as_str) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => r.address.to_string(),
    }
}

struct Vars<'a> {
    target: &'a Resource,
    trail: Option<&'a str>,
    path: &'a Path,
    cx: &'a Ctx<'a>,
}

impl Vars<'_> {
    /// `{log_group}` (a step's name) or `{log_group.arn}` (a template over the path).
    fn step(&self, key: &str) -> Option<String> {
        if let Some(id) = self.path.get(key) {
            return Some(display_name(&self.cx.model.resources[id]));
        }
        let steps: Vec<&'static str> = self.path.steps.iter().map(|(s, _)| *s).collect();
        let t = Template::parse(&format!("{{{key}}}"), &steps).ok()?;
        Some(t.render(self.path, self.cx.resolver).to_string())
    }

    /// Fill `{name}`, `{resource}`, `{trail}`, `{state}`, `{title}`, `{noun}` and
    /// `{config.KEY}` in a message template.
    fn render(&self, template: &str, state: &str, title: &str) -> String {
        let mut out = String::with_capacity(template.len() + state.len());
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let key = &after[..end];
            let value = match key {
                "name" => Some(display_name(self.target)),
                "resource" => Some(self.target.address.to_string()),
                "trail" => Some(
                    self.trail
                        .map_or_else(|| self.target.address.to_string(), str::to_string),
                ),
                "state" => Some(state.to_string()),
                "title" => Some(title.to_string()),
                "noun" => Some(self.target.kind.noun().to_string()),
                k => match k.strip_prefix("config.") {
                    Some(c) => self.cx.config.number(c).map(crate::model::value::fmt_num),
                    None => self.step(k),
                },
            };
            match value {
                Some(v) => out.push_str(&v),
                None => {
                    out.push('{');
                    out.push_str(key);
                    out.push('}');
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}
