//! `--real`: the operator binary as its own process against a real control plane of the
//! benchmark's own (etcd, kube-apiserver, kube-controller-manager from
//! `scripts/control-plane`), with the chart's RBAC. The Sites are created first, then the
//! operator starts; its requests are counted from the API server's audit log.
//!
//! Figures: `writes_first` the operator's object writes until it is quiet (status writes and
//! Events apart), `converge_s` from its start until every Site reports a status, every object
//! is created and no write came for the quiet period, `writes_resync` every write of the
//! operator during a resync period afterwards and `requests_resync` every request but its
//! watches, `peak_rss_mib` the operator process's peak resident memory.

use crate::cluster;
use crate::real::{Operator, RunSpec, Watch, chart_rbac, private, unique};
use futures::StreamExt;
use kube::api::{Api, ListParams};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use team_api::Site;
use test_support::control_plane::AuditEntry;

fn is_status(entry: &AuditEntry) -> bool {
    entry
        .object_ref
        .as_ref()
        .is_some_and(|o| o.subresource == "status")
}

fn is_event(entry: &AuditEntry) -> bool {
    entry
        .object_ref
        .as_ref()
        .is_some_and(|o| o.resource == "events")
}

pub async fn run(sites: usize, example: &str, resync: Duration, expected_per_site: usize) -> Value {
    let (real, _plane) = private("bench").await;
    let namespace = cluster::NS;
    let _ = real
        .plane
        .kubectl()
        .args(["create", "namespace", namespace])
        .output();
    let identity = chart_rbac(
        &real.plane,
        "posit-team-system",
        Watch::Namespaces(vec![namespace.to_string()]),
    );
    // Connection refused at once: no database work, as in the in-memory mode.
    let database = "postgres://admin:admin@127.0.0.1:9/postgres?sslmode=disable";
    let names: Vec<String> = (0..sites).map(|i| format!("site{i:04}")).collect();
    futures::stream::iter(&names)
        .for_each_concurrent(8, |site| {
            let admin = real.admin.clone();
            async move {
                let documents = cluster::example_with_database(example, site, database);
                cluster::create(&admin, &documents).await;
            }
        })
        .await;
    let expected_objects = sites * expected_per_site;

    let mut mark = real.plane.audit_mark();
    let started = Instant::now();
    let mut operator = Operator::start(RunSpec {
        kubeconfig: identity.kubeconfig(&real.plane),
        identity: &identity,
        name: unique("bench-operator"),
        leader_elect: false,
        resync_seconds: resync.as_secs(),
    });
    let quiet = Duration::from_secs(3);
    let site_api: Api<Site> = Api::namespaced(real.admin.clone(), namespace);
    let mut first: Vec<AuditEntry> = Vec::new();
    loop {
        tokio::time::sleep(quiet).await;
        assert!(
            operator.running(),
            "the operator exited:\n{}",
            operator.log_text()
        );
        let (entries, next) = real.plane.audit_read(mark);
        mark = next;
        let new: Vec<AuditEntry> = entries
            .into_iter()
            .filter(|e| e.user.username == identity.user)
            .collect();
        let wrote = new.iter().any(|e| e.is_write());
        first.extend(new);
        if wrote {
            continue;
        }
        let created = first
            .iter()
            .filter(|e| e.is_write() && e.code() == 201 && !is_event(e))
            .count();
        let reported = site_api
            .list(&ListParams::default())
            .await
            .map(|l| l.items.iter().filter(|s| s.status.is_some()).count())
            .unwrap_or(0);
        if reported == sites && created >= expected_objects {
            break;
        }
    }
    let converge_seconds = started.elapsed().as_secs_f64();
    let count = |pred: &dyn Fn(&AuditEntry) -> bool| {
        first
            .iter()
            .filter(|e| e.is_write() && e.code() < 300 && pred(e))
            .count()
    };
    let writes_first = count(&|e| !is_status(e) && !is_event(e));
    let status_writes_first = count(&is_status);
    let events_first = count(&is_event);
    let forbidden = first.iter().filter(|e| e.code() == 403).count();

    // A resync period and a little more: every resource is reconciled again.
    tokio::time::sleep(resync + quiet).await;
    let (entries, _) = real.plane.audit_read(mark);
    let resync_entries: Vec<AuditEntry> = entries
        .into_iter()
        .filter(|e| e.user.username == identity.user)
        .collect();
    let writes_resync: Vec<String> = resync_entries
        .iter()
        .filter(|e| e.is_write())
        .map(AuditEntry::describe)
        .collect();
    let requests_resync = resync_entries.iter().filter(|e| e.verb != "watch").count();
    let peak_rss_kib = operator.peak_rss_kib().unwrap_or(0);
    operator.terminate();
    if !writes_resync.is_empty() {
        eprintln!("a resync of an unchanged cluster wrote: {writes_resync:?}");
    }
    json!({
        "api": "kube-apiserver",
        "example": example,
        "sites": sites,
        "objects": expected_objects,
        "writes_first": writes_first,
        "status_writes_first": status_writes_first,
        "events_first": events_first,
        "forbidden": forbidden,
        "converge_s": (converge_seconds * 100.0).round() / 100.0,
        "writes_resync": writes_resync.len(),
        "requests_resync": requests_resync,
        "peak_rss_mib": (peak_rss_kib as f64 / 1024.0 * 100.0).round() / 100.0,
    })
}
