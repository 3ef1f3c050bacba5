//! The command line (docs/cli.md): `ctlint check`, `ctlint rules`, `ctlint explain`.
//!
//! [`run`] parses arguments, loads rules and configuration, runs [`crate::lint`], writes every
//! requested output and returns the exit code: 0 clean, 1 findings at or above `--fail-on`,
//! 2 usage, configuration, rule-loading or parse errors.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::adapt::AdaptOptions;
use crate::config::{self, Config};
use crate::diagnostic::Diagnostic;
use crate::finding::Severity;
use crate::model::{V, Val};
use crate::report::{self, Format, Style};
use crate::rules::Registry;
use crate::{Options, lint};

#[derive(Parser, Debug)]
#[command(
    name = "ctlint",
    version,
    about = "Static compliance linter for the Terraform and CloudFormation that sets up AWS CloudTrail logging"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint files and directories (default: .)
    Check(Box<CheckArgs>),
    /// List rules: code, name, severity, default
    Rules {
        /// Also load the rule files of this directory
        #[arg(long, value_name = "DIR")]
        rules_dir: Option<PathBuf>,
    },
    /// Print the model ctlint builds from the inputs (resources, fields, links) as JSON
    Model {
        /// Files and directories to read
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Show a rule's documentation with good and bad examples (or, with --fields, the model
    /// fields rules can select)
    Explain {
        /// Rule code or name
        #[arg(required_unless_present = "fields")]
        rule: Option<String>,
        /// List every field of every model kind, with its Terraform and CloudFormation names
        #[arg(long, conflicts_with = "rule")]
        fields: bool,
        #[arg(long, value_name = "DIR")]
        rules_dir: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files and directories to lint
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format on stdout: human, json, sarif, junit, github or compact
    #[arg(long, default_value = "human", value_parser = parse_format)]
    format: Format,
    /// Also write FORMAT to FILE (repeatable), e.g. `--output sarif=ctlint.sarif`
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_output)]
    output: Vec<(Format, PathBuf)>,
    /// Configuration file (default: .ctlint.yaml here or in a parent directory)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Only these rules (codes or names, comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    select: Vec<String>,
    /// Skip these rules (codes or names, comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity fails: critical, high, medium, low or
    /// info [default: low]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Show only findings at or above this severity
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// Treat unknown verdicts as failures
    #[arg(long)]
    strict: bool,
    /// Hide the findings recorded in this baseline; report new ones and list stale entries
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (then report as if it were applied)
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Ignore `ctlint:ignore` comments and CloudFormation `Metadata` suppressions
    #[arg(long)]
    no_inline_ignores: bool,
    /// Load extra rule files from this directory
    #[arg(long, value_name = "DIR")]
    rules_dir: Option<PathBuf>,
    /// Set a Terraform variable (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Read Terraform variables from a .tfvars file (repeatable)
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// CloudFormation parameter values (JSON: `[{"ParameterKey":…,"ParameterValue":…}]` or `{"Key": "value"}`)
    #[arg(long, value_name = "FILE")]
    cfn_parameters: Option<PathBuf>,
    /// Turn on the rules of a profile (e.g. `cis`; repeatable)
    #[arg(long = "profile", value_name = "NAME")]
    profiles: Vec<String>,
    /// Colour in human output
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Print findings only, no summary
    #[arg(long, short)]
    quiet: bool,
    /// Skip files larger than this many bytes (reported as CT000)
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE,
          value_parser = parse_max_file_size)]
    max_file_size: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_format(s: &str) -> Result<Format, Diagnostic> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, Diagnostic> {
    s.parse()
}

/// A file size cap: 1 byte up to 4 GiB - 1 (spans are 32-bit offsets).
fn parse_max_file_size(s: &str) -> Result<u64, Diagnostic> {
    let limit = crate::load::MAX_FILE_SIZE_LIMIT;
    match s.parse::<u64>() {
        Ok(n) if (1..=limit).contains(&n) => Ok(n),
        _ => Err(Diagnostic::cli(format!(
            "expected a number of bytes from 1 to {limit} (files are addressed with 32-bit offsets)"
        ))),
    }
}

