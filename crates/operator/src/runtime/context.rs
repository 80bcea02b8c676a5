//! What every controller shares: the client, the applier, metrics, the event writer, the
//! settings, and the helpers that turn a reconcile's outcome into status, events and retries.

use super::apply::{Applier, ApplyError, DesiredObject, FIELD_MANAGER, Report};
use super::conditions::{self, Health};
use super::error::ReconcileError;
use super::events::{EventType, EventWriter, Notice};
use super::kinds::Kind;
use super::metrics::Metrics;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::reflector::ObjectRef;
use kube::{Client, Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Mutex;
use std::time::Duration;

/// Settings every controller reads.
#[derive(Clone, Debug)]
pub struct Settings {
    /// What the operator's environment contributes to the desired state (AWS region).
    pub environment: team_desired::Environment,
    /// Pause between periodic reconciliations of a healthy resource.
    pub resync: Duration,
    /// First retry delay after a failure; it doubles with each failure, up to 5 minutes.
    pub retry_base: Duration,
}

impl Settings {
    /// Production timing: resync as given, retries from 2 s.
    pub fn new(environment: team_desired::Environment, resync: Duration) -> Self {
        Self {
            environment,
            resync,
            retry_base: Duration::from_secs(2),
        }
    }
}

/// Shared controller state.
pub struct Context {
    pub client: Client,
    pub applier: Applier,
    pub metrics: Metrics,
    pub settings: Settings,
    /// Reads AWS Secrets Manager, when this build and the environment allow it.
    pub aws: Option<std::sync::Arc<dyn super::inputs::SecretSource>>,
    events: EventWriter,
    failures: Mutex<HashMap<String, u32>>,
}

/// Which legacy fields a kind's status carries next to the conditions.
#[derive(Clone, Debug, PartialEq)]
pub enum StatusShape {
    /// Site, PostgresDatabase: conditions and observedGeneration only.
    Conditions,
    /// Chronicle, Flightdeck: plus `ready`.
    Ready,
    /// Connect, Workbench, PackageManager: plus `ready` and `keySecretRef`.
    Product { key_secret: Option<String> },
}

impl Context {
    pub fn new(client: Client, metrics: Metrics, settings: Settings, instance: &str) -> Self {
        Self {
            applier: Applier::new(client.clone()),
            events: EventWriter::new(client.clone(), FIELD_MANAGER, instance),
            client,
            metrics,
            settings,
            aws: None,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Applies `desired`, then prunes what `owner_uid` owns among `kinds` that matches
    /// `selector` and is no longer desired. Foreign objects make the result an error after
    /// everything else was applied.
    pub async fn apply(
        &self,
        controller: &'static str,
        namespace: &str,
        owner_uid: &str,
        selector: &str,
        kinds: &[&'static Kind],
        desired: &[DesiredObject],
    ) -> Result<Report, ReconcileError> {
        let mut report = self.applier.apply_all(desired).await.map_err(apply_error)?;
        report.deleted = self
            .applier
            .prune(owner_uid, namespace, selector, kinds, desired)
            .await
            .map_err(apply_error)?;
        self.metrics
            .count_writes(controller, report.created, report.updated, report.deleted);
        if report.foreign.is_empty() {
            Ok(report)
        } else {
            Err(ReconcileError::ForeignObject(format!(
                "{} already exist{} without the label app.kubernetes.io/managed-by=team-operator; \
                 the operator leaves {} alone: delete or label {}",
                report.foreign.join(", "),
                if report.foreign.len() == 1 { "s" } else { "" },
                if report.foreign.len() == 1 {
                    "it"
                } else {
                    "them"
                },
                if report.foreign.len() == 1 {
                    "it"
                } else {
                    "them"
                },
            )))
        }
    }

    /// Writes the status implied by `health` when it differs from the current one, and
    /// publishes an Event when readiness changes. Returns true when something was written.
    pub async fn report<K>(
        &self,
        object: &K,
        shape: &StatusShape,
        health: &Health,
    ) -> Result<bool, kube::Error>
    where
        K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
            + Clone
            + Debug
            + Serialize
            + DeserializeOwned,
    {
        let current = serde_json::to_value(object).expect("resources serialize");
        let previous: Vec<Condition> = current
            .pointer("/status/conditions")
            .and_then(|c| serde_json::from_value(c.clone()).ok())
            .unwrap_or_default();
        let generation = object.meta().generation;
        let conditions = conditions::updated(&previous, health, generation, Timestamp::now());
        let status = status_value(
            shape,
            health,
            &conditions,
            generation,
            &object.namespace().unwrap_or_default(),
        );
        if current.get("status") == Some(&status) {
            return Ok(false);
        }
        let api: Api<K> =
            Api::namespaced(self.client.clone(), &object.namespace().unwrap_or_default());
        let body =
            json!({"apiVersion": K::api_version(&()), "kind": K::kind(&()), "status": status});
        api.patch_status(
            &object.name_any(),
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await?;
        if conditions::ready_changed(&previous, &conditions) {
            self.publish(object, health).await;
        }
        Ok(true)
    }

    async fn publish<K: Resource<DynamicType = ()>>(&self, object: &K, health: &Health) {
        let (type_, reason, message) = match health {
            Health::Ready { reason, message } => (EventType::Normal, reason, message),
            Health::Progressing { reason, message } => (EventType::Normal, reason, message),
            Health::Degraded { reason, message } => (EventType::Warning, reason, message),
        };
        let notice = Notice {
            type_,
            reason: reason.clone(),
            note: truncate(message, 1000),
            action: "Reconcile".into(),
        };
        if let Err(error) = self.events.publish(&notice, &object.object_ref(&())).await {
            tracing::warn!(error = %error, "cannot publish an event");
        }
    }

    /// Forgets the failures of an object after it reconciled.
    pub fn succeeded<K: Resource<DynamicType = ()>>(&self, object: &K) {
        self.failures
            .lock()
            .expect("failure counts are never poisoned")
            .remove(&ObjectRef::from_obj(object).to_string());
    }

    /// Delay before retrying a failed object: doubling from 2 s to 5 min; permanent errors
    /// wait for the resync interval (or a change of the object).
    pub fn retry_delay<K: Resource<DynamicType = ()>>(
        &self,
        object: &K,
        error: &ReconcileError,
    ) -> Duration {
        if error.is_permanent() {
            return self.settings.resync;
        }
        let mut failures = self
            .failures
            .lock()
            .expect("failure counts are never poisoned");
        let count = failures
            .entry(ObjectRef::from_obj(object).to_string())
            .or_default();
        *count = count.saturating_add(1);
        backoff(self.settings.retry_base, *count)
    }
}

/// `base`, doubling with each failure, capped at 5 minutes.
pub fn backoff(base: Duration, failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    base.saturating_mul(1 << exponent)
        .min(Duration::from_secs(300))
}

fn apply_error(error: ApplyError) -> ReconcileError {
    match error {
        ApplyError::MissingApi(message) => ReconcileError::MissingApi(format!(
            "{message} is not installed in the cluster; install the project that provides it"
        )),
        ApplyError::Api { source, .. } => ReconcileError::Api(*source),
        ApplyError::Generate { object, message } => {
            ReconcileError::InvalidSpec(format!("{object}: {message}"))
        }
        other => ReconcileError::InvalidSpec(other.to_string()),
    }
}

fn status_value(
    shape: &StatusShape,
    health: &Health,
    conditions: &[Condition],
    generation: Option<i64>,
    namespace: &str,
) -> Value {
    let mut status = serde_json::Map::new();
    match shape {
        StatusShape::Conditions => {}
        StatusShape::Ready => {
            status.insert("ready".into(), Value::Bool(health.is_ready()));
        }
        StatusShape::Product { key_secret } => {
            status.insert("ready".into(), Value::Bool(health.is_ready()));
            if let Some(name) = key_secret {
                status.insert(
                    "keySecretRef".into(),
                    json!({"name": name, "namespace": namespace}),
                );
            }
        }
    }
    status.insert(
        "conditions".into(),
        serde_json::to_value(conditions).expect("conditions serialize"),
    );
    if let Some(generation) = generation {
        status.insert("observedGeneration".into(), Value::from(generation));
    }
    Value::Object(status)
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(2);
        let delays: Vec<u64> = (1..=10).map(|n| backoff(base, n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(backoff(base, u32::MAX).as_secs(), 300);
    }

    #[test]
    fn status_shapes_carry_their_legacy_fields() {
        let health = Health::Ready {
            reason: "Available".into(),
            message: "ok".into(),
        };
        let conditions = conditions::updated(&[], &health, Some(4), Timestamp::UNIX_EPOCH);
        let product = status_value(
            &StatusShape::Product {
                key_secret: Some("main-connect-key".into()),
            },
            &health,
            &conditions,
            Some(4),
            "ns",
        );
        assert_eq!(product["ready"], true);
        assert_eq!(
            product["keySecretRef"],
            json!({"name": "main-connect-key", "namespace": "ns"})
        );
        assert_eq!(product["observedGeneration"], 4);
        let site = status_value(
            &StatusShape::Conditions,
            &health,
            &conditions,
            Some(4),
            "ns",
        );
        assert!(site.get("ready").is_none());
        assert_eq!(site["conditions"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let text = "é".repeat(600);
        let cut = truncate(&text, 1000);
        assert!(cut.len() <= 1003 && cut.ends_with("..."));
    }
}
