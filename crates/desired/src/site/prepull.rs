//! The DaemonSet that pulls every product and session image onto every node ahead of use.

use super::ValidatedSite;
use super::storage::BUSYBOX;
use crate::meta;
use crate::names;
use crate::object::Object;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The images to pull, in a fixed order; empty entries keep their index.
fn images(site: &ValidatedSite) -> Vec<String> {
    let spec = &site.spec;
    let workbench = super::workbench_of(spec);
    let connect = super::connect_of(spec);
    let chronicle = spec.chronicle.as_ref();
    let mut images = vec![
        workbench.image.clone(),
        workbench.default_session_image.clone(),
        connect.image.clone(),
        connect.session_image.clone(),
        chronicle.map(|c| c.image.clone()).unwrap_or_default(),
        chronicle.map(|c| c.agent_image.clone()).unwrap_or_default(),
        super::package_manager_of(spec).image.clone(),
    ];
    images.extend(workbench.extra_session_images.iter().cloned());
    images
}

pub fn daemon_set(site: &ValidatedSite) -> Object {
    let name = names::child(site.name(), "prepull");
    let selector = crate::labels::of([("app", name.as_str())]);
    let mut pod_labels = site.labels.full();
    pod_labels.extend(selector.clone());
    let init_containers: Vec<Container> = images(site)
        .into_iter()
        .enumerate()
        .filter(|(_, image)| !image.is_empty())
        .map(|(index, image)| Container {
            name: format!("pre-pull-container-{index}"),
            command: Some(vec!["echo".to_string()]),
            args: Some(vec![format!("pre-pulling image: {image}")]),
            image: Some(image),
            ..Container::default()
        })
        .collect();
    let tolerations = super::workbench_of(&site.spec).tolerations.clone();
    Object::DaemonSet(Box::new(DaemonSet {
        metadata: meta::owned(&name, &site.owner, site.labels.full()),
        spec: Some(DaemonSetSpec {
            selector: LabelSelector {
                match_labels: Some(selector),
                match_expressions: None,
            },
            update_strategy: Some(DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".to_string()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_unavailable: Some(IntOrString::String("50%".to_string())),
                    max_surge: None,
                }),
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    enable_service_links: Some(false),
                    automount_service_account_token: Some(false),
                    image_pull_secrets: crate::pod::pull_secrets(&site.spec.image_pull_secrets),
                    init_containers: (!init_containers.is_empty()).then_some(init_containers),
                    containers: vec![Container {
                        name: "sleep-forever".to_string(),
                        image: Some(BUSYBOX.to_string()),
                        command: Some(vec![
                            "sh".to_string(),
                            "-c".to_string(),
                            "while true; do echo 'images pulled. sleeping forever'; sleep infinity; done".to_string(),
                        ]),
                        ..Container::default()
                    }],
                    tolerations: (!tolerations.is_empty()).then_some(tolerations),
                    ..PodSpec::default()
                }),
            },
            ..DaemonSetSpec::default()
        }),
        status: None,
    }))
}
