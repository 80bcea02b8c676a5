//! Site storage: PersistentVolumes on FSx for OpenZFS or NFS, the Job that creates the
//! per-product directories on them, and the shared-directory claim.

use super::ValidatedSite;
use crate::labels;
use crate::meta;
use crate::names;
use crate::object::{Desired, Object};
use crate::pod::{self, Volumes};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, ConfigMap, Container, NFSVolumeSource, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeSpec, PodSecurityContext,
    PodSpec, PodTemplateSpec, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;
use team_api::enums::VolumeSourceType;

/// Image of the directory-creating Job (also the pre-pull DaemonSet's idle container).
pub const BUSYBOX: &str = "public.ecr.aws/docker/library/busybox";
const SCRIPT: &str = "subdir-provisioner.sh";
const SCRIPT_TEXT: &str = "#!/bin/sh\n# Creates each directory given as an argument.\nset -eu\nfor dir in \"$@\"; do\n  echo \"Creating directory: $dir\"\n  mkdir -p -- \"$dir\"\ndone\n";
/// Label of PersistentVolumes: they are cluster-scoped, so the Site's namespace is recorded.
pub const SITE_NAMESPACE_LABEL: &str = "posit.team/site-namespace";

struct Layout {
    /// (volume name, storage class, subdirectory or "" for the root, size)
    volumes: Vec<(String, String, String, &'static str)>,
    root_class: String,
}

fn layout(site: &ValidatedSite) -> Option<Layout> {
    let name = site.name();
    let nfs = match site.spec.volume_source.type_ {
        VolumeSourceType::FsxZfs => false,
        VolumeSourceType::Nfs => true,
        VolumeSourceType::Unset | VolumeSourceType::AzureNetapp => return None,
    };
    let class = |volume: &str| {
        if nfs {
            names::fit(&format!("{volume}-nfs"))
        } else {
            volume.to_string()
        }
    };
    let mut subdirs = vec!["connect", "workbench", "workbench-shared-storage"];
    if !site.spec.shared_directory.is_empty() {
        subdirs.push("shared");
    }
    let mut volumes = vec![(name.to_string(), class(name), String::new(), "1Gi")];
    for subdir in subdirs {
        let volume = names::child(name, subdir);
        volumes.push((volume.clone(), class(&volume), subdir.to_string(), "10Gi"));
    }
    Some(Layout {
        root_class: class(name),
        volumes,
    })
}

/// The storage objects of a Site.
pub fn objects(site: &ValidatedSite) -> Vec<Desired> {
    let mut out = Vec::new();
    if let Some(layout) = layout(site) {
        for (volume, class, subdir, size) in &layout.volumes {
            out.push(Desired::create_once(persistent_volume(
                site, volume, class, subdir, size,
            )));
        }
        out.extend(subdir_creator(site, &layout));
    }
    if let Some(claim) = shared_claim(site) {
        out.push(Desired::apply(claim));
    }
    out
}

fn persistent_volume(
    site: &ValidatedSite,
    name: &str,
    class: &str,
    subdir: &str,
    size: &str,
) -> Object {
    let source = &site.spec.volume_source;
    let mut labels = site.labels.full();
    labels.insert(
        SITE_NAMESPACE_LABEL.to_string(),
        names::label_value(site.namespace()),
    );
    let mut spec = PersistentVolumeSpec {
        access_modes: Some(vec!["ReadWriteMany".to_string()]),
        capacity: Some(BTreeMap::from([(
            "storage".to_string(),
            Quantity(size.to_string()),
        )])),
        persistent_volume_reclaim_policy: Some("Retain".to_string()),
        storage_class_name: Some(class.to_string()),
        ..PersistentVolumeSpec::default()
    };
    if source.type_ == VolumeSourceType::FsxZfs {
        let path = if subdir.is_empty() {
            "fsx/".to_string()
        } else {
            format!("fsx/{}/{subdir}", site.name())
        };
        spec.mount_options = Some(mount_options("4.2"));
        spec.csi = Some(CSIPersistentVolumeSource {
            driver: "fsx.openzfs.csi.aws.com".to_string(),
            volume_handle: source.volume_id.clone(),
            volume_attributes: Some(BTreeMap::from([
                ("DNSName".to_string(), source.dns_name.clone()),
                ("ResourceType".to_string(), "volume".to_string()),
                ("VolumePath".to_string(), path),
            ])),
            ..CSIPersistentVolumeSource::default()
        });
    } else {
        let root = nfs_root(&source.dns_name);
        let path = if subdir.is_empty() {
            root.to_string()
        } else {
            format!("{}/{}/{subdir}", root.trim_end_matches('/'), site.name())
        };
        spec.mount_options = Some(mount_options("4.1"));
        spec.nfs = Some(NFSVolumeSource {
            server: source.dns_name.clone(),
            path,
            read_only: None,
        });
    }
    // Cluster-scoped: a namespaced Site cannot own it, and it is retained on deletion.
    Object::PersistentVolume(Box::new(PersistentVolume {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        spec: Some(spec),
        status: None,
    }))
}

/// FSx for OpenZFS servers export `/fsx`; other NFS servers are mounted at their root.
fn nfs_root(dns_name: &str) -> &'static str {
    if dns_name.starts_with("fs-") && dns_name.contains(".fsx.") {
        "/fsx"
    } else {
        "/"
    }
}

