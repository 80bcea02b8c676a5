//! Reading manifests: multi-document YAML into typed resources, with errors that name the
//! document and the field (`doc 2: spec.connect.replicas: invalid type: ...`).
//!
//! Custom resources go through what the API server would do with them (null pruning, schema
//! checks with CEL rules, defaulting) before they are decoded, so anything accepted here
//! would also be accepted by a cluster running our CRDs.

use crate::schema_check::{self, Finding, Severity};
use crate::{
    API_VERSION, Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Site, Workbench,
    crd,
};
use k8s_openapi::api::core::v1::Secret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// One resource read from a manifest.
#[derive(Clone, Debug, PartialEq)]
pub enum Resource {
    Site(Box<Site>),
    Connect(Box<Connect>),
    Workbench(Box<Workbench>),
    PackageManager(Box<PackageManager>),
    Chronicle(Box<Chronicle>),
    Flightdeck(Box<Flightdeck>),
    PostgresDatabase(Box<PostgresDatabase>),
    /// A Kubernetes Secret (`v1`), read so that references to it can be resolved offline.
    Secret(Box<Secret>),
}

impl Resource {
    /// The kind, as written in the manifest.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Site(_) => "Site",
            Resource::Connect(_) => "Connect",
            Resource::Workbench(_) => "Workbench",
            Resource::PackageManager(_) => "PackageManager",
            Resource::Chronicle(_) => "Chronicle",
            Resource::Flightdeck(_) => "Flightdeck",
            Resource::PostgresDatabase(_) => "PostgresDatabase",
            Resource::Secret(_) => "Secret",
        }
    }
}

/// A resource together with what the checks noticed but tolerated.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// 1-based position of the document in its stream.
    pub document: usize,
    pub resource: Resource,
    /// Warnings, e.g. unknown fields the API server would drop.
    pub warnings: Vec<Finding>,
}

/// Why a manifest could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// 1-based document index, when the problem is inside one document.
    pub document: Option<usize>,
    /// Every problem found, each with its field path.
    pub problems: Vec<Finding>,
}

impl ManifestError {
    fn in_document(document: usize, path: &str, message: impl Into<String>) -> Self {
        Self {
            document: Some(document),
            problems: vec![Finding {
                severity: Severity::Error,
                path: path.to_string(),
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.document {
            Some(doc) => format!("doc {doc}: "),
            None => String::new(),
        };
        let lines: Vec<String> = self
            .problems
            .iter()
            .map(|problem| format!("{prefix}{problem}"))
            .collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for ManifestError {}

/// Splits a YAML stream into its non-empty documents, numbered from 1.
pub fn documents(text: &str) -> Result<Vec<(usize, Value)>, ManifestError> {
    let values: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|error| ManifestError {
        document: None,
        problems: vec![Finding {
            severity: Severity::Error,
            path: String::new(),
            message: format!("invalid YAML: {}", first_line(&error.to_string())),
        }],
    })?;
    Ok(values
        .into_iter()
        .enumerate()
        .filter(|(_, value)| !value.is_null())
        .map(|(index, value)| (index + 1, value))
        .collect())
}

/// Reads every resource of a YAML stream. Fails on the first document with an error.
pub fn read_all(text: &str) -> Result<Vec<Decoded>, ManifestError> {
    documents(text)?
        .into_iter()
        .map(|(index, value)| decode_document(index, value))
        .collect()
}

/// Decodes one document into a resource.
pub fn decode_document(document: usize, value: Value) -> Result<Decoded, ManifestError> {
    let text_field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (api_version, kind) = (text_field("apiVersion"), text_field("kind"));
    if kind.is_empty() {
        return Err(ManifestError::in_document(
            document,
            "kind",
            "required field is missing",
        ));
    }
    if kind == "Secret" {
        if api_version != "v1" {
            return Err(ManifestError::in_document(
                document,
                "apiVersion",
                format!("a Secret must have apiVersion v1, found {api_version:?}"),
            ));
        }
        let secret = typed::<Secret>(document, value)?;
        return Ok(Decoded {
            document,
            resource: Resource::Secret(Box::new(secret)),
            warnings: Vec::new(),
        });
    }
    let Some(schema) = crd::schema_for_kind(&kind) else {
        return Err(ManifestError::in_document(
            document,
            "kind",
            format!(
                "unsupported kind {kind:?}: expected Secret or one of {}",
                crd::KINDS.join(", ")
            ),
        ));
    };
    if api_version != API_VERSION {
        return Err(ManifestError::in_document(
            document,
            "apiVersion",
            format!("{kind} must have apiVersion {API_VERSION}, found {api_version:?}"),
        ));
    }
    check_name(document, &value)?;
    let (value, warnings) = admit(document, &schema, value)?;
    let resource = match kind.as_str() {
        "Site" => Resource::Site(Box::new(typed(document, value)?)),
        "Connect" => Resource::Connect(Box::new(typed(document, value)?)),
        "Workbench" => Resource::Workbench(Box::new(typed(document, value)?)),
        "PackageManager" => Resource::PackageManager(Box::new(typed(document, value)?)),
        "Chronicle" => Resource::Chronicle(Box::new(typed(document, value)?)),
        "Flightdeck" => Resource::Flightdeck(Box::new(typed(document, value)?)),
        _ => Resource::PostgresDatabase(Box::new(typed(document, value)?)),
    };
    Ok(Decoded {
        document,
        resource,
        warnings,
    })
}

/// What the API server does on create: prune nulls, check the schema, apply defaults.
/// Returns the admitted object and the warnings.
pub fn admit(
    document: usize,
    schema: &Value,
    mut value: Value,
) -> Result<(Value, Vec<Finding>), ManifestError> {
    schema_check::prune_nulls(schema, &mut value);
    let defaulted = schema_check::apply_defaults(schema, &value);
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = schema_check::check(schema, &defaulted)
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    if errors.is_empty() {
        Ok((defaulted, warnings))
    } else {
        Err(ManifestError {
            document: Some(document),
            problems: errors,
        })
    }
}

fn check_name(document: usize, value: &Value) -> Result<(), ManifestError> {
    let name = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        return Err(ManifestError::in_document(
            document,
            "metadata.name",
            "required field is missing",
        ));
    }
    let valid = name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if valid {
        Ok(())
    } else {
        Err(ManifestError::in_document(
            document,
            "metadata.name",
            format!(
                "invalid name {name:?}: must be a lowercase DNS subdomain (a-z, 0-9, '-', '.'), at most 253 characters"
            ),
        ))
    }
}

/// Deserializes a JSON value into a typed resource, naming the field on failure.
pub fn typed<K: DeserializeOwned>(document: usize, value: Value) -> Result<K, ManifestError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        ManifestError::in_document(document, &path, error.inner().to_string())
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
