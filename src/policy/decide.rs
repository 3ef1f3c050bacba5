//! Deciding a request against one policy, as IAM does
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html>):
//! a statement applies when its principal, action, resource and every condition match; an
//! applicable `Deny` wins over any `Allow`; without an applicable `Allow` the request is
//! implicitly denied. Statement order does not matter.
//!
//! A statement that only *may* apply (a symbol or unknown could go either way) makes the
//! decision `Unknown`, unless the answer is the same either way: a statement that certainly
//! denies decides whatever else may apply, and a statement that certainly allows decides when
//! no statement may deny.

use crate::model::Text;
use crate::source::Span;

use super::pattern::{self, Mode};
use super::principal;
use super::request::{ContextValue, Request, unknown_text};
use super::statement::{Effect, Policy, Statement, Values};
use super::tri::Tri;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allow,
    /// No statement allows.
    ImplicitDeny,
    /// A statement denies.
    ExplicitDeny,
    /// The answer depends on values not known statically.
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub effect: Outcome,
    /// The statements the outcome rests on: the denying ones for `ExplicitDeny`, the allowing
    /// ones for `Allow`, the ones that may apply for `Unknown`; none for `ImplicitDeny`.
    pub deciding: Vec<Deciding>,
    pub reason: String,
    could_allow: bool,
}

/// A statement that took part in a decision.
#[derive(Debug, Clone)]
pub struct Deciding {
    pub index: usize,
    pub sid: Option<String>,
    pub span: Span,
    pub effect: Effect,
    /// `true` when the statement certainly applies, `false` when it only may.
    pub definite: bool,
    /// The condition keys the statement tests, as written.
    pub condition_keys: Vec<String>,
}

impl Decision {
    /// `Some(true)` when allowed, `Some(false)` when denied either way (explicitly or
    /// implicitly, even when which one is unknown), `None` when it could go either way.
    pub fn allowed(&self) -> Option<bool> {
        match self.effect {
            Outcome::Allow => Some(true),
            Outcome::ImplicitDeny | Outcome::ExplicitDeny => Some(false),
            Outcome::Unknown if !self.could_allow => Some(false),
            Outcome::Unknown => None,
        }
    }

    pub fn is_allow(&self) -> bool {
        self.effect == Outcome::Allow
    }

    /// Is every statement that allows (or may allow) conditioned on `key`? Rules ask this to
    /// tell a grant scoped by `aws:SourceArn` from one that is not. `false` when nothing allows.
    pub fn allow_conditioned_on(&self, key: &str) -> bool {
        let mut allows = self.deciding.iter().filter(|d| d.effect != Effect::Deny).peekable();
        allows.peek().is_some() && allows.all(|d| d.condition_keys.iter().any(|k| k.eq_ignore_ascii_case(key)))
    }
}

/// Decide `req` against `policy`.
pub fn decide(policy: &Policy, req: &Request<'_>) -> Decision {
    if let Some(why) = &policy.unreadable {
        return Decision {
            effect: Outcome::Unknown,
            deciding: Vec::new(),
            reason: format!("the policy cannot be read: {why}"),
            could_allow: true,
        };
    }
    let mut deny = (Vec::new(), Vec::new());
    let mut allow = (Vec::new(), Vec::new());
    let mut why_maybe = Vec::new();
    for st in &policy.statements {
        let (applies, why) = explain(st, req);
        if applies == Tri::No {
            continue;
        }
        let d = deciding(st, applies == Tri::Yes);
        if applies == Tri::Maybe {
            why_maybe.push(format!("{} may apply ({why})", name(st)));
        }
        let definite = applies == Tri::Yes && st.effect != Effect::Unknown;
        if st.effect == Effect::Unknown {
            why_maybe.push(format!("{} has an unknown Effect", name(st)));
        }
        if st.effect != Effect::Allow {
            if definite { &mut deny.0 } else { &mut deny.1 }.push(d.clone());
        }
        if st.effect != Effect::Deny {
            if definite { &mut allow.0 } else { &mut allow.1 }.push(d);
        }
    }
    let (effect, deciding, reason) = if !deny.0.is_empty() {
        let r = format!("denied by {}", names(&deny.0));
        (Outcome::ExplicitDeny, deny.0, r)
    } else if deny.1.is_empty() && !allow.0.is_empty() {
        let r = format!("allowed by {}", names(&allow.0));
        (Outcome::Allow, allow.0, r)
    } else if deny.1.is_empty() && allow.1.is_empty() {
        (
            Outcome::ImplicitDeny,
            Vec::new(),
            format!("no statement allows {} on {}", req.action, req.resource),
        )
    } else {
        let mut all = allow.0;
        all.extend(allow.1);
        for d in deny.1 {
            if !all.iter().any(|a| a.index == d.index) {
                all.push(d);
            }
        }
        all.sort_by_key(|d| d.index);
        (Outcome::Unknown, all, why_maybe.join("; "))
    };
    let could_allow = deciding.iter().any(|d| d.effect != Effect::Deny);
    Decision {
        effect,
        deciding,
        reason,
        could_allow: effect == Outcome::Allow || (effect == Outcome::Unknown && could_allow),
    }
}

