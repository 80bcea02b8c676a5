//! The custom resources served by team-operator, in `core.posit.team/v1beta1`.
//!
//! Wire-compatible with the Go operator: the same kinds, field names, defaults and quirky
//! spellings, so manifests written for it deserialize unchanged. What this crate adds is
//! additive: status conditions, printer columns and schema validation of invariants.

pub mod chronicle;
pub mod connect;
pub mod crd;
pub mod enums;
pub mod flightdeck;
pub mod kind;
pub mod labels;
pub mod manifest;
pub mod names;
pub mod package_manager;
pub mod postgres_database;
pub mod quantity;
pub mod schema_check;
pub mod serde_util;
pub mod session;
pub mod shared;
pub mod site;
pub mod status;
pub mod workbench;

pub use chronicle::{Chronicle, ChronicleSpec};
pub use connect::{Connect, ConnectSpec};
pub use flightdeck::{Flightdeck, FlightdeckSpec};
pub use kind::Kind;
pub use package_manager::{PackageManager, PackageManagerSpec};
pub use postgres_database::{PostgresDatabase, PostgresDatabaseSpec};
pub use site::{Site, SiteSpec};
pub use workbench::{Workbench, WorkbenchSpec};

/// API group of every kind.
pub const GROUP: &str = "core.posit.team";
/// The only API version.
pub const VERSION: &str = "v1beta1";
/// `apiVersion` of every kind.
pub const API_VERSION: &str = "core.posit.team/v1beta1";
