//! `team-operator render`: every object the operator would create, offline.
//!
//! The output is built completely before anything is printed, so an error leaves standard
//! output empty. Warnings (AWS values not read, unknown fields) go to standard error.

use super::CommandError;
use crate::input;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use team_api::manifest::Resource;
use team_desired::render::Rendered;
use team_desired::{ApplyPolicy, Environment};

/// Namespace of resources that name none, as with kubectl.
pub const DEFAULT_NAMESPACE: &str = "default";

pub fn run(files: &[PathBuf], namespace: Option<&str>) -> Result<(), CommandError> {
    let sourced = input::read_files(files)?;
    check_namespaces(&sourced, namespace)?;
    let resources: Vec<Resource> = sourced.iter().map(|s| s.decoded.resource.clone()).collect();
    let environment = Environment::from_lookup(|name| std::env::var(name).ok());
    let rendered = team_desired::render::render(
        &resources,
        namespace.unwrap_or(DEFAULT_NAMESPACE),
        &environment,
    )
    .map_err(|errors| errors.join("\n"))?;
    let text = to_yaml(&rendered)?;
    for sourced in &sourced {
        for warning in &sourced.decoded.warnings {
            eprintln!(
                "{} doc {}: warning: {warning}",
                sourced.source, sourced.decoded.document
            );
        }
    }
    for warning in &rendered.warnings {
        eprintln!("warning: {warning}");
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// A resource in another namespace than the one asked for is an error (as with kubectl).
fn check_namespaces(
    sourced: &[input::Sourced],
    namespace: Option<&str>,
) -> Result<(), CommandError> {
    let Some(wanted) = namespace else {
        return Ok(());
    };
    for item in sourced {
        let found = match &item.decoded.resource {
            Resource::Site(r) => r.metadata.namespace.clone(),
            Resource::Connect(r) => r.metadata.namespace.clone(),
            Resource::Workbench(r) => r.metadata.namespace.clone(),
            Resource::PackageManager(r) => r.metadata.namespace.clone(),
            Resource::Chronicle(r) => r.metadata.namespace.clone(),
            Resource::Flightdeck(r) => r.metadata.namespace.clone(),
            Resource::PostgresDatabase(r) => r.metadata.namespace.clone(),
            Resource::Secret(r) => r.metadata.namespace.clone(),
        };
        if let Some(found) = found.filter(|f| !f.is_empty() && f != wanted) {
            return Err(format!(
                "{} doc {}: metadata.namespace: {found:?} does not match --namespace {wanted:?}",
                item.source, item.decoded.document
            )
            .into());
        }
    }
    Ok(())
}

/// Multi-document YAML, each document introduced by the resource that creates it.
pub fn to_yaml(rendered: &Rendered) -> Result<String, CommandError> {
    let mut out = String::new();
    for group in &rendered.groups {
        for desired in &group.objects {
            out.push_str("---\n");
            writeln!(out, "# Source: {}", group.source)?;
            if let ApplyPolicy::CreateOnce { generate } = &desired.policy {
                if generate.is_empty() {
                    out.push_str("# Created once, never updated by the operator.\n");
                } else {
                    out.push_str(
                        "# Created once with generated values; render shows placeholders.\n",
                    );
                }
            }
            out.push_str(&serde_saphyr::to_string(&desired.object.to_value())?);
        }
    }
    Ok(out)
}
