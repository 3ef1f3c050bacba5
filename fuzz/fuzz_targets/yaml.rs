//! YAML parser (CloudFormation flavour): `parse` (first document) and `parse_all` (every
//! document) on the input as lossy UTF-8. Any panic is a bug; so is a span outside the text or
//! splitting a character.
#![no_main]

use ctlint::parse::yaml;
use ctlint::source::FileId;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let first = yaml::parse(&text, FileId(0));
    common::check_result(&text, &first);
    let all = yaml::parse_all(&text, FileId(0));
    match &all {
        Ok(docs) => {
            for d in docs {
                common::check_tree(&text, d);
            }
            // The first document of a stream that parses whole parses alone.
            if let Some(d0) = docs.first() {
                assert!(first.is_ok(), "parse_all succeeded but parse failed: {first:?}");
                assert_eq!(first.as_ref().unwrap().span, d0.span, "parse and parse_all disagree on document 0");
            }
        }
        Err(e) => common::check_span(&text, e.span),
    }
});
