//! The engine on AWS's documented policies, and its laws as property tests.

use proptest::prelude::*;

use super::*;
use crate::model::{AttrRef, Part, Sym, Text, V, Val};
use crate::source::Span;

fn policy(json: &str) -> Policy {
    let p = Policy::parse(&Val::new(V::Str(json.into()), Span::default()));
    assert!(p.unreadable.is_none(), "{:?}", p.unreadable);
    p
}

fn attr(target: &str, a: &str) -> Sym {
    Sym::Attr(Box::new(AttrRef {
        scope: 0,
        target: target.into(),
        attr: a.into(),
    }))
}

/// Build a text from literal strings and symbols.
fn text(parts: Vec<Part>) -> Text {
    let mut t = Text::default();
    for p in parts {
        t.push(p);
    }
    t
}

fn l(s: &str) -> Part {
    Part::Lit(s.into())
}

fn s(sym: Sym) -> Part {
    Part::Sym(sym)
}

const TRAIL: &str = "arn:aws:cloudtrail:us-east-1:111111111111:trail/management";

fn cloudtrail() -> Principal {
    Principal::Service(Text::lit("cloudtrail.amazonaws.com"))
}

fn role(account: &str) -> Principal {
    Principal::Aws(Text::lit(&format!("arn:aws:iam::{account}:role/auditor")))
}

/// The key policy the CloudTrail console creates
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/default-kms-key-policy.html>).
const CLOUDTRAIL_KEY_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Id": "Key policy created by CloudTrail",
    "Statement": [
        {
            "Sid": "Enable IAM user permissions",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:user/username"]},
            "Action": "kms:*",
            "Resource": "*"
        },
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/management"},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}
            }
        },
        {
            "Sid": "Allow CloudTrail to describe key",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*"
        },
        {
            "Sid": "Allow principals in the account to decrypt log files",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": "111111111111"},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}
            }
        },
        {
            "Sid": "Allow alias creation during setup",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "kms:CreateAlias",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com", "kms:CallerAccount": "111111111111"}
            }
        },
        {
            "Sid": "Enable cross account log decryption",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": "111111111111"},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}
            }
        }
    ]
}"#;

fn encrypt(trail: &str) -> Request<'static> {
    Request::new(cloudtrail(), "kms:GenerateDataKey", Text::default())
        .in_key_policy()
        .with("aws:SourceArn", ContextValue::str(trail))
        .with("kms:EncryptionContext:aws:cloudtrail:arn", ContextValue::str(trail))
}

#[test]
fn cloudtrail_key_policy_lets_the_trail_encrypt() {
    let p = policy(CLOUDTRAIL_KEY_POLICY);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let d = decide(&p, &encrypt(TRAIL));
    assert_eq!(d.effect, Outcome::Allow, "{}", d.reason);
    assert_eq!(d.deciding.len(), 1);
    assert_eq!(d.deciding[0].sid.as_deref(), Some("Allow CloudTrail to encrypt logs"));
    assert!(d.allow_conditioned_on("aws:SourceArn"));
    assert!(d.reason.contains("Allow CloudTrail to encrypt logs"));

    // Another trail of the same account is not the one the key policy names.
    let other = "arn:aws:cloudtrail:us-east-1:111111111111:trail/other";
    assert_eq!(decide(&p, &encrypt(other)).effect, Outcome::ImplicitDeny);
    // Whatever aws:SourceArn is, the grant is not certain: it is scoped by it.
    let u = decide_unconstrained(&p, &encrypt(TRAIL), "aws:SourceArn");
    assert_eq!(u.effect, Outcome::Unknown);
    assert_eq!(u.allowed(), None);
    // Without the encryption context key (a caller other than CloudTrail's delivery), no grant.
    let no_ctx = Request::new(cloudtrail(), "kms:GenerateDataKeyWithoutPlaintext", Text::default())
        .in_key_policy()
        .with("aws:SourceArn", ContextValue::str(TRAIL));
    assert_eq!(decide(&p, &no_ctx).effect, Outcome::ImplicitDeny);

    let describe = Request::new(cloudtrail(), "kms:DescribeKey", Text::default()).in_key_policy();
    assert_eq!(decide(&p, &describe).effect, Outcome::Allow);
    let decrypt = Request::new(cloudtrail(), "kms:Decrypt", Text::default()).in_key_policy();
    assert_eq!(decide(&p, &decrypt).effect, Outcome::ImplicitDeny);
}

