//! The `ctlint` binary: a thin shell around [`ctlint::cli::run`].

use std::io::Write;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Workers get 8 MiB stacks: recursive consumers of parsed trees stay safe at the parsers'
    // depth caps.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(8 << 20).build_global();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let code = ctlint::cli::run(std::env::args(), &mut out, &mut err);
    let _ = out.flush();
    std::process::exit(code);
}
