//! The apply engine against an in-memory API server: creates, skips unchanged objects,
//! repairs drift, leaves foreign objects alone, creates generated secrets once, prunes.

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::Api;
use kube_fake_client::ClientBuilder;
use serde_json::{Value, json};
use team_operator::runtime::apply::{Applier, DesiredObject, KEEP_ON_DELETE};
use team_operator::runtime::kinds::Kind;

const NS: &str = "posit-team";
const OWNER_UID: &str = "0b5c6d1e-0000-4000-8000-000000000001";

fn owner_ref() -> Value {
    json!([{"apiVersion": "core.posit.team/v1beta1", "kind": "Connect", "name": "main",
            "uid": OWNER_UID, "controller": true, "blockOwnerDeletion": true}])
}

fn config_map(name: &str, value: &str) -> DesiredObject {
    DesiredObject::apply(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": NS,
                "labels": {"app.kubernetes.io/managed-by": "team-operator", "app.kubernetes.io/instance": "main-connect"},
                "ownerReferences": owner_ref()},
            "data": {"value": value}
    }))
}

fn generated_secret(name: &str, key: &str) -> DesiredObject {
    DesiredObject::create_once(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": name, "namespace": NS,
                "labels": {"app.kubernetes.io/managed-by": "team-operator", "app.kubernetes.io/instance": "main-connect"},
                "annotations": {KEEP_ON_DELETE: "true"},
                "ownerReferences": owner_ref()},
            "type": "Opaque",
            "data": {"key": key}
    }))
}

async fn client() -> kube::Client {
    ClientBuilder::new().build().await.unwrap()
}

fn kinds(names: &[&str]) -> Vec<&'static Kind> {
    names
        .iter()
        .map(|k| Kind::lookup("v1", k).unwrap())
        .collect()
}

const SELECTOR: &str =
    "app.kubernetes.io/managed-by=team-operator,app.kubernetes.io/instance=main-connect";

#[tokio::test]
async fn first_pass_creates_and_second_pass_writes_nothing() {
    let applier = Applier::new(client().await);
    let desired = vec![
        config_map("a", "1"),
        config_map("b", "2"),
        generated_secret("key", "c2VjcmV0"),
    ];
    let first = applier.apply_all(&desired).await.unwrap();
    assert_eq!((first.created, first.updated, first.unchanged), (3, 0, 0));
    let second = applier.apply_all(&desired).await.unwrap();
    assert_eq!(second.writes(), 0, "{second:?}");
    assert_eq!(second.unchanged, 3);
}

#[tokio::test]
async fn a_changed_desired_state_is_written_once() {
    let client = client().await;
    let applier = Applier::new(client.clone());
    applier.apply_all(&[config_map("a", "1")]).await.unwrap();
    let report = applier.apply_all(&[config_map("a", "2")]).await.unwrap();
    assert_eq!(report.updated, 1);
    let live: ConfigMap = Api::namespaced(client, NS).get("a").await.unwrap();
    assert_eq!(live.data.unwrap()["value"], "2");
    assert_eq!(
        applier
            .apply_all(&[config_map("a", "2")])
            .await
            .unwrap()
            .writes(),
        0
    );
}

#[tokio::test]
async fn edits_by_others_are_reverted() {
    let client = client().await;
    let applier = Applier::new(client.clone());
    applier.apply_all(&[config_map("a", "1")]).await.unwrap();
    let api: Api<ConfigMap> = Api::namespaced(client, NS);
    let patch = json!({"data": {"value": "edited"}});
    api.patch(
        "a",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(&patch),
    )
    .await
    .unwrap();
    let report = applier.apply_all(&[config_map("a", "1")]).await.unwrap();
    assert_eq!(report.updated, 1);
    assert_eq!(api.get("a").await.unwrap().data.unwrap()["value"], "1");
}

#[tokio::test]
async fn foreign_objects_are_reported_and_left_alone() {
    let mut foreign = ConfigMap::default();
    foreign.metadata.name = Some("a".into());
    foreign.metadata.namespace = Some(NS.into());
    foreign.data = Some([("value".to_string(), "theirs".to_string())].into());
    let client = ClientBuilder::new()
        .with_object(foreign)
        .build()
        .await
        .unwrap();
    let applier = Applier::new(client.clone());
    let report = applier
        .apply_all(&[config_map("a", "1"), config_map("b", "1")])
        .await
        .unwrap();
    assert_eq!(report.foreign, vec!["ConfigMap/posit-team/a".to_string()]);
    assert_eq!(report.created, 1);
    let api: Api<ConfigMap> = Api::namespaced(client, NS);
    assert_eq!(api.get("a").await.unwrap().data.unwrap()["value"], "theirs");
}