#[test]
fn cloudtrail_key_policy_lets_the_account_decrypt() {
    let p = policy(CLOUDTRAIL_KEY_POLICY);
    let decrypt = |who: Principal, account: &str| {
        Request::new(who, "kms:Decrypt", Text::default())
            .in_key_policy()
            .with("kms:CallerAccount", ContextValue::str(account))
            .with("kms:EncryptionContext:aws:cloudtrail:arn", ContextValue::str(TRAIL))
    };
    let d = decide(&p, &decrypt(role("111111111111"), "111111111111"));
    assert_eq!(d.effect, Outcome::Allow);
    // The account root statement and the two decrypt statements all apply.
    assert_eq!(d.deciding.len(), 3);
    let d = decide(&p, &decrypt(role("222222222222"), "222222222222"));
    assert_eq!(d.effect, Outcome::ImplicitDeny);
    let anonymous = Request::new(Principal::Anonymous, "kms:Decrypt", Text::default()).in_key_policy();
    assert_eq!(decide(&p, &anonymous).effect, Outcome::ImplicitDeny);
    // The grants to "*" are restricted by kms:CallerAccount, so none is public.
    for st in &p.statements {
        assert!(!is_public_grant(st), "{:?}", st.sid);
    }
    assert!(restricts_caller(&p.statements[3]));
    assert!(!restricts_caller(&p.statements[1]) || p.statements[1].is_conditioned_on("aws:SourceArn"));
}

#[test]
fn key_policy_via_service_and_org_conditions() {
    let p = policy(CLOUDTRAIL_KEY_POLICY);
    let alias = |via: ContextValue| {
        Request::new(role("111111111111"), "kms:CreateAlias", Text::default())
            .in_key_policy()
            .with("kms:CallerAccount", ContextValue::str("111111111111"))
            .with("kms:ViaService", via)
    };
    // The account root statement allows it anyway; the alias statement applies only via EC2.
    let d = decide(&p, &alias(ContextValue::str("ec2.us-east-1.amazonaws.com")));
    assert_eq!(d.effect, Outcome::Allow);
    assert!(
        d.deciding
            .iter()
            .any(|d| d.sid.as_deref() == Some("Allow alias creation during setup"))
    );
    let d = decide(&p, &alias(ContextValue::Absent));
    assert!(
        !d.deciding
            .iter()
            .any(|d| d.sid.as_deref() == Some("Allow alias creation during setup"))
    );

    let org = policy(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
        "Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"},
        "StringEqualsIfExists":{"aws:SourceAccount":"111111111111"}}}}"#,
    );
    let get = |org_id: ContextValue, account: ContextValue| {
        Request::new(role("333333333333"), "s3:GetObject", Text::lit("arn:aws:s3:::b/x"))
            .with("aws:PrincipalOrgID", org_id)
            .with("aws:SourceAccount", account)
    };
    assert_eq!(
        decide(&org, &get(ContextValue::str("o-abc123"), ContextValue::Absent)).effect,
        Outcome::Allow
    );
    assert_eq!(
        decide(
            &org,
            &get(ContextValue::str("o-abc123"), ContextValue::str("222222222222"))
        )
        .effect,
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&org, &get(ContextValue::str("o-other"), ContextValue::Absent)).effect,
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&org, &get(ContextValue::Unknown, ContextValue::Absent)).effect,
        Outcome::Unknown
    );
    // This account, as a symbol, against a literal account: unknown.
    let d = decide(
        &org,
        &get(
            ContextValue::str("o-abc123"),
            ContextValue::One(Text::sym(Sym::Account)),
        ),
    );
    assert_eq!(d.effect, Outcome::Unknown);
    assert!(restricts_caller(&org.statements[0]));
}

/// CloudTrail's bucket policy
/// (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html>),
/// with the secure-transport deny AWS recommends
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html>).
const BUCKET_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
            "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/management"}}
        },
        {
            "Sid": "AWSCloudTrailWrite20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/prefix/AWSLogs/111111111111/*",
            "Condition": {"StringEquals": {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/management"
            }}
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }
    ]
}"#;

