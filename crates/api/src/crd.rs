//! The CustomResourceDefinitions of the seven kinds, as the API server receives them.

use crate::{Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Site, Workbench};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use serde_json::Value;

/// The kinds served by the operator, in a stable order.
pub const KINDS: [&str; 7] = [
    "Site",
    "Connect",
    "Workbench",
    "PackageManager",
    "Chronicle",
    "Flightdeck",
    "PostgresDatabase",
];

fn generated(kind: &str) -> Option<CustomResourceDefinition> {
    Some(match kind {
        "Site" => Site::crd(),
        "Connect" => Connect::crd(),
        "Workbench" => Workbench::crd(),
        "PackageManager" => PackageManager::crd(),
        "Chronicle" => Chronicle::crd(),
        "Flightdeck" => Flightdeck::crd(),
        "PostgresDatabase" => PostgresDatabase::crd(),
        _ => return None,
    })
}

/// The CRD of one kind as JSON, or `None` for a kind the operator does not serve.
pub fn for_kind(kind: &str) -> Option<Value> {
    let crd = generated(kind)?;
    let mut value = serde_json::to_value(crd).expect("a CRD always serializes");
    tidy(&mut value);
    Some(value)
}

/// Every CRD as JSON, in the order of [`KINDS`].
pub fn all() -> Vec<Value> {
    KINDS.iter().filter_map(|kind| for_kind(kind)).collect()
}

/// The openAPIV3Schema of one kind.
pub fn schema_for_kind(kind: &str) -> Option<Value> {
    let crd = for_kind(kind)?;
    Some(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone())
}

/// All CRDs as one multi-document YAML stream, as `team-operator crds` prints it.
pub fn all_as_yaml() -> String {
    all()
        .iter()
        .map(|crd| {
            format!(
                "---\n{}",
                serde_saphyr::to_string(crd).expect("a CRD always renders as YAML")
            )
        })
        .collect()
}

/// Normalises what schema generation leaves behind so the CRDs read like hand-written ones:
/// integral bounds as integers, doc-comment line breaks joined, no generated title.
fn tidy(value: &mut Value) {
    if let Some(Value::Object(root)) = value
        .pointer_mut("/spec/versions/0/schema/openAPIV3Schema")
        .map(|v| v as &mut Value)
    {
        root.remove("title");
    }
    tidy_node(value);
}

fn tidy_node(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["minimum", "maximum"] {
                if let Some(Value::Number(n)) = map.get(key)
                    && let Some(f) = n.as_f64()
                    && f.fract() == 0.0
                {
                    map.insert(key.to_string(), Value::from(f as i64));
                }
            }
            if let Some(Value::String(text)) = map.get_mut("description") {
                *text = join_wrapped_lines(text);
            }
            map.values_mut().for_each(tidy_node);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy_node),
        _ => {}
    }
}

/// Joins lines wrapped by doc comments; blank lines stay paragraph breaks.
fn join_wrapped_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
