//! The CustomResourceDefinitions of the seven kinds, as the API server receives them.

use crate::{Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Site, Workbench};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use serde_json::Value;
use std::sync::OnceLock;

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

/// Every CRD as JSON, in the order of [`KINDS`]; generated once per process.
fn cached() -> &'static [Value] {
    static CRDS: OnceLock<Vec<Value>> = OnceLock::new();
    CRDS.get_or_init(|| {
        KINDS
            .iter()
            .map(|kind| {
                let crd = generated(kind).expect("every listed kind has a CRD");
                let mut value = serde_json::to_value(crd).expect("a CRD always serializes");
                tidy(&mut value);
                value
            })
            .collect()
    })
}

/// The CRD of one kind as JSON, or `None` for a kind the operator does not serve.
pub fn for_kind(kind: &str) -> Option<&'static Value> {
    let index = KINDS.iter().position(|k| *k == kind)?;
    cached().get(index)
}

/// Every CRD as JSON, in the order of [`KINDS`].
pub fn all() -> Vec<Value> {
    cached().to_vec()
}

/// The openAPIV3Schema of one kind.
pub fn schema_for_kind(kind: &str) -> Option<&'static Value> {
    for_kind(kind).map(|crd| &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])
}

/// All CRDs as one multi-document YAML stream, as `team-operator crds` prints it.
pub fn all_as_yaml() -> String {
    all().iter().map(to_yaml).collect()
}

/// One CRD as a YAML document, starting with `---`.
pub fn to_yaml(crd: &Value) -> String {
    let body = serde_saphyr::to_string(crd).expect("a CRD always renders as YAML");
    format!("---\n{body}")
}

/// The file name of a CRD in a Helm chart's `crds/` directory: `<group>_<plural>.yaml`.
pub fn file_name(crd: &Value) -> String {
    let name = crd["metadata"]["name"].as_str().unwrap_or_default();
    let (plural, group) = name.split_once('.').unwrap_or((name, ""));
    format!("{group}_{plural}.yaml")
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
