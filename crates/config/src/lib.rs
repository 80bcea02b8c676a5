//! Configuration files of the Posit products, written from typed settings.
//!
//! One module per file format. Every writer emits sections and keys in a stable order, writes
//! integers and booleans even when they are zero, and escapes (or refuses) values so that a
//! user string can never start a new line, key or section. The parse-back tests read the
//! output with the products' own parsers' reference implementations (`git config` for gcfg).
//!
//! Formats: [`gcfg`] (Connect, Package Manager, Chronicle). [`hash`] computes the digest put
//! on pod templates so that a changed file rolls the pods and nothing else does.

pub mod gcfg;
pub mod hash;

pub use gcfg::{Gcfg, GcfgError};
pub use hash::config_hash;
