//! The desired state of team-operator, as pure functions: no I/O, no async.
//!
//! Every controller runs the same pipeline, and `team-operator render` runs it offline:
//!
//! 1. **read** — [`inputs`]: the Secrets and keys a spec refers to ([`site::requirements`],
//!    [`connect::requirements`], ...), resolved by the caller into [`inputs::Inputs`];
//! 2. **validate** — `validate` of each kind turns the raw resource into a `Validated*` value
//!    or a [`error::BuildError`] naming every bad field;
//! 3. **build** — `build` of each kind returns the complete list of [`object::Desired`]
//!    objects in apply order ([`object::sort_for_apply`]).
//!
//! One module per kind: [`site`] (Site to product resources and site-level objects),
//! [`connect`], [`workbench`], [`package_manager`], [`chronicle`], [`flightdeck`]. Shared pieces: [`names`],
//! [`labels`], [`meta`] (owner references), [`pod`], [`web`], [`product`], [`session`],
//! [`secret_provider`], [`postgres`].

pub mod chronicle;
pub mod connect;
pub mod environment;
pub mod error;
pub mod flightdeck;
pub mod inputs;
pub mod labels;
pub mod meta;
pub use team_api::names;
pub mod object;
pub mod package_manager;
pub mod pipeline;
pub mod pod;
pub mod postgres;
pub mod product;
pub mod render;
pub mod secret_provider;
pub mod session;
pub mod site;
pub mod validate;
pub mod web;
pub mod workbench;

pub use environment::Environment;
pub use error::BuildError;
pub use object::{ApplyPolicy, Desired, Object};
pub use pipeline::{Built, Pipeline};
