//! Rules: the catalogue (data files in `rules/`), its loader, and the engine that evaluates it on
//! the model. Rules select model values with JSONPath and test them with predicates; what a
//! JSONPath cannot say is a named Rust builtin.

pub mod builtins;
pub mod describe;
pub mod docs;
pub mod eval;
pub mod predicate;
pub mod registry;
pub mod spec;
pub mod whole_scan;

pub use registry::{Registry, Rule, RuleError, Target};