fn mount_options(version: &str) -> Vec<String> {
    vec![
        format!("nfsvers={version}"),
        "rsize=1048576".to_string(),
        "wsize=1048576".to_string(),
        "timeo=600".to_string(),
    ]
}

/// The claim on the root volume, the script, and the Job running it. The Job is named
/// after a hash of what it does, so it runs once per change, not once per reconcile.
fn subdir_creator(site: &ValidatedSite, layout: &Layout) -> Vec<Desired> {
    let name = site.name();
    let helper = names::child(name, "subdir");
    let labels = site.labels.full();
    let mut out = vec![
        Desired::apply(Object::PersistentVolumeClaim(Box::new(
            PersistentVolumeClaim {
                metadata: meta::owned(&helper, &site.owner, labels.clone()),
                spec: Some(PersistentVolumeClaimSpec {
                    access_modes: Some(vec!["ReadWriteMany".to_string()]),
                    storage_class_name: Some(layout.root_class.clone()),
                    volume_name: Some(name.to_string()),
                    resources: Some(VolumeResourceRequirements {
                        requests: Some(BTreeMap::from([(
                            "storage".to_string(),
                            Quantity("1Gi".to_string()),
                        )])),
                        limits: None,
                    }),
                    ..PersistentVolumeClaimSpec::default()
                }),
                status: None,
            },
        ))),
        Desired::apply(Object::ConfigMap(Box::new(ConfigMap {
            metadata: meta::owned(&helper, &site.owner, labels.clone()),
            data: Some(BTreeMap::from([(
                SCRIPT.to_string(),
                SCRIPT_TEXT.to_string(),
            )])),
            ..ConfigMap::default()
        }))),
    ];
    if site.spec.volume_subdir_job_off {
        return out;
    }
    let args: Vec<String> = layout
        .volumes
        .iter()
        .filter(|(_, _, subdir, _)| !subdir.is_empty())
        .map(|(_, _, subdir, _)| format!("/mnt/{name}/{subdir}"))
        .collect();
    let fingerprint = format!("{SCRIPT_TEXT}\n{BUSYBOX}\n{helper}\n{}", args.join("\n"));
    let job_name = names::child(name, &format!("subdir-{}", names::short_hash(&fingerprint)));
    let mut volumes = Volumes::new();
    volumes
        .volume(pod::config_map(
            "script",
            &helper,
            &[(SCRIPT, SCRIPT)],
            Some(0o755),
        ))
        .mount("script", &format!("/{SCRIPT}"), Some(SCRIPT), true)
        .volume(pod::claim("root", &helper, false))
        .mount("root", "/mnt/", None, false);
    let (pod_volumes, mounts) = volumes.finish();
    out.push(Desired::create_once(Object::Job(Box::new(Job {
        metadata: meta::owned(&job_name, &site.owner, labels),
        spec: Some(JobSpec {
            backoff_limit: Some(6),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels::of([
                        (labels::MANAGED_BY, labels::OPERATOR),
                        (labels::SITE, &site.labels.site),
                        (labels::COMPONENT, "site"),
                    ])),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    restart_policy: Some("OnFailure".to_string()),
                    enable_service_links: Some(false),
                    automount_service_account_token: Some(false),
                    // The file servers' exports are owned by root.
                    security_context: Some(PodSecurityContext {
                        run_as_user: Some(0),
                        ..PodSecurityContext::default()
                    }),
                    containers: vec![Container {
                        name: "subdir-maker".to_string(),
                        image: Some(BUSYBOX.to_string()),
                        command: Some(vec![format!("/{SCRIPT}")]),
                        args: Some(args),
                        volume_mounts: Some(mounts),
                        ..Container::default()
                    }],
                    volumes: Some(pod_volumes),
                    ..PodSpec::default()
                }),
            },
            ..JobSpec::default()
        }),
        status: None,
    }))));
    out
}

/// The shared-directory claim `<site>-shared`, kept when the Site is deleted.
fn shared_claim(site: &ValidatedSite) -> Option<Object> {
    if site.spec.shared_directory.is_empty() {
        return None;
    }
    let name = names::child(site.name(), "shared");
    let (class, volume_name) = match site.spec.volume_source.type_ {
        VolumeSourceType::FsxZfs => (name.clone(), name.clone()),
        VolumeSourceType::Nfs => (names::fit(&format!("{name}-nfs")), name.clone()),
        VolumeSourceType::AzureNetapp => ("azure-netapp-files".to_string(), String::new()),
        VolumeSourceType::Unset => (String::new(), String::new()),
    };
    let volume = team_api::shared::VolumeSpec {
        create: true,
        access_modes: vec![team_api::enums::AccessMode::ReadWriteMany],
        volume_name,
        storage_class_name: class,
        size: "10Gi".to_string(),
        ..Default::default()
    };
    Some(crate::product::claim(
        &name,
        site.namespace(),
        site.labels.full(),
        &volume,
        "10Gi",
    ))
}