#[tokio::test]
async fn generated_secrets_keep_their_first_value() {
    let client = client().await;
    let applier = Applier::new(client.clone());
    applier
        .apply_all(&[generated_secret("key", "Zmlyc3Q=")])
        .await
        .unwrap();
    let report = applier
        .apply_all(&[generated_secret("key", "c2Vjb25k")])
        .await
        .unwrap();
    assert_eq!(report.writes(), 0);
    let live: Secret = Api::namespaced(client, NS).get("key").await.unwrap();
    assert_eq!(live.data.unwrap()["key"].0, b"first");
}

#[tokio::test]
async fn prune_removes_only_what_is_ours_and_no_longer_wanted() {
    let client = client().await;
    let applier = Applier::new(client.clone());
    let everything = vec![
        config_map("a", "1"),
        config_map("b", "1"),
        generated_secret("key", "eA=="),
    ];
    applier.apply_all(&everything).await.unwrap();
    // An object of ours owned by someone else, and one without our label.
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let mut other_owner = config_map("c", "1").object;
    other_owner["metadata"]["ownerReferences"][0]["uid"] = json!("another-uid");
    let other: ConfigMap = serde_json::from_value(other_owner).unwrap();
    api.create(&Default::default(), &other).await.unwrap();

    let still_wanted = vec![config_map("a", "1")];
    let deleted = applier
        .prune(
            OWNER_UID,
            NS,
            SELECTOR,
            &kinds(&["ConfigMap", "Secret"]),
            &still_wanted,
        )
        .await
        .unwrap();
    assert_eq!(
        deleted, 1,
        "only b goes: c has another owner, the secret is retained"
    );
    let mut names: Vec<String> = api
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect();
    names.sort();
    assert_eq!(names, ["a", "c"]);
    let secrets: Api<Secret> = Api::namespaced(client, NS);
    assert!(secrets.get_opt("key").await.unwrap().is_some());
}

/// Feeds the applier's cache from one full poll of ConfigMaps, as the owned watches do.
async fn sync_cache(applier: &Applier, client: &kube::Client) {
    use futures::StreamExt;
    use team_operator::runtime::watches::{PollingWatches, WatchSource};
    let configmaps = Kind::lookup("v1", "ConfigMap").unwrap();
    let watches = PollingWatches {
        client: client.clone(),
        interval: std::time::Duration::from_millis(1),
    };
    // The first poll is a complete list: Init, InitApply..., InitDone.
    let mut events = watches.metadata(Some(NS), configmaps);
    while let Some(event) = events.next().await {
        let done = matches!(event, kube::runtime::watcher::Event::InitDone);
        applier.owned().observe(configmaps, Some(NS), &event);
        if done {
            break;
        }
    }
}

#[tokio::test]
async fn with_a_synced_cache_a_pass_at_rest_makes_no_request() {
    let (client, recorder) = test_support::api::recording(client().await);
    let applier = Applier::new(client.clone());
    let desired = vec![config_map("a", "1"), config_map("b", "2")];
    applier.apply_all(&desired).await.unwrap();
    sync_cache(&applier, &client).await;

    recorder.clear();
    let report = applier.apply_all(&desired).await.unwrap();
    applier
        .prune(OWNER_UID, NS, SELECTOR, &kinds(&["ConfigMap"]), &desired)
        .await
        .unwrap();
    assert_eq!(report.unchanged, 2);
    assert!(recorder.calls().is_empty(), "{:?}", recorder.calls());

    // An edit by someone else changes the resource version: the object is read again and
    // repaired.
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let mut edited = api.get("a").await.unwrap();
    edited.data = Some([("value".to_string(), "edited".to_string())].into());
    api.replace("a", &Default::default(), &edited)
        .await
        .unwrap();
    sync_cache(&applier, &client).await;
    recorder.clear();
    let report = applier.apply_all(&desired).await.unwrap();
    assert_eq!((report.updated, report.unchanged), (1, 1), "{report:?}");
    let verbs: Vec<(String, String)> = recorder
        .calls()
        .into_iter()
        .map(|c| (c.verb, c.name))
        .collect();
    assert_eq!(
        verbs,
        [("get".into(), "a".into()), ("patch".into(), "a".into())],
        "only the edited object is read and written"
    );
    assert_eq!(api.get("a").await.unwrap().data.unwrap()["value"], "1");
}

