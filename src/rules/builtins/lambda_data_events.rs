//! `lambda_data_events_complete` (CT012): does the trail record Lambda invocation data events
//! (`Invoke`) for every function? Read as `s3_data_events_complete` reads S3 object events, with
//! type `AWS::Lambda::Function` and the all-functions value `arn:<partition>:lambda`. `Invoke` is
//! a write event, so a selector that records writes (`All`, `WriteOnly`, `readOnly = false`)
//! is enough; `ReadOnly` records none of it.

use super::Outcome;
use super::s3_data_events::{DataKind, check_kind};
use crate::model::Resource;
use crate::source::SourceMap;

const LAMBDA: DataKind = DataKind {
    ty: "AWS::Lambda::Function",
    service: "lambda",
    suffixes: &[],
    plural: "functions",
    events: "Lambda invocation events",
    has_reads: false,
    missing: [
        "no Lambda invocation events are recorded for all functions",
        "Lambda invocation events (`Invoke`, a write) are not recorded for all functions",
        "Lambda invocation events are not recorded for all functions",
    ],
};

pub fn check(trail: &Resource, sources: &SourceMap) -> Outcome {
    check_kind(trail, sources, &LAMBDA)
}