fn parse_output(s: &str) -> Result<(Format, PathBuf), Diagnostic> {
    let expected = || Diagnostic::cli("expected FORMAT=FILE");
    let (f, path) = s.split_once('=').ok_or_else(expected)?;
    if path.is_empty() {
        return Err(expected());
    }
    Ok((f.parse()?, PathBuf::from(path)))
}

/// Run the command line; returns the exit code.
pub fn run(args: impl IntoIterator<Item = String>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = if e.use_stderr() {
                write!(err, "{e}")
            } else {
                write!(out, "{e}")
            };
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check(*args, out, err),
        Command::Rules { rules_dir } => match Registry::load(rules_dir.as_deref()) {
            Ok(reg) => {
                let _ = writeln!(
                    out,
                    "{:<6} {:<40} {:<9} {:<8} {:<9} TITLE",
                    "CODE", "NAME", "SEVERITY", "DEFAULT", "PROFILES"
                );
                for r in &reg.rules {
                    let default = if r.enabled { "on" } else { "off" };
                    let profiles = if r.profiles.is_empty() {
                        "-".to_string()
                    } else {
                        r.profiles.join(",")
                    };
                    let _ = writeln!(
                        out,
                        "{:<6} {:<40} {:<9} {:<8} {:<9} {}",
                        r.code, r.name, r.severity, default, profiles, r.title
                    );
                }
                0
            }
            Err(e) => {
                let _ = writeln!(err, "error: rule file does not load: {e}");
                2
            }
        },
        Command::Model { paths } => {
            let opts = Options {
                paths,
                ..Options::default()
            };
            let model = crate::build_model(&opts);
            let mut text = serde_json::to_string_pretty(&crate::model::dump::dump(&model)).expect("model serializes");
            text.push('\n');
            let _ = out.write_all(text.as_bytes());
            0
        }
        Command::Explain { fields: true, .. } => {
            let _ = write!(out, "{}", crate::model::schema::markdown());
            0
        }
        Command::Explain { rule, rules_dir, .. } => match Registry::load(rules_dir.as_deref()) {
            Ok(reg) => match reg.get(rule.as_deref().unwrap_or_default()) {
                Some(r) => {
                    let _ = write!(out, "{}", crate::rules::docs::markdown(r, r.severity));
                    0
                }
                None => {
                    let _ = writeln!(
                        err,
                        "error: no rule `{}` (see `ctlint rules`)",
                        rule.unwrap_or_default()
                    );
                    2
                }
            },
            Err(e) => {
                let _ = writeln!(err, "error: rule file does not load: {e}");
                2
            }
        },
    }
}

