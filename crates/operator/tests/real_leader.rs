//! Two operator processes electing a leader through the real Lease API: exactly one writes,
//! `kill -9` of the leader hands over within the Lease duration, and the new leader finds
//! everything current (nothing written twice).
//!
//! Needs the control plane and PostgreSQL: run through `scripts/test`, or
//! `scripts/with-postgres cargo test -p team-operator --test real_leader`.

mod cluster;
mod common;
mod real;

use cluster::eventually;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::networking::v1::Ingress;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams};
use real::scene::Scene;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};
use team_api::Site;
use test_support::control_plane::AuditEntry;

/// The default Lease name (the Go operator's) and duration.
const LEASE: &str = "fd877d62.posit.co";
const LEASE_SECONDS: u64 = 15;

/// The credential id the API server audits for the token in a kubeconfig (`JTI=<jti>`).
fn credential_of(kubeconfig: &Path) -> String {
    let text = std::fs::read_to_string(kubeconfig).unwrap();
    let token = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("a token kubeconfig");
    let payload = token.split('.').nth(1).unwrap();
    let mut standard: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    let bytes: k8s_openapi::ByteString = serde_json::from_value(json!(standard)).unwrap();
    let claims: Value = serde_json::from_slice(&bytes.0).unwrap();
    format!("JTI={}", claims["jti"].as_str().unwrap())
}

/// Successful writes other than the Lease's (and Events) in `entries`, by credential.
fn writes_by(entries: &[AuditEntry], credential: &str) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e.is_write() && e.code() < 300)
        .filter(|e| e.user.credential() == Some(credential))
        .filter(|e| {
            let resource = e.object_ref.as_ref().map_or("", |o| o.resource.as_str());
            resource != "leases" && resource != "events"
        })
        .map(AuditEntry::describe)
        .collect()
}

async fn holder(leases: &Api<Lease>) -> Option<String> {
    leases.get_opt(LEASE).await.ok()??.spec?.holder_identity
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_leader_writes_and_a_killed_leader_hands_over_within_the_lease() {
    let mut scene = Scene::empty(real::real().await, "leader", false, true).await;
    scene.launch();
    scene.launch();
    let credentials: Vec<String> = scene
        .operators
        .iter()
        .map(|o| credential_of(&o.kubeconfig))
        .collect();
    let leases: Api<Lease> = Api::namespaced(scene.admin().clone(), &scene.identity.namespace);
    let first = eventually("a leader", 30, || holder(&leases)).await;
    let leader = scene
        .operators
        .iter()
        .position(|o| o.name == first)
        .expect("the holder is one of ours");
    let follower = 1 - leader;

    let (site, documents) = scene.create_site("minimal.yaml", "l").await;
    scene.converged(&site, &documents).await;
    let entries = scene.real.plane.audit_since(scene.start);
    assert!(!writes_by(&entries, &credentials[leader]).is_empty());
    assert_eq!(
        writes_by(&entries, &credentials[follower]),
        Vec::<String>::new(),
        "the standby wrote"
    );

    // kill -9: the Lease is not released, the standby waits for it to expire.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let killed = Instant::now();
    scene.operators[leader].kill();
    let next = scene.operators[follower].name.clone();
    eventually("the standby to take the Lease", 40, || async {
        holder(&leases).await.filter(|h| *h == next)
    })
    .await;
    let handover = killed.elapsed();
    eprintln!("handover after kill -9: {:.1} s", handover.as_secs_f64());
    assert!(
        handover <= Duration::from_secs(LEASE_SECONDS + 4),
        "handover took {handover:?}, more than the Lease duration and a retry"
    );

    // The new leader finds everything current: no object is written again.
    let mark = scene.real.plane.audit_mark();
    tokio::time::sleep(Duration::from_secs(8)).await;
    let after = scene.real.plane.audit_since(mark);
    assert_eq!(
        writes_by(&after, &credentials[follower]),
        Vec::<String>::new(),
        "the new leader rewrote what was current"
    );

    // And it leads: a change to the Site is applied.
    let change = json!({"spec": {"ingressAnnotations": {"example.com/after-handover": "yes"}}});
    scene
        .api::<Site>()
        .patch(&site, &PatchParams::default(), &Patch::Merge(&change))
        .await
        .unwrap();
    let ingresses = scene.api::<Ingress>();
    let connect = format!("{site}-connect");
    eventually("the new leader to apply a change", 30, || async {
        let ingress = ingresses.get(&connect).await.ok()?;
        ingress
            .annotations()
            .contains_key("example.com/after-handover")
            .then_some(())
    })
    .await;
    scene.finish().await;
}
