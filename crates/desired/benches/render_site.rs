//! Time to render a full Site: every product resource and every object of Connect, Package
//! Manager, Chronicle and Flightdeck, for `examples/everything.yaml` (every optional block)
//! and `examples/minimal.yaml`. Run with `cargo bench -p team-desired`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use team_api::manifest::{self, Resource};
use team_desired::Environment;

fn resources(example: &str) -> Vec<Resource> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(example);
    let text = std::fs::read_to_string(&path).expect("example exists");
    manifest::read_all(&text)
        .expect("example is valid")
        .into_iter()
        .map(|d| d.resource)
        .collect()
}

fn render_site(c: &mut Criterion) {
    let environment = Environment::default();
    for example in ["everything.yaml", "minimal.yaml"] {
        let resources = resources(example);
        let objects = team_desired::render::render(&resources, "posit-team", &environment)
            .expect("renders")
            .objects()
            .count();
        c.bench_function(&format!("render {example} ({objects} objects)"), |b| {
            b.iter(|| {
                team_desired::render::render(black_box(&resources), "posit-team", &environment)
                    .unwrap()
            })
        });
    }
}

criterion_group!(benches, render_site);
criterion_main!(benches);
