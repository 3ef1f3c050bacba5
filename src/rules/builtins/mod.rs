//! Rust predicates that rules call by name, for requirements a JSONPath and a predicate cannot
//! express (several fields and selectors weighed together). Each returns an [`Outcome`] with its
//! own location and wording.

mod action_resource;
mod bucket_not_public;
pub mod cis_alarms;
mod duplicate_trails;
mod insights;
mod lambda_data_events;
mod log_retention;
mod management_events;
mod org_trail_policy_allows;
pub(crate) mod policy_allows;
mod policy_docs;
pub(crate) use policy_docs::TrailBuckets;
mod policy_not_public;
mod role_grants_only;
mod s3_data_events;
mod selectors;
mod tampering;
mod trail_key_usable;
mod well_formed;

use crate::finding::{Label, Verdict};
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

/// One of several requirements a builtin judges separately on one target (CT207: one per CIS
/// control). Each is a verdict of its own: counted, reported, fingerprinted (by its outcome's
/// `attribute`, which differs from part to part) and suppressed on its own.
#[derive(Debug, Clone)]
pub struct Part {
    pub outcome: Outcome,
    /// Related locations of its finding (the filter an alarm watches, the alarm that notifies a
    /// topic).
    pub related: Vec<Label>,
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
    /// `org_trail_policy_allows`: `policy_allows`, asked only when the path's trail is an
    /// organization trail.
    OrgTrailPolicyAllows(Box<org_trail_policy_allows::OrgQuery>),
    /// `bucket_not_public`: no public ACL or policy statement that Block Public Access leaves
    /// in effect.
    BucketNotPublic,
    /// `allows_trail_tampering` (CT401): an identity policy lets anyone holding it stop or
    /// delete every trail, or delete the trail buckets' log files, without a condition.
    AllowsTrailTampering(Box<tampering::Query>),
    /// `s3_actions_fit_resources` (CT402): S3 object actions on object ARNs, bucket actions on
    /// bucket ARNs, in every statement that names a trail bucket.
    S3ActionsFitResources(Box<action_resource::Query>),
    /// `policies_well_formed` (CT403): every policy document of the target is well formed.
    PoliciesWellFormed,
    /// `role_grants_only`: a role grants nothing beyond the listed actions on the streams of the
    /// log groups its trails write to (arguments in [`role_grants_only::Query`]).
    RoleGrantsOnly(Box<role_grants_only::Query>),
    /// `policy_not_public`: no statement of a policy of the target grants everyone without a
    /// condition that restricts the caller (arguments in [`policy_not_public::Query`]).
    PolicyNotPublic(policy_not_public::Query),
    /// `trail_key_usable`: CloudTrail can encrypt with the trail's key (on a trail: not an AWS
    /// managed key; on a key: symmetric encryption, enabled).
    TrailKeyUsable,
    /// `insights_selected` (CT011): the trail selects both Insights types.
    InsightsSelected,
    /// `lambda_data_events_complete` (CT012): Lambda invocation data events for all functions.
    LambdaDataEventsComplete,
    /// `no_duplicate_management_trail` (CT013): no earlier trail of the same module or template
    /// records the same management events in the same region.
    NoDuplicateManagementTrail,
    /// `cis_monitoring_alarms` (CT207): per CIS monitoring control, a metric filter on the log
    /// group that covers it, an alarm on its metric, and an action that reaches someone. One
    /// verdict per control ([`Builtin::parts`]).
    CisMonitoringAlarms,
}

