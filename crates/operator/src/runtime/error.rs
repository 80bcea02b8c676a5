//! Reconcile errors. Each variant is a stable category: it names the condition reason and
//! the Event reason, and labels the error metric.

use std::fmt;

/// Why a reconcile did not reach the desired state.
#[derive(Debug)]
pub enum ReconcileError {
    /// The spec is invalid (a field names the problem). Retrying does not help until the spec
    /// changes.
    InvalidSpec(String),
    /// A Secret or key the spec refers to does not exist.
    SecretMissing(String),
    /// An object with one of our names exists but was not created by the operator; it is left
    /// alone.
    ForeignObject(String),
    /// A kind the desired state needs is not installed in the cluster (e.g. the Secrets Store
    /// CSI driver's SecretProviderClass).
    MissingApi(String),
    /// The API server refused or failed a request; retried with back-off.
    Api(kube::Error),
    /// The database could not be provisioned; the reason is the database layer's stable one
    /// (`AdminConnectionFailed`, `InsufficientPrivilege`, ...).
    Database {
        reason: &'static str,
        message: String,
    },
}

impl ReconcileError {
    /// Stable category, used as condition reason, Event reason and metric label.
    pub fn category(&self) -> &'static str {
        match self {
            ReconcileError::InvalidSpec(_) => "InvalidSpec",
            ReconcileError::SecretMissing(_) => "SecretMissing",
            ReconcileError::ForeignObject(_) => "ForeignObject",
            ReconcileError::MissingApi(_) => "MissingApi",
            ReconcileError::Api(_) => "ApiError",
            ReconcileError::Database { reason, .. } => reason,
        }
    }

    /// True when the same spec will fail the same way: retry slowly, not in a tight loop.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            ReconcileError::InvalidSpec(_)
                | ReconcileError::SecretMissing(_)
                | ReconcileError::ForeignObject(_)
                | ReconcileError::MissingApi(_)
        )
    }
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReconcileError::InvalidSpec(message)
            | ReconcileError::SecretMissing(message)
            | ReconcileError::ForeignObject(message)
            | ReconcileError::MissingApi(message)
            | ReconcileError::Database { message, .. } => f.write_str(message),
            ReconcileError::Api(error) => write!(f, "Kubernetes API: {}", api_message(error)),
        }
    }
}

impl std::error::Error for ReconcileError {}

impl From<kube::Error> for ReconcileError {
    fn from(error: kube::Error) -> Self {
        ReconcileError::Api(error)
    }
}

/// A short message for an API error, without request bodies.
fn api_message(error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) => format!("{} ({})", status.message, status.code),
        other => other.to_string(),
    }
}
