//! Kubernetes Events (events.k8s.io/v1) for the transitions the controllers report.
//!
//! A repeat of an event (same object, type, reason and note) within six minutes is counted
//! on the first Event's series instead of creating another, as kube-runtime's recorder does.
//! Unlike that recorder, which keeps a copy of every recent Event, only a fingerprint, the
//! Event's name and its count are kept: with thousands of objects, the copies would be a large
//! share of the operator's memory.

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::api::events::v1::{Event, EventSeries};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Client;
use kube::api::{Api, ObjectMeta, Patch, PatchParams, PostParams};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// How long a published event can be continued as a series.
const SERIES_WINDOW: SignedDuration = SignedDuration::from_mins(6);

/// Normal or Warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// What is said about an object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Notice {
    pub type_: EventType,
    pub reason: String,
    pub action: String,
    pub note: String,
}

/// What is remembered of a recent Event.
struct Recent {
    name: Box<str>,
    count: i32,
    last: Timestamp,
}

/// Writes Events as one reporting controller instance.
pub struct EventWriter {
    client: Client,
    controller: String,
    instance: String,
    recent: Mutex<HashMap<u64, Recent>>,
}

impl EventWriter {
    pub fn new(client: Client, controller: &str, instance: &str) -> Self {
        Self {
            client,
            controller: controller.to_string(),
            instance: instance.to_string(),
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Publishes `notice` about `regarding`: a new Event, or the next count of the same
    /// Event's series when it was published in the last six minutes.
    pub async fn publish(
        &self,
        notice: &Notice,
        regarding: &ObjectReference,
    ) -> Result<(), kube::Error> {
        let now = Timestamp::now();
        let key = fingerprint(notice, regarding);
        let namespace = regarding.namespace.as_deref().unwrap_or("default");
        let api: Api<Event> = Api::namespaced(self.client.clone(), namespace);
        let repeat = {
            let mut recent = self.recent.lock().expect("event memory lock");
            recent.retain(|_, r| r.last + SERIES_WINDOW > now);
            recent.get_mut(&key).map(|r| {
                r.count += 1;
                r.last = now;
                (r.name.clone(), r.count)
            })
        };
        if let Some((name, count)) = repeat {
            let series = serde_json::json!({"series": EventSeries {
                count,
                last_observed_time: MicroTime(now),
            }});
            let patched = api
                .patch(&name, &PatchParams::default(), &Patch::Merge(&series))
                .await;
            if patched.is_ok() {
                return Ok(());
            }
            // The Event is gone (expired or deleted) or unreachable: start a new one.
            self.recent.lock().expect("event memory lock").remove(&key);
        }
        let event = self.event(notice, regarding, now);
        let name = event.metadata.name.clone().unwrap_or_default();
        api.create(&PostParams::default(), &event).await?;
        self.recent.lock().expect("event memory lock").insert(
            key,
            Recent {
                name: name.into(),
                count: 1,
                last: now,
            },
        );
        Ok(())
    }

    fn event(&self, notice: &Notice, regarding: &ObjectReference, now: Timestamp) -> Event {
        let subject = regarding.name.as_deref().unwrap_or(&self.controller);
        Event {
            metadata: ObjectMeta {
                name: Some(format!("{subject}.{:x}", now.as_nanosecond())),
                namespace: regarding.namespace.clone(),
                ..ObjectMeta::default()
            },
            event_time: Some(MicroTime(now)),
            action: Some(notice.action.clone()),
            reason: Some(notice.reason.clone()),
            note: Some(notice.note.clone()),
            type_: Some(notice.type_.as_str().to_string()),
            regarding: Some(regarding.clone()),
            reporting_controller: Some(self.controller.clone()),
            reporting_instance: Some(self.instance.clone()),
            ..Event::default()
        }
    }

    /// How many recent Events are remembered.
    pub fn remembered(&self) -> usize {
        self.recent.lock().expect("event memory lock").len()
    }
}

/// Identifies "the same event": the object (by uid and name), type, reason, action and note.
fn fingerprint(notice: &Notice, regarding: &ObjectReference) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    notice.hash(&mut hasher);
    (
        &regarding.api_version,
        &regarding.kind,
        &regarding.namespace,
        &regarding.name,
        &regarding.uid,
    )
        .hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::api::ListParams;

    fn notice(reason: &str) -> Notice {
        Notice {
            type_: EventType::Warning,
            reason: reason.to_string(),
            action: "Reconcile".to_string(),
            note: "database <unreachable> \"x\"".to_string(),
        }
    }

    fn site() -> ObjectReference {
        ObjectReference {
            api_version: Some("core.posit.team/v1beta1".into()),
            kind: Some("Site".into()),
            namespace: Some("ns".into()),
            name: Some("main".into()),
            uid: Some("u-1".into()),
            ..ObjectReference::default()
        }
    }

    async fn events(client: &Client) -> Vec<Event> {
        let api: Api<Event> = Api::namespaced(client.clone(), "ns");
        let mut items = api.list(&ListParams::default()).await.unwrap().items;
        items.sort_by_key(|e| e.metadata.name.clone());
        items
    }

    async fn publish(writer: &EventWriter, reason: &str) {
        writer.publish(&notice(reason), &site()).await.unwrap();
    }

    /// A writer over an empty in-memory API, after one DatabaseError about the Site.
    async fn writer_with_one_event() -> (Client, EventWriter) {
        let client = kube_fake_client::ClientBuilder::new()
            .build()
            .await
            .unwrap();
        let writer = EventWriter::new(client.clone(), "team-operator", "pod-1");
        publish(&writer, "DatabaseError").await;
        (client, writer)
    }

    #[tokio::test]
    async fn repeats_count_on_the_first_event_and_other_reasons_make_new_ones() {
        let (client, writer) = writer_with_one_event().await;

        let first = events(&client).await;
        assert_eq!(first.len(), 1);
        let event = &first[0];
        assert_eq!(event.reason.as_deref(), Some("DatabaseError"));
        assert_eq!(event.type_.as_deref(), Some("Warning"));
        assert_eq!(event.note.as_deref(), Some("database <unreachable> \"x\""));
        assert_eq!(event.regarding.as_ref(), Some(&site()));
        assert_eq!(event.reporting_controller.as_deref(), Some("team-operator"));
        assert_eq!(event.reporting_instance.as_deref(), Some("pod-1"));
        assert!(event.series.is_none());

        for _ in 0..2 {
            publish(&writer, "DatabaseError").await;
        }
        let repeated = events(&client).await;
        assert_eq!(repeated.len(), 1);
        assert_eq!(repeated[0].series.as_ref().map(|s| s.count), Some(3));

        publish(&writer, "Ready").await;
        assert_eq!(events(&client).await.len(), 2);
        assert_eq!(writer.remembered(), 2);
    }

    #[tokio::test]
    async fn an_old_or_vanished_event_is_not_continued() {
        let (client, writer) = writer_with_one_event().await;
        for recent in writer.recent.lock().unwrap().values_mut() {
            recent.last -= SERIES_WINDOW;
        }
        publish(&writer, "DatabaseError").await;
        assert_eq!(events(&client).await.len(), 2);
        assert_eq!(writer.remembered(), 1);

        let api: Api<Event> = Api::namespaced(client.clone(), "ns");
        for event in events(&client).await {
            api.delete(&event.metadata.name.unwrap(), &Default::default())
                .await
                .unwrap();
        }
        publish(&writer, "DatabaseError").await;
        let fresh = events(&client).await;
        assert_eq!(fresh.len(), 1);
        assert!(fresh[0].series.is_none());
    }
}
