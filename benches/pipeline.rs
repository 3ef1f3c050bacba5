//! Criterion benchmarks of the pipeline (`cargo bench --bench pipeline`; one group:
//! `cargo bench --bench pipeline -- parse/`).
//!
//! - `lint/examples`: the whole of `ctlint::lint` on `examples/`.
//! - `lint/corpus-500`: the whole of `ctlint::lint` on a 500-file repository made by
//!   `scripts/gen-corpus.py` (needs `python3`; skipped with a message when it cannot run).
//! - `stages/corpus-500/*`: the same corpus one stage at a time, through the functions the
//!   pipeline itself calls (discover; scan = read + parse + adapt, scope by scope; resolve +
//!   rules), to see where a run's time goes.
//! - `parse/{hcl,yaml,json}`: parse-only throughput on a large `.tf` file, a large YAML template
//!   and a large JSON template, built in memory from the examples (about 512 KiB each).
//!
//! End-to-end timings against Checkov, as whole processes, are in `scripts/bench.sh`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

use ctlint::rules::Registry;
use ctlint::source::FileId;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Size the large parse inputs grow to.
const LARGE: usize = 512 * 1024;

fn examples_dir() -> PathBuf {
    Path::new(ROOT).join("examples")
}

fn lint_examples(c: &mut Criterion) {
    let registry = Registry::load(None).expect("embedded rules load");
    let opts = ctlint::Options {
        paths: vec![examples_dir()],
        ..ctlint::Options::default()
    };
    let mut g = c.benchmark_group("lint");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("examples", |b| b.iter(|| ctlint::lint(&registry, &opts).findings.len()));
    g.finish();
}

/// Generate the corpus with the project's generator; `None` when Python cannot run it.
fn generate_corpus(dir: &Path, files: usize) -> Option<PathBuf> {
    let out = dir.join("corpus");
    let script = Path::new(ROOT).join("scripts/gen-corpus.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(&out)
        .args(["--files", &files.to_string(), "--seed", "1"])
        .stdout(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => Some(out),
        Ok(s) => {
            eprintln!("skipping corpus benchmarks: {} exited with {s}", script.display());
            None
        }
        Err(e) => {
            eprintln!("skipping corpus benchmarks: cannot run python3: {e}");
            None
        }
    }
}

fn lint_corpus(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let Some(corpus) = generate_corpus(tmp.path(), 500) else {
        return;
    };
    let registry = Registry::load(None).expect("embedded rules load");
    let opts = ctlint::Options {
        paths: vec![corpus.clone()],
        ..ctlint::Options::default()
    };

    let mut g = c.benchmark_group("lint");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("corpus-500", |b| {
        b.iter(|| ctlint::lint(&registry, &opts).findings.len())
    });
    g.finish();

    // One stage at a time, each fed the previous stage's output (prepared outside the timing).
    let exclude = globset::GlobSet::empty();
    let base = std::env::current_dir().unwrap_or_default();
    let max = ctlint::load::DEFAULT_MAX_FILE_SIZE;
    let discover = || ctlint::discover::discover(std::slice::from_ref(&corpus), &exclude, true, &base);
    let inputs = discover().inputs;
    let scan = || ctlint::scan::scan(&inputs, &base, max, &opts.adapt);
    let active = ctlint::rules::select::active(&registry, &opts);
    let settings = ctlint::config::Settings {
        config: &opts.config,
        registry: &registry,
    };

    let mut g = c.benchmark_group("stages/corpus-500");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("discover", |b| b.iter(|| discover().inputs.len()));
    g.bench_function("scan", |b| b.iter(|| scan().model.resources.len()));
    g.bench_function("resolve+rules", |b| {
        b.iter_batched(
            scan,
            |scanned| {
                let mut model = scanned.model;
                ctlint::resolve::resolve(&mut model);
                ctlint::rules::run(&active, &registry, &model, &scanned.sources, &settings)
                    .0
                    .len()
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// Every `.tf` file of the examples, repeated until the text reaches `LARGE` bytes. Repeated
/// blocks are fine for the parser (it does not check for duplicates).
fn large_tf() -> String {
    let mut parts = Vec::new();
    for dir in ["terraform/compliant", "terraform/noncompliant"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir().join(dir))
            .expect("examples directory")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect();
        files.sort();
        for f in files {
            parts.push(std::fs::read_to_string(f).expect("example file"));
        }
    }
    let unit = parts.join("\n");
    let mut out = String::with_capacity(LARGE + unit.len());
    while out.len() < LARGE {
        out.push_str(&unit);
        out.push('\n');
    }
    out
}

/// The compliant CloudFormation example with its `Resources` repeated, logical IDs suffixed so
/// that keys stay unique, until the text reaches `LARGE` bytes.
fn large_yaml() -> String {
    let text = std::fs::read_to_string(examples_dir().join("cloudformation/compliant.yaml")).expect("example template");
    let start = text.find("\nResources:\n").expect("a Resources section") + "\nResources:\n".len();
    let end = text[start..].find("\nOutputs:").map_or(text.len(), |i| start + i + 1);
    let (head, resources, tail) = (&text[..start], &text[start..end], &text[end..]);
    let mut out = String::from(head);
    let mut copy = 0;
    while out.len() < LARGE {
        copy += 1;
        for line in resources.lines() {
            // A logical ID: two spaces, a name, a colon, nothing after it but a comment.
            let is_id = line.len() > 3
                && line.starts_with("  ")
                && !line[2..].starts_with(' ')
                && !line.trim_start().starts_with('#')
                && line.trim_end().ends_with(':');
            if is_id {
                let name = line.trim_end().trim_end_matches(':');
                out.push_str(&format!("{name}Copy{copy}:\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.push_str(tail);
    out
}

/// One trail setup (key, bucket, policy, log group, role, trail) in long-form JSON intrinsics.
fn json_setup(n: usize) -> Vec<(String, Value)> {
    let id = |s: &str| format!("{s}{n}");
    vec![
        (
            id("TrailKey"),
            json!({"Type": "AWS::KMS::Key", "Properties": {
                "Description": {"Fn::Sub": "Encrypts the log files of trail ${AWS::StackName}"},
                "EnableKeyRotation": true,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "Admin", "Effect": "Allow",
                     "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                     "Action": "kms:*", "Resource": "*"},
                    {"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                     "Action": "kms:GenerateDataKey*", "Resource": "*",
                     "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                        {"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"}}}}
                ]}
            }}),
        ),
        (
            id("TrailBucket"),
            json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {
                "VersioningConfiguration": {"Status": "Enabled"},
                "LoggingConfiguration": {"DestinationBucketName": {"Ref": id("AccessLogs")}, "LogFilePrefix": "trail/"},
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault":
                    {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [id("TrailKey"), "Arn"]}}}]}
            }}),
        ),
        (
            id("TrailBucketPolicy"),
            json!({"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": {"Ref": id("TrailBucket")},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                     "Action": "s3:GetBucketAcl", "Resource": {"Fn::GetAtt": [id("TrailBucket"), "Arn"]}},
                    {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                     "Action": "s3:PutObject",
                     "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [id("TrailBucket"), "Arn"]},
                        "/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]]},
                     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
                ]}
            }}),
        ),
        (
            id("TrailLogGroup"),
            json!({"Type": "AWS::Logs::LogGroup", "Properties": {
                "LogGroupName": {"Fn::Sub": format!("/aws/cloudtrail/${{AWS::StackName}}-{n}")},
                "RetentionInDays": 365,
                "KmsKeyId": {"Fn::GetAtt": [id("TrailKey"), "Arn"]}
            }}),
        ),
        (
            id("TrailRole"),
            json!({"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]}
            }}),
        ),
        (
            id("Trail"),
            json!({"Type": "AWS::CloudTrail::Trail", "DependsOn": id("TrailBucketPolicy"), "Properties": {
                "TrailName": {"Fn::Sub": format!("${{AWS::StackName}}-{n}")},
                "S3BucketName": {"Ref": id("TrailBucket")},
                "IsLogging": true,
                "IsMultiRegionTrail": true,
                "IncludeGlobalServiceEvents": true,
                "EnableLogFileValidation": true,
                "KMSKeyId": {"Fn::GetAtt": [id("TrailKey"), "Arn"]},
                "CloudWatchLogsLogGroupArn": {"Fn::GetAtt": [id("TrailLogGroup"), "Arn"]},
                "CloudWatchLogsRoleArn": {"Fn::GetAtt": [id("TrailRole"), "Arn"]},
                "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]
            }}),
        ),
    ]
}

