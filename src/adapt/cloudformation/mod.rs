//! CloudFormation → model.
//!
//! Every resource of a modelled type becomes a [`Resource`] addressed by its logical ID, its
//! header is the logical ID key, and its fields are filled from `Properties` through the schema's
//! CloudFormation names, with every intrinsic evaluated ([`intrinsics`]). A resource whose
//! `Condition` is false does not exist. `AWS::S3::BucketPolicy`, `AWS::IAM::Policy` and
//! `AWS::IAM::ManagedPolicy` fold into the bucket or roles they name.

pub mod intrinsics;
mod spelling;

pub use spelling::RESOURCE_KEYS;

use std::collections::HashMap;

use intrinsics::Template;

use super::fields::{coerce, coerce_object, fill_defaults, set};
use crate::model::checked::CheckedBlock;
use crate::model::schema::{self, Field, Ty};
use crate::model::{Address, Format, Kind, Resource, ScopeId, V, Val};
use crate::parse::Node;
use crate::source::Span;
use crate::source::Src;

/// The CloudFormation resource types that become a model resource of their own, and their kinds.
/// `AWS::IAM::Policy` is an inline policy (Terraform's `aws_iam_role_policy`): it folds into the
/// roles it names and is not a policy of its own.
pub const KINDS: [(&str, Kind); 11] = [
    ("AWS::CloudTrail::Trail", Kind::Trail),
    ("AWS::S3::Bucket", Kind::Bucket),
    ("AWS::Logs::LogGroup", Kind::LogGroup),
    ("AWS::KMS::Key", Kind::Key),
    ("AWS::KMS::Alias", Kind::KeyAlias),
    ("AWS::IAM::Role", Kind::Role),
    ("AWS::IAM::ManagedPolicy", Kind::Policy),
    ("AWS::Logs::MetricFilter", Kind::MetricFilter),
    ("AWS::CloudWatch::Alarm", Kind::Alarm),
    ("AWS::SNS::Topic", Kind::Topic),
    ("AWS::SNS::Subscription", Kind::Subscription),
];

/// The types that fold into a model resource: a bucket policy into its bucket, an inline IAM
/// policy into the roles it names.
pub const FOLDED: [&str; 2] = ["AWS::S3::BucketPolicy", "AWS::IAM::Policy"];

pub fn kind_of(type_name: &str) -> Option<Kind> {
    KINDS.iter().find(|(t, _)| *t == type_name).map(|(_, k)| *k)
}

