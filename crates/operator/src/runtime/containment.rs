//! Whether a live object already holds what we want: every desired field present with the
//! same value, as the API server stores it.
//!
//! The server adds defaults (ignored here), drops empty maps and lists, and rewrites
//! quantities in their canonical form (`2000m` is stored as `2`, `1024Mi` as `1Gi`):
//! quantities under `limits`, `requests` and `sizeLimit` compare by value, or an unchanged
//! object would look changed after every write and be written again at every resync.

use serde_json::Value;
use team_api::quantity::amount;

/// True when every field of `wanted` is present in `live` with the same value. Lists must
/// have the same length; numbers compare by value, quantities by amount, and a Secret's
/// `stringData` as the `data` the server turns it into.
pub fn contains(live: &Value, wanted: &Value) -> bool {
    match wanted.get("stringData").and_then(Value::as_object) {
        Some(_) => contains_in(live, &string_data_as_data(wanted), Place::Other),
        None => contains_in(live, wanted, Place::Other),
    }
}

/// A Secret as the API server stores it: `stringData` merged into `data`, base64-encoded.
fn string_data_as_data(secret: &Value) -> Value {
    let mut stored = secret.clone();
    let object = stored.as_object_mut().expect("a Secret is an object");
    let strings = object.remove("stringData").unwrap_or_default();
    let data = object
        .entry("data")
        .or_insert_with(|| Value::Object(Default::default()));
    if let (Some(data), Some(strings)) = (data.as_object_mut(), strings.as_object()) {
        for (key, value) in strings {
            let bytes = value.as_str().unwrap_or_default().as_bytes().to_vec();
            let encoded = serde_json::to_value(k8s_openapi::ByteString(bytes))
                .expect("bytes serialize as base64");
            data.insert(key.clone(), encoded);
        }
    }
    stored
}

/// What the compared value is, as far as its meaning depends on where it sits.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// A map of resource names to quantities.
    QuantityMap,
    Quantity,
    Other,
}

fn place_of(key: &str, parent: Place) -> Place {
    match (parent, key) {
        (Place::QuantityMap, _) | (_, "sizeLimit") => Place::Quantity,
        (_, "limits" | "requests" | "capacity" | "overhead") => Place::QuantityMap,
        _ => Place::Other,
    }
}

fn contains_in(live: &Value, wanted: &Value, place: Place) -> bool {
    match (live, wanted) {
        (Value::Object(live), Value::Object(wanted)) => wanted.iter().all(|(key, value)| {
            live.get(key)
                .is_some_and(|l| contains_in(l, value, place_of(key, place)))
                || is_empty(value)
        }),
        (Value::Array(live), Value::Array(wanted)) => {
            live.len() == wanted.len()
                && live
                    .iter()
                    .zip(wanted)
                    .all(|(l, w)| contains_in(l, w, Place::Other))
        }
        (Value::Number(live), Value::Number(wanted)) => live.as_f64() == wanted.as_f64(),
        (Value::String(live), Value::String(wanted)) if place == Place::Quantity => {
            live == wanted || matches!((amount(live), amount(wanted)), (Some(l), Some(w)) if l == w)
        }
        (live, wanted) => live == wanted,
    }
}

/// Empty maps and lists are dropped by the API server; their absence is a match.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containment_ignores_server_added_fields() {
        let live = json!({"spec": {"replicas": 1, "strategy": {"type": "RollingUpdate"},
            "template": {"spec": {"containers": [{"name": "a", "image": "x", "terminationMessagePath": "/dev/termination-log"}]}}}});
        let wanted = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}});
        assert!(contains(&live, &wanted));
    }

    #[test]
    fn containment_sees_edits_and_removed_items() {
        let live = json!({"data": {"a": "1"}, "list": [1, 2]});
        assert!(!contains(&live, &json!({"data": {"a": "2"}})));
        assert!(!contains(&live, &json!({"data": {"b": "1"}})));
        assert!(!contains(&live, &json!({"list": [1]})));
        assert!(contains(&live, &json!({"list": [1.0, 2], "empty": {}})));
    }

    #[test]
    fn quantities_compare_by_amount_where_kubernetes_stores_quantities() {
        let live = json!({"resources": {"limits": {"cpu": "2", "memory": "1Gi"},
            "requests": {"cpu": "500m", "memory": "512Mi"}}, "emptyDir": {"sizeLimit": "1k"}});
        let wanted = json!({"resources": {"limits": {"cpu": "2000m", "memory": "1024Mi"},
            "requests": {"cpu": "0.5", "memory": "0.5Gi"}}, "emptyDir": {"sizeLimit": "1e3"}});
        assert!(contains(&live, &wanted));
        let more = json!({"resources": {"limits": {"cpu": "2001m"}}});
        assert!(!contains(&live, &more));
        // Elsewhere a string is a string.
        assert!(!contains(
            &json!({"data": {"cpu": "2"}}),
            &json!({"data": {"cpu": "2000m"}})
        ));
    }

    #[test]
    fn string_data_compares_with_the_data_the_server_stores() {
        // "value" and "other" in base64.
        let live = json!({"kind": "Secret", "data": {"a": "dmFsdWU=", "b": "b3RoZXI="}});
        assert!(contains(
            &live,
            &json!({"kind": "Secret", "stringData": {"a": "value"}})
        ));
        assert!(contains(
            &live,
            &json!({"kind": "Secret", "data": {"b": "b3RoZXI="}, "stringData": {"a": "value"}})
        ));
        assert!(!contains(
            &live,
            &json!({"kind": "Secret", "stringData": {"a": "changed"}})
        ));
        assert!(!contains(
            &live,
            &json!({"kind": "Secret", "stringData": {"c": "value"}})
        ));
    }
}