/// A long-form JSON template (as CDK writes them, pretty-printed) of `LARGE` bytes or more.
fn large_json() -> String {
    let mut resources = serde_json::Map::new();
    let mut n = 0;
    loop {
        n += 1;
        resources.extend(json_setup(n));
        // Roughly 4.5 KiB per setup pretty-printed; check the real size now and then.
        if n % 16 == 0 {
            let doc = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources});
            let text = serde_json::to_string_pretty(&doc).expect("serialisable");
            if text.len() >= LARGE {
                return text;
            }
        }
    }
}

fn parse(c: &mut Criterion) {
    let tf = large_tf();
    let yaml = large_yaml();
    let json = large_json();
    // The inputs must parse, or the benchmark would time the error path.
    ctlint::parse::hcl::parse(&tf, FileId(0)).expect("large .tf parses");
    ctlint::parse::yaml::parse(&yaml, FileId(0)).expect("large YAML parses");
    ctlint::parse::json::parse(&json, FileId(0)).expect("large JSON parses");

    let mut g = c.benchmark_group("parse");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Bytes(tf.len() as u64));
    g.bench_function("hcl", |b| {
        b.iter(|| ctlint::parse::hcl::parse(black_box(&tf), FileId(0)))
    });
    g.throughput(Throughput::Bytes(yaml.len() as u64));
    g.bench_function("yaml", |b| {
        b.iter(|| ctlint::parse::yaml::parse(black_box(&yaml), FileId(0)))
    });
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("json", |b| {
        b.iter(|| ctlint::parse::json::parse(black_box(&json), FileId(0)))
    });
    g.finish();
}

criterion_group!(benches, lint_examples, lint_corpus, parse);
criterion_main!(benches);
