//! Whether what a resource created is serving: workloads with their replicas available,
//! databases provisioned, product resources Ready.

use crate::runtime::conditions::Health;
use crate::runtime::error::ReconcileError;
use crate::runtime::kinds::Addressed;
use kube::Client;
use kube::api::Api;
use kube::core::DynamicObject;
use serde_json::Value;
use team_api::kind::{self, Kind};
use team_desired::Desired;

/// Reason of a resource whose every dependency is serving.
pub const AVAILABLE: &str = "Available";

/// Looks at every workload, database and product resource among `desired` and sums up.
pub async fn of(client: &Client, desired: &[Desired]) -> Result<Health, ReconcileError> {
    let mut waiting = Vec::new();
    let mut failing = Vec::new();
    let mut checked = 0;
    for desired in desired {
        let kind = desired.object.kind();
        let Some(judge) = judge_of(kind) else {
            continue;
        };
        let name = desired.object.name();
        let api: Api<DynamicObject> = Api::namespaced_with(
            client.clone(),
            desired.object.namespace(),
            &kind.api_resource(),
        );
        checked += 1;
        let state = match api.get_opt(name).await? {
            None => State::Waiting("not created yet".into()),
            Some(live) => judge(&serde_json::to_value(live).expect("objects serialize")),
        };
        match state {
            State::Serving => {}
            State::Waiting(why) => waiting.push(format!("{kind} {name}: {why}")),
            State::Failing(reason, why) => failing.push((reason, format!("{kind} {name}: {why}"))),
        }
    }
    Ok(if let Some((reason, _)) = failing.first() {
        Health::Degraded {
            reason: reason.clone(),
            message: failing
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }
    } else if !waiting.is_empty() {
        Health::Progressing {
            reason: "Waiting".into(),
            message: waiting.join("; "),
        }
    } else {
        Health::Ready {
            reason: AVAILABLE.into(),
            message: format!("{checked} dependent resources serving"),
        }
    })
}

/// How a kind's serving is judged, for the kinds that serve.
fn judge_of(kind: &Kind) -> Option<fn(&Value) -> State> {
    if [&kind::DEPLOYMENT, &kind::STATEFUL_SET].contains(&kind) {
        Some(workload)
    } else if kind.is_team_resource() && kind != &kind::SITE {
        Some(team_resource)
    } else {
        None
    }
}

enum State {
    Serving,
    Waiting(String),
    /// A dependency reports a failure (its reason, and a message).
    Failing(String, String),
}

fn int(value: &Value, pointer: &str) -> i64 {
    value.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// A Deployment or StatefulSet serves when the current revision is rolled out and every
/// replica is available.
fn workload(live: &Value) -> State {
    let wanted = live
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let generation = int(live, "/metadata/generation");
    let observed = int(live, "/status/observedGeneration");
    let updated = int(live, "/status/updatedReplicas");
    let available = int(live, "/status/availableReplicas");
    if observed < generation {
        State::Waiting("new revision not yet observed".into())
    } else if updated < wanted {
        State::Waiting(format!("{updated}/{wanted} replicas updated"))
    } else if available < wanted {
        State::Waiting(format!("{available}/{wanted} replicas available"))
    } else {
        State::Serving
    }
}

/// One of our resources serves when its Ready condition is True for its current generation.
fn team_resource(live: &Value) -> State {
    let conditions = live
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let find = |type_: &str| conditions.iter().find(|c| c["type"] == type_);
    let generation = int(live, "/metadata/generation");
    if let Some(degraded) = find("Degraded").filter(|c| c["status"] == "True") {
        let reason = degraded["reason"]
            .as_str()
            .unwrap_or("Degraded")
            .to_string();
        let message = degraded["message"].as_str().unwrap_or_default().to_string();
        return State::Failing(reason, message);
    }
    match find("Ready") {
        Some(ready) if ready["status"] == "True" => {
            let observed = ready["observedGeneration"].as_i64().unwrap_or(generation);
            if observed < generation {
                State::Waiting("change not yet reconciled".into())
            } else {
                State::Serving
            }
        }
        Some(ready) => State::Waiting(
            ready["message"]
                .as_str()
                .filter(|m| !m.is_empty())
                .unwrap_or("not ready")
                .to_string(),
        ),
        None => State::Waiting("not reconciled yet".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn workloads_serve_once_rolled_out_and_available() {
        let live = |generation: i64, observed: i64, updated: i64, available: i64| {
            json!({"metadata": {"generation": generation}, "spec": {"replicas": 2},
                   "status": {"observedGeneration": observed, "updatedReplicas": updated, "availableReplicas": available}})
        };
        assert!(matches!(workload(&live(2, 2, 2, 2)), State::Serving));
        assert!(matches!(workload(&live(3, 2, 2, 2)), State::Waiting(_)));
        assert!(
            matches!(workload(&live(2, 2, 1, 2)), State::Waiting(w) if w == "1/2 replicas updated")
        );
        assert!(
            matches!(workload(&live(2, 2, 2, 1)), State::Waiting(w) if w == "1/2 replicas available")
        );
    }

    #[test]
    fn team_resources_pass_on_their_failures() {
        let degraded = json!({"metadata": {"generation": 1}, "status": {"conditions": [
            {"type": "Ready", "status": "False", "reason": "AdminConnectionFailed", "message": "no"},
            {"type": "Degraded", "status": "True", "reason": "AdminConnectionFailed", "message": "cannot reach db:5432"}]}});
        assert!(
            matches!(team_resource(&degraded), State::Failing(r, m) if r == "AdminConnectionFailed" && m == "cannot reach db:5432")
        );
        let stale = json!({"metadata": {"generation": 3}, "status": {"conditions": [
            {"type": "Ready", "status": "True", "reason": "Available", "message": "", "observedGeneration": 2}]}});
        assert!(matches!(team_resource(&stale), State::Waiting(_)));
        assert!(matches!(
            team_resource(&json!({"metadata": {}})),
            State::Waiting(_)
        ));
    }
}
