//! `org_trail_policy_allows`: [`policy_allows`](super::policy_allows), asked only on the paths
//! whose trail is an organization trail (`is_organization_trail`). An organization trail also
//! writes the log files of the organization's accounts under `AWSLogs/<organization ID>/`
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy>),
//! so its bucket policy must grant that prefix too; the rule file names it with
//! `{trail.org_id}`, which is never in the code (`o-` and an unknown part).
//!
//! The arguments are those of `policy_allows`. On a trail that is not an organization trail
//! (false, or not set: the default is false) the check passes; when the setting cannot be
//! resolved, a refusal is unknown rather than a failure.

use super::Outcome;
use super::policy_allows::Query;
use crate::finding::Verdict;
use crate::model::{Kind, Resource, V};
use crate::rules::eval::Ctx;
use crate::rules::path::Path;

#[derive(Debug, Clone)]
pub struct OrgQuery(pub Query);

impl OrgQuery {
    pub fn parse(args: &toml::Value, steps: &[&'static str], kinds: &[Kind]) -> Result<OrgQuery, String> {
        if !steps.contains(&"trail") {
            return Err("`org_trail_policy_allows` needs a target reached from a trail".into());
        }
        Query::parse(args, steps, kinds)
            .map(OrgQuery)
            .map_err(|e| e.replace("`policy_allows`", "`org_trail_policy_allows`"))
    }

    pub fn check(&self, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
        let Some(trail) = path.get("trail").map(|id| &cx.model.resources[id]) else {
            return Outcome::pass(target);
        };
        let setting = trail.field("is_organization_trail");
        let unknown = match setting.map(|v| &v.v) {
            Some(V::Bool(true)) => None,
            None | Some(V::Null | V::Bool(false)) => return Outcome::pass(target),
            Some(_) => setting,
        };
        let mut out = self.0.check(target, path, cx);
        if let (Some(v), Verdict::Fail) = (unknown, out.verdict) {
            out.verdict = Verdict::Unknown;
            out.state = format!(
                "if trail `{}` is an organization trail (`is_organization_trail` is `{v}`), {}",
                crate::rules::eval::display_name(trail),
                out.state
            );
        }
        out
    }
}
