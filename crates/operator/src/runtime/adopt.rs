//! Taking over objects another writer made, so that server-side apply can remove what we do
//! not set.
//!
//! The Go operator writes with create and update (controller-runtime), which the API server
//! records as `Update` entries of its field manager. Server-side apply only removes fields
//! that the applying manager owned before; fields of those `Update` entries would stay for
//! ever, stale. Before its first apply, the operator therefore moves the fields of the
//! previous writers' entries into its own `Apply` entry (what `kubectl`'s client-side to
//! server-side upgrade does); the apply then sets what we want and removes the rest. Entries
//! of anyone else (users, other controllers, status writers) are left as they are.

use serde_json::{Map, Value, json};

/// Field managers the Go operator's writes are recorded under: controller-runtime leaves the
/// manager to the API server, which takes the binary's name from the user agent
/// (`team-operator` in its image, `manager` in a kubebuilder build).
pub const PREVIOUS_MANAGERS: [&str; 2] = ["team-operator", "manager"];

fn is_previous_writer(entry: &Value) -> bool {
    entry["operation"] == "Update"
        && entry["subresource"].as_str().unwrap_or("").is_empty()
        && entry["manager"]
            .as_str()
            .is_some_and(|m| PREVIOUS_MANAGERS.contains(&m))
}

/// The object's `metadata.managedFields` with the previous writers' entries folded into
/// `manager`'s `Apply` entry, or `None` when there is nothing to take over.
pub fn adopted_managed_fields(live: &Value, manager: &str, api_version: &str) -> Option<Value> {
    let entries = live.pointer("/metadata/managedFields")?.as_array()?;
    if !entries.iter().any(is_previous_writer) {
        return None;
    }
    let ours = |e: &Value| e["manager"] == manager && e["operation"] == "Apply";
    let mut fields = entries
        .iter()
        .find(|e| ours(e))
        .map(|e| e["fieldsV1"].clone())
        .unwrap_or_else(|| json!({}));
    for entry in entries.iter().filter(|e| is_previous_writer(e)) {
        union(&mut fields, &entry["fieldsV1"]);
    }
    let mut kept: Vec<Value> = entries
        .iter()
        .filter(|e| !is_previous_writer(e) && !ours(e))
        .cloned()
        .collect();
    kept.push(json!({
        "manager": manager,
        "operation": "Apply",
        "apiVersion": api_version,
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
    }));
    Some(Value::Array(kept))
}

/// Adds every field of the field set `other` to `into` (field sets are nested maps).
pub fn union(into: &mut Value, other: &Value) {
    let Some(other) = other.as_object() else {
        return;
    };
    if !into.is_object() {
        *into = Value::Object(Map::new());
    }
    let into = into.as_object_mut().expect("made an object above");
    for (key, value) in other {
        union(into.entry(key.clone()).or_insert_with(|| json!({})), value);
    }
}

/// A JSON patch that replaces the managed fields, only if the object is still at
/// `resource_version`.
pub fn patch(resource_version: &str, managed_fields: Value) -> json_patch::Patch {
    serde_json::from_value(json!([
        {"op": "test", "path": "/metadata/resourceVersion", "value": resource_version},
        {"op": "replace", "path": "/metadata/managedFields", "value": managed_fields},
    ]))
    .expect("a well-formed JSON patch")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(manager: &str, operation: &str, subresource: &str, fields: Value) -> Value {
        let mut e = json!({"manager": manager, "operation": operation, "apiVersion": "v1",
            "fieldsType": "FieldsV1", "fieldsV1": fields});
        if !subresource.is_empty() {
            e["subresource"] = json!(subresource);
        }
        e
    }

    #[test]
    fn the_previous_writers_fields_become_ours_and_others_stay() {
        let live = json!({"metadata": {"managedFields": [
            entry("team-operator", "Update", "", json!({"f:data": {"f:a": {}, "f:stale": {}}})),
            entry("manager", "Update", "", json!({"f:metadata": {"f:labels": {"f:x": {}}}})),
            entry("team-operator", "Apply", "", json!({"f:data": {"f:b": {}}})),
            entry("kubectl-edit", "Update", "", json!({"f:data": {"f:user": {}}})),
            entry("manager", "Update", "status", json!({"f:status": {}})),
        ]}});
        let adopted = adopted_managed_fields(&live, "team-operator", "v1").unwrap();
        let entries = adopted.as_array().unwrap();
        assert_eq!(entries.len(), 3, "{adopted:#}");
        assert_eq!(entries[0]["manager"], "kubectl-edit");
        assert_eq!(entries[1]["subresource"], "status");
        assert_eq!(
            entries[2]["fieldsV1"],
            json!({"f:data": {"f:a": {}, "f:b": {}, "f:stale": {}}, "f:metadata": {"f:labels": {"f:x": {}}}})
        );
        assert_eq!(entries[2]["operation"], "Apply");
    }

    #[test]
    fn nothing_to_take_over_without_a_previous_writer() {
        let live = json!({"metadata": {"managedFields": [
            entry("team-operator", "Apply", "", json!({"f:data": {}})),
            entry("kube-controller-manager", "Update", "", json!({"f:metadata": {}})),
        ]}});
        assert_eq!(adopted_managed_fields(&live, "team-operator", "v1"), None);
        assert_eq!(
            adopted_managed_fields(&json!({}), "team-operator", "v1"),
            None
        );
    }
}
