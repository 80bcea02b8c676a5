//! The kinds the operator addresses, from the one table in [`team_api::kind`]: a static table
//! instead of discovery, so there are no start-up round trips and the RBAC the chart grants
//! can be derived from it.

use kube::core::{ApiResource, GroupVersionKind};
pub use team_api::kind::{ALL, Kind};

/// What kube needs to address a kind.
pub trait Addressed {
    /// The kube resource description of this kind.
    fn api_resource(&self) -> ApiResource;
}

impl Addressed for Kind {
    fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.name),
            self.plural,
        )
    }
}
