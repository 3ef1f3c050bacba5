//! What a run is asked to do, besides the rule catalogue: paths, configuration, command-line
//! selections and inputs.

use std::path::PathBuf;

use crate::adapt::AdaptOptions;
use crate::config::Config;
use crate::{load, suppress};

/// Everything a run needs besides the rule catalogue.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub config: Config,
    /// `--select` / `--ignore` from the command line, merged with the configuration's.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `--profile`, merged with the configuration's `profiles`.
    pub profiles: Vec<String>,
    /// `--strict`: unknown verdicts are failures.
    pub strict: bool,
    pub max_file_size: u64,
    pub adapt: AdaptOptions,
    /// A `.tf` file named on its own is read with the other files of its directory (its module),
    /// reporting only findings that touch it. Off, it is read alone.
    pub module_context: bool,
    /// Honour `ctlint:ignore` comments and CloudFormation `Metadata` (`--no-inline-ignores`
    /// turns them off).
    pub inline_ignores: bool,
    /// The day `until=` dates are compared with.
    pub today: suppress::Date,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            paths: vec![PathBuf::from(".")],
            config: Config::default(),
            select: Vec::new(),
            ignore: Vec::new(),
            profiles: Vec::new(),
            strict: false,
            max_file_size: load::DEFAULT_MAX_FILE_SIZE,
            adapt: AdaptOptions::default(),
            module_context: true,
            inline_ignores: true,
            today: suppress::today(),
        }
    }
}

impl Options {
    /// Options that run only the given rules (by code or name) on exactly `paths` (no module
    /// context): what rule tests use.
    pub fn only(paths: &[PathBuf], rules: &[&str]) -> Options {
        Options {
            paths: paths.to_vec(),
            select: rules.iter().map(|r| r.to_string()).collect(),
            module_context: false,
            ..Options::default()
        }
    }
}
