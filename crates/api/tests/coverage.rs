//! Every field of every kind is set by at least one fixture, so the round-trip tests check the
//! wire name of every field against manifests written from the reference.

mod common;

use common::{child_schema, custom_resources, is_embedded};
use serde_json::Value;
use std::collections::BTreeSet;

/// Paths of every property of a schema, with `[]` for list items and `*` for map values.
fn schema_paths(schema: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (key, child) in properties {
            let path = format!("{prefix}.{key}");
            out.insert(path.clone());
            if !is_embedded(key, schema) {
                schema_paths(child, &path, out);
            }
        }
    }
    if let Some(items) = schema.get("items") {
        schema_paths(items, &format!("{prefix}[]"), out);
    }
    if let Some(values) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        schema_paths(values, &format!("{prefix}.*"), out);
    }
}

/// Paths present in a value, spelled like `schema_paths` (map keys become `*`).
fn value_paths(schema: &Value, value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let named = schema.get("properties").and_then(|p| p.get(key)).is_some();
                let path = if named {
                    format!("{prefix}.{key}")
                } else {
                    format!("{prefix}.*")
                };
                out.insert(path.clone());
                if let Some(child_schema) = child_schema(schema, key)
                    && !(named && is_embedded(key, schema))
                {
                    value_paths(child_schema, child, &path, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    value_paths(item_schema, item, &format!("{prefix}[]"), out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn fixtures_set_every_field_of_every_kind() {
    let fixtures = custom_resources();
    for kind in team_api::crd::KINDS {
        let schema = common::schema(kind);
        let spec_schema = &schema["properties"]["spec"];
        let mut wanted = BTreeSet::new();
        schema_paths(spec_schema, "spec", &mut wanted);
        let mut seen = BTreeSet::new();
        for fixture in fixtures.iter().filter(|f| f.kind == kind) {
            value_paths(spec_schema, &fixture.admitted["spec"], "spec", &mut seen);
        }
        let missing: Vec<&String> = wanted.difference(&seen).collect();
        assert!(
            missing.is_empty(),
            "{kind}: no fixture sets these fields: {missing:#?}"
        );
    }
}
