//! Time to build every object of one Workbench (validate, resolve the inputs offline,
//! build: configuration files, templates data, Deployment, ...) for the Workbench derived
//! from `examples/everything.yaml` (every option) and `examples/minimal.yaml`. Run with
//! `cargo bench -p team-desired --bench render_workbench`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use team_api::manifest::{self, Resource};
use team_desired::Environment;
use team_desired::object::Object;
use team_desired::{inputs, render, workbench};

fn workbench_of(example: &str) -> (team_api::Workbench, inputs::SecretData) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(example);
    let text = std::fs::read_to_string(&path).expect("example exists");
    let resources: Vec<Resource> = manifest::read_all(&text)
        .expect("example is valid")
        .into_iter()
        .map(|d| d.resource)
        .collect();
    let rendered =
        render::render(&resources, "posit-team", &Environment::default()).expect("renders");
    let workbench = rendered
        .objects()
        .find_map(|d| match &d.object {
            Object::Workbench(w) => Some((**w).clone()),
            _ => None,
        })
        .expect("the Site derives a Workbench");
    (workbench, render::secret_data(&resources, "posit-team"))
}

fn build_workbench(c: &mut Criterion) {
    let environment = Environment::default();
    for example in ["everything.yaml", "minimal.yaml"] {
        let (resource, secrets) = workbench_of(example);
        let run = || {
            let validated = workbench::validate(black_box(&resource), "posit-team").unwrap();
            let resolved =
                inputs::resolve_offline(&workbench::requirements(&validated), &secrets).unwrap();
            workbench::build(&validated, &resolved.inputs, &environment).unwrap()
        };
        let objects = run().len();
        c.bench_function(
            &format!("workbench of {example} ({objects} objects)"),
            |b| b.iter(run),
        );
    }
}

criterion_group!(benches, build_workbench);
criterion_main!(benches);
