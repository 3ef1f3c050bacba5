//! The model is format-neutral: the same setup written in Terraform, in CloudFormation YAML and in
//! CloudFormation JSON (`tests/fixtures/model/parity/`) dumps to the same JSON, and the dumps of
//! the parity setup and of the compliant examples are snapshotted, so that a change to an adapter
//! shows up as a reviewed diff of what rules see.

use std::path::PathBuf;

use serde_json::Value;

const PARITY: &str = "tests/fixtures/model/parity";

/// The dump of the model of `path` (a file, or a directory read as one Terraform module).
fn dump(path: &str) -> Value {
    let model = ctlint::build_model(&ctlint::Options {
        paths: vec![PathBuf::from(path)],
        module_context: false,
        ..Default::default()
    });
    assert!(!model.resources.is_empty(), "{path}: no resources read");
    ctlint::model::dump::dump(&model)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("the dump serializes")
}

/// A unified-style line diff of two texts (`-` only in `a`, `+` only in `b`), with three lines
/// of context around each change.
fn line_diff(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    // Longest common subsequence table, from the ends.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        } else {
            ops.push(('+', j + 1, b[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let near = |k: usize| changed.iter().any(|&c| c.abs_diff(k) <= 3);
    let mut out = String::new();
    let mut skipped = false;
    for (k, (op, line, text)) in ops.iter().enumerate() {
        if near(k) {
            if skipped {
                out.push_str("   ...\n");
                skipped = false;
            }
            out.push_str(&format!("{op} {line:>4} {text}\n"));
        } else {
            skipped = true;
        }
    }
    out
}

fn assert_same_model(left_name: &str, left: &Value, right_name: &str, right: &Value) {
    if left != right {
        let (l, r) = (pretty(left), pretty(right));
        panic!(
            "the model of {left_name} differs from the model of {right_name} \
             (`-` {left_name} only, `+` {right_name} only, with line numbers):\n{}\n\
             --- {left_name} ---\n{l}\n--- {right_name} ---\n{r}",
            line_diff(&l, &r)
        );
    }
}

#[test]
fn terraform_and_cloudformation_give_the_same_model() {
    let terraform = dump(&format!("{PARITY}/terraform"));
    let yaml = dump(&format!("{PARITY}/cloudformation.yaml"));
    let json = dump(&format!("{PARITY}/cloudformation.json"));
    assert_same_model("cloudformation.yaml", &yaml, "cloudformation.json", &json);
    assert_same_model("terraform/", &terraform, "cloudformation.yaml", &yaml);
    insta::assert_snapshot!("parity", pretty(&terraform));
}

/// The parity setup is fully resolved: an adapter that lost a value in every format at once
/// would still give equal dumps, so check that nothing is unknown and every trail link that is
/// set leads into the setup.
#[test]
fn the_parity_setup_resolves_completely() {
    let model = dump(&format!("{PARITY}/terraform"));
    let text = pretty(&model);
    assert!(!text.contains("\"unknown\""), "unknown values:\n{text}");
    assert!(!text.contains("\"external\""), "links out of the setup:\n{text}");
    let kinds = |kind: &str| model.as_array().unwrap().iter().filter(|r| r["kind"] == kind).count();
    assert_eq!(
        [
            kinds("trail"),
            kinds("bucket"),
            kinds("log_group"),
            kinds("key"),
            kinds("key_alias"),
            kinds("role"),
            kinds("policy")
        ],
        [2, 2, 1, 2, 1, 1, 1],
        "{text}"
    );
    let trail = model
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "parity-trail")
        .expect("the multi-region trail");
    for edge in ["bucket", "log_group", "role", "key"] {
        assert!(
            trail["links"][edge].get("resolved").is_some(),
            "trail link {edge}: {}",
            trail["links"][edge]
        );
    }
}

/// Spellings that differ between the formats but mean the same: canned ACL names
/// (`log-delivery-write` / `LogDeliveryWrite`), a boolean condition value written as a string,
/// a YAML boolean or a provider-typed list, an unquoted account ID, an inline policy as
/// `aws_iam_role_policy` / `AWS::IAM::Policy`, a managed policy attached with
/// `aws_iam_role_policy_attachment` / `Roles`.
#[test]
fn equivalent_spellings_give_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("tf");
    std::fs::create_dir(&tf).unwrap();
    std::fs::write(
        tf.join("main.tf"),
        r#"
resource "aws_s3_bucket" "b" {
  bucket = "spelling-bucket"
}
resource "aws_s3_bucket_ownership_controls" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    object_ownership = "ObjectWriter"
  }
}
resource "aws_s3_bucket_acl" "b" {
  bucket = aws_s3_bucket.b.id
  acl    = "log-delivery-write"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.b.json
}
data "aws_iam_policy_document" "b" {
  version = "2012-10-17"
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = [false]
    }
  }
}
resource "aws_iam_role" "r" {
  name = "spelling-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "123456789012" } }
  })
}
resource "aws_iam_role_policy" "inline" {
  name   = "inline"
  role   = aws_iam_role.r.name
  policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
EOT
}
resource "aws_iam_policy" "m" {
  name   = "spelling-managed"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "m" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.m.arn
}
"#,
    )
    .unwrap();
    let cfn = dir.path().join("template.yaml");
    std::fs::write(
        &cfn,
        r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: spelling-bucket
      OwnershipControls:
        Rules:
          - ObjectOwnership: ObjectWriter
      AccessControl: LogDeliveryWrite
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: !Sub "${B.Arn}/*"
            Condition:
              Bool:
                aws:SecureTransport: false
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: spelling-role
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          Effect: Allow
          Action: sts:AssumeRole
          Principal:
            AWS: 123456789012
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: inline
      Roles: [!Ref R]
      PolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
  M:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: spelling-managed
      Roles: [!Ref R]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "*"
"#,
    )
    .unwrap();
    let terraform = dump(tf.to_str().unwrap());
    let cloudformation = dump(cfn.to_str().unwrap());
    assert_same_model("the Terraform", &terraform, "the CloudFormation", &cloudformation);
    let text = pretty(&terraform);
    for want in [
        r#""acl": "log-delivery-write""#,
        r#""name": "spelling-managed""#,
        r#""<policy:spelling-managed.arn>""#,
    ] {
        assert!(text.contains(want), "no {want} in\n{text}");
    }
}