#[tokio::test]
async fn with_a_synced_cache_stale_objects_are_found_without_listing() {
    let (client, recorder) = test_support::api::recording(client().await);
    let applier = Applier::new(client.clone());
    applier
        .apply_all(&[config_map("a", "1"), config_map("b", "2")])
        .await
        .unwrap();
    sync_cache(&applier, &client).await;

    recorder.clear();
    let deleted = applier
        .prune(
            OWNER_UID,
            NS,
            SELECTOR,
            &kinds(&["ConfigMap"]),
            &[config_map("a", "1")],
        )
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let verbs: Vec<String> = recorder.calls().iter().map(|c| c.verb.clone()).collect();
    assert_eq!(verbs, ["delete"]);
    let api: Api<ConfigMap> = Api::namespaced(client, NS);
    assert!(api.get_opt("b").await.unwrap().is_none());
}

#[tokio::test]
async fn generated_values_replace_the_placeholders_at_creation() {
    let client = client().await;
    let applier = Applier::new(client.clone());
    let mut desired = DesiredObject::create_once(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "launcher", "namespace": NS,
            "labels": {"app.kubernetes.io/managed-by": "team-operator"}},
        "stringData": {"launcher.pem": "<generated by team-operator: RSA key>",
                       "launcher.pub": "<generated by team-operator: its public key>",
                       "token": "<generated by team-operator: 16 bytes>"}
    }));
    use team_desired::object::{Generated, Recipe};
    desired.generate = vec![
        Generated {
            key: "launcher.pem".into(),
            recipe: Recipe::RsaPrivateKey(2048),
        },
        Generated {
            key: "launcher.pub".into(),
            recipe: Recipe::RsaPublicKeyOf("launcher.pem"),
        },
        Generated {
            key: "token".into(),
            recipe: Recipe::RandomHex(16),
        },
    ];
    applier
        .apply_all(std::slice::from_ref(&desired))
        .await
        .unwrap();
    let live: Secret = Api::namespaced(client, NS).get("launcher").await.unwrap();
    let mut values = live.string_data.unwrap_or_default();
    for (key, value) in live.data.unwrap_or_default() {
        values.insert(key, String::from_utf8(value.0).unwrap());
    }
    assert!(values["launcher.pem"].starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(values["launcher.pub"].starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    assert_eq!(values["token"].len(), 32);
    assert!(values["token"].chars().all(|c| c.is_ascii_hexdigit()));
}

#[tokio::test]
async fn a_kind_that_is_not_installed_is_asked_about_once() {
    let (client, recorder) = test_support::api::recording(client().await);
    let applier = Applier::new(client.clone());
    let middleware = DesiredObject::apply(json!({
        "apiVersion": "traefik.io/v1alpha1", "kind": "Middleware",
        "metadata": {"name": "main-connect-forward", "namespace": NS,
            "labels": {"app.kubernetes.io/managed-by": "team-operator"},
            "ownerReferences": owner_ref()},
        "spec": {}
    }));
    let desired = vec![config_map("a", "1"), middleware];
    let optional = Kind::lookup("traefik.io/v1alpha1", "Middleware").unwrap();
    let mut pruned = kinds(&["ConfigMap"]);
    pruned.push(optional);
    for pass in 0..2 {
        recorder.clear();
        let report = applier.apply_all(&desired).await.unwrap();
        applier
            .prune(OWNER_UID, NS, SELECTOR, &pruned, &desired)
            .await
            .unwrap();
        assert_eq!(
            report.skipped,
            [format!("Middleware/{NS}/main-connect-forward")]
        );
        let asked = recorder
            .calls()
            .iter()
            .filter(|c| c.resource == "middlewares")
            .count();
        assert_eq!(asked, if pass == 0 { 2 } else { 0 }, "pass {pass}");
    }
}
