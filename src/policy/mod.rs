//! Policy evaluation: does a policy document allow a request?
//!
//! The engine reads a normalised policy ([`crate::model::policy`]) into a typed view
//! ([`Policy`], keeping spans and recording [`Problem`]s), and decides a [`Request`] against it
//! the way IAM decides one policy: explicit deny over allow over implicit deny, with `Action`,
//! `Resource`, `Principal` and `Condition` matched per AWS's documentation. It answers for one
//! policy; combining a key policy with IAM policies, SCPs or permission boundaries is the
//! caller's business.
//!
//! Values may be symbolic ([`crate::model::Text`] with "this account", "this region", "trail
//! `t`'s ARN"): a symbol equals only the same symbol, and where the answer depends on what a
//! symbol or unknown stands for, the match is [`Tri::Maybe`] and the decision
//! [`Outcome::Unknown`] — never a guess. `docs/policy-semantics.md` lists each rule with its
//! source; the main ones:
//! - evaluation: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//! - elements: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html>
//! - condition operators: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! - key policies: <https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html>
//! - CloudTrail's key policy: <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/default-kms-key-policy.html>
//! - CloudTrail's bucket policy: <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html>
//! - CloudWatch Logs' key policy: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html>

mod condition;
mod decide;
mod pattern;
mod principal;
mod public;
mod request;
mod statement;
mod tri;

#[cfg(test)]
mod tests;

pub use condition::{Base, Condition, Operator, SetOp};
pub use decide::{Deciding, Decision, Outcome, decide, decide_unconstrained, statement_applies};
pub use pattern::{Mode, arn_matches, equals, matches};
pub use principal::entry_matches;
pub use public::{CALLER_KEYS, caller_restrictions, is_public_grant, restricts_caller};
pub use request::{ContextValue, Principal, Request};
pub use statement::{
    Effect, Item, Policy, PrincipalEntry, PrincipalKind, Principals, Problem, Statement, Values, Version,
};
pub use tri::Tri;