/// The model resources of a template, and its resources checked against their types' names
/// (CT901).
pub fn adapt_template(
    root: &Node,
    src: Src<'_>,
    scope: ScopeId,
    given: &HashMap<String, String>,
) -> (Vec<Resource>, Vec<CheckedBlock>) {
    let t = Template::new(root, src, scope, given);
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return (Vec::new(), Vec::new());
    };
    let mut out = Vec::new();
    let mut folds = Vec::new();
    let mut checked = Vec::new();
    let mut checked_at = HashMap::new();
    // A macro rewrites the template before CloudFormation reads it (a `Count` resource attribute,
    // properties of its own): what it is given cannot be judged by the resource types' names.
    let macros = spelling::has_macro(root);
    for (key, node) in resources {
        let Some(ty) = node.get("Type").and_then(Node::as_str) else {
            continue;
        };
        // Checked as written, whatever its `Condition`: the names are wrong in every deployment.
        if let Some(unknown) = spelling::check(node, ty).filter(|_| !macros) {
            checked_at.insert(key.span, checked.len());
            checked.push(CheckedBlock {
                format: Format::CloudFormation,
                type_name: ty.to_string(),
                address: key.name.clone(),
                header: key.span,
                owner: kind_of(ty).map(|_| key.span),
                unknown,
            });
        }
        if let Some(cond) = node.get("Condition").and_then(Node::as_str)
            && t.condition(cond, node).as_bool() == Some(false)
        {
            continue;
        }
        let props = node.get("Properties");
        if FOLDED.contains(&ty) {
            folds.push((ty, key.name.as_str(), key.span, props));
            continue;
        }
        let Some(kind) = kind_of(ty) else { continue };
        let header = key.span;
        let mut r = Resource::new(
            kind,
            Format::CloudFormation,
            ty,
            Address::local(&key.name),
            scope,
            header,
        );
        r.fields = fill(&t, props, schema::fields(kind), header);
        match kind {
            Kind::Bucket => bucket_extras(&t, props, &mut r),
            Kind::Key if r.field("policy").is_none_or(Val::is_null) => {
                r.fields
                    .insert("policy", crate::adapt::default_key_policy(header, "KeyPolicy"));
            }
            Kind::Policy => folds.push((ty, key.name.as_str(), header, props)),
            _ => {}
        }
        out.push(r);
    }
    for (ty, logical_id, header, props) in folds {
        let Some(props) = props else { continue };
        match ty {
            "AWS::S3::BucketPolicy" => {
                let (Some(bucket), Some(doc)) = (props.get("Bucket"), props.get("PolicyDocument")) else {
                    continue;
                };
                if let Some(i) = find(&out, &t.eval(bucket), Kind::Bucket) {
                    let v = coerce(t.eval(doc), &Ty::Policy, "PolicyDocument");
                    out[i].fields.insert("policy", v);
                    set_owner(&mut checked, &checked_at, header, out[i].header);
                }
            }
            "AWS::IAM::ManagedPolicy" => {
                // Attached to roles through its `Roles` list: each role gets the policy's ARN (its
                // `Ref`) in `managed_policy_arns`, as a `ManagedPolicyArns` entry or a Terraform
                // `aws_iam_role_policy_attachment` would give it, and its document follows from
                // there ([`crate::adapt::attach_managed_policies`]).
                let roles = props.get("Roles").map(|r| t.eval(r));
                for role in roles.as_ref().and_then(Val::as_list).unwrap_or_default() {
                    if let Some(i) = find(&out, role, Kind::Role) {
                        let arn = t.attr_ref(logical_id, "Ref", role.span);
                        crate::adapt::add_managed_policy_arn(&mut out[i], arn, "Roles");
                    }
                }
            }
            _ => {
                // Inline IAM policies attached to roles through their `Roles` list.
                let Some(doc) = props.get("PolicyDocument") else {
                    continue;
                };
                let name = props.get("PolicyName").map(|n| t.eval(n));
                let roles = props.get("Roles").map(|r| t.eval(r));
                let Some(roles) = roles.as_ref().and_then(Val::as_list) else {
                    continue;
                };
                let document = coerce(t.eval(doc), &Ty::Policy, "PolicyDocument");
                for role in roles {
                    if let Some(i) = find(&out, role, Kind::Role) {
                        push_policy(&mut out[i], name.clone().unwrap_or_default(), document.clone(), header);
                        set_owner(&mut checked, &checked_at, header, out[i].header);
                    }
                }
            }
        }
    }
    crate::adapt::attach_managed_policies(&mut out);
    (out, checked)
}

/// The checked resource at `header` (`at` indexes them by header) sets the fields of the
/// resource at `owner`; the first one is kept.
fn set_owner(checked: &mut [CheckedBlock], at: &HashMap<Span, usize>, header: Span, owner: Span) {
    if let Some(c) = at.get(&header).map(|&i| &mut checked[i]) {
        c.owner.get_or_insert(owner);
    }
}

/// The resource of `kind` a value names: `!Ref`/`!GetAtt` of its logical ID, or its literal
/// name.
fn find(out: &[Resource], v: &Val, kind: Kind) -> Option<usize> {
    let text = v.text()?;
    for a in text.attr_refs() {
        if let Some(i) = out.iter().position(|r| r.kind == kind && r.local_name() == a.target) {
            return Some(i);
        }
    }
    let lit = text.as_lit()?;
    out.iter()
        .position(|r| r.kind == kind && r.field("name").and_then(Val::as_str) == Some(lit))
}