fn put(key: &str) -> Request<'static> {
    Request::new(
        cloudtrail(),
        "s3:PutObject",
        Text::lit(&format!("arn:aws:s3:::amzn-s3-demo-bucket/{key}")),
    )
    .with("s3:x-amz-acl", ContextValue::str("bucket-owner-full-control"))
    .with("aws:SourceArn", ContextValue::str(TRAIL))
    .with("aws:SecureTransport", ContextValue::str("true"))
}

const LOG_KEY: &str = "prefix/AWSLogs/111111111111/CloudTrail/us-east-1/2024/01/01/f.json.gz";

#[test]
fn cloudtrail_bucket_policy() {
    let p = policy(BUCKET_POLICY);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let d = decide(&p, &put(LOG_KEY));
    assert_eq!(d.effect, Outcome::Allow, "{}", d.reason);
    assert_eq!(d.deciding[0].sid.as_deref(), Some("AWSCloudTrailWrite20150319"));

    let acl = Request::new(
        cloudtrail(),
        "s3:GetBucketAcl",
        Text::lit("arn:aws:s3:::amzn-s3-demo-bucket"),
    )
    .with("aws:SourceArn", ContextValue::str(TRAIL));
    assert_eq!(decide(&p, &acl).effect, Outcome::Allow);

    // Without the ACL header, outside the prefix, for another account: no grant.
    let no_acl = put(LOG_KEY).with("s3:x-amz-acl", ContextValue::Absent);
    assert_eq!(decide(&p, &no_acl).effect, Outcome::ImplicitDeny);
    assert_eq!(
        decide(&p, &put("AWSLogs/111111111111/CloudTrail/f.json.gz")).effect,
        Outcome::ImplicitDeny
    );
    assert_eq!(
        decide(&p, &put("prefix/AWSLogs/222222222222/f.json.gz")).effect,
        Outcome::ImplicitDeny
    );
    // Another service principal is not CloudTrail.
    let mut config = put(LOG_KEY);
    config.principal = Principal::Service(Text::lit("config.amazonaws.com"));
    assert_eq!(decide(&p, &config).effect, Outcome::ImplicitDeny);
    // The write grant is scoped by aws:SourceArn; with it unknown the answer is unknown.
    let u = decide_unconstrained(&p, &put(LOG_KEY), "aws:SourceArn");
    assert_eq!(u.effect, Outcome::Unknown);
    assert!(u.allow_conditioned_on("aws:SourceArn"));
}

#[test]
fn secure_transport_deny() {
    let p = policy(BUCKET_POLICY);
    let insecure = put(LOG_KEY).with("aws:SecureTransport", ContextValue::str("false"));
    let d = decide(&p, &insecure);
    assert_eq!(d.effect, Outcome::ExplicitDeny);
    assert_eq!(d.deciding[0].sid.as_deref(), Some("DenyInsecureTransport"));
    // The deny covers everyone, whatever else the request is.
    let get = Request::new(
        Principal::Anonymous,
        "s3:GetObject",
        Text::lit("arn:aws:s3:::amzn-s3-demo-bucket/x"),
    )
    .with("aws:SecureTransport", ContextValue::str("false"));
    assert_eq!(decide(&p, &get).effect, Outcome::ExplicitDeny);
    // Bool on a missing key is false: no deny, and the grant decides.
    let absent = put(LOG_KEY).with("aws:SecureTransport", ContextValue::Absent);
    assert_eq!(decide(&p, &absent).effect, Outcome::Allow);
    // Not knowing whether TLS is used leaves the grant undecided.
    let unknown = put(LOG_KEY).with("aws:SecureTransport", ContextValue::Unknown);
    let d = decide(&p, &unknown);
    assert_eq!(d.effect, Outcome::Unknown);
    assert_eq!(d.allowed(), None);
    assert!(d.reason.contains("aws:SecureTransport"), "{}", d.reason);
    // A request nothing allows is denied either way, explicit or not.
    let get = get.with("aws:SecureTransport", ContextValue::Unknown);
    let d = decide(&p, &get);
    assert_eq!(d.effect, Outcome::Unknown);
    assert_eq!(d.allowed(), Some(false));
}

