//! Rules: the catalogue (data files in `rules/`), its loader, and the engine that evaluates it on
//! the model. Rules select model values with JSONPath and test them with predicates; what a
//! JSONPath cannot say is a named Rust builtin.

pub(crate) mod builtins;
pub(crate) mod cause;
pub(crate) mod describe;
pub(crate) mod docs;
pub(crate) mod eval;
pub(crate) mod path;
pub(crate) mod predicate;
pub(crate) mod provenance;
pub(crate) mod registry;
pub mod select;
pub(crate) mod spec;
pub(crate) mod unknown_attributes;
pub(crate) mod whole_scan;

pub use registry::{Registry, Rule, Target};

use crate::finding::Finding;
use crate::model::Model;
use crate::source::SourceMap;

/// Evaluate the active rules on a resolved model.
pub fn run(
    active: &[eval::Active<'_>],
    registry: &Registry,
    model: &Model,
    sources: &SourceMap,
    settings: &dyn predicate::ConfigValues,
) -> (Vec<Finding>, eval::Tally) {
    let resolver = crate::resolve::Resolver::new(model);
    let cx = eval::Ctx {
        registry,
        model,
        sources,
        resolver: &resolver,
        config: settings,
        memo: eval::Memo::default(),
    };
    eval::evaluate(active, &cx)
}
