//! Absent and zero mean the same, as they do for the Go operator: for every field of our own
//! types that has no non-zero schema default, a manifest that sets it to its zero value
//! decodes exactly like one that leaves it out.

mod common;

use common::{child_schema, custom_resources, is_embedded, schema};
use serde_json::Value;
use team_api::manifest;

/// Paths (as JSON pointers) of scalar fields that may be zeroed: own-type fields, not
/// required, not nullable, without a schema default, outside lists and embedded Kubernetes
/// types.
fn zeroable_leaves(schema: &Value, value: &Value, pointer: &str, out: &mut Vec<(String, Value)>) {
    let Value::Object(map) = value else {
        return;
    };
    for (key, child) in map {
        let Some(child_schema) = child_schema(schema, key) else {
            continue;
        };
        let named = schema.get("properties").and_then(|p| p.get(key)).is_some();
        if named && is_embedded(key, schema) {
            continue;
        }
        let escaped = key.replace('~', "~0").replace('/', "~1");
        let path = format!("{pointer}/{escaped}");
        let required = schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|k| k == key.as_str()));
        match child {
            Value::Object(_) => zeroable_leaves(child_schema, child, &path, out),
            // Pointer fields (nullable) distinguish zero from absent, as in the Go operator.
            _ if required
                || child_schema.get("default").is_some()
                || child_schema.get("nullable") == Some(&Value::Bool(true))
                || !named => {}
            Value::String(_) => out.push((path, Value::from(""))),
            Value::Bool(_) => out.push((path, Value::from(false))),
            Value::Number(_) => out.push((path, Value::from(0))),
            Value::Array(_) => out.push((path, Value::Array(Vec::new()))),
            Value::Null => {}
        }
    }
}

fn remove(value: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    value
        .pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(&key);
}

#[test]
fn zero_values_decode_like_absent_fields() {
    let mut checked = 0;
    for fixture in custom_resources() {
        let schema = schema(&fixture.kind);
        let mut leaves = Vec::new();
        zeroable_leaves(&schema, &fixture.admitted, "", &mut leaves);
        for (pointer, zero) in leaves {
            let mut zeroed = fixture.admitted.clone();
            *zeroed.pointer_mut(&pointer).unwrap() = zero;
            let mut absent = fixture.admitted.clone();
            remove(&mut absent, &pointer);
            // Both may be refused (a CEL rule needing the field); then identically.
            let from_zero = manifest::decode_document(1, zeroed).map(|d| d.resource);
            let from_absent = manifest::decode_document(1, absent).map(|d| d.resource);
            assert!(
                from_zero == from_absent,
                "{}: {pointer} set to zero differs from {pointer} left out",
                fixture.label()
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} fields were checked");
}

#[test]
fn explicit_nulls_are_pruned_like_the_api_server_does() {
    let text = r#"
apiVersion: core.posit.team/v1beta1
kind: PostgresDatabase
metadata: {name: db}
spec:
  url: postgres://r@h:5432/d
  secretVault: v
  secretPasswordKey: k
  schemas: null
  extensions: null
  teardown: null
"#;
    let decoded = manifest::read_all(text).unwrap();
    let manifest::Resource::PostgresDatabase(db) = &decoded[0].resource else {
        panic!("expected a PostgresDatabase");
    };
    assert!(db.spec.schemas.is_empty() && db.spec.extensions.is_empty());
    assert!(!db.spec.drops_on_teardown());
}

#[test]
fn nulls_in_free_form_settings_follow_the_api_server() {
    let text = r#"
apiVersion: core.posit.team/v1beta1
kind: Site
metadata: {name: main}
spec:
  domain: example.com
  workbench:
    vsCodeUserSettings:
      editor.rulers: null
      nested: {inner: null}
"#;
    let decoded = manifest::read_all(text).unwrap();
    let manifest::Resource::Site(site) = &decoded[0].resource else {
        panic!("expected a Site");
    };
    // A null map value is pruned (the map's value schema is not nullable); nulls deeper in
    // the free-form JSON are kept.
    let settings = &site.spec.workbench.as_ref().unwrap().vs_code_user_settings;
    assert!(!settings.contains_key("editor.rulers"));
    assert_eq!(settings["nested"], serde_json::json!({"inner": null}));
}