/// The CloudWatch Logs statement of a key policy
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html>).
fn logs_key_policy(region: &str, operator: &str, arn: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{
            "Effect": "Allow",
            "Principal": {{"Service": "logs.{region}.amazonaws.com"}},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {{"{operator}": {{"kms:EncryptionContext:aws:logs:arn": "{arn}"}}}}
        }}]}}"#
    )
}

fn logs_request(service: Text, log_group: &str) -> Request<'static> {
    Request::new(Principal::Service(service), "kms:GenerateDataKey", Text::default())
        .in_key_policy()
        .with("kms:EncryptionContext:aws:logs:arn", ContextValue::str(log_group))
}

#[test]
fn cloudwatch_logs_key_policy() {
    let group = "arn:aws:logs:ap-northeast-1:111111111111:log-group:trail";
    let tokyo = Text::lit("logs.ap-northeast-1.amazonaws.com");
    let p = policy(&logs_key_policy("ap-northeast-1", "ArnEquals", group));
    assert_eq!(decide(&p, &logs_request(tokyo.clone(), group)).effect, Outcome::Allow);
    // Another log group, another region's Logs service principal: no grant.
    let other = "arn:aws:logs:ap-northeast-1:111111111111:log-group:other";
    assert_eq!(
        decide(&p, &logs_request(tokyo.clone(), other)).effect,
        Outcome::ImplicitDeny
    );
    let ireland = Text::lit("logs.eu-west-1.amazonaws.com");
    assert_eq!(decide(&p, &logs_request(ireland, group)).effect, Outcome::ImplicitDeny);
    // The account-wide form.
    let p = policy(&logs_key_policy(
        "ap-northeast-1",
        "ArnLike",
        "arn:aws:logs:ap-northeast-1:111111111111:*",
    ));
    assert_eq!(decide(&p, &logs_request(tokyo.clone(), other)).effect, Outcome::Allow);
    assert_eq!(
        decide(
            &p,
            &logs_request(tokyo, "arn:aws:logs:ap-northeast-1:222222222222:log-group:x")
        )
        .effect,
        Outcome::ImplicitDeny
    );
}

/// A `Val` map from entries.
fn map(entries: Vec<(&str, Val)>) -> Val {
    Val::new(
        V::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        Span::default(),
    )
}

fn list(items: Vec<Val>) -> Val {
    Val::new(V::List(items), Span::default())
}

fn t(t: Text) -> Val {
    Val::new(t.into_v(), Span::default())
}

fn logs_service(region: Part) -> Text {
    text(vec![l("logs."), region, l(".amazonaws.com")])
}

#[test]
fn symbolic_logs_principal() {
    let st = map(vec![
        ("Effect", "Allow".into()),
        (
            "Principal",
            map(vec![("Service", list(vec![t(logs_service(s(Sym::Region)))]))]),
        ),
        ("Action", list(vec!["kms:GenerateDataKey*".into()])),
        ("Resource", list(vec!["*".into()])),
    ]);
    let p = Policy::parse(&map(vec![
        ("Version", "2012-10-17".into()),
        ("Statement", list(vec![st])),
    ]));
    let req = |service: Text| {
        Request::new(Principal::Service(service), "kms:GenerateDataKey", Text::default()).in_key_policy()
    };
    assert_eq!(decide(&p, &req(logs_service(s(Sym::Region)))).effect, Outcome::Allow);
    assert_eq!(
        decide(&p, &req(Text::lit("logs.eu-west-1.amazonaws.com"))).effect,
        Outcome::Unknown
    );
    assert_eq!(
        decide(&p, &req(Text::lit("cloudtrail.amazonaws.com"))).effect,
        Outcome::ImplicitDeny
    );
}

/// `arn:<partition>:s3:::<bucket>` + `suffix`.
fn bucket_arn(suffix: Vec<Part>) -> Text {
    let mut parts = vec![
        l("arn:"),
        s(Sym::Partition),
        l(":s3:::"),
        s(attr("aws_s3_bucket.logs", "id")),
    ];
    parts.extend(suffix);
    text(parts)
}

