//! Errors of the validate and build steps. Every message names the resource, the field and
//! the problem, and never contains a secret value.

use std::fmt;

/// One problem with one field, e.g. `spec.connect.auth.samlMetadataUrl: required when
/// auth.type is saml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a resource cannot be turned into objects.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The spec is invalid; every problem found is listed.
    #[error("{resource}: {}", join(.errors))]
    Invalid {
        resource: String,
        errors: Vec<FieldError>,
    },
    /// A configuration file cannot carry a value.
    #[error("{resource}: {file}: {source}")]
    ConfigFile {
        resource: String,
        file: String,
        source: team_config::GcfgError,
    },
    /// A Secret or a key the spec refers to is missing.
    #[error("{}", join(.0))]
    MissingInputs(Vec<crate::inputs::MissingInput>),
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects field errors while validating, then turns them into one [`BuildError`].
#[derive(Debug, Default)]
pub struct Problems {
    errors: Vec<FieldError>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    /// Records a problem when `failed` is true.
    pub fn check(&mut self, failed: bool, path: impl Into<String>, message: impl Into<String>) {
        if failed {
            self.add(path, message);
        }
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, resource: &str, value: T) -> Result<T, BuildError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(BuildError::Invalid {
                resource: resource.to_string(),
                errors: self.errors,
            })
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}
