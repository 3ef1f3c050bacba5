//! The hooks of `.pre-commit-hooks.yaml` under the real pre-commit framework (pinned in
//! `requirements-dev.txt`): a repository that uses the `ctlint-system` hook is blocked by a bad
//! trail and passes once it is fixed. The hook repository is a local git repository holding this
//! project's hook file, so nothing is fetched from the network.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = run(Command::new("git")
        .args([
            "-c",
            "user.name=ctlint tests",
            "-c",
            "user.email=tests@ctlint.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn pre_commit(project: &Path, home: &Path, args: &[&str]) -> (Option<i32>, String) {
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_ctlint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let out = run(Command::new("python3")
        .args(["-m", "pre_commit"])
        .args(args)
        .current_dir(project)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .env("PRE_COMMIT_COLOR", "never"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

const TRAIL: &str = r#"resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "log-archive-bucket"
  is_multi_region_trail      = MULTI
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:us-east-1:111122223333:alias/trail"
  cloud_watch_logs_group_arn = "arn:aws:logs:us-east-1:111122223333:log-group:trail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::111122223333:role/trail-to-cwl"

  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
"#;

#[test]
fn the_system_hook_blocks_a_bad_trail_and_passes_a_good_one() {
    let tmp = tempfile::tempdir().unwrap();
    let hooks = tmp.path().join("hooks");
    let project = tmp.path().join("project");
    let home = tmp.path().join("pre-commit-home");
    for d in [&hooks, &project] {
        std::fs::create_dir_all(d).unwrap();
        git(d, &["init", "-q"]);
    }
    std::fs::copy(".pre-commit-hooks.yaml", hooks.join(".pre-commit-hooks.yaml")).unwrap();
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);
    let rev = String::from_utf8(git(&hooks, &["rev-parse", "HEAD"]).stdout).unwrap();

    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: ctlint-system\n",
            hooks.display(),
            rev.trim()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(project.join("infra")).unwrap();
    std::fs::write(project.join("infra/trail.tf"), TRAIL.replace("MULTI", "false")).unwrap();
    // Not ours: passed to the hook by the pattern, and ignored by ctlint.
    std::fs::write(project.join("infra/values.yaml"), "replicas: 2\n").unwrap();
    git(&project, &["add", "."]);

    let (code, out) = pre_commit(&project, &home, &["run", "--all-files"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("infra/trail.tf:4:32"), "{out}");
    assert!(out.contains("CT001(trail-not-multi-region)"), "{out}");

    std::fs::write(project.join("infra/trail.tf"), TRAIL.replace("MULTI", "true")).unwrap();
    git(&project, &["add", "."]);
    let (code, out) = pre_commit(&project, &home, &["run", "--all-files"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Passed"), "{out}");
}