/// A CloudFormation `LoggingConfiguration` without `DestinationBucketName` logs to the bucket
/// itself: the model says so, as a default.
#[test]
fn cloudformation_access_logs_default_to_the_bucket_itself() {
    let dir = tempfile::tempdir().unwrap();
    let cfn = dir.path().join("template.yaml");
    std::fs::write(
        &cfn,
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      \
         BucketName: self-logging\n      LoggingConfiguration:\n        LogFilePrefix: own/\n",
    )
    .unwrap();
    let model = dump(cfn.to_str().unwrap());
    assert_eq!(
        model[0]["fields"]["logging"],
        serde_json::json!({ "target_bucket": { "default": "self-logging" }, "target_prefix": "own/" })
    );
}

/// A `principals` block whose `type` is not known makes the whole principal unknown, even when
/// another block of the statement is known.
#[test]
fn unknown_principal_type_stays_unknown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
variable "principal_type" {
  type = string
}
resource "aws_iam_role" "r" {
  name               = "unknown-principal"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
data "aws_iam_policy_document" "trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    principals {
      type        = var.principal_type
      identifiers = ["*"]
    }
  }
}
"#,
    )
    .unwrap();
    let model = dump(dir.path().to_str().unwrap());
    let principal = &model[0]["fields"]["assume_role_policy"]["Statement"][0]["Principal"];
    assert!(
        principal["unknown"]
            .as_str()
            .is_some_and(|u| u.contains("var.principal_type")),
        "{principal}"
    );
}

#[test]
fn compliant_examples_model() {
    insta::assert_snapshot!("compliant_terraform", pretty(&dump("examples/terraform/compliant")));
    insta::assert_snapshot!(
        "compliant_cloudformation",
        pretty(&dump("examples/cloudformation/compliant.yaml"))
    );
}

#[test]
fn line_diff_shows_changes_with_context() {
    let d = line_diff("a\nb\nc\n", "a\nx\nc\n");
    assert_eq!(d, "     1 a\n-    2 b\n+    2 x\n     3 c\n");
}

