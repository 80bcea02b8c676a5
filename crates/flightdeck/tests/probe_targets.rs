//! The landing page probes the Services the operator creates: for a Site name long enough
//! that every derived name is shortened, each health URL's host is a rendered Service, in the
//! Site's namespace, on the port the URL implies.

use flightdeck::health::{ServiceUrls, endpoints};
use flightdeck::site_source::SiteIdentity;
use team_api::manifest;
use team_desired::Environment;
use team_desired::object::Object;
use team_desired::render::render;

/// `name -> ports` of every rendered Service.
fn rendered_services(site_name: &str) -> Vec<(String, String, Vec<i32>)> {
    let example = test_support::workspace_root().join("examples/minimal.yaml");
    let text = std::fs::read_to_string(example).unwrap();
    let resources: Vec<_> =
        manifest::read_all(&text.replace("  name: main\n", &format!("  name: {site_name}\n")))
            .unwrap()
            .into_iter()
            .map(|d| d.resource)
            .collect();
    let rendered = render(&resources, "posit-team", &Environment::default())
        .unwrap_or_else(|e| panic!("{}", e.join("\n")));
    rendered
        .objects()
        .filter_map(|d| match &d.object {
            Object::Service(service) => Some((
                service.metadata.name.clone().unwrap(),
                service.metadata.namespace.clone().unwrap(),
                service
                    .spec
                    .iter()
                    .flat_map(|s| s.ports.iter().flatten())
                    .map(|p| p.port)
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn every_probe_targets_a_rendered_service_for_short_and_shortened_names() {
    for site_name in [
        "main".to_string(),
        format!("s{}", "-x".repeat(31)),
        "l".repeat(100),
    ] {
        let services = rendered_services(&site_name);
        let site = SiteIdentity {
            name: site_name.clone(),
            namespace: "posit-team".into(),
        };
        let probes = endpoints(&site, &ServiceUrls::new());
        assert_eq!(probes.len(), 3, "{probes:?}");
        for (product, url) in probes {
            let authority = url
                .strip_prefix("http://")
                .and_then(|rest| rest.split('/').next())
                .unwrap();
            let (service, namespace) = authority
                .strip_suffix(".svc.cluster.local")
                .and_then(|host| host.split_once('.'))
                .unwrap_or_else(|| panic!("{url}"));
            assert!(
                services.iter().any(|(name, ns, ports)| name == service
                    && ns == namespace
                    && ports.contains(&80)),
                "{product:?} probes {url}, but the rendered Services are {services:?}"
            );
        }
    }
}
