//! `s3_actions_fit_resources` (CT402): in a statement that names a trail bucket, are the object
//! actions granted on the bucket's objects (`arn:aws:s3:::bucket/…`) and the bucket actions on
//! the bucket itself (`arn:aws:s3:::bucket`)?
//!
//! ```toml
//! expect = { builtin = "s3_actions_fit_resources", args = {
//!   object_actions = ["s3:GetObject", "s3:PutObject"],        # resource type `object`
//!   bucket_actions = ["s3:ListBucket", "s3:GetBucketLocation"], # resource type `bucket`
//! } }
//! ```
//!
//! Amazon S3 authorizes each action against one resource type (the Service Authorization
//! Reference's "Actions, resources, and condition keys for Amazon S3"): a statement that lists
//! only `arn:aws:s3:::b/*` never grants `s3:ListBucket` on `b`, and one that lists only
//! `arn:aws:s3:::b` never grants `s3:GetObject` on its objects. Only the actions the rule lists,
//! written out in the statement's `Action`, are judged (`s3:Get*` means what the resources
//! allow); a `Resource`
//! that could also cover the other form (`*`, `arn:aws:s3:::*`) is not a mismatch. `Allow`
//! statements with `Action` and `Resource` are read; `Deny`, `NotAction` and `NotResource` are
//! not (a mismatched Deny denies nothing, but it grants nothing either).
//!
//! The trail buckets are the buckets of every trail in the scan (as the trail names them or as
//! computed from the bucket resource); on a bucket, its own name.

use crate::finding::Verdict;
use crate::model::{Kind, Part, Resource, Text};
use crate::policy::{Effect, Mode, Policy, Statement, Tri, matches};
use crate::rules::builtins::Outcome;
use crate::rules::builtins::policy_docs::{any, documents, expanded, has_unknown, statement_name, trail_buckets};
use crate::rules::builtins::tampering::{actions, check_args, check_kinds};
use crate::rules::eval::Ctx;
use crate::rules::path::Path;

#[derive(Debug, Clone)]
pub struct Query {
    pub object_actions: Vec<String>,
    pub bucket_actions: Vec<String>,
}

impl Query {
    pub fn parse(args: &toml::Value, kinds: &[Kind]) -> Result<Query, String> {
        const NAME: &str = "s3_actions_fit_resources";
        let table = check_args(args, &["object_actions", "bucket_actions"], NAME)?;
        check_kinds(kinds, &[Kind::Policy, Kind::Role, Kind::Bucket], NAME)?;
        let q = Query {
            object_actions: actions(&table, "object_actions", NAME)?,
            bucket_actions: actions(&table, "bucket_actions", NAME)?,
        };
        if q.object_actions.is_empty() || q.bucket_actions.is_empty() {
            return Err(format!("`{NAME}` needs `object_actions` and `bucket_actions`"));
        }
        Ok(q)
    }

    pub fn check(&self, target: &Resource, path: &Path, cx: &Ctx<'_>) -> Outcome {
        // On a bucket, its own name; else the trail buckets, looked up by the names each
        // statement's resources give (a scan has a trail bucket per trail).
        let own: Vec<Text> = match (target.kind, path.target()) {
            (Kind::Bucket, Some(id)) => vec![cx.resolver.expand(&cx.resolver.name_text(id))],
            _ => Vec::new(),
        };
        let trails = trail_buckets(cx);
        let on_bucket = target.kind == Kind::Bucket && path.target().is_some();
        let any_bucket = if on_bucket { !own.is_empty() } else { !trails.is_empty() };
        let mut unknown: Option<Outcome> = None;
        for doc in documents(target, false, cx) {
            let policy = Policy::parse(doc.val);
            if let Some(why) = &policy.unreadable {
                if any_bucket {
                    unknown.get_or_insert(Outcome {
                        verdict: Verdict::Unknown,
                        span: doc.val.span,
                        state: format!("cannot tell which resources the policy names: {why}"),
                        attribute: doc.field.into(),
                    });
                }
                continue;
            }
            for st in policy.statements.iter().map(|s| expanded(s, cx)) {
                if st.effect != Effect::Allow || st.unreadable {
                    continue;
                }
                let (Some(action), Some(resource)) = (&st.action, &st.resource) else {
                    continue;
                };
                let granted = |list: &[String]| -> Vec<String> {
                    list.iter()
                        .filter(|a| {
                            // Written out: a wildcard such as `s3:Get*` is meant for what the
                            // resources allow, and is not a mismatch.
                            // (Actions compare without regard to case.)
                            action.items.iter().any(|i| {
                                i.text
                                    .as_lit()
                                    .is_some_and(|l| !l.contains(['*', '?']) && l.eq_ignore_ascii_case(a))
                            })
                        })
                        .cloned()
                        .collect()
                };
                let (objects, bucket_level) = (granted(&self.object_actions), granted(&self.bucket_actions));
                // No S3 action of either kind: nothing to judge on any bucket.
                if objects.is_empty() && bucket_level.is_empty() {
                    continue;
                }
                let named: Vec<&Text> = if on_bucket {
                    own.iter().collect()
                } else {
                    let names: Vec<Text> = resource
                        .items
                        .iter()
                        .filter_map(|i| s3_bucket_name(&i.text).map(|(n, _)| n))
                        .collect();
                    // A statement names a bucket here only when it certainly spells its name.
                    trails
                        .same_as(&names)
                        .into_iter()
                        .map(|i| &trails.list[i].name)
                        .collect()
                };
                for b in named {
                    match judge(&st, resource, b, &objects, &bucket_level) {
                        Judged::Fits => {}
                        Judged::Mismatch(state) => {
                            return Outcome {
                                verdict: Verdict::Fail,
                                span: resource.span,
                                state,
                                attribute: doc.field.into(),
                            };
                        }
                        Judged::Unknown(state) => {
                            unknown.get_or_insert(Outcome {
                                verdict: Verdict::Unknown,
                                span: resource.span,
                                state,
                                attribute: doc.field.into(),
                            });
                        }
                    }
                }
            }
        }
        unknown.unwrap_or_else(|| Outcome::pass(target))
    }
}

