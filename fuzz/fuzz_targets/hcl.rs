//! HCL parser (hcl-edit) on the input as lossy UTF-8: no panic, the error's span inside the text.
#![no_main]

use ctlint::parse::hcl;
use ctlint::source::FileId;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = hcl::parse(&text, FileId(0)) {
        common::check_span(&text, e.span);
    }
});
