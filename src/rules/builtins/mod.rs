//! Rust predicates that rules call by name, for requirements a JSONPath and a predicate cannot
//! express (several fields and selectors weighed together). Each returns an [`Outcome`] with its
//! own location and wording.

mod log_retention;
mod management_events;
mod s3_data_events;
mod selectors;

use crate::finding::Verdict;
use crate::model::Resource;
use crate::rules::eval::Ctx;
use crate::source::Span;

/// The result of a check on one target.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Where the finding points.
    pub span: Span,
    /// What was found, in words: "`read_write_type` is \"ReadOnly\"…".
    pub state: String,
    /// Model path of the attribute to blame, for the fingerprint.
    pub attribute: String,
}

impl Outcome {
    /// The requirement holds on `target` (the span is where a pass would be reported).
    pub fn pass(target: &Resource) -> Outcome {
        Outcome {
            verdict: Verdict::Pass,
            span: target.header,
            state: String::new(),
            attribute: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    ManagementEventsComplete,
    S3DataEventsComplete,
    TrailLogsRetained,
}

impl Builtin {
    const ALL: [(&'static str, Builtin); 3] = [
        ("management_events_complete", Builtin::ManagementEventsComplete),
        ("s3_data_events_complete", Builtin::S3DataEventsComplete),
        ("trail_logs_retained", Builtin::TrailLogsRetained),
    ];

    pub fn by_name(name: &str) -> Option<Builtin> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, b)| *b == self).map_or("", |(n, _)| n)
    }

    /// The configuration parameters it reads; the rule that calls it must declare them.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Builtin::TrailLogsRetained => &["min_retention_days"],
            Builtin::ManagementEventsComplete | Builtin::S3DataEventsComplete => &[],
        }
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|(n, _)| *n).collect()
    }

    pub fn call(self, target: &Resource, cx: &Ctx<'_>) -> Outcome {
        match self {
            Builtin::ManagementEventsComplete => management_events::check(target, cx.sources),
            Builtin::S3DataEventsComplete => s3_data_events::check(target, cx.sources),
            Builtin::TrailLogsRetained => log_retention::check(target, cx),
        }
    }
}