/// The bucket an S3 ARN names, and the key part after the first `/` when it has one.
fn s3_bucket_name(arn: &Text) -> Option<(Text, Option<Text>)> {
    let parts = arn.split(":");
    if parts.len() < 6 || parts[0].as_lit() != Some("arn") || parts[2].as_lit() != Some("s3") {
        return None;
    }
    let rest = parts[5..].iter().fold(Text::default(), |mut acc, p| {
        if !acc.0.is_empty() {
            acc.push(Part::Lit(":".into()));
        }
        acc.append(p.clone());
        acc
    });
    Some(match rest.split_once("/") {
        Some((n, k)) => (n, Some(k)),
        None => (rest, None),
    })
}

enum Judged {
    Fits,
    Mismatch(String),
    Unknown(String),
}

/// `arn:<partition>:s3:::<bucket>` and its objects, in the partition the item names.
fn arns(partition: &Text, bucket: &Text) -> (Text, Text) {
    let mut b = Text::lit("arn:");
    b.append(partition.clone());
    b.push(Part::Lit(":s3:::".into()));
    b.append(bucket.clone());
    let mut o = b.clone();
    o.push(Part::Lit("/".into()));
    o.push(any("an object key"));
    (b, o)
}

fn judge(
    st: &Statement,
    resource: &crate::policy::Values,
    bucket: &Text,
    objects: &[String],
    bucket_level: &[String],
) -> Judged {
    // The items that name this bucket (`arn:<partition>:s3:::<bucket>` or `…/<key>`), the
    // partition they name it in, and which of the two forms each is. The form is read from the
    // item, so an unknown partition (`Fn::If` on GovCloud) does not blur it.
    let mut partition = None;
    let (mut bucket_form, mut object_form) = (false, false);
    let mut others = Vec::new();
    for i in &resource.items {
        let named = s3_bucket_name(&i.text).is_some_and(|(name, key)| {
            let same = crate::policy::equals(&name, bucket, false) == Tri::Yes;
            if same {
                partition.get_or_insert_with(|| i.text.split(":")[1].clone());
                if key.is_some() {
                    object_form = true;
                } else {
                    bucket_form = true;
                }
            }
            same
        });
        if !named {
            others.push(i);
        }
    }
    let Some(partition) = partition else {
        return Judged::Fits;
    };
    let (bucket_arn, object_arn) = arns(&partition, bucket);
    let covers = |arn: &Text, form: bool| {
        if form {
            Tri::Yes
        } else {
            Tri::any(others.iter().map(|i| matches(&i.text, arn, Mode::GLOB)))
        }
    };
    let unresolved = others.iter().any(|i| has_unknown(&i.text));
    let list = |a: &[String]| a.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
    let who = statement_name(st);
    if !objects.is_empty() {
        match covers(&object_arn, object_form) {
            Tri::No => {
                return Judged::Mismatch(format!(
                    "{who} grants the object {} {} only on the bucket `{bucket_arn}`, not on its objects (`{bucket_arn}/*`), so {} never apply",
                    if objects.len() == 1 { "action" } else { "actions" },
                    list(objects),
                    if objects.len() == 1 { "it does" } else { "they" },
                ));
            }
            Tri::Maybe if unresolved => {
                return Judged::Unknown(format!(
                    "cannot tell whether {who} grants {} on the objects of `{bucket_arn}`: a resource is not known",
                    list(objects)
                ));
            }
            _ => {}
        }
    }
    if !bucket_level.is_empty() {
        match covers(&bucket_arn, bucket_form) {
            Tri::No => {
                return Judged::Mismatch(format!(
                    "{who} grants the bucket {} {} only on objects in `{bucket_arn}/`, not on the bucket `{bucket_arn}` itself, so {} never apply",
                    if bucket_level.len() == 1 { "action" } else { "actions" },
                    list(bucket_level),
                    if bucket_level.len() == 1 { "it does" } else { "they" },
                ));
            }
            Tri::Maybe if unresolved => {
                return Judged::Unknown(format!(
                    "cannot tell whether {who} grants {} on bucket `{bucket_arn}`: a resource is not known",
                    list(bucket_level)
                ));
            }
            _ => {}
        }
    }
    Judged::Fits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked_when_the_rule_loads() {
        let parse = |args: &str, kinds: &[Kind]| {
            let v: toml::Value = toml::from_str(&format!("args = {args}")).unwrap();
            Query::parse(&v["args"], kinds)
        };
        let ok = r#"{ object_actions = ["s3:GetObject"], bucket_actions = ["s3:ListBucket"] }"#;
        assert!(parse(ok, &[Kind::Policy, Kind::Role, Kind::Bucket]).is_ok());
        assert!(parse(ok, &[Kind::Key]).is_err());
        assert!(parse(r#"{ object_actions = ["s3:GetObject"] }"#, &[Kind::Policy]).is_err());
        assert!(parse(&ok.replace("s3:ListBucket", "s3:List*"), &[Kind::Policy]).is_err());
    }
}