impl Builtin {
    const NAMES: [&'static str; 16] = [
        "management_events_complete",
        "s3_data_events_complete",
        "trail_logs_retained",
        "policy_allows",
        "org_trail_policy_allows",
        "bucket_not_public",
        "allows_trail_tampering",
        "s3_actions_fit_resources",
        "policies_well_formed",
        "role_grants_only",
        "policy_not_public",
        "trail_key_usable",
        "insights_selected",
        "lambda_data_events_complete",
        "no_duplicate_management_trail",
        "cis_monitoring_alarms",
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
            "insights_selected" | "lambda_data_events_complete" | "no_duplicate_management_trail" => {
                match kinds.iter().find(|k| **k != crate::model::Kind::Trail) {
                    Some(k) => Err(format!("builtin `{name}` judges trails, not a {}", k.noun())),
                    None if name == "insights_selected" => no_args(Builtin::InsightsSelected),
                    None if name == "lambda_data_events_complete" => no_args(Builtin::LambdaDataEventsComplete),
                    None => no_args(Builtin::NoDuplicateManagementTrail),
                }
            }
            "cis_monitoring_alarms" => match kinds.iter().find(|k| **k != crate::model::Kind::LogGroup) {
                Some(k) => Err(format!(
                    "builtin `cis_monitoring_alarms` judges log groups, not a {}",
                    k.noun()
                )),
                None => no_args(Builtin::CisMonitoringAlarms),
            },
            "bucket_not_public" => match kinds.iter().find(|k| **k != crate::model::Kind::Bucket) {
                Some(k) => Err(format!(
                    "builtin `bucket_not_public` judges buckets, not a {}",
                    k.noun()
                )),
                None => no_args(Builtin::BucketNotPublic),
            },
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
            "org_trail_policy_allows" => {
                let args = args.ok_or("builtin `org_trail_policy_allows` needs `args` (those of `policy_allows`)")?;
                Ok(Builtin::OrgTrailPolicyAllows(Box::new(
                    org_trail_policy_allows::OrgQuery::parse(args, steps, kinds)?,
                )))
            }
            "allows_trail_tampering" => {
                let args =
                    args.ok_or("builtin `allows_trail_tampering` needs `args` (trail_actions, object_actions)")?;
                Ok(Builtin::AllowsTrailTampering(Box::new(tampering::Query::parse(
                    args, kinds,
                )?)))
            }
            "s3_actions_fit_resources" => {
                let args =
                    args.ok_or("builtin `s3_actions_fit_resources` needs `args` (object_actions, bucket_actions)")?;
                Ok(Builtin::S3ActionsFitResources(Box::new(action_resource::Query::parse(
                    args, kinds,
                )?)))
            }
            "policies_well_formed" => {
                well_formed::parse(kinds)?;
                no_args(Builtin::PoliciesWellFormed)
            }
            "role_grants_only" => {
                let args = args.ok_or("builtin `role_grants_only` needs `args` (actions)")?;
                Ok(Builtin::RoleGrantsOnly(Box::new(role_grants_only::Query::parse(
                    args, kinds,
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
            Builtin::OrgTrailPolicyAllows(_) => Self::NAMES[4],
            Builtin::BucketNotPublic => Self::NAMES[5],
            Builtin::AllowsTrailTampering(_) => Self::NAMES[6],
            Builtin::S3ActionsFitResources(_) => Self::NAMES[7],
            Builtin::PoliciesWellFormed => Self::NAMES[8],
            Builtin::RoleGrantsOnly(_) => Self::NAMES[9],
            Builtin::PolicyNotPublic(_) => Self::NAMES[10],
            Builtin::TrailKeyUsable => Self::NAMES[11],
            Builtin::InsightsSelected => Self::NAMES[12],
            Builtin::LambdaDataEventsComplete => Self::NAMES[13],
            Builtin::NoDuplicateManagementTrail => Self::NAMES[14],
            Builtin::CisMonitoringAlarms => Self::NAMES[15],
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
            Builtin::TrailLogsRetained => log_retention::check(target, path.target().unwrap_or_default(), cx),
            Builtin::PolicyAllows(q) => q.check(target, path, cx),
            Builtin::OrgTrailPolicyAllows(q) => q.check(target, path, cx),
            Builtin::BucketNotPublic => bucket_not_public::check(target, cx),
            Builtin::AllowsTrailTampering(q) => q.check(target, path, cx),
            Builtin::S3ActionsFitResources(q) => q.check(target, path, cx),
            Builtin::PoliciesWellFormed => well_formed::check(target, cx),
            Builtin::RoleGrantsOnly(q) => q.check(target, path, cx),
            Builtin::PolicyNotPublic(q) => q.check(target),
            Builtin::TrailKeyUsable => trail_key_usable::check(target, path, cx),
            Builtin::InsightsSelected => insights::check(target, cx.sources),
            Builtin::LambdaDataEventsComplete => lambda_data_events::check(target, cx.sources),
            Builtin::NoDuplicateManagementTrail => {
                duplicate_trails::check(target, path.target().expect("a path has a target"), cx)
            }
            // Judged part by part; as one outcome, the first of the worst parts.
            Builtin::CisMonitoringAlarms => {
                let parts = self.parts(target, path, cx);
                let worst = [Verdict::Fail, Verdict::Unknown]
                    .into_iter()
                    .find_map(|v| parts.iter().find(|p| p.outcome.verdict == v));
                worst.map_or_else(|| Outcome::pass(target), |p| p.outcome.clone())
            }
        }
    }

    /// Does it judge several requirements separately ([`Builtin::parts`])?
    pub fn has_parts(&self) -> bool {
        matches!(self, Builtin::CisMonitoringAlarms)
    }

    /// One outcome per requirement, for a builtin that [`has_parts`](Builtin::has_parts);
    /// otherwise its one outcome.
    pub fn parts(&self, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Vec<Part> {
        match self {
            Builtin::CisMonitoringAlarms => cis_alarms::parts(target, path.target().expect("a path has a target"), cx),
            _ => vec![Part {
                outcome: self.call(target, path, cx),
                related: Vec::new(),
            }],
        }
    }

    /// The requirements it judges separately, for `ctlint explain`: a section's heading and
    /// Markdown body.
    pub fn parts_doc(&self) -> Option<(&'static str, String)> {
        match self {
            Builtin::CisMonitoringAlarms => Some(("Controls", cis_alarms::controls_markdown())),
            _ => None,
        }
    }

    /// Related locations of a failing outcome, for builtins whose finding names other
    /// resources (CT013: the first trail).
    pub fn related(&self, path: &Path, cx: &Ctx<'_>) -> Vec<crate::finding::Label> {
        match (self, path.target()) {
            (Builtin::NoDuplicateManagementTrail, Some(id)) => duplicate_trails::related(id, cx),
            _ => Vec::new(),
        }
    }
}