fn check(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let registry = match Registry::load(args.rules_dir.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: rule file does not load: {e}");
            return 2;
        }
    };
    for id in args.select.iter().chain(&args.ignore) {
        if registry.get(id).is_none() {
            let _ = writeln!(err, "error: unknown rule `{id}` (see `ctlint rules`)");
            return 2;
        }
    }
    for p in &args.profiles {
        if let Some(e) = registry.unknown_profile(p) {
            let _ = writeln!(err, "error: --profile {p}: {e} (see `ctlint rules`)");
            return 2;
        }
    }
    let config_path = args.config.clone().or_else(|| config::find(std::path::Path::new(".")));
    let config = match &config_path {
        Some(p) => match config::load(p, &registry) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(err, "error: invalid configuration: {e}");
                return 2;
            }
        },
        None => Config::default(),
    };
    let adapt = match adapt_options(&args) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let baseline = match &args.baseline {
        Some(path) => match crate::baseline::Baseline::read(path) {
            Ok(b) => Some(b),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 2;
            }
        },
        None => None,
    };
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Low);
    let opts = Options {
        paths: args.paths.clone(),
        config,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        profiles: args.profiles.clone(),
        strict: args.strict,
        max_file_size: args.max_file_size,
        adapt,
        module_context: true,
        inline_ignores: !args.no_inline_ignores,
        ..Options::default()
    };
    let mut report = lint(&registry, &opts);
    // Writing a baseline records everything live now and then applies what was written, so the
    // run that writes it passes (unless a file does not parse).
    let applied = match (&args.write_baseline, baseline) {
        (Some(path), _) => {
            let written = crate::baseline::Baseline::from_report(&report);
            if let Err(e) = written.write(path) {
                let _ = writeln!(err, "error: {e}");
                return 2;
            }
            Some((written, path))
        }
        (None, Some(b)) => Some((b, args.baseline.as_ref().expect("read from this path"))),
        (None, None) => None,
    };
    if let Some((b, path)) = applied {
        report.apply_baseline(&b, &path.display().to_string());
    }
    let code = report.exit_code(fail_on);
    if let Some(min) = args.min_severity {
        // A file that cannot be read is shown whatever the filter: it is why the run exits 2.
        report.findings.retain(|f| f.severity >= min || f.is_parse_error());
    }
    if args.quiet {
        report.summary.notes.clear();
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    };
    for (format, path) in &args.output {
        let text = report::render(
            &report,
            *format,
            Style {
                color: false,
                width: 100,
            },
        );
        if let Err(e) = std::fs::write(path, text) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return 2;
        }
    }
    let mut text = report::render(&report, args.format, Style { color, width: 100 });
    if args.quiet && args.format == Format::Human {
        let summary = report::human::summary(&report);
        if let Some(stripped) = text.strip_suffix(&summary) {
            text = stripped.to_string();
        }
    }
    let _ = out.write_all(text.as_bytes());
    code
}

fn adapt_options(args: &CheckArgs) -> Result<AdaptOptions, Diagnostic> {
    let mut opts = AdaptOptions::default();
    for f in &args.var_files {
        let shown = f.display().to_string();
        let text =
            std::fs::read_to_string(f).map_err(|e| Diagnostic::in_file(&shown, format!("cannot read {shown}: {e}")))?;
        let vars = crate::adapt::terraform::tfvars(&text, &shown)?;
        opts.tf_vars
            .extend(vars.into_iter().map(|(k, v)| (k, v.given_by(shown.clone()))));
    }
    for v in &args.vars {
        let (k, value) = v
            .split_once('=')
            .ok_or_else(|| Diagnostic::cli(format!("--var `{v}`: expected NAME=VALUE")))?;
        opts.tf_vars.insert(
            k.to_string(),
            Val::new(V::Str(value.to_string()), Default::default()).given_by("--var"),
        );
    }
    if let Some(p) = &args.cfn_parameters {
        opts.cfn_parameters = cfn_parameters(p)?;
    }
    Ok(opts)
}

/// Read CloudFormation parameter values in the shapes the AWS CLI and CodePipeline use.
fn cfn_parameters(path: &std::path::Path) -> Result<HashMap<String, String>, Diagnostic> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| Diagnostic::in_file(&shown, format!("cannot read {shown}: {e}")))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Diagnostic {
        file: shown.clone(),
        line: e.line() as u32,
        column: e.column() as u32,
        message: format!("invalid JSON: {e}"),
    })?;
    let wrong = |message: String| Diagnostic::in_file(&shown, message);
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut out = HashMap::new();
    match &json {
        serde_json::Value::Array(items) => {
            for i in items {
                let (Some(k), Some(v)) = (
                    i.get("ParameterKey").and_then(|k| k.as_str()),
                    i.get("ParameterValue").and_then(scalar),
                ) else {
                    return Err(wrong("expected ParameterKey/ParameterValue pairs".into()));
                };
                out.insert(k.to_string(), v);
            }
        }
        serde_json::Value::Object(m) => {
            let m = m.get("Parameters").and_then(|p| p.as_object()).unwrap_or(m);
            for (k, v) in m {
                out.insert(
                    k.clone(),
                    scalar(v).ok_or_else(|| wrong(format!("`{k}` is not a scalar")))?,
                );
            }
        }
        _ => {
            return Err(wrong("expected a list or an object of parameters".into()));
        }
    }
    Ok(out)
}
