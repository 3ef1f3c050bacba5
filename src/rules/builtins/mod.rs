//! Rust predicates that rules call by name, for requirements a JSONPath and a predicate cannot
//! express (several fields and selectors weighed together). Each returns an [`Outcome`] with its
//! own location and wording.

mod log_retention;
mod management_events;
pub(crate) mod policy_allows;
mod policy_not_public;
mod s3_data_events;
mod selectors;
mod trail_key_usable;

use crate::finding::Verdict;
use crate::model::Resource;
use crate::rules::eval::Ctx;
use crate::rules::path::Path;
use crate::source::Span;

/// The result of a check on one target.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Where the finding points.
    pub span: Span,
    /// What was found, in words: "`read_write_type` is \"ReadOnly\"…".
    pub state: String,
    /// Model path of the attribute to blame, for the fingerprint.
    pub attribute: String,
}

impl Outcome {
    /// The requirement holds on `target` (the span is where a pass would be reported).
    pub fn pass(target: &Resource) -> Outcome {
        Outcome {
            verdict: Verdict::Pass,
            span: target.header,
            state: String::new(),
            attribute: String::new(),
        }
    }
}

/// A builtin as a rule file calls it: its name and its arguments, checked when the rule loads.
#[derive(Debug, Clone)]
pub enum Builtin {
    ManagementEventsComplete,
    S3DataEventsComplete,
    TrailLogsRetained,
    /// `policy_allows`: a policy of the target lets a principal do something (arguments in
    /// [`policy_allows::Query`]).
    PolicyAllows(Box<policy_allows::Query>),
    /// `policy_not_public`: no statement of a policy of the target grants everyone without a
    /// condition that restricts the caller (arguments in [`policy_not_public::Query`]).
    PolicyNotPublic(policy_not_public::Query),
    /// `trail_key_usable`: CloudTrail can encrypt with the trail's key (on a trail: not an AWS
    /// managed key; on a key: symmetric encryption, enabled).
    TrailKeyUsable,
}

impl Builtin {
    const NAMES: [&'static str; 6] = [
        "management_events_complete",
        "s3_data_events_complete",
        "trail_logs_retained",
        "policy_allows",
        "policy_not_public",
        "trail_key_usable",
    ];

    /// The builtin `name` with `args` (a TOML table, or none), for a rule whose every target
    /// offers the path steps `steps` and ends at one of `kinds`.
    pub fn parse(
        name: &str,
        args: Option<&toml::Value>,
        steps: &[&'static str],
        kinds: &[crate::model::Kind],
    ) -> Result<Builtin, String> {
        let no_args = |b: Builtin| match args {
            Some(_) => Err(format!("builtin `{name}` takes no `args`")),
            None => Ok(b),
        };
        match name {
            "management_events_complete" => no_args(Builtin::ManagementEventsComplete),
            "s3_data_events_complete" => no_args(Builtin::S3DataEventsComplete),
            "trail_logs_retained" => no_args(Builtin::TrailLogsRetained),
            "trail_key_usable" => match kinds
                .iter()
                .find(|k| !matches!(k, crate::model::Kind::Trail | crate::model::Kind::Key))
            {
                Some(k) => Err(format!(
                    "builtin `trail_key_usable` checks trails and keys, not a {}",
                    k.noun()
                )),
                None => no_args(Builtin::TrailKeyUsable),
            },
            "policy_allows" => {
                let args = args.ok_or("builtin `policy_allows` needs `args` (policy, principal, actions, resource)")?;
                Ok(Builtin::PolicyAllows(Box::new(policy_allows::Query::parse(
                    args, steps, kinds,
                )?)))
            }
            "policy_not_public" => {
                let args = args.ok_or("builtin `policy_not_public` needs `args` (policy)")?;
                Ok(Builtin::PolicyNotPublic(policy_not_public::Query::parse(args, kinds)?))
            }
            _ => Err(format!("unknown builtin `{name}`; known: {}", Self::NAMES.join(", "))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Builtin::ManagementEventsComplete => Self::NAMES[0],
            Builtin::S3DataEventsComplete => Self::NAMES[1],
            Builtin::TrailLogsRetained => Self::NAMES[2],
            Builtin::PolicyAllows(_) => Self::NAMES[3],
            Builtin::PolicyNotPublic(_) => Self::NAMES[4],
            Builtin::TrailKeyUsable => Self::NAMES[5],
        }
    }

    /// The configuration parameters it reads; the rule that calls it must declare them.
    pub fn params(&self) -> &'static [&'static str] {
        match self {
            Builtin::TrailLogsRetained => &["min_retention_days"],
            _ => &[],
        }
    }

    pub fn names() -> Vec<&'static str> {
        Self::NAMES.to_vec()
    }

    pub fn call(&self, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
        match self {
            Builtin::ManagementEventsComplete => management_events::check(target, cx.sources),
            Builtin::S3DataEventsComplete => s3_data_events::check(target, cx.sources),
            Builtin::TrailLogsRetained => log_retention::check(target, cx),
            Builtin::PolicyAllows(q) => q.check(target, path, cx),
            Builtin::PolicyNotPublic(q) => q.check(target),
            Builtin::TrailKeyUsable => trail_key_usable::check(target, path, cx),
        }
    }
}