/// `aws_iam_policy_attachment` (exclusive, with `roles`) attaches like one
/// `aws_iam_role_policy_attachment` per role.
#[test]
fn policy_attachments_of_both_kinds_give_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let common = r#"
resource "aws_iam_role" "a" {
  name               = "a"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "cloudtrail.amazonaws.com" } }] })
}
resource "aws_iam_role" "b" {
  name               = "b"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "cloudtrail.amazonaws.com" } }] })
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
}
"#;
    let per_role = r#"
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.a.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_role_policy_attachment" "b" {
  role       = aws_iam_role.b.name
  policy_arn = aws_iam_policy.p.arn
}
"#;
    let exclusive = r#"
resource "aws_iam_policy_attachment" "p" {
  name       = "p"
  roles      = [aws_iam_role.a.name, aws_iam_role.b.name]
  policy_arn = aws_iam_policy.p.arn
}
"#;
    let mut dumps = Vec::new();
    for (name, text) in [("per-role", per_role), ("exclusive", exclusive)] {
        let module = dir.path().join(name);
        std::fs::create_dir(&module).unwrap();
        std::fs::write(module.join("main.tf"), format!("{common}{text}")).unwrap();
        dumps.push(dump(module.to_str().unwrap()));
    }
    let roles: Vec<&Value> = dumps[1]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "role")
        .collect();
    assert_eq!(roles.len(), 2);
    for role in roles {
        assert_eq!(
            role["fields"]["managed_policy_arns"],
            serde_json::json!(["<policy:p.arn>"]),
            "{role}"
        );
        assert_eq!(role["fields"]["policies"][0]["name"], "p", "{role}");
    }
    assert_same_model(
        "per-role attachments",
        &dumps[0],
        "aws_iam_policy_attachment",
        &dumps[1],
    );
}

/// `file()` reads a policy document from the module's directory: the same model as writing it
/// inline. What cannot be read stays unknown, with the reason.
#[test]
fn file_reads_policies_from_the_module() {
    let dir = tempfile::tempdir().unwrap();
    let document = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
    let key = |policy: &str| {
        format!("resource \"aws_kms_key\" \"k\" {{\n  enable_key_rotation = true\n  policy = {policy}\n}}\n")
    };
    let inline = dir.path().join("inline");
    let from_file = dir.path().join("from-file");
    for d in [&inline, &from_file] {
        std::fs::create_dir(d).unwrap();
    }
    std::fs::write(inline.join("main.tf"), key(&format!("<<EOT\n{document}\nEOT"))).unwrap();
    std::fs::create_dir(from_file.join("policies")).unwrap();
    std::fs::write(from_file.join("policies/key.json"), format!("\u{feff}{document}\n")).unwrap();
    std::fs::write(
        from_file.join("main.tf"),
        key("file(\"${path.module}/policies/key.json\")"),
    )
    .unwrap();
    let a = dump(inline.to_str().unwrap());
    let b = dump(from_file.to_str().unwrap());
    assert!(pretty(&a).contains("kms:*"), "{}", pretty(&a));
    // The policy file is also read on its own as a policy document; compare the keys.
    let keys = |v: &Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "key")
            .cloned()
            .collect()
    };
    assert_same_model(
        "an inline policy",
        &Value::Array(keys(&a)),
        "file()",
        &Value::Array(keys(&b)),
    );

    let missing = dir.path().join("missing");
    std::fs::create_dir(&missing).unwrap();
    std::fs::write(missing.join("main.tf"), key("file(\"nope.json\")")).unwrap();
    let text = pretty(&dump(missing.to_str().unwrap()));
    assert!(text.contains("cannot read"), "{text}");
    std::fs::write(missing.join("main.tf"), key("file(\"/etc/hostname\")")).unwrap();
    let text = pretty(&dump(missing.to_str().unwrap()));
    assert!(text.contains("absolute paths"), "{text}");
}