/// Fill fields from `Properties` by their CloudFormation names.
fn fill(t: &Template<'_>, props: Option<&Node>, fields: &'static [Field], header: Span) -> Val {
    let mut map = Val::new(V::Map(Vec::new()), header);
    if let Some(props) = props {
        // `Properties` itself can be an `Fn::If`; evaluate it as a whole then.
        let evaluated;
        let props_val = if props.as_intrinsic().is_some() {
            evaluated = t.eval(props);
            Some(&evaluated)
        } else {
            None
        };
        for f in fields.iter().filter(|f| !f.cfn.is_empty()) {
            let (v, key_span) = match props_val {
                Some(pv) => match pv.get(f.cfn) {
                    Some(v) => (v.clone(), v.span),
                    None => continue,
                },
                None => match props.entry(f.cfn) {
                    Some((k, n)) => (t.eval(n), k.span),
                    None => continue,
                },
            };
            let v = match f.ty {
                _ if v.is_null() => v.with_source(f.cfn),
                // Objects and lists point from their key, so "missing inside" findings land on
                // the property's line.
                Ty::Obj(sub) => {
                    let span = key_span.to(v.span);
                    coerce_object(v, sub, Format::CloudFormation, key_span, f.cfn).respan(span)
                }
                Ty::List(sub) => match v.v {
                    V::List(items) => Val::new(
                        V::List(
                            items
                                .into_iter()
                                .map(|i| {
                                    let h = i.span;
                                    coerce_object(i, sub, Format::CloudFormation, h, f.cfn)
                                })
                                .collect(),
                        ),
                        key_span.to(v.span),
                    )
                    .with_source(f.cfn),
                    _ => v.with_source(f.cfn),
                },
                _ => coerce(v, &f.ty, f.cfn),
            };
            set(&mut map, f.name, v);
        }
    }
    fill_defaults(&mut map, fields, Format::CloudFormation, header);
    map
}

/// Bucket properties the schema cannot map one to one.
fn bucket_extras(t: &Template<'_>, props: Option<&Node>, r: &mut Resource) {
    let Some(props) = props else { return };
    // `AccessControl` names canned ACLs in PascalCase; the model uses the S3 API's names, as
    // Terraform does (`LogDeliveryWrite` is `log-delivery-write`).
    if let Some(acl) = r.fields.get_mut("acl")
        && let Some(api) = acl.as_str().and_then(canned_acl)
    {
        acl.v = V::Str(api.to_string());
    }
    // A `LoggingConfiguration` without `DestinationBucketName` delivers to the bucket itself.
    if let Some((k, _)) = props.entry("LoggingConfiguration")
        && let Some(logging) = r.fields.get_mut("logging")
        && matches!(logging.v, V::Map(_))
        && logging.get("target_bucket").is_none()
    {
        let own = t.attr_ref(&r.address.local, "Ref", k.span);
        logging.insert("target_bucket", Val::defaulted(own.v, k.span, "DestinationBucketName"));
    }
    if let Some((k, n)) = props.entry("LifecycleConfiguration") {
        let lc = t.eval(n);
        if let Some(rules) = lc.get("Rules").and_then(Val::as_list) {
            let items: Vec<Val> = rules.iter().map(lifecycle_rule).collect();
            r.fields.insert(
                "lifecycle_rules",
                Val::new(V::List(items), k.span).with_source("LifecycleConfiguration.Rules"),
            );
        }
    }
    if let Some(n) = props.get("BucketEncryption") {
        let enc = t.eval(n);
        let by_default = enc
            .get("ServerSideEncryptionConfiguration")
            .and_then(Val::as_list)
            .and_then(|l| l.first())
            .and_then(|rule| rule.get("ServerSideEncryptionByDefault"))
            .cloned();
        if let Some(d) = by_default {
            let h = d.span;
            let sub = match schema::field(schema::BUCKET, "encryption").map(|f| f.ty) {
                Some(Ty::Obj(s)) => s,
                _ => &[],
            };
            r.fields.insert(
                "encryption",
                coerce_object(d, sub, Format::CloudFormation, h, "ServerSideEncryptionByDefault"),
            );
        }
    }
    let mut lock = Val::new(V::Map(Vec::new()), r.header).with_source("ObjectLockConfiguration");
    let mut has_lock = false;
    if let Some(n) = props.get("ObjectLockEnabled") {
        let v = t.eval(n);
        let enabled = match &v.v {
            V::Bool(b) => Val { v: V::Bool(*b), ..v },
            V::Str(s) => Val {
                v: V::Bool(s == "Enabled" || s == "true"),
                ..v
            },
            _ => v,
        };
        lock.insert("enabled", enabled.with_source("ObjectLockEnabled"));
        has_lock = true;
    }
    if let Some(n) = props.get("ObjectLockConfiguration") {
        let v = t.eval(n);
        if let Some(dr) = v.at("Rule.DefaultRetention") {
            for (cfn, name, ty) in [
                ("Mode", "mode", Ty::Str),
                ("Days", "days", Ty::Num),
                ("Years", "years", Ty::Num),
            ] {
                if let Some(x) = dr.get(cfn) {
                    lock.insert(name, coerce(x.clone(), &ty, cfn));
                }
            }
        }
        has_lock = true;
    }
    if has_lock {
        r.fields.insert("object_lock", lock);
    }
}

