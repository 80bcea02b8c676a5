//! Helpers of the Workbench tests: rendering manifests, finding objects, reading the
//! rendered configuration files back with the parsers Workbench's consumers use.

#![allow(dead_code)]

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use team_api::manifest::{self, Resource};
use team_desired::Environment;
use team_desired::object::{Desired, Object};
use team_desired::render::{self, Rendered};

/// A Workbench resource on its own (Kubernetes vault), for variations in tests.
pub const WORKBENCH: &str = r#"apiVersion: v1
kind: Secret
metadata: {name: vault, namespace: posit-team}
stringData:
  dev-db-password: pw
  dev-client-secret: the-client-secret
  workbench.lic: x
---
apiVersion: core.posit.team/v1beta1
kind: Workbench
metadata: {name: solo, namespace: posit-team, uid: 0b6a1d6e-0000-4000-8000-000000000002}
spec:
  image: posit/workbench:1
  offHostExecution: true
  url: workbench.example.com
  parentUrl: example.com
  databaseConfig: {host: "db.example.com:5432"}
  secret: {type: kubernetes, vaultName: vault}
  license: {existingSecretName: vault, existingSecretKey: workbench.lic}
"#;

/// [`WORKBENCH`] with more spec lines (indented by two spaces).
pub fn workbench_with(extra_spec: &str) -> String {
    WORKBENCH.replace(
        "  license: {existingSecretName: vault, existingSecretKey: workbench.lic}\n",
        &format!("  license: {{existingSecretName: vault, existingSecretKey: workbench.lic}}\n{extra_spec}"),
    )
}

pub fn resources(text: &str) -> Vec<Resource> {
    manifest::read_all(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|d| d.resource)
        .collect()
}

/// Renders manifest text, or the errors.
pub fn try_render(text: &str) -> Result<Rendered, Vec<String>> {
    render::render(&resources(text), "posit-team", &Environment::default())
}

pub fn rendered(text: &str) -> Rendered {
    try_render(text).unwrap_or_else(|e| panic!("{}", e.join("\n")))
}

/// The error of a render that must fail.
pub fn render_error(text: &str) -> String {
    match try_render(text) {
        Ok(_) => panic!("the render was expected to fail"),
        Err(errors) => errors.join("\n"),
    }
}

pub fn example(name: &str) -> String {
    std::fs::read_to_string(test_support::workspace_root().join("examples").join(name)).unwrap()
}

/// The objects of the Workbench of a render.
pub fn workbench_objects(rendered: &Rendered) -> Vec<&Desired> {
    rendered
        .groups
        .iter()
        .filter(|g| g.source.starts_with("Workbench "))
        .flat_map(|g| g.objects.iter())
        .collect()
}

pub fn find<'a>(rendered: &'a Rendered, kind: &str, name: &str) -> &'a Desired {
    rendered
        .objects()
        .find(|d| d.object.kind() == kind && d.object.name() == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

pub fn exists(rendered: &Rendered, kind: &str, name: &str) -> bool {
    rendered
        .objects()
        .any(|d| d.object.kind() == kind && d.object.name() == name)
}

pub fn value(rendered: &Rendered, kind: &str, name: &str) -> Value {
    find(rendered, kind, name).object.to_value()
}

pub fn config_map(rendered: &Rendered, name: &str) -> BTreeMap<String, String> {
    match &find(rendered, "ConfigMap", name).object {
        Object::ConfigMap(map) => {
            let map: &ConfigMap = map;
            map.data.clone().unwrap_or_default()
        }
        _ => unreachable!(),
    }
}

pub fn secret_data(rendered: &Rendered, name: &str) -> BTreeMap<String, String> {
    match &find(rendered, "Secret", name).object {
        Object::Secret(secret) => {
            let secret: &Secret = secret;
            secret.string_data.clone().unwrap_or_default()
        }
        _ => unreachable!(),
    }
}

/// The JSON inside `rstudio-library-templates-data.tpl`.
pub fn templates_data(rendered: &Rendered, templates: &str) -> Value {
    let text = &config_map(rendered, templates)["rstudio-library-templates-data.tpl"];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "define, JSON, end:\n{text}");
    assert_eq!(
        lines[0],
        "{{- define \"rstudio-library.templates.data\" -}}"
    );
    assert_eq!(lines[2], "{{- end }}");
    serde_json::from_str(lines[1]).unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", lines[1]))
}

/// Writes a file into a fresh scratch directory.
pub fn scratch_file(label: &str, name: &str, text: &str) -> PathBuf {
    let path = test_support::scratch_dir(label).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A key=value file read back by Boost.Program_options, as Workbench reads it.
pub fn read_ini(name: &str, text: &str) -> Vec<(String, String)> {
    test_support::boost_config_read(&scratch_file("wb-ini", name, text))
}

/// The render as YAML documents (for snapshots and kubernetes-validate).
pub fn yaml(objects: &[&Desired]) -> String {
    objects
        .iter()
        .map(|d| serde_saphyr::to_string(&d.object.to_value()).expect("objects serialize"))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Asserts that a file read back holds every (key, value).
pub fn assert_has(file: &str, read: &[(String, String)], expected: &[(&str, &str)]) {
    for (key, value) in expected {
        assert!(
            read.contains(&(key.to_string(), value.to_string())),
            "{file}: {key}={value} missing from {read:?}"
        );
    }
}

/// The one Workbench resource of a manifest, validated.
pub fn validated_workbench(text: &str) -> team_desired::workbench::ValidatedWorkbench {
    let resource = resources(text)
        .into_iter()
        .find_map(|r| match r {
            Resource::Workbench(w) => Some(w),
            _ => None,
        })
        .expect("a Workbench resource");
    team_desired::workbench::validate(&resource, "posit-team").unwrap_or_else(|e| panic!("{e}"))
}
