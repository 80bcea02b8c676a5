//! Chronicle: a `Chronicle` resource to its Kubernetes objects (configuration, accounts,
//! the server StatefulSet and its Service).

use crate::error::{BuildError, Problems};
use crate::labels::ComponentLabels;
use crate::meta::{self, Owner};
use crate::names::ProductNames;
use crate::object::{Desired, Object};
use crate::pod::{self, Volumes};
use crate::{product, validate, web};
use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{ConfigMap, Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;
use team_api::chronicle::ChronicleConfig;
use team_api::{Chronicle, ChronicleSpec};
use team_config::{Gcfg, GcfgError};

pub const HTTP_PORT: i32 = 5252;
pub const PROFILING_PORT: i32 = 3030;
const GCFG: &str = "posit-chronicle.gcfg";
const CONFIG_DIR: &str = "/etc/posit-chronicle";

/// A Chronicle resource that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedChronicle {
    pub owner: Owner,
    pub names: ProductNames,
    pub labels: ComponentLabels,
    pub spec: ChronicleSpec,
}

/// Checks a Chronicle resource.
pub fn validate(chronicle: &Chronicle, namespace: &str) -> Result<ValidatedChronicle, BuildError> {
    let name = chronicle.metadata.name.clone().unwrap_or_default();
    let mut problems = Problems::new();
    validate::product(
        &mut problems,
        &name,
        &chronicle.spec.image,
        &Default::default(),
        &chronicle.spec.node_selector,
    );
    validate::env_names(&mut problems, "spec.addEnv", chronicle.spec.add_env.keys());
    let local = chronicle
        .spec
        .config
        .local_storage
        .as_ref()
        .filter(|l| l.enabled);
    problems.check(
        local.is_some_and(|l| !l.location.starts_with('/')),
        "spec.config.LocalStorage.Location",
        "required with LocalStorage.Enabled: an absolute path",
    );
    let names = ProductNames::new(&name, "chronicle");
    let validated = ValidatedChronicle {
        owner: Owner::team("Chronicle", &chronicle.metadata, namespace),
        labels: ComponentLabels::new("chronicle", &names.component, &name),
        names,
        spec: chronicle.spec.clone(),
    };
    problems.finish(&format!("Chronicle {namespace}/{name}"), validated)
}

/// Renders `posit-chronicle.gcfg`.
pub fn render(config: &ChronicleConfig) -> Result<String, GcfgError> {
    let mut file = Gcfg::new();
    if let Some(s) = &config.http {
        file.section("Http").string("Listen", &s.listen);
    }
    if let Some(s) = &config.metrics {
        file.section("Metrics")
            .bool("Enabled", s.enabled)
            .string("Listen", &s.listen);
    }
    if let Some(s) = &config.profiling {
        file.section("Profiling")
            .bool("Enabled", s.enabled)
            .string("Listen", &s.listen);
    }
    if let Some(s) = &config.s3_storage {
        file.section("S3Storage")
            .bool("Enabled", s.enabled)
            .string("Bucket", &s.bucket)
            .string("Region", &s.region)
            .string("Prefix", &s.prefix);
    }
    if let Some(s) = &config.local_storage {
        file.section("LocalStorage")
            .bool("Enabled", s.enabled)
            .string("Location", &s.location);
    }
    if let Some(s) = &config.logging {
        file.section("Logging")
            .string("ServiceLog", &s.service_log)
            .string("ServiceLogLevel", &s.service_log_level)
            .string("ServiceLogFormat", &s.service_log_format);
    }
    file.finish()
}

/// Every object of a Chronicle, in apply order.
pub fn build(chronicle: &ValidatedChronicle) -> Result<Vec<Desired>, BuildError> {
    let spec = &chronicle.spec;
    let owner = &chronicle.owner;
    let names = &chronicle.names;
    let labels = chronicle.labels.full();
    let gcfg = render(&spec.config).map_err(|source| BuildError::ConfigFile {
        resource: format!("Chronicle {}/{}", owner.namespace, owner.name),
        file: GCFG.to_string(),
        source,
    })?;
    let data = BTreeMap::from([(GCFG.to_string(), gcfg)]);
    let config_hash = team_config::config_hash(data.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let irsa = |role: &str| {
        product::irsa(
            &spec.aws_account_id,
            &spec.cluster_date,
            &spec.workload_compound_name,
            role,
            Some(&owner.name),
        )
    };

    let mut volumes = Volumes::new();
    volumes
        .volume(pod::config_map(
            "config-volume",
            &names.component,
            &[],
            None,
        ))
        .mount(
            "config-volume",
            &format!("{CONFIG_DIR}/{GCFG}"),
            Some(GCFG),
            true,
        );
    if let Some(local) = spec.config.local_storage.as_ref().filter(|l| l.enabled) {
        volumes.volume(pod::empty_dir("local-storage")).mount(
            "local-storage",
            &local.location,
            None,
            false,
        );
    }
    let (pod_volumes, mounts) = volumes.finish();
    let statefulset = StatefulSet {
        metadata: meta::owned(&names.component, owner, labels.clone()),
        spec: Some(StatefulSetSpec {
            replicas: Some(1),
            // The headless name of the set is its own Service.
            service_name: Some(names.component.clone()),
            selector: LabelSelector {
                match_labels: Some(chronicle.labels.selector()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels.clone()),
                    annotations: Some(BTreeMap::from([(
                        "chronicle.posit.team/configmap-sha".to_string(),
                        config_hash,
                    )])),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    enable_service_links: Some(false),
                    node_selector: pod::non_empty(&spec.node_selector),
                    image_pull_secrets: pod::pull_secrets(&spec.image_pull_secrets),
                    service_account_name: Some(names.component.clone()),
                    containers: vec![Container {
                        name: "chronicle-server".to_string(),
                        image: Some(spec.image.clone()),
                        command: Some(vec!["/chronicle".to_string()]),
                        args: Some(vec![
                            "start".to_string(),
                            "-c".to_string(),
                            format!("{CONFIG_DIR}/{GCFG}"),
                        ]),
                        env: Some(pod::add_env(&spec.add_env).collect()),
                        ports: Some(vec![
                            pod::port("http", HTTP_PORT),
                            pod::port("profile", PROFILING_PORT),
                        ]),
                        volume_mounts: Some(mounts),
                        ..Container::default()
                    }],
                    volumes: Some(pod_volumes),
                    ..PodSpec::default()
                }),
            },
            ..StatefulSetSpec::default()
        }),
        status: None,
    };
    let mut out = vec![
        Desired::apply(Object::ConfigMap(Box::new(ConfigMap {
            metadata: meta::owned(&names.component, owner, labels.clone()),
            data: Some(data),
            ..ConfigMap::default()
        }))),
        Desired::apply(product::service_account(
            &names.component,
            owner,
            labels.clone(),
            irsa("chr"),
            &[],
        )),
        Desired::apply(product::service_account(
            &names.with("read-only"),
            owner,
            labels.clone(),
            irsa("chr-ro"),
            &[],
        )),
        Desired::apply(Object::StatefulSet(Box::new(statefulset))),
        Desired::apply(web::service(
            &names.component,
            owner,
            labels,
            chronicle.labels.selector(),
            &[web::Port {
                name: "http",
                port: 80,
                target: "http",
            }],
            BTreeMap::new(),
        )),
    ];
    crate::object::sort_for_apply(&mut out);
    Ok(out)
}
