//! The operator as its own process (`team-operator run`) against the real control plane,
//! authenticated as the chart's ServiceAccount with the RBAC `helm template` renders, and the
//! real PostgreSQL server as every Site's database server. Each test has its own namespace
//! and its own operator; every test ends by checking that the server forbade none of the
//! operator's requests.
//!
//! Needs the control plane and PostgreSQL: run through `scripts/test`, or
//! `scripts/with-postgres cargo test -p team-operator --test real_operator`.

mod cluster;
mod common;
mod real;

use cluster::{create_in, degraded_in, eventually, example_in, managed_objects, ready_in};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use real::scene::{Scene, database_exists, database_of, first_difference, is_generated, key};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use team_api::labels::SECRETS_DIGEST as SECRETS_DIGEST_ANNOTATION;
use team_api::{Connect, Flightdeck, PostgresDatabase, Site};
use team_operator::runtime::adopt;
use team_operator::runtime::apply::{APPLIED_HASH_ANNOTATION, KEEP_ON_DELETE, contains};
use team_operator::runtime::kinds::Addressed;
use team_operator::runtime::kinds::Kind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_site_converges_to_what_render_prints_becomes_ready_and_rests() {
    let scene = Scene::start("converge").await;
    let (site, documents) = scene.create_site("minimal.yaml", "c").await;
    let expected = scene.converged(&site, &documents).await;

    let live = managed_objects(scene.admin(), &scene.ns).await;
    for object in expected.iter().filter(|o| !is_generated(o)) {
        let key = key(object);
        let wanted = object;
        assert!(
            contains(&live[&key], wanted),
            "{key} differs from what render prints at {}",
            first_difference(&live[&key], wanted, String::new())
        );
    }

    // Not Ready before its workloads are; Ready once they report available.
    let (status, _, _) = eventually("the Site to report a status", 60, || {
        ready_in::<Site>(scene.admin(), &scene.ns, &site)
    })
    .await;
    assert_eq!(status, "False");
    cluster::mark_workloads_available(scene.admin(), &scene.ns).await;
    eventually("the Site to become Ready", 60, || async {
        ready_in::<Site>(scene.admin(), &scene.ns, &site)
            .await
            .filter(|(s, _, _)| s == "True")
    })
    .await;

    // At rest: two resyncs (10 s each) and the watches' traffic, and not one write.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mark = scene.real.plane.audit_mark();
    tokio::time::sleep(Duration::from_secs(25)).await;
    let reads = real::requests_of(&scene.real.plane, mark, &scene.identity.user).len();
    assert_eq!(
        scene.writes_since(mark),
        Vec::<String>::new(),
        "the operator wrote at rest"
    );
    assert!(
        scene.operators[0].log_text().matches("reconciled").count() > 0 || reads > 0,
        "the operator did nothing at all during the resyncs"
    );
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_is_repaired_removed_fields_disappear_and_disabled_features_are_pruned() {
    let scene = Scene::start("drift").await;
    let (site, documents) = scene.create_site("minimal.yaml", "d").await;
    scene.converged(&site, &documents).await;
    let name = format!("{site}-connect");

    // A hand edit is reverted.
    let configmaps = scene.api::<ConfigMap>();
    let original = configmaps.get(&name).await.unwrap().data.unwrap();
    let edit = json!({"data": {"rstudio-connect.gcfg": "[Server]\nAddress = https://elsewhere\n"}});
    configmaps
        .patch(&name, &PatchParams::default(), &Patch::Merge(&edit))
        .await
        .unwrap();
    eventually("the ConfigMap edit to be reverted", 30, || async {
        (configmaps.get(&name).await.unwrap().data.unwrap() == original).then_some(())
    })
    .await;

    // A deleted child comes back.
    let services = scene.api::<Service>();
    services
        .delete(&name, &DeleteParams::default())
        .await
        .unwrap();
    eventually("the deleted Service to come back", 30, || async {
        services.get_opt(&name).await.unwrap().map(|_| ())
    })
    .await;

    // A field the operator stops setting disappears from the live object (server-side apply
    // removes what its manager no longer applies), while fields of other managers stay.
    let sites = scene.api::<Site>();
    let with = json!({"spec": {"ingressAnnotations": {"example.com/added": "yes"}}});
    sites
        .patch(&site, &PatchParams::default(), &Patch::Merge(&with))
        .await
        .unwrap();
    let ingresses = scene.api::<Ingress>();
    eventually("the annotation on the Ingress", 30, || async {
        let ingress = ingresses.get(&name).await.unwrap();
        ingress
            .annotations()
            .contains_key("example.com/added")
            .then_some(())
    })
    .await;
    let theirs = json!({"metadata": {"annotations": {"example.com/theirs": "kept"}}});
    ingresses
        .patch(
            &name,
            &PatchParams::apply("someone-else"),
            &Patch::Apply(
                &json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": name, "annotations": theirs["metadata"]["annotations"]}}),
            ),
        )
        .await
        .unwrap();
    let without = json!({"spec": {"ingressAnnotations": null}});
    sites
        .patch(&site, &PatchParams::default(), &Patch::Merge(&without))
        .await
        .unwrap();
    eventually("the annotation to be removed", 30, || async {
        let ingress = ingresses.get(&name).await.unwrap();
        (!ingress.annotations().contains_key("example.com/added")).then_some(ingress)
    })
    .await;
    let ingress = ingresses.get(&name).await.unwrap();
    assert_eq!(
        ingress
            .annotations()
            .get("example.com/theirs")
            .map(String::as_str),
        Some("kept"),
        "another manager's field was removed"
    );

    // Network policies and Flightdeck come with the Site's settings and go with them.
    let policies = scene.api::<NetworkPolicy>();
    let trust = json!({"spec": {"networkTrust": 50}});
    sites
        .patch(&site, &PatchParams::default(), &Patch::Merge(&trust))
        .await
        .unwrap();
    eventually("NetworkPolicies for networkTrust 50", 30, || async {
        let count = policies
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len();
        (count > 0).then_some(())
    })
    .await;
    assert!(
        scene
            .api::<Flightdeck>()
            .get_opt(&site)
            .await
            .unwrap()
            .is_some()
    );
    let off = json!({"spec": {"networkTrust": 100, "flightdeck": {"enabled": false}}});
    sites
        .patch(&site, &PatchParams::default(), &Patch::Merge(&off))
        .await
        .unwrap();
    eventually(
        "the NetworkPolicies and the Flightdeck to be pruned",
        30,
        || async {
            let count = policies
                .list(&ListParams::default())
                .await
                .unwrap()
                .items
                .len();
            let flightdeck = scene.api::<Flightdeck>().get_opt(&site).await.unwrap();
            (count == 0 && flightdeck.is_none()).then_some(())
        },
    )
    .await;
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_with_our_name_but_not_our_label_is_left_alone_and_reported() {
    let scene = Scene::start("foreign").await;
    let site = cluster::unique_site("f");
    let foreign_name = format!("{site}-connect");
    let mut foreign = ConfigMap::default();
    foreign.metadata.name = Some(foreign_name.clone());
    foreign.data = Some([("owner".to_string(), "someone else".to_string())].into());
    scene
        .api::<ConfigMap>()
        .create(&PostParams::default(), &foreign)
        .await
        .unwrap();
    let documents = example_in(
        &scene.ns,
        "minimal.yaml",
        &site,
        &test_support::postgres().admin_url(),
    );
    create_in(scene.admin(), &scene.ns, &documents).await;

    let (reason, message) = eventually("Connect to report the foreign ConfigMap", 60, || {
        degraded_in::<Connect>(scene.admin(), &scene.ns, &site)
    })
    .await;
    assert_eq!(reason, "ForeignObject");
    assert!(
        message.contains(&format!("ConfigMap/{}/{foreign_name}", scene.ns)),
        "{message}"
    );
    let untouched = scene.api::<ConfigMap>().get(&foreign_name).await.unwrap();
    assert_eq!(untouched.data.as_ref().unwrap()["owner"], "someone else");
    assert!(
        untouched
            .labels()
            .get("app.kubernetes.io/managed-by")
            .is_none()
    );
    assert!(
        scene
            .api::<Service>()
            .get_opt(&foreign_name)
            .await
            .unwrap()
            .is_some(),
        "the rest of Connect is applied anyway"
    );
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_site_collects_its_children_and_keeps_data_and_databases() {
    let scene = Scene::start("delete").await;
    let (site, documents) = scene.create_site("minimal.yaml", "g").await;
    let expected = scene.converged(&site, &documents).await;
    let databases = scene.api::<PostgresDatabase>();
    let pgdb = eventually("the Connect database to be provisioned", 60, || async {
        let pgdb = databases
            .get_opt(&format!("{site}-connect"))
            .await
            .unwrap()?;
        let ready =
            ready_in::<PostgresDatabase>(scene.admin(), &scene.ns, &pgdb.name_any()).await?;
        (ready.0 == "True").then_some(pgdb)
    })
    .await;
    let database = database_of(&pgdb);
    assert!(database_exists(&database).await);

    scene
        .api::<Site>()
        .delete(&site, &DeleteParams::foreground())
        .await
        .unwrap();
    // The garbage collector removes everything owned by the Site, down the chain; what is
    // marked to be kept (data claims, generated keys) has no owner and stays.
    let is_kept = |o: &&Value| o["metadata"]["annotations"][KEEP_ON_DELETE] == "true";
    let owned: BTreeSet<String> = expected.iter().filter(|o| !is_kept(o)).map(key).collect();
    let kept: BTreeSet<String> = expected.iter().filter(is_kept).map(key).collect();
    assert!(
        kept.iter().any(|k| k.starts_with("Secret/"))
            && kept.iter().any(|k| k.starts_with("PersistentVolumeClaim/")),
        "minimal.yaml has generated keys and data volumes: {kept:?}"
    );
    eventually("the Site's children to be collected", 120, || async {
        let live: BTreeSet<String> = managed_objects(scene.admin(), &scene.ns)
            .await
            .into_keys()
            .collect();
        let left: Vec<&String> = owned.intersection(&live).collect();
        let site_gone = scene.api::<Site>().get_opt(&site).await.unwrap().is_none();
        (left.is_empty() && site_gone).then_some(())
    })
    .await;
    let live: BTreeSet<String> = managed_objects(scene.admin(), &scene.ns)
        .await
        .into_keys()
        .collect();
    assert!(
        kept.is_subset(&live),
        "kept objects are gone: {:?}",
        kept.difference(&live).collect::<Vec<_>>()
    );
    for doc in documents.iter().filter(|d| d["kind"] == "Secret") {
        let name = doc["metadata"]["name"].as_str().unwrap();
        assert!(
            scene.api::<Secret>().get_opt(name).await.unwrap().is_some(),
            "the user's Secret {name} is kept"
        );
    }
    assert!(
        database_exists(&database).await,
        "the database is kept without dropDatabaseOnTearDown"
    );
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_is_dropped_on_deletion_only_with_teardown_drop() {
    let scene = Scene::start("pgdb").await;
    let pg = test_support::postgres();
    let secrets = scene.api::<Secret>();
    for secret in [
        pg.workload_secret(None),
        test_support::product_secret(None, Some("pw-1")),
    ] {
        secrets
            .create(&PostParams::default(), &secret)
            .await
            .unwrap();
    }
    let databases = scene.api::<PostgresDatabase>();
    let mut names = Vec::new();
    for drop in [true, false] {
        let role = test_support::unique_name(if drop { "real_drop" } else { "real_keep" });
        let name = role.replace('_', "-");
        let pgdb = pg.database_resource(&name, &role, &role, &["app"], drop);
        databases
            .create(&PostParams::default(), &pgdb)
            .await
            .unwrap();
        names.push((name, role, drop));
    }
    for (name, role, _) in &names {
        eventually("the database to be provisioned", 60, || async {
            let ready = ready_in::<PostgresDatabase>(scene.admin(), &scene.ns, name).await?;
            (ready.0 == "True").then_some(())
        })
        .await;
        assert!(database_exists(role).await);
        let live = databases.get(name).await.unwrap();
        assert_eq!(
            live.finalizers(),
            [team_api::postgres_database::POSTGRES_DATABASE_FINALIZER.to_string()],
            "the operator guards teardown with its finalizer"
        );
        databases
            .delete(name, &DeleteParams::default())
            .await
            .unwrap();
    }
    for (name, role, drop) in &names {
        eventually(
            "the PostgresDatabase to be released and deleted",
            60,
            || async {
                databases
                    .get_opt(name)
                    .await
                    .unwrap()
                    .is_none()
                    .then_some(())
            },
        )
        .await;
        assert_eq!(
            database_exists(role).await,
            !drop,
            "{name}: teardown.drop {drop} decides whether the database is dropped"
        );
    }
    scene.finish().await;
}

/// A value the Go operator set and this operator does not.
const GO_ONLY_ANNOTATION: &str = "posit.team/written-by-the-go-operator";

/// `live` as the Go operator leaves it: the same content, without our applied-state
/// annotation, with a field we never set (an annotation, and a key in ConfigMaps), and every
/// field owned by the Go operator's manager through `Update`, as controller-runtime's create
/// and update record it.
fn as_the_go_operator_left_it(live: &Value, manager: &str) -> Value {
    let mut left = live.clone();
    let annotations = left["metadata"]["annotations"].as_object_mut().unwrap();
    annotations.remove(APPLIED_HASH_ANNOTATION);
    annotations.insert(GO_ONLY_ANNOTATION.into(), json!("stale"));
    let mut fields =
        json!({"f:metadata": {"f:annotations": {format!("f:{GO_ONLY_ANNOTATION}"): {}}}});
    if left["kind"] == "ConfigMap" {
        left["data"]["go-only.conf"] = json!("stale");
        adopt::union(&mut fields, &json!({"f:data": {"f:go-only.conf": {}}}));
    }
    for entry in live["metadata"]["managedFields"].as_array().unwrap() {
        if entry["subresource"].is_null() {
            adopt::union(&mut fields, &entry["fieldsV1"]);
        }
    }
    let mut entries: Vec<Value> = live["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["subresource"].is_null())
        .cloned()
        .collect();
    entries.push(json!({"manager": manager, "operation": "Update",
        "apiVersion": live["apiVersion"], "fieldsType": "FieldsV1", "fieldsV1": fields}));
    left["metadata"]["managedFields"] = json!(entries);
    left
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_the_go_operator_made_are_adopted_in_place() {
    let mut scene = Scene::start("takeover").await;
    let (site, documents) = scene.create_site("minimal.yaml", "t").await;
    let expected = scene.converged(&site, &documents).await;
    cluster::mark_workloads_available(scene.admin(), &scene.ns).await;
    eventually("the Site to become Ready", 60, || async {
        ready_in::<Site>(scene.admin(), &scene.ns, &site)
            .await
            .filter(|(s, _, _)| s == "True")
    })
    .await;
    scene.operator().terminate();

    // Turn every object into what the Go operator leaves behind, same names, labels and
    // content (so that only a real difference would change a pod template).
    let go_manager = adopt::PREVIOUS_MANAGERS[0];
    let adopted: Vec<String> = expected
        .iter()
        .filter(|o| !is_generated(o))
        .map(key)
        .collect();
    let live = managed_objects(scene.admin(), &scene.ns).await;
    for name in &adopted {
        let object = &live[name];
        let kind = Kind::lookup(
            object["apiVersion"].as_str().unwrap(),
            object["kind"].as_str().unwrap(),
        )
        .unwrap();
        let api: Api<DynamicObject> =
            Api::namespaced_with(scene.admin().clone(), &scene.ns, &kind.api_resource());
        let left: DynamicObject =
            serde_json::from_value(as_the_go_operator_left_it(object, go_manager)).unwrap();
        let params = PostParams {
            field_manager: Some(go_manager.to_string()),
            ..PostParams::default()
        };
        let written = api
            .replace(&left.name_any(), &params, &left)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(written.annotations().contains_key(GO_ONLY_ANNOTATION));
    }
    let deployments = scene.api::<Deployment>();
    let before = deployments
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    assert!(before.len() >= 3);

    scene.launch();
    let live = eventually("every object to be adopted", 90, || async {
        let live = managed_objects(scene.admin(), &scene.ns).await;
        adopted
            .iter()
            .all(|k| {
                live.get(k).is_some_and(|o| {
                    o["metadata"]["annotations"][APPLIED_HASH_ANNOTATION].is_string()
                })
            })
            .then_some(live)
    })
    .await;
    for name in &adopted {
        let object = &live[name];
        assert!(
            object["metadata"]["annotations"][GO_ONLY_ANNOTATION].is_null()
                && object["data"]["go-only.conf"].is_null(),
            "{name}: a field only the Go operator set was left behind"
        );
        let stale_entries: Vec<&Value> = object["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["operation"] == "Update" && e["subresource"].is_null())
            .collect();
        assert!(stale_entries.is_empty(), "{name}: {stale_entries:?}");
    }
    // Pods are not restarted: the pod templates are exactly what they were (a Deployment's
    // generation also counts annotation changes, so it is not the measure).
    for old in &before {
        let now = deployments.get(&old.name_any()).await.unwrap();
        let (then, after) = (
            serde_json::to_value(&old.spec.as_ref().unwrap().template).unwrap(),
            serde_json::to_value(&now.spec.as_ref().unwrap().template).unwrap(),
        );
        assert!(
            then == after,
            "the pod template of {} changed at {}",
            old.name_any(),
            first_difference(&after, &then, String::new()),
        );
    }
    scene.finish().await;
}

/// Names of the Secrets, ConfigMaps, ServiceAccounts and claims a pod template refers to.
fn references(template: &Value) -> BTreeSet<String> {
    let spec = &template["spec"];
    let mut out = BTreeSet::new();
    let mut add = |kind: &str, name: &Value| {
        if let Some(name) = name.as_str() {
            out.insert(format!("{kind}/{name}"));
        }
    };
    add("ServiceAccount", &spec["serviceAccountName"]);
    for volume in spec["volumes"].as_array().into_iter().flatten() {
        add("Secret", &volume["secret"]["secretName"]);
        add("ConfigMap", &volume["configMap"]["name"]);
        add(
            "PersistentVolumeClaim",
            &volume["persistentVolumeClaim"]["claimName"],
        );
        for source in volume["projected"]["sources"]
            .as_array()
            .into_iter()
            .flatten()
        {
            add("Secret", &source["secret"]["name"]);
            add("ConfigMap", &source["configMap"]["name"]);
        }
    }
    let containers = ["containers", "initContainers"]
        .iter()
        .flat_map(|k| spec[*k].as_array().cloned().unwrap_or_default());
    for container in containers {
        for env in container["env"].as_array().into_iter().flatten() {
            add("Secret", &env["valueFrom"]["secretKeyRef"]["name"]);
            add("ConfigMap", &env["valueFrom"]["configMapKeyRef"]["name"]);
        }
        for from in container["envFrom"].as_array().into_iter().flatten() {
            add("Secret", &from["secretRef"]["name"]);
            add("ConfigMap", &from["configMapRef"]["name"]);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_named_with_63_characters_refers_only_to_objects_that_exist() {
    let scene = Scene::start("long").await;
    let prefix = cluster::unique_site("l");
    let site = format!("{prefix}{}", "x".repeat(63 - prefix.len()));
    assert_eq!(site.len(), 63);
    let documents = example_in(
        &scene.ns,
        "minimal.yaml",
        &site,
        &test_support::postgres().admin_url(),
    );
    create_in(scene.admin(), &scene.ns, &documents).await;
    scene.converged(&site, &documents).await;
    let databases = scene.api::<PostgresDatabase>();
    eventually("every database to be provisioned", 90, || async {
        let all = databases.list(&ListParams::default()).await.unwrap().items;
        let mut ready = 0;
        for pgdb in &all {
            let status =
                ready_in::<PostgresDatabase>(scene.admin(), &scene.ns, &pgdb.name_any()).await;
            ready += usize::from(status.is_some_and(|(s, _, _)| s == "True"));
        }
        (!all.is_empty() && ready == all.len()).then_some(())
    })
    .await;

    let live = managed_objects(scene.admin(), &scene.ns).await;
    let exists = |reference: &String| -> bool {
        live.contains_key(reference)
            || futures::executor::block_on(async {
                let (kind, name) = reference.split_once('/').unwrap();
                let kind = Kind::lookup("v1", kind).expect("a core kind");
                let api: Api<DynamicObject> =
                    Api::namespaced_with(scene.admin().clone(), &scene.ns, &kind.api_resource());
                api.get_opt(name).await.unwrap().is_some()
            })
    };
    let mut missing = Vec::new();
    for (name, object) in &live {
        let template = &object["spec"]["template"];
        if template.is_object() {
            for reference in references(template) {
                if !exists(&reference) {
                    missing.push(format!("{name} refers to {reference}"));
                }
            }
        }
        for rule in object["spec"]["rules"].as_array().into_iter().flatten() {
            for path in rule["http"]["paths"].as_array().into_iter().flatten() {
                let service = format!(
                    "Service/{}",
                    path["backend"]["service"]["name"].as_str().unwrap()
                );
                if !exists(&service) {
                    missing.push(format!("{name} routes to {service}"));
                }
            }
        }
    }
    for (product, url) in flightdeck_probes(&scene.ns, &site) {
        let host = url
            .trim_start_matches("http://")
            .split('.')
            .next()
            .unwrap()
            .to_string();
        if !exists(&format!("Service/{host}")) {
            missing.push(format!("Flightdeck probes {product} at {url}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    scene.finish().await;
}

/// The URLs Flightdeck checks the products' health at, for a Site.
fn flightdeck_probes(namespace: &str, site: &str) -> Vec<(String, String)> {
    let identity = flightdeck::site_source::SiteIdentity {
        name: site.to_string(),
        namespace: namespace.to_string(),
    };
    flightdeck::health::endpoints(&identity, &Default::default())
        .into_iter()
        .map(|(product, url)| (product.name().to_string(), url))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_referenced_secret_rolls_the_pods_that_use_it() {
    let scene = Scene::start("secret").await;
    let (site, documents) = scene.create_site("minimal.yaml", "s").await;
    scene.converged(&site, &documents).await;
    let deployments = scene.api::<Deployment>();
    // What rolls the pods: the pod template's annotations (digests of the referenced
    // Secret values and of the configuration files).
    let digest = |deployment: Deployment| {
        deployment
            .spec
            .unwrap()
            .template
            .metadata
            .unwrap()
            .annotations
            .unwrap_or_default()
    };
    let connect = format!("{site}-connect");
    let first = digest(deployments.get(&connect).await.unwrap());
    assert!(first.contains_key(SECRETS_DIGEST_ANNOTATION));

    let licenses = format!("{site}-posit-licenses");
    let change = json!({"stringData": {"connect.lic": "a renewed license"}});
    scene
        .api::<Secret>()
        .patch(&licenses, &PatchParams::default(), &Patch::Merge(&change))
        .await
        .unwrap();
    let second = eventually("Connect's pods to roll for the new license", 30, || async {
        Some(digest(deployments.get(&connect).await.unwrap())).filter(|d| *d != first)
    })
    .await;

    // The same server under another name: the products' connection details change.
    let pg = test_support::postgres();
    let url = pg
        .admin_url()
        .replace(&format!("@{}:", pg.host), "@localhost:");
    assert_ne!(url, pg.admin_url());
    let change = json!({"stringData": {"main-database-url": url}});
    scene
        .api::<Secret>()
        .patch(
            &format!("{site}-site-secrets"),
            &PatchParams::default(),
            &Patch::Merge(&change),
        )
        .await
        .unwrap();
    eventually(
        "Connect's pods to roll for the new database URL",
        30,
        || async {
            Some(digest(deployments.get(&connect).await.unwrap())).filter(|d| *d != second)
        },
    )
    .await;
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_without_the_charts_rbac_is_told_what_is_missing() {
    let real = real::real().await;
    let nobody = real
        .plane
        .kubeconfig_for(&real::unique("someone-without-rbac"), &[]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_team-operator"))
        .args(["run", "--watch-namespace", "posit-team"])
        .args([
            "--http-address",
            &format!("127.0.0.1:{}", real::free_port()),
        ])
        .env("KUBECONFIG", &nobody)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("may not list") && stderr.contains("namespace posit-team"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
