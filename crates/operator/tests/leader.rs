//! Leader election over a Lease: one leader at a time, takeover after expiry, immediate
//! takeover after a release. Times are given explicitly, so the test does not sleep.

use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube_fake_client::ClientBuilder;
use team_operator::runtime::leader::{Attempt, Elector, Timing};
use team_operator::runtime::permissions;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).unwrap()
}

#[tokio::test]
async fn one_leader_until_its_lease_expires() {
    let (client, recorder) =
        test_support::api::recording(ClientBuilder::new().build().await.unwrap());
    let timing = Timing::default(); // 15 s leases
    let a = Elector::new(
        client.clone(),
        "posit-team-system",
        "team-operator",
        "pod-a",
        timing,
    );
    let b = Elector::new(
        client,
        "posit-team-system",
        "team-operator",
        "pod-b",
        timing,
    );

    assert_eq!(
        a.try_acquire_or_renew(at(0)).await.unwrap(),
        Attempt::Leading
    );
    assert_eq!(
        b.try_acquire_or_renew(at(1)).await.unwrap(),
        Attempt::Following
    );
    // a renews at 10 s: b still follows at 20 s (10 + 15 > 20).
    assert_eq!(
        a.try_acquire_or_renew(at(10)).await.unwrap(),
        Attempt::Leading
    );
    assert_eq!(
        b.try_acquire_or_renew(at(20)).await.unwrap(),
        Attempt::Following
    );
    // a stops renewing: at 26 s its lease (renewed at 10 s) has expired.
    assert_eq!(
        b.try_acquire_or_renew(at(26)).await.unwrap(),
        Attempt::Leading
    );
    assert_eq!(
        a.try_acquire_or_renew(at(27)).await.unwrap(),
        Attempt::Following
    );

    // Every request is one the chart grants: the named Lease in its namespace.
    let needs = permissions::controller_needs("team-operator");
    for call in recorder.distinct_calls() {
        assert!(
            permissions::allowed(
                &needs,
                &call.verb,
                &call.group,
                &call.resource,
                &call.namespace,
                &call.name,
                "posit-team-system"
            ),
            "{call:?} is not permitted"
        );
    }
}

#[tokio::test]
async fn a_released_lease_is_taken_over_at_once() {
    let client = ClientBuilder::new().build().await.unwrap();
    let timing = Timing::default();
    let a = Elector::new(client.clone(), "ns", "lease", "pod-a", timing);
    let b = Elector::new(client.clone(), "ns", "lease", "pod-b", timing);
    assert_eq!(
        a.try_acquire_or_renew(at(0)).await.unwrap(),
        Attempt::Leading
    );
    a.release().await.unwrap();
    assert_eq!(
        b.try_acquire_or_renew(at(1)).await.unwrap(),
        Attempt::Leading
    );
    let lease: k8s_openapi::api::coordination::v1::Lease = kube::Api::namespaced(client, "ns")
        .get("lease")
        .await
        .unwrap();
    let spec = lease.spec.unwrap();
    assert_eq!(spec.holder_identity.as_deref(), Some("pod-b"));
    assert_eq!(spec.lease_transitions, Some(1));
    assert_eq!(spec.acquire_time.unwrap().0, at(1));
}

#[tokio::test]
async fn releasing_a_lease_held_by_another_changes_nothing() {
    let client = ClientBuilder::new().build().await.unwrap();
    let timing = Timing::default();
    let a = Elector::new(client.clone(), "ns", "lease", "pod-a", timing);
    let b = Elector::new(client.clone(), "ns", "lease", "pod-b", timing);
    assert_eq!(
        a.try_acquire_or_renew(at(0)).await.unwrap(),
        Attempt::Leading
    );
    b.release().await.unwrap();
    assert_eq!(
        b.try_acquire_or_renew(at(1)).await.unwrap(),
        Attempt::Following
    );
    let later = at(0) + SignedDuration::from_secs(14);
    assert_eq!(
        b.try_acquire_or_renew(later).await.unwrap(),
        Attempt::Following
    );
}
