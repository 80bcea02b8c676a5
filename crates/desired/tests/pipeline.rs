//! The per-kind pipeline over every example: each resource builds only kinds it declares it
//! owns (what its controller watches and prunes), in apply order, and the prune selector
//! narrows to the resource's own objects.

use team_api::manifest::{self, Resource};
use team_desired::inputs::resolve_offline;
use team_desired::object::Object;
use team_desired::render::secret_data;
use team_desired::{Built, Environment, Pipeline, site};

fn build<P: Pipeline>(resource: &P, secrets: &team_desired::inputs::SecretData) -> Built {
    let validated = resource.validate("posit-team").unwrap();
    let inputs = resolve_offline(&P::requirements(&validated), secrets)
        .unwrap_or_else(|missing| panic!("{missing:?}"))
        .inputs;
    let built =
        team_desired::pipeline::build::<P>(&validated, &inputs, &Environment::default()).unwrap();
    for desired in &built.objects {
        let owned = desired
            .object
            .metadata()
            .owner_references
            .as_ref()
            .is_some_and(|refs| !refs.is_empty());
        assert!(
            !owned || P::OWNS.contains(&desired.object.kind()),
            "{} builds a {} it does not declare in OWNS",
            P::KIND,
            desired.object.kind()
        );
    }
    let ranks: Vec<u8> = built
        .objects
        .iter()
        .map(|d| d.object.kind().apply_rank)
        .collect();
    assert!(ranks.is_sorted(), "{} objects out of apply order", P::KIND);
    assert!(
        built
            .prune_selector
            .starts_with("app.kubernetes.io/managed-by=team-operator,"),
        "{}: {}",
        P::KIND,
        built.prune_selector
    );
    built
}

#[test]
fn every_example_builds_only_what_its_kinds_own() {
    let examples = test_support::workspace_root().join("examples");
    let mut files: Vec<_> = std::fs::read_dir(examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut products = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let resources: Vec<Resource> = manifest::read_all(&text)
            .unwrap()
            .into_iter()
            .map(|d| d.resource)
            .collect();
        let secrets = secret_data(&resources, "posit-team");
        for resource in &resources {
            let Resource::Site(site) = resource else {
                continue;
            };
            let mut site = site.as_ref().clone();
            site.metadata.uid = Some("00000000-0000-4000-8000-000000000001".into());
            let built = build(&site, &secrets);
            let site_name = site.metadata.name.clone().unwrap();
            assert_eq!(
                built.prune_selector,
                format!("app.kubernetes.io/managed-by=team-operator,posit.team/site={site_name}")
            );
            for product in site::product_resources(&built.objects) {
                let mut product = product.clone();
                product.metadata_mut().uid = Some("00000000-0000-4000-8000-000000000002".into());
                let (selector, product_name) = match &product {
                    Object::Connect(r) => (build(r.as_ref(), &secrets).prune_selector, "connect"),
                    Object::Workbench(r) => {
                        (build(r.as_ref(), &secrets).prune_selector, "workbench")
                    }
                    Object::PackageManager(r) => {
                        (build(r.as_ref(), &secrets).prune_selector, "packagemanager")
                    }
                    Object::Chronicle(r) => {
                        (build(r.as_ref(), &secrets).prune_selector, "chronicle")
                    }
                    Object::Flightdeck(r) => {
                        (build(r.as_ref(), &secrets).prune_selector, "flightdeck")
                    }
                    other => panic!("not a product: {}", other.kind()),
                };
                let component = team_api::names::child(&site_name, product_name);
                assert_eq!(
                    selector,
                    format!(
                        "app.kubernetes.io/managed-by=team-operator,app.kubernetes.io/instance={component}"
                    )
                );
                products += 1;
            }
        }
    }
    assert!(products >= 10, "only {products} products built");
}