fn symbolic_bucket_policy() -> Policy {
    let trail = Text::sym(attr("aws_cloudtrail.main", "arn"));
    let write = map(vec![
        ("Sid", "AWSCloudTrailWrite".into()),
        ("Effect", "Allow".into()),
        (
            "Principal",
            map(vec![("Service", list(vec!["cloudtrail.amazonaws.com".into()]))]),
        ),
        ("Action", list(vec!["s3:PutObject".into()])),
        (
            "Resource",
            list(vec![t(bucket_arn(vec![l("/AWSLogs/"), s(Sym::Account), l("/*")]))]),
        ),
        (
            "Condition",
            map(vec![(
                "StringEquals",
                map(vec![
                    ("s3:x-amz-acl", list(vec!["bucket-owner-full-control".into()])),
                    ("aws:SourceArn", list(vec![t(trail)])),
                ]),
            )]),
        ),
    ]);
    Policy::parse(&map(vec![
        ("Version", "2012-10-17".into()),
        ("Statement", list(vec![write])),
    ]))
}

#[test]
fn symbolic_bucket_policy_decides_on_the_same_symbols() {
    let p = symbolic_bucket_policy();
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let object = bucket_arn(vec![l("/AWSLogs/"), s(Sym::Account), l("/CloudTrail/f.json.gz")]);
    let req = |resource: Text, trail: Sym| {
        Request::new(cloudtrail(), "s3:PutObject", resource)
            .with("s3:x-amz-acl", ContextValue::str("bucket-owner-full-control"))
            .with("aws:SourceArn", ContextValue::One(Text::sym(trail)))
    };
    let main = attr("aws_cloudtrail.main", "arn");
    assert_eq!(decide(&p, &req(object.clone(), main.clone())).effect, Outcome::Allow);
    // Another trail's ARN may or may not be the same string: unknown, not denied.
    let other = attr("aws_cloudtrail.other", "arn");
    assert_eq!(decide(&p, &req(object.clone(), other)).effect, Outcome::Unknown);
    // A literal partition may be the deployment's or not.
    let literal = text(vec![
        l("arn:aws:s3:::"),
        s(attr("aws_s3_bucket.logs", "id")),
        l("/AWSLogs/"),
        s(Sym::Account),
        l("/x"),
    ]);
    assert_eq!(decide(&p, &req(literal, main.clone())).effect, Outcome::Unknown);
    // Outside AWSLogs/<account>/ nothing is granted, symbols or not.
    let outside = bucket_arn(vec![l("/elsewhere/x")]);
    assert_eq!(decide(&p, &req(outside, main.clone())).effect, Outcome::ImplicitDeny);
    // Another bucket's name may be the same string; unknown.
    let mut other_bucket = object.clone();
    other_bucket.0[3] = s(attr("aws_s3_bucket.other", "id"));
    assert_eq!(decide(&p, &req(other_bucket, main)).effect, Outcome::Unknown);
}

#[test]
fn default_key_policy_delegates_to_the_account() {
    let p = Policy::parse(&crate::adapt::default_key_policy(Span::default(), ""));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let same_account = text(vec![
        l("arn:"),
        s(Sym::Partition),
        l(":iam::"),
        s(Sym::Account),
        l(":role/admin"),
    ]);
    let req = |who: Principal| Request::new(who, "kms:Decrypt", Text::default()).in_key_policy();
    assert_eq!(decide(&p, &req(Principal::Aws(same_account))).effect, Outcome::Allow);
    assert_eq!(decide(&p, &req(role("111111111111"))).effect, Outcome::Unknown);
    assert_eq!(decide(&p, &req(cloudtrail())).effect, Outcome::ImplicitDeny);
    assert_eq!(decide(&p, &req(Principal::Anonymous)).effect, Outcome::ImplicitDeny);
}

