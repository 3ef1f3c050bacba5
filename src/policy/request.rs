//! What is asked of a policy: who calls, which action on which resource, with which request
//! context (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html#AccessPolicyLanguage_RequestContext>).

use crate::model::{Part, Text, Unknown};

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An AWS service acting on its own behalf: `cloudtrail.amazonaws.com`,
    /// `logs.eu-west-1.amazonaws.com`, or a symbolic `logs.<region>.amazonaws.com`.
    Service(Text),
    /// An IAM identity or account: a bare account ID, `arn:…:iam::<account>:root`, a role, user
    /// or assumed-role session ARN. Literal or symbolic.
    Aws(Text),
    /// An unauthenticated caller: only `"*"` matches it.
    Anonymous,
    /// A caller that nothing tells about.
    Unknown,
}

/// A value of the request context for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A single value, literal or symbolic (`aws:SourceArn` = the ARN of trail `t`).
    One(Text),
    /// A multivalued key (`aws:TagKeys`), for `ForAnyValue:`/`ForAllValues:`.
    Many(Vec<Text>),
    /// The key is not in the request context.
    Absent,
    /// The key is present with a value that is not known.
    Unknown,
    /// Nothing is known: the key may be absent or hold any value. What
    /// [`super::decide_unconstrained`] sets a key to.
    Any,
}

impl ContextValue {
    pub fn str(s: &str) -> ContextValue {
        ContextValue::One(Text::lit(s))
    }
}

/// One authorization question.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub principal: Principal,
    /// `service:Action`, e.g. `s3:PutObject`.
    pub action: &'a str,
    /// The ARN of the resource, possibly symbolic (`arn:` + partition + `:s3:::` + bucket name
    /// + `/AWSLogs/…`). Empty when not known.
    pub resource: Text,
    /// Context keys (case-insensitive, as IAM reads them); a key not listed takes `others`.
    pub context: Vec<(String, ContextValue)>,
    /// The value of every key not in `context`: `Absent` (the default) when the request is
    /// fully described, `Any` when the caller only knows some of the keys the service sends,
    /// so that a condition on another key makes the decision unknown rather than false.
    pub others: ContextValue,
    /// The policy is a KMS key policy, where `"Resource": "*"` means "this key"
    /// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html>).
    pub key_policy: bool,
}

impl<'a> Request<'a> {
    pub fn new(principal: Principal, action: &'a str, resource: Text) -> Request<'a> {
        Request {
            principal,
            action,
            resource,
            context: Vec::new(),
            others: ContextValue::Absent,
            key_policy: false,
        }
    }

    /// Set a context key, replacing any value it had.
    pub fn with(mut self, key: &str, value: ContextValue) -> Request<'a> {
        self.set(key, value);
        self
    }

    pub fn set(&mut self, key: &str, value: ContextValue) {
        match self.context.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some(slot) => slot.1 = value,
            None => self.context.push((key.to_string(), value)),
        }
    }

    pub fn in_key_policy(mut self) -> Request<'a> {
        self.key_policy = true;
        self
    }

    /// The value of a context key; condition keys are case-insensitive
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>).
    pub fn value(&self, key: &str) -> &ContextValue {
        self.context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map_or(&self.others, |(_, v)| v)
    }
}

/// A text that stands for a value nothing tells.
pub(crate) fn unknown_text(expr: &str, reason: &str) -> Text {
    Text(vec![Part::Unknown(Box::new(Unknown {
        expr: expr.into(),
        reason: reason.into(),
    }))])
}
