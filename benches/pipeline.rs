//! Placeholder replaced by the benchmark work: times the whole pipeline on the examples.

use criterion::{Criterion, criterion_group, criterion_main};

fn examples(c: &mut Criterion) {
    let registry = ctlint::rules::Registry::load(None).unwrap();
    let opts = ctlint::Options {
        paths: vec!["examples".into()],
        ..ctlint::Options::default()
    };
    c.bench_function("lint examples/", |b| {
        b.iter(|| ctlint::lint(&registry, &opts).findings.len())
    });
}

criterion_group!(benches, examples);
criterion_main!(benches);
