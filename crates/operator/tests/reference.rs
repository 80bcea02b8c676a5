//! The committed configuration reference is what `team-operator reference` prints, and it
//! documents every field of the CRDs without descending into embedded Kubernetes types.

use team_operator::reference;

fn committed() -> String {
    let path = test_support::workspace_root().join("docs/configuration-reference.md");
    std::fs::read_to_string(&path).unwrap_or_default()
}

#[test]
fn committed_reference_is_up_to_date() {
    assert!(
        committed() == reference::markdown(),
        "docs/configuration-reference.md is out of date: run \
         `cargo run -p team-operator -- reference > docs/configuration-reference.md`"
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(reference::markdown(), reference::markdown());
}

/// Every property path of a CRD schema, stopping where the reference stops.
fn schema_paths(
    node: &serde_json::Value,
    path: &str,
    rows: &[(String, String)],
    out: &mut Vec<String>,
) {
    let Some(properties) = node.get("properties").and_then(|p| p.as_object()) else {
        return;
    };
    for (name, child) in properties {
        let child_path = format!("{path}.{name}");
        out.push(child_path.clone());
        let embedded = rows
            .iter()
            .any(|(p, kind)| *p == child_path && kind.contains("Kubernetes `"));
        if embedded {
            continue;
        }
        if let Some(items) = child.get("items") {
            schema_paths(items, &format!("{child_path}[]"), rows, out);
        } else if let Some(values) = child.get("additionalProperties").filter(|v| v.is_object()) {
            schema_paths(values, &format!("{child_path}.*"), rows, out);
        } else {
            schema_paths(child, &child_path, rows, out);
        }
    }
}

#[test]
fn every_field_of_every_kind_has_a_row() {
    let markdown = reference::markdown();
    let sections: Vec<&str> = markdown.split("\n## ").skip(1).collect();
    assert_eq!(sections.len(), team_api::crd::KINDS.len());
    for (kind, section) in team_api::crd::KINDS.iter().zip(sections) {
        assert!(section.starts_with(kind), "sections follow the kinds");
        let rows = reference::rows_of(section);
        let schema = team_api::crd::schema_for_kind(kind).unwrap();
        let mut paths = Vec::new();
        for part in ["spec", "status"] {
            schema_paths(&schema["properties"][part], part, &rows, &mut paths);
        }
        let documented: Vec<&String> = rows.iter().map(|(p, _)| p).collect();
        let mut expected: Vec<&String> = paths.iter().collect();
        let mut sorted = documented.clone();
        sorted.sort();
        expected.sort();
        assert_eq!(
            sorted, expected,
            "{kind}: rows differ from the CRD's fields"
        );
    }
}

#[test]
fn embedded_kubernetes_types_are_named_not_expanded() {
    let markdown = reference::markdown();
    let rows = reference::rows_of(&markdown);
    let kind_of = |path: &str| {
        rows.iter()
            .find(|(p, _)| p == path)
            .map(|(_, k)| k.clone())
            .unwrap_or_else(|| panic!("no row for {path}"))
    };
    assert_eq!(
        kind_of("spec.workbench.tolerations"),
        "[]Kubernetes `core/v1 Toleration`"
    );
    assert_eq!(
        kind_of("status.conditions"),
        "[]Kubernetes `meta/v1 Condition`"
    );
    assert_eq!(
        kind_of("spec.sessionConfig.pod.affinity"),
        "Kubernetes `core/v1 Affinity`"
    );
    assert_eq!(kind_of("spec.connect.replicas"), "integer (int32)");
    assert!(
        !rows
            .iter()
            .any(|(p, _)| p.starts_with("spec.sessionConfig.pod.affinity."))
    );
    assert!(!rows.iter().any(|(p, _)| p.contains("tolerations[]")));
    // Hundreds of rows, not the thousands of the embedded pod types.
    assert!(rows.len() > 500 && rows.len() < 1500, "{} rows", rows.len());
}

#[test]
fn placeholders_survive_markdown() {
    let markdown = reference::markdown();
    // Outside code spans `<site>` would be read as an HTML tag and vanish.
    for line in markdown.lines().filter(|l| l.starts_with("| `")) {
        for (index, piece) in line.split('`').enumerate() {
            if index % 2 == 0 {
                assert!(
                    !piece.replace("<br>", "").contains('<'),
                    "unescaped < outside code: {line}"
                );
            }
        }
    }
}
