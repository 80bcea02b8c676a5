//! What needs a control plane of its own: an operator watching every namespace (with the
//! chart's ClusterRole), and kube-apiserver restarted under a running operator.
//!
//! Needs PostgreSQL: run through `scripts/test`, or
//! `scripts/with-postgres cargo test -p team-operator --test real_private`.

mod cluster;
mod common;
mod real;

use cluster::{eventually, ready_in};
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::ListParams;
use real::scene::Scene;
use team_api::Site;

async fn ready(scene: &Scene, site: &str) {
    cluster::mark_workloads_available(scene.admin(), &scene.ns).await;
    eventually("the Site to become Ready", 60, || async {
        ready_in::<Site>(scene.admin(), &scene.ns, site)
            .await
            .filter(|(s, _, _)| s == "True")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watching_every_namespace_with_the_cluster_role() {
    let (real, _plane) = real::private("all-namespaces").await;
    let mut scene = Scene::empty(real, "everywhere", true, true).await;
    scene.launch();
    let (site, documents) = scene.create_site("minimal.yaml", "a").await;
    scene.converged(&site, &documents).await;
    ready(&scene, &site).await;
    scene.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_rides_out_an_api_server_restart_in_the_middle_of_a_reconcile() {
    let (real, _plane) = real::private("restart").await;
    let mut scene = Scene::empty(real, "restart", false, true).await;
    scene.launch();
    let pid = scene.operator().pid();
    let (site, documents) = scene.create_site("minimal.yaml", "r").await;
    // As soon as the first workload exists, the reconcile is under way.
    let deployments = scene.api::<Deployment>();
    eventually("the first Deployment", 60, || async {
        let list = deployments.list(&ListParams::default()).await.ok()?;
        (!list.items.is_empty()).then_some(())
    })
    .await;
    let before = scene.real.plane.audit_mark();
    scene.real.plane.restart_apiserver();
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    scene.excused.push((before, scene.real.plane.audit_mark()));
    scene.converged(&site, &documents).await;
    ready(&scene, &site).await;
    assert!(scene.operator().running(), "the operator exited");
    assert_eq!(scene.operator().pid(), pid, "the operator was restarted");
    scene.finish().await;
}