/// The S3 API name of a CloudFormation `AccessControl` value.
fn canned_acl(cfn: &str) -> Option<&'static str> {
    Some(match cfn {
        "Private" => "private",
        "PublicRead" => "public-read",
        "PublicReadWrite" => "public-read-write",
        "AuthenticatedRead" => "authenticated-read",
        "LogDeliveryWrite" => "log-delivery-write",
        "BucketOwnerRead" => "bucket-owner-read",
        "BucketOwnerFullControl" => "bucket-owner-full-control",
        "AwsExecRead" => "aws-exec-read",
        _ => return None,
    })
}

fn lifecycle_rule(rule: &Val) -> Val {
    let mut m = Val::new(V::Map(Vec::new()), rule.span).with_source("Rules");
    for (cfn, name, ty) in [
        ("Id", "id", Ty::Str),
        ("Status", "status", Ty::Str),
        ("Prefix", "prefix", Ty::Str),
        ("ExpirationInDays", "expiration_days", Ty::Num),
        (
            "NoncurrentVersionExpirationInDays",
            "noncurrent_expiration_days",
            Ty::Num,
        ),
        ("ExpirationDate", "expiration_date", Ty::Str),
    ] {
        if let Some(v) = rule.get(cfn) {
            set(&mut m, name, coerce(v.clone(), &ty, cfn));
        }
    }
    if let Some(tags) = rule
        .get("TagFilters")
        .filter(|t| t.as_list().is_some_and(|l| !l.is_empty()))
    {
        set(&mut m, "tag_filter", Val::new(V::Bool(true), tags.span));
    }
    if let Some(v) = rule.at("NoncurrentVersionExpiration.NoncurrentDays") {
        set(
            &mut m,
            "noncurrent_expiration_days",
            coerce(v.clone(), &Ty::Num, "NoncurrentDays"),
        );
    }
    m
}

fn push_policy(role: &mut Resource, name: Val, document: Val, span: Span) {
    let mut m = Val::new(V::Map(Vec::new()), span);
    if !name.is_null() {
        m.insert("name", name);
    }
    m.insert("document", document);
    match role.fields.get_mut("policies") {
        Some(Val { v: V::List(items), .. }) => items.push(m),
        _ => role
            .fields
            .insert("policies", Val::new(V::List(vec![m]), span).with_source("Policies")),
    }
}
