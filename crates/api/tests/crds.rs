//! The generated CRDs are valid, structural, documented, and equal to the committed copies.

mod common;

use serde_json::Value;
use team_api::crd;

fn schema_nodes<'a>(node: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    out.push((path.clone(), node));
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (key, child) in properties {
            schema_nodes(child, format!("{path}.{key}"), out);
        }
    }
    if let Some(items) = node.get("items") {
        schema_nodes(items, format!("{path}[]"), out);
    }
    if let Some(values) = node.get("additionalProperties").filter(|a| a.is_object()) {
        schema_nodes(values, format!("{path}.*"), out);
    }
}

#[test]
fn crds_pass_the_official_schemas_strictly() {
    let files = test_support::write_crds(&crd::all());
    test_support::kubernetes_validate(&files).assert_success("kubernetes-validate of the CRDs");
}

#[test]
fn schemas_are_structural() {
    for kind in crd::KINDS {
        let schema = crd::schema_for_kind(kind).unwrap();
        let mut nodes = Vec::new();
        schema_nodes(schema, kind.to_string(), &mut nodes);
        for (path, node) in nodes {
            let typed = node.get("type").is_some();
            let free_form = node.get("x-kubernetes-preserve-unknown-fields")
                == Some(&Value::Bool(true))
                || node.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
            assert!(typed || free_form, "{path} has no type");
            for forbidden in [
                "$ref",
                "definitions",
                "$defs",
                "oneOf",
                "anyOf",
                "allOf",
                "const",
            ] {
                assert!(node.get(forbidden).is_none(), "{path} uses {forbidden}");
            }
        }
    }
}

#[test]
fn every_field_of_our_types_is_documented() {
    for kind in crd::KINDS {
        let schema = crd::schema_for_kind(kind).unwrap();
        let mut nodes = Vec::new();
        schema_nodes(
            &schema["properties"]["spec"],
            format!("{kind}.spec"),
            &mut nodes,
        );
        for (path, node) in nodes.iter().skip(1) {
            if path.ends_with("[]") || path.ends_with(".*") {
                continue;
            }
            let text = node
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("");
            assert!(
                text.len() >= 3,
                "{path} has no description (kubectl explain shows nothing)"
            );
        }
    }
}

#[test]
fn cel_rules_compile() {
    for kind in crd::KINDS {
        let schema = crd::schema_for_kind(kind).unwrap();
        let compiled = kube_cel::compile_schema(schema);
        let errors = compiled.compilation_errors();
        assert!(
            errors.is_empty(),
            "{kind}: CEL rules do not compile: {errors:?}"
        );
    }
}

#[test]
fn printer_columns_show_ready_reason_and_age() {
    for crd in crd::all() {
        let columns: Vec<&str> = crd["spec"]["versions"][0]["additionalPrinterColumns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            columns.first(),
            Some(&"Ready"),
            "{}",
            crd["metadata"]["name"]
        );
        assert!(columns.contains(&"Reason") && columns.last() == Some(&"Age"));
    }
}

#[test]
fn names_match_the_go_operator() {
    let expected = [
        ("sites", "Site", vec![]),
        ("connects", "Connect", vec!["con", "cons"]),
        ("workbenches", "Workbench", vec!["wb", "wbs"]),
        ("packagemanagers", "PackageManager", vec!["pm", "pms"]),
        ("chronicles", "Chronicle", vec!["pcr", "chr"]),
        ("flightdecks", "Flightdeck", vec![]),
        (
            "postgresdatabases",
            "PostgresDatabase",
            vec!["pgdb", "pgdbs"],
        ),
    ];
    for (crd, (plural, kind, short)) in crd::all().iter().zip(expected) {
        assert_eq!(crd["metadata"]["name"], format!("{plural}.core.posit.team"));
        assert_eq!(crd["spec"]["names"]["kind"], kind);
        assert_eq!(crd["spec"]["scope"], "Namespaced");
        let short_names: Vec<&str> = crd["spec"]["names"]["shortNames"]
            .as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(short_names, short, "{kind}");
        let version = &crd["spec"]["versions"][0];
        assert_eq!(version["name"], "v1beta1");
        assert_eq!(version["subresources"]["status"], serde_json::json!({}));
    }
}

#[test]
fn spec_field_counts_match_the_go_operator() {
    let expected = [30, 30, 34, 24, 8, 15, 9];
    for (kind, count) in crd::KINDS.iter().zip(expected) {
        let schema = crd::schema_for_kind(kind).unwrap();
        let fields = schema["properties"]["spec"]["properties"]
            .as_object()
            .unwrap()
            .len();
        assert_eq!(fields, count, "{kind}.spec has {fields} top-level fields");
    }
}

#[test]
fn committed_crds_are_up_to_date() {
    let dir = test_support::workspace_root().join("charts/team-operator/crds");
    let mut expected_files = Vec::new();
    for crd in crd::all() {
        let file = dir.join(crd::file_name(&crd));
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert_eq!(
            committed,
            crd::to_yaml(&crd),
            "{} is out of date: run `cargo run -p team-operator -- crds --output-dir charts/team-operator/crds`",
            file.display()
        );
        expected_files.push(file);
    }
    let present = test_support::yaml_files_in(&dir);
    expected_files.sort();
    assert_eq!(
        present, expected_files,
        "charts/team-operator/crds holds unexpected files"
    );
}

/// Leaf fields as the reference counts them: every scalar, list or map, with lists and maps of
/// our own structs counted by their fields and each embedded Kubernetes type as one field.
fn leaf_fields(schema: &Value) -> usize {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        return properties
            .iter()
            .map(|(key, child)| {
                if common::is_embedded(key, schema) {
                    1
                } else {
                    leaf_fields(child)
                }
            })
            .sum();
    }
    let nested = schema
        .get("items")
        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
    match nested {
        Some(inner) if inner.get("properties").is_some() => leaf_fields(inner),
        _ => 1,
    }
}

#[test]
fn leaf_field_counts_match_the_go_operator() {
    let expected = [255, 170, 232, 69, 21, 16, 12];
    for (kind, count) in crd::KINDS.iter().zip(expected) {
        let schema = crd::schema_for_kind(kind).unwrap();
        assert_eq!(
            leaf_fields(&schema["properties"]["spec"]),
            count,
            "{kind}.spec leaf fields"
        );
    }
}