/// `for` expressions: list and object forms, with `if`, over lists and maps, give what writing
/// the result out gives; over an unknown collection the result is unknown.
#[test]
fn for_expressions_give_the_written_out_model() {
    let dir = tempfile::tempdir().unwrap();
    let module = |name: &str, locals: &str| {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        std::fs::write(
            d.join("main.tf"),
            format!(
                r#"
variable "no_default" {{
  type = list(string)
}}
locals {{
  buckets = ["logs-a", "logs-b", "scratch"]
  owners  = {{ b = "222222222222", a = "111111111111" }}
{locals}
}}
resource "aws_iam_policy" "p" {{
  name = "p"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "s3:GetObject", Resource = local.resources, Principal = {{ AWS = local.principals }} }}]
  }})
}}
resource "aws_iam_policy" "tags" {{
  name   = "tags"
  policy = jsonencode(local.by_owner)
}}
"#
            ),
        )
        .unwrap();
        dump(d.to_str().unwrap())
    };
    let written = module(
        "written",
        r#"  resources  = ["arn:aws:s3:::logs-a/*", "arn:aws:s3:::logs-b/*"]
  principals = ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
  by_owner   = { "111111111111" = "a", "222222222222" = "b" }"#,
    );
    let computed = module(
        "computed",
        r#"  resources  = [for b in local.buckets : "arn:aws:s3:::${b}/*" if b != "scratch"]
  principals = [for name, id in local.owners : "arn:aws:iam::${id}:root"]
  by_owner   = { for name, id in local.owners : id => name }"#,
    );
    assert!(
        pretty(&written).contains("arn:aws:s3:::logs-b/*"),
        "{}",
        pretty(&written)
    );
    assert_same_model("the written-out values", &written, "for expressions", &computed);

    let unknown = module(
        "unknown",
        r#"  resources  = [for b in var.no_default : "arn:aws:s3:::${b}/*"]
  principals = []
  by_owner   = {}"#,
    );
    let text = pretty(&unknown);
    assert!(text.contains("it iterates over `var.no_default`"), "{text}");
}

/// `templatefile()` renders a policy template with its variables: the same model as writing the
/// policy out. Both the plain-text template and the `${jsonencode(...)}` form work.
#[test]
fn templatefile_renders_policies() {
    let dir = tempfile::tempdir().unwrap();
    let key = |policy: &str| {
        format!(
            "locals {{\n  account = \"111122223333\"\n}}\nresource \"aws_kms_key\" \"k\" {{\n  enable_key_rotation = true\n  policy = {policy}\n}}\n"
        )
    };
    let written = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
    let mut dumps = Vec::new();
    for (name, template, call) in [
        ("written", None, format!("<<EOT\n{written}\nEOT")),
        (
            "text",
            Some(
                r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${account}:root"}, "Action": "kms:*", "Resource": "*"}]}"#,
            ),
            "templatefile(\"${path.module}/key.json.tpl\", { account = local.account })".to_string(),
        ),
        (
            "jsonencode",
            Some(
                "${jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [{ Sid = \"Root\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::${account}:root\" }, Action = \"kms:*\", Resource = \"*\" }]\n})}\n",
            ),
            "templatefile(\"key.json.tpl\", { account = local.account })".to_string(),
        ),
    ] {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        if let Some(t) = template {
            std::fs::write(d.join("key.json.tpl"), t).unwrap();
        }
        std::fs::write(d.join("main.tf"), key(&call)).unwrap();
        dumps.push(dump(d.to_str().unwrap()));
    }
    assert!(
        pretty(&dumps[0]).contains("arn:aws:iam::111122223333:root"),
        "{}",
        pretty(&dumps[0])
    );
    assert_same_model("an inline policy", &dumps[0], "a templatefile", &dumps[1]);
    assert_same_model("an inline policy", &dumps[0], "a jsonencode templatefile", &dumps[2]);

    // Variables that are not known, and templates broken too deep to parse, stay unknown.
    let d = dir.path().join("unknown");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("deep.tpl"), format!("[${{{}#", "a+b+(".repeat(40))).unwrap();
    std::fs::write(
        d.join("main.tf"),
        format!(
            "variable \"v\" {{}}\n{}",
            key("templatefile(\"deep.tpl\", {})").replace("aws_kms_key\" \"k\"", "aws_kms_key\" \"deep\"")
                + &key("templatefile(\"deep.tpl\", var.v)").replace("locals {\n  account = \"111122223333\"\n}\n", "")
        ),
    )
    .unwrap();
    let text = pretty(&dump(d.to_str().unwrap()));
    assert!(text.contains("a syntax error nested too deep"), "{text}");
    assert!(text.contains("its variables depend on `var.v`"), "{text}");
}

