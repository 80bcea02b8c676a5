//! Label and annotation keys the operator writes and selects by, and the operator's own name
//! in them: one place for the builders, the database controller, Flightdeck and the runtime.
//! The keys and values are the Go operator's, so its objects are recognised as ours.

/// The operator's name: the value of [`MANAGED_BY`] and the server-side-apply field manager.
pub const OPERATOR: &str = "team-operator";
/// Marks every object the operator owns; nothing without it is ever modified.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const NAME: &str = "app.kubernetes.io/name";
pub const INSTANCE: &str = "app.kubernetes.io/instance";
pub const SITE: &str = "posit.team/site";
pub const COMPONENT: &str = "posit.team/component";
/// On a database credentials Secret: the PostgresDatabase it belongs to.
pub const POSTGRES_DATABASE: &str = "posit.team/postgres-database";
/// On cluster-scoped objects of a Site (which cannot carry an owner reference).
pub const SITE_NAMESPACE: &str = "posit.team/site-namespace";
pub const LAUNCHER_INSTANCE: &str = "launcher-instance-id";
pub const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// Annotation on objects that hold user data and stay when their owner is deleted.
pub const KEEP_ON_DELETE: &str = "posit.team/keep-on-delete";
/// Annotation on pod templates: a digest of every referenced Secret value, so a changed
/// Secret rolls the pods that read it.
pub const SECRETS_DIGEST: &str = "posit.team/secrets-sha";

/// The label selector of everything the operator manages.
pub fn managed_selector() -> String {
    format!("{MANAGED_BY}={OPERATOR}")
}

/// True when the labels say the operator manages the object.
pub fn is_managed<'a>(mut labels: impl Iterator<Item = (&'a String, &'a String)>) -> bool {
    labels.any(|(key, value)| key == MANAGED_BY && value == OPERATOR)
}
