//! The whole per-file pipeline: the input is written as `main.tf`, `template.yaml` and
//! `template.json` in one scratch directory, linted with every default rule (discover → load →
//! adapt → resolve → rules), and the report rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let dir = common::scratch_dir("pipeline");
    for name in ["main.tf", "template.yaml", "template.json"] {
        std::fs::write(dir.join(name), data).expect("write input");
    }
    common::lint_and_render(dir);
});