/// Decide with nothing known of context key `key`: it may be absent or hold any value. An
/// `Allow` here is an allow whatever the key is, so a grant that `decide` allows but this does
/// not is scoped by `key`.
pub fn decide_unconstrained(policy: &Policy, req: &Request<'_>, key: &str) -> Decision {
    let mut r = req.clone();
    r.set(key, ContextValue::Any);
    decide(policy, &r)
}

/// Does the statement apply to the request?
pub fn statement_applies(st: &Statement, req: &Request<'_>) -> Tri {
    explain(st, req).0
}

fn explain(st: &Statement, req: &Request<'_>) -> (Tri, String) {
    if st.unreadable {
        return (Tri::Maybe, "the statement cannot be read".into());
    }
    let parts = [
        ("principal", principal::statement_matches(st, &req.principal)),
        ("action", action_matches(st, req.action)),
        ("resource", resource_matches(st, req)),
    ];
    let mut result = Tri::Yes;
    let mut maybe = Vec::new();
    for (what, t) in parts {
        if t == Tri::No {
            return (Tri::No, String::new());
        }
        if t == Tri::Maybe {
            maybe.push(format!("its {what} may or may not match"));
        }
        result = result.and(t);
    }
    for c in &st.conditions {
        let t = c.eval(req);
        if t == Tri::No {
            return (Tri::No, String::new());
        }
        if t == Tri::Maybe {
            maybe.push(if c.key.is_empty() {
                "its condition cannot be read".to_string()
            } else {
                format!("{} on {} is not known", c.operator.name, c.key)
            });
        }
        result = result.and(t);
    }
    (result, maybe.join(", "))
}

fn action_matches(st: &Statement, action: &str) -> Tri {
    let a = Text::lit(action);
    // IAM matches actions case-insensitively
    // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>).
    let any = |v: &Values| Tri::any(v.items.iter().map(|i| pattern::matches(&i.text, &a, Mode::GLOB_FOLD)));
    match (&st.action, &st.not_action) {
        (Some(v), None) => any(v),
        (None, Some(v)) => any(v).not(),
        // Malformed either way (reported as a problem): IAM would reject the policy.
        _ => Tri::Maybe,
    }
}

fn resource_matches(st: &Statement, req: &Request<'_>) -> Tri {
    let unknown;
    let resource = if req.resource.is_present() == Some(false) {
        unknown = unknown_text("the resource", "not given");
        &unknown
    } else {
        &req.resource
    };
    let item = |t: &Text| {
        if req.key_policy && t.as_lit() == Some("*") {
            Tri::Yes
        } else {
            pattern::matches(t, resource, Mode::GLOB)
        }
    };
    let any = |v: &Values| Tri::any(v.items.iter().map(|i| item(&i.text)));
    match (&st.resource, &st.not_resource) {
        (Some(v), None) => any(v),
        (None, Some(v)) => any(v).not(),
        // Trust policies have no Resource: the statement covers the role it is attached to.
        (None, None) => Tri::Yes,
        (Some(_), Some(_)) => Tri::Maybe,
    }
}

fn deciding(st: &Statement, definite: bool) -> Deciding {
    Deciding {
        index: st.index,
        sid: st.sid.clone(),
        span: st.span,
        effect: st.effect,
        definite,
        condition_keys: st.condition_keys().map(str::to_string).collect(),
    }
}

fn name(st: &Statement) -> String {
    match &st.sid {
        Some(sid) => format!("statement {} ({sid})", st.index),
        None => format!("statement {}", st.index),
    }
}

fn names(ds: &[Deciding]) -> String {
    ds.iter()
        .map(|d| match &d.sid {
            Some(sid) => format!("statement {} ({sid})", d.index),
            None => format!("statement {}", d.index),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
