//! The controller loop (kube-runtime Controller, fed like a watch by the test) over an
//! in-memory API: reconciles, writes status, retries failures, counts metrics.

use futures::StreamExt;
use futures::channel::mpsc;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::runtime::watcher;
use kube::{Api, Client, ResourceExt};
use kube_fake_client::ClientBuilder;
use prometheus_client::registry::Registry;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use team_api::{Chronicle, ChronicleSpec};
use team_operator::runtime::apply::DesiredObject;
use team_operator::runtime::conditions::Health;
use team_operator::runtime::context::{Context, Settings};
use team_operator::runtime::controller::{self, Outcome};
use team_operator::runtime::error::ReconcileError;
use team_operator::runtime::metrics::Metrics;

const NS: &str = "posit-team";

fn chronicle(name: &str, image: &str) -> Chronicle {
    let mut object = Chronicle::new(
        name,
        ChronicleSpec {
            image: image.into(),
            ..Default::default()
        },
    );
    object.metadata.namespace = Some(NS.into());
    object.metadata.uid = Some(format!("uid-{name}"));
    object.metadata.generation = Some(1);
    object
}

/// A reconcile that writes one ConfigMap per Chronicle, and fails for images named "broken".
async fn reconcile(
    object: Arc<Chronicle>,
    context: Arc<Context>,
) -> Result<Outcome, ReconcileError> {
    if object.spec.image == "broken" {
        return Err(ReconcileError::InvalidSpec(
            "spec.image: \"broken\" is not an image".into(),
        ));
    }
    let name = object.name_any();
    let desired = DesiredObject::apply(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("{name}-chronicle"), "namespace": NS,
                "labels": {"app.kubernetes.io/managed-by": "team-operator"},
                "ownerReferences": [{"apiVersion": "core.posit.team/v1beta1", "kind": "Chronicle",
                    "name": name, "uid": object.uid().unwrap(), "controller": true}]},
            "data": {"image": object.spec.image}
    }));
    context
        .apply(
            "chronicle",
            NS,
            &object.uid().unwrap(),
            "app.kubernetes.io/managed-by=team-operator",
            &[],
            &[desired],
        )
        .await?;
    Ok(Outcome::health(Health::Ready {
        reason: "Available".into(),
        message: "configured".into(),
    }))
}

async fn setup(objects: Vec<Chronicle>) -> (Client, Arc<Context>, Registry) {
    let mut builder = ClientBuilder::new()
        .with_resource::<Chronicle>()
        .with_status_subresource::<Chronicle>();
    for object in objects {
        builder = builder.with_object(object);
    }
    let client = builder.build().await.unwrap();
    let mut registry = Registry::default();
    let metrics = Metrics::register(&mut registry);
    let settings = Settings::new(
        team_desired::Environment::default(),
        Duration::from_secs(300),
    );
    let context = Arc::new(Context::new(client.clone(), metrics, settings, "test"));
    (client, context, registry)
}

async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn the_loop_reconciles_reports_status_and_isolates_failures() {
    let good = chronicle("good", "ghcr.io/rstudio/chronicle:2025.08.0");
    let bad = chronicle("bad", "broken");
    let (client, context, mut registry) = setup(vec![good.clone(), bad.clone()]).await;
    let _ = &mut registry;
    let (events, receiver) = mpsc::unbounded::<Result<watcher::Event<Chronicle>, watcher::Error>>();
    let (_stop, stopped) = futures::channel::oneshot::channel::<()>();
    let (store, driver) = controller::run(
        receiver,
        futures::stream::select_all(vec![futures::stream::pending().boxed()]),
        reconcile,
        context.clone(),
        2,
        async move {
            let _ = stopped.await;
        },
    );
    let task = tokio::spawn(driver);
    events.unbounded_send(Ok(watcher::Event::Init)).unwrap();
    events
        .unbounded_send(Ok(watcher::Event::InitApply(good.clone())))
        .unwrap();
    events
        .unbounded_send(Ok(watcher::Event::InitApply(bad.clone())))
        .unwrap();
    events.unbounded_send(Ok(watcher::Event::InitDone)).unwrap();
    eventually("the cache to hold both Chronicles", || {
        let cached = store.state().len();
        async move { cached == 2 }
    })
    .await;

    let chronicles: Api<Chronicle> = Api::namespaced(client.clone(), NS);
    let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    eventually("the good Chronicle to become Ready", || async {
        let live = chronicles.get("good").await.unwrap();
        live.status.is_some_and(|s| {
            s.ready
                && s.conditions
                    .iter()
                    .any(|c| c.type_ == "Ready" && c.status == "True")
        })
    })
    .await;
    assert_eq!(
        configmaps
            .get("good-chronicle")
            .await
            .unwrap()
            .data
            .unwrap()["image"],
        "ghcr.io/rstudio/chronicle:2025.08.0"
    );
    eventually("the bad Chronicle to become Degraded", || async {
        let live = chronicles.get("bad").await.unwrap();
        live.status.is_some_and(|s| {
            s.conditions.iter().any(|c| {
                c.type_ == "Degraded"
                    && c.status == "True"
                    && c.reason == "InvalidSpec"
                    && c.message.contains("spec.image")
            })
        })
    })
    .await;
    assert!(configmaps.get_opt("bad-chronicle").await.unwrap().is_none());
    let status = chronicles.get("good").await.unwrap().status.unwrap();
    assert_eq!(status.observed_generation, Some(1));

    // The fixed object converges on its next event.
    let mut fixed = bad.clone();
    fixed.spec.image = "ghcr.io/rstudio/chronicle:2025.08.0".into();
    chronicles
        .replace("bad", &Default::default(), &{
            let mut live = chronicles.get("bad").await.unwrap();
            live.spec = fixed.spec.clone();
            live
        })
        .await
        .unwrap();
    let updated = chronicles.get("bad").await.unwrap();
    events
        .unbounded_send(Ok(watcher::Event::Apply(updated)))
        .unwrap();
    eventually("the fixed Chronicle to become Ready", || async {
        chronicles
            .get("bad")
            .await
            .unwrap()
            .status
            .is_some_and(|s| s.ready)
    })
    .await;

    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    assert!(text.contains(r#"team_operator_reconcile_errors_total{controller="chronicle",category="InvalidSpec"} 1"#), "{text}");
    task.abort();
    drop(events);
}