/// The CIS alarm chain (CT207) links the same way in both formats: a metric filter to its log
/// group (by reference or by name), an alarm to the filters that publish its metric (by the
/// namespace and name pair), each alarm action to an SNS topic (a literal ARN of a topic outside
/// the scan is external), and a subscription to its topic.
#[test]
fn the_alarm_chain_links_alike_in_both_formats() {
    let tf = r#"
variable "metric" {
  type = string
}

resource "aws_cloudwatch_log_group" "trail" {
  name = "cloudtrail/main"
}

resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "root-usage"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.userIdentity.type = \"Root\" }"
  metric_transformation {
    name      = "RootUsage"
    namespace = "CIS"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "by_name" {
  name           = "by-name"
  log_group_name = "cloudtrail/main"
  pattern        = ""
  metric_transformation {
    name      = "Everything"
    namespace = "CIS"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root" {
  alarm_name    = "root-usage"
  namespace     = "CIS"
  metric_name   = "RootUsage"
  alarm_actions = [aws_sns_topic.alarms.arn, "arn:aws:sns:us-east-1:111122223333:elsewhere"]
}

resource "aws_cloudwatch_metric_alarm" "unknown" {
  alarm_name  = "unknown-metric"
  namespace   = "CIS"
  metric_name = var.metric
}

resource "aws_sns_topic" "alarms" {
  name = "alarms"
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = "security@example.com"
}
"#;
    let cfn = r#"
Parameters:
  Metric:
    Type: String
Resources:
  TrailLogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: cloudtrail/main
  RootFilter:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: root-usage
      LogGroupName: !Ref TrailLogGroup
      FilterPattern: '{ $.userIdentity.type = "Root" }'
      MetricTransformations: [{MetricName: RootUsage, MetricNamespace: CIS, MetricValue: "1"}]
  ByNameFilter:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: by-name
      LogGroupName: cloudtrail/main
      FilterPattern: ""
      MetricTransformations: [{MetricName: Everything, MetricNamespace: CIS, MetricValue: "1"}]
  RootAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: root-usage
      Namespace: CIS
      MetricName: RootUsage
      AlarmActions: [!Ref Alarms, "arn:aws:sns:us-east-1:111122223333:elsewhere"]
  UnknownAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: unknown-metric
      Namespace: CIS
      MetricName: !Ref Metric
  Alarms:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alarms
  Email:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alarms
      Protocol: email
      Endpoint: security@example.com
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tf")).unwrap();
    std::fs::write(dir.path().join("tf/main.tf"), tf).unwrap();
    std::fs::write(dir.path().join("template.yaml"), cfn).unwrap();
    // Links only: the unknown alarm's reason and the subscription's label name the format.
    let chain = |path: &std::path::Path| -> Vec<(String, String, Value)> {
        let d = dump(path.to_str().unwrap());
        let mut out: Vec<(String, String, Value)> = d
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| ["metric_filter", "alarm", "subscription"].contains(&r["kind"].as_str().unwrap()))
            .map(|r| {
                let mut links = r["links"].clone();
                if let Some(u) = links["metric_filter"].get("unknown") {
                    links["metric_filter"] = Value::from(u.as_str().unwrap().contains("has no default"));
                }
                let name = if r["kind"] == "subscription" {
                    ""
                } else {
                    r["name"].as_str().unwrap()
                };
                (r["kind"].as_str().unwrap().to_string(), name.to_string(), links)
            })
            .collect();
        out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        out
    };
    let (t, c) = (chain(&dir.path().join("tf")), chain(&dir.path().join("template.yaml")));
    assert_eq!(t, c);
    let links = |kind: &str, name: &str| t.iter().find(|r| r.0 == kind && r.1 == name).unwrap().2.clone();
    assert_eq!(
        links("metric_filter", "root-usage")["log_group"]["resolved"],
        "cloudtrail/main"
    );
    assert_eq!(
        links("metric_filter", "by-name")["log_group"]["resolved"],
        "cloudtrail/main"
    );
    let root = links("alarm", "root-usage");
    assert_eq!(root["metric_filter"]["resolved"], "root-usage");
    assert_eq!(root["topic"][0]["resolved"], "alarms");
    assert_eq!(
        root["topic"][1]["external"],
        "arn:aws:sns:us-east-1:111122223333:elsewhere"
    );
    assert_eq!(links("alarm", "unknown-metric")["metric_filter"], true);
    assert_eq!(links("subscription", "")["topic"]["resolved"], "alarms");
}