#[test]
fn negated_elements() {
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::public/*"},
        {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
    );
    let req = |who: Principal, action: &'static str, res: &str| Request::new(who, action, Text::lit(res));
    // Outside the account, not a Get, not under public/: denied.
    assert_eq!(
        decide(&p, &req(role("222222222222"), "s3:PutObject", "arn:aws:s3:::b/x")).effect,
        Outcome::ExplicitDeny
    );
    assert_eq!(
        decide(&p, &req(role("222222222222"), "s3:GetObject", "arn:aws:s3:::b/x")).effect,
        Outcome::Allow
    );
    assert_eq!(
        decide(&p, &req(role("222222222222"), "s3:PutObject", "arn:aws:s3:::public/x")).effect,
        Outcome::Allow
    );
    assert_eq!(
        decide(&p, &req(role("111111111111"), "s3:PutObject", "arn:aws:s3:::b/x")).effect,
        Outcome::Allow
    );
    assert!(is_public_grant(&p.statements[1]));
}

#[test]
fn actions_are_case_insensitive_and_resources_are_not() {
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"S3:putobject","Resource":"arn:aws:s3:::Logs/*"}}"#,
    );
    let req = |res: &str| Request::new(role("111111111111"), "s3:PutObject", Text::lit(res));
    assert_eq!(decide(&p, &req("arn:aws:s3:::Logs/x")).effect, Outcome::Allow);
    assert_eq!(decide(&p, &req("arn:aws:s3:::logs/x")).effect, Outcome::ImplicitDeny);
}

#[test]
fn malformed_statements_make_decisions_unknown() {
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}"#,
    );
    assert!(!p.problems.is_empty());
    let req = Request::new(Principal::Anonymous, "s3:PutObject", Text::lit("arn:aws:s3:::b/x"));
    assert_eq!(decide(&p, &req).effect, Outcome::Unknown);
    let p = policy(r#"{"Version":"2012-10-17","Statement":[{"Principal":"*","Action":"s3:*","Resource":"*"}]}"#);
    let d = decide(&p, &req);
    assert_eq!(d.effect, Outcome::Unknown);
    assert!(d.reason.contains("unknown Effect"), "{}", d.reason);
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#,
    );
    assert_eq!(decide(&p, &req).effect, Outcome::Unknown);
    let unreadable = Policy::parse(&Val::unknown("var.policy", "no default", Span::default()));
    assert_eq!(decide(&unreadable, &req).effect, Outcome::Unknown);
}

#[test]
fn caller_restrictions_follow_the_s3_definition_of_public() {
    let st = |cond: &str| {
        let p = policy(&format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}}}"#
        ));
        p.statements[0].clone()
    };
    for restricted in [
        r#"{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}}"#,
        r#"{"StringEquals":{"aws:SourceAccount":"111111111111"}}"#,
        r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#,
        r#"{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#,
        r#"{"StringEquals":{"kms:CallerAccount":"111111111111"}}"#,
        r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
        r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/r"}}"#,
        r#"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111111111111:trail/*"}}"#,
        r#"{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#,
    ] {
        let s = st(restricted);
        assert!(restricts_caller(&s), "{restricted}");
        assert!(!is_public_grant(&s), "{restricted}");
    }
    for open in [
        r#"{"StringLike":{"aws:SourceAccount":"*"}}"#,
        r#"{"StringEqualsIfExists":{"aws:SourceAccount":"111111111111"}}"#,
        r#"{"StringNotEquals":{"aws:SourceAccount":"111111111111"}}"#,
        r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#,
        r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
        r#"{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}"#,
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
    ] {
        let s = st(open);
        assert!(!restricts_caller(&s), "{open}");
        assert!(is_public_grant(&s), "{open}");
    }
}

// --- Properties ---------------------------------------------------------------------------

const ACTIONS: [&str; 7] = [
    "s3:*",
    "s3:PutObject",
    "s3:Get*",
    "kms:*",
    "*",
    "kms:GenerateDataKey*",
    "s3:?etObject",
];
const RESOURCES: [&str; 5] = [
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/AWSLogs/111111111111/*",
    "arn:aws:s3:::other/*",
];
const PRINCIPALS: [&str; 5] = [
    r#""*""#,
    r#"{"Service":"cloudtrail.amazonaws.com"}"#,
    r#"{"AWS":"111111111111"}"#,
    r#"{"AWS":"arn:aws:iam::222222222222:role/r"}"#,
    r#"{"Service":"logs.us-east-1.amazonaws.com"}"#,
];
const KEYS: [&str; 3] = ["aws:SourceArn", "aws:SecureTransport", "s3:x-amz-acl"];
const OPERATORS: [&str; 10] = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIfExists",
    "Bool",
    "Null",
    "ArnLike",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
];
const VALUES: [&str; 6] = [
    "true",
    "false",
    TRAIL,
    "arn:aws:cloudtrail:*:111111111111:trail/*",
    "bucket-owner-full-control",
    "*",
];

fn pick<T: Copy + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

fn condition() -> impl Strategy<Value = String> {
    (
        pick(&OPERATORS),
        pick(&KEYS),
        proptest::collection::vec(pick(&VALUES), 1..3),
    )
        .prop_map(|(op, key, vals)| {
            let vals: Vec<String> = vals.iter().map(|v| format!("\"{v}\"")).collect();
            format!(r#""{op}":{{"{key}":[{}]}}"#, vals.join(","))
        })
}

fn statement(effect: Option<&'static str>) -> impl Strategy<Value = String> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => pick(&["Allow", "Deny"]).boxed(),
    };
    (
        effect,
        pick(&PRINCIPALS),
        any::<bool>(),
        proptest::collection::vec(pick(&ACTIONS), 1..3),
        any::<bool>(),
        proptest::collection::vec(pick(&RESOURCES), 1..3),
        proptest::collection::vec(condition(), 0..3),
    )
        .prop_map(
            |(effect, principal, not_action, actions, not_resource, resources, conds)| {
                let quote = |v: &[&str]| v.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(",");
                format!(
                    r#"{{"Effect":"{effect}","Principal":{principal},"{}":[{}],"{}":[{}],"Condition":{{{}}}}}"#,
                    if not_action { "NotAction" } else { "Action" },
                    quote(&actions),
                    if not_resource { "NotResource" } else { "Resource" },
                    quote(&resources),
                    conds.join(",")
                )
            },
        )
}

fn doc(statements: &[String]) -> Policy {
    Policy::parse(&Val::new(
        V::Str(format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        )),
        Span::default(),
    ))
}

fn context_value() -> impl Strategy<Value = ContextValue> {
    prop_oneof![
        pick(&VALUES).prop_map(ContextValue::str),
        Just(ContextValue::str(
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"
        )),
        Just(ContextValue::Absent),
        Just(ContextValue::Unknown),
        Just(ContextValue::Any),
        Just(ContextValue::One(Text::sym(Sym::Account))),
    ]
}

/// Values a context key can concretely take.
fn concrete_value() -> impl Strategy<Value = ContextValue> {
    prop_oneof![
        pick(&VALUES).prop_map(ContextValue::str),
        Just(ContextValue::str(
            "arn:aws:cloudtrail:us-east-1:111111111111:trail/other"
        )),
        Just(ContextValue::str("")),
        Just(ContextValue::Absent),
    ]
}

fn request() -> impl Strategy<Value = Request<'static>> {
    (
        prop_oneof![
            Just(Principal::Anonymous),
            Just(cloudtrail()),
            Just(role("111111111111")),
            Just(role("222222222222")),
            Just(Principal::Unknown),
        ],
        pick(&["s3:PutObject", "s3:GetObject", "kms:GenerateDataKey", "s3:ListBucket"]),
        pick(&[
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/AWSLogs/111111111111/x",
            "arn:aws:s3:::other/x",
        ]),
        proptest::collection::vec(context_value(), 3),
    )
        .prop_map(|(who, action, resource, ctx)| {
            let mut r = Request::new(who, action, Text::lit(resource));
            for (k, v) in KEYS.iter().zip(ctx) {
                r.set(k, v);
            }
            r
        })
}

fn denied(d: &Decision) -> bool {
    matches!(d.effect, Outcome::ImplicitDeny | Outcome::ExplicitDeny)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_allows(
        stmts in proptest::collection::vec(statement(None), 0..4),
        extra in statement(Some("Deny")),
        req in request(),
    ) {
        let before = decide(&doc(&stmts), &req);
        let mut more = stmts.clone();
        more.push(extra);
        let after = decide(&doc(&more), &req);
        if denied(&before) {
            prop_assert!(after.effect != Outcome::Allow, "{} -> {}", before.reason, after.reason);
            prop_assert_eq!(after.allowed(), Some(false));
        }
        if before.effect == Outcome::ExplicitDeny {
            prop_assert_eq!(after.effect, Outcome::ExplicitDeny);
        }
    }

    #[test]
    fn adding_an_allow_never_denies(
        stmts in proptest::collection::vec(statement(None), 0..4),
        extra in statement(Some("Allow")),
        req in request(),
    ) {
        let before = decide(&doc(&stmts), &req);
        let mut more = stmts.clone();
        more.push(extra);
        let after = decide(&doc(&more), &req);
        if before.effect == Outcome::Allow {
            prop_assert_eq!(after.effect, Outcome::Allow, "{}", after.reason);
        }
    }

    #[test]
    fn unknown_values_never_give_a_wrong_definite_answer(
        stmts in proptest::collection::vec(statement(None), 1..4),
        req in request(),
        key in pick(&KEYS),
        a in concrete_value(),
        b in concrete_value(),
        unknown in prop_oneof![Just(ContextValue::Unknown), Just(ContextValue::Any)],
    ) {
        let p = doc(&stmts);
        let vague = decide(&p, &req.clone().with(key, unknown.clone()));
        if vague.effect != Outcome::Unknown {
            for v in [a, b] {
                // `Unknown` means present: absence is not one of its values.
                if unknown == ContextValue::Unknown && v == ContextValue::Absent {
                    continue;
                }
                let concrete = decide(&p, &req.clone().with(key, v.clone()));
                prop_assert_eq!(vague.effect, concrete.effect, "{:?}: {} vs {}", v, vague.reason, concrete.reason);
            }
        }
        if let Some(allowed) = vague.allowed() {
            for v in [ContextValue::Absent, ContextValue::str(TRAIL), ContextValue::str("false")] {
                if unknown == ContextValue::Unknown && v == ContextValue::Absent {
                    continue;
                }
                let concrete = decide(&p, &req.clone().with(key, v));
                prop_assert_eq!(concrete.allowed(), Some(allowed));
            }
        }
    }

    #[test]
    fn symbols_never_give_a_wrong_definite_match(
        pattern in "[ab:*?]{0,8}",
        before in "[ab:]{0,4}",
        after in "[ab:]{0,4}",
        values in proptest::collection::vec("[ab:]{0,4}", 2),
    ) {
        // A subject `before` + symbol + `after`, against the same with the symbol replaced.
        let sym = attr("aws_s3_bucket.b", "id");
        let subject = text(vec![l(&before), s(sym), l(&after)]);
        let symbolic = matches(&Text::lit(&pattern), &subject, Mode::GLOB);
        for v in values {
            let concrete = matches(&Text::lit(&pattern), &Text::lit(&format!("{before}{v}{after}")), Mode::GLOB);
            prop_assert!(concrete != Tri::Maybe);
            if symbolic != Tri::Maybe {
                prop_assert_eq!(symbolic, concrete, "{} vs {}{}{}", pattern, before, v, after);
            }
        }
    }

    #[test]
    fn literal_matching_agrees_with_a_regex(pattern in "[ab:/*?]{0,10}", subject in "[ab:/]{0,10}") {
        let re: String = pattern
            .chars()
            .map(|c| match c {
                '*' => ".*".to_string(),
                '?' => ".".to_string(),
                c => regex::escape(&c.to_string()),
            })
            .collect();
        let re = regex::Regex::new(&format!("^{re}$")).unwrap();
        prop_assert_eq!(
            matches(&Text::lit(&pattern), &Text::lit(&subject), Mode::GLOB),
            Tri::from_bool(re.is_match(&subject))
        );
    }

    #[test]
    fn any_document_parses_and_decides_without_panicking(json in json_value(), req in request()) {
        let p = Policy::parse(&Val::new(V::Str(json.to_string()), Span::default()));
        let _ = decide(&p, &req);
        for st in &p.statements {
            let _ = restricts_caller(st);
        }
    }
}

/// Arbitrary JSON with IAM's vocabulary, so that the shapes reach the statement reader.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let words = [
        "Version",
        "Statement",
        "Effect",
        "Allow",
        "Deny",
        "Principal",
        "NotPrincipal",
        "AWS",
        "Service",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
        "StringLike",
        "Null",
        "aws:SourceArn",
        "*",
        "2012-10-17",
        "ForAnyValue:StringEquals",
        "${aws:username}",
        "arn:aws:s3:::b/*",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(serde_json::Value::from),
        proptest::sample::select(words.to_vec()).prop_map(|w| serde_json::Value::String(w.into())),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((proptest::sample::select(words.to_vec()), inner), 0..5).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}
