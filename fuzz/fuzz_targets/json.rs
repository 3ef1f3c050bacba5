//! Strict JSON parser on the input as lossy UTF-8: no panic, spans inside the text on character
//! boundaries.
#![no_main]

use ctlint::parse::json;
use ctlint::source::FileId;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let result = json::parse(&text, FileId(0));
    common::check_result(&text, &result);
});
