//! Shared helpers of the team-api integration tests.
#![allow(dead_code)]

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use team_api::crd;
use team_api::manifest::{self, Decoded};

/// A custom resource read from a fixture, with where it came from.
pub struct Fixture {
    pub file: PathBuf,
    pub document: usize,
    pub kind: String,
    /// The document as the API server would store it: nulls pruned, defaults applied.
    pub admitted: Value,
    pub decoded: Decoded,
}

impl Fixture {
    pub fn label(&self) -> String {
        format!("{} doc {}", self.file.display(), self.document)
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every valid manifest: the examples, the full-coverage fixtures and the Go samples.
pub fn valid_files() -> Vec<PathBuf> {
    let mut files = test_support::examples();
    files.extend(test_support::yaml_files_in(&fixtures_dir().join("full")));
    files.extend(test_support::yaml_files_in(
        &fixtures_dir().join("go-samples"),
    ));
    files
}

/// Every custom resource (not Secrets) of the valid manifests.
pub fn custom_resources() -> Vec<Fixture> {
    let mut out = Vec::new();
    for file in valid_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (document, value) in manifest::documents(&text).unwrap() {
            let kind = value["kind"].as_str().unwrap_or_default().to_string();
            let Some(schema) = team_api::schema_check::KindSchema::for_kind(&kind) else {
                continue;
            };
            let decoded = manifest::decode_document(document, value.clone())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let (admitted, _) = manifest::admit(document, schema, value).unwrap();
            out.push(Fixture {
                file: file.clone(),
                document,
                kind,
                admitted,
                decoded,
            });
        }
    }
    assert!(
        out.len() >= 15,
        "expected the fixtures to hold at least 15 custom resources"
    );
    out
}

/// The resource serialized back to JSON.
pub fn serialized(decoded: &Decoded) -> Value {
    use team_api::manifest::Resource;
    match &decoded.resource {
        Resource::Site(r) => serde_json::to_value(r),
        Resource::Connect(r) => serde_json::to_value(r),
        Resource::Workbench(r) => serde_json::to_value(r),
        Resource::PackageManager(r) => serde_json::to_value(r),
        Resource::Chronicle(r) => serde_json::to_value(r),
        Resource::Flightdeck(r) => serde_json::to_value(r),
        Resource::PostgresDatabase(r) => serde_json::to_value(r),
        Resource::Secret(r) => serde_json::to_value(r),
    }
    .unwrap()
}

pub fn schema(kind: &str) -> Value {
    crd::schema_for_kind(kind).unwrap().clone()
}

/// Properties that embed Kubernetes core types (or raw JSON) rather than our own structs; the
/// field-level tests stop there.
pub const EMBEDDED: [&str; 17] = [
    "volumes",
    "volumeMounts",
    "env",
    "initContainers",
    "extraContainers",
    "containerSecurityContext",
    "defaultSecurityContext",
    "securityContext",
    "tolerations",
    "sessionTolerations",
    "sessionEnvVars",
    "affinity",
    "keySecretRef",
    "conditions",
    "vsCodeUserSettings",
    "userSettings",
    "metadata",
];

pub fn is_embedded(key: &str, parent_schema: &Value) -> bool {
    EMBEDDED.contains(&key)
        || (key == "imagePullSecrets"
            && parent_schema["properties"][key]["items"]["type"] == "object")
        || parent_schema["properties"][key]
            .get("additionalProperties")
            .and_then(|a| a.get("x-kubernetes-preserve-unknown-fields"))
            .is_some()
}

/// The schema of a child value: a named property or a map value.
pub fn child_schema<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

pub fn is_zero_scalar(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
    }
}

/// Removes values that mean the same as absence: zero values of fields without a schema
/// default, and non-nullable objects left empty. This is what serialization drops.
pub fn strip_zeros(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => strip_object(schema, map),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                items
                    .iter_mut()
                    .for_each(|item| strip_zeros(item_schema, item));
            }
        }
        _ => {}
    }
}

fn strip_object(schema: &Value, map: &mut Map<String, Value>) {
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let Some(child_schema) = child_schema(schema, &key) else {
            continue;
        };
        if !is_embedded(&key, schema)
            && child_schema
                .get("x-kubernetes-preserve-unknown-fields")
                .is_none()
        {
            strip_zeros(child_schema, map.get_mut(&key).unwrap());
        }
        let has_default = child_schema.get("default").is_some();
        let nullable = child_schema.get("nullable") == Some(&Value::Bool(true));
        let required = schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|k| k == key.as_str()));
        if !has_default && !nullable && !required && is_zero_scalar(&map[&key]) {
            map.remove(&key);
        }
    }
}
