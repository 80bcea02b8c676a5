//! Configuration files of the Posit products, written from typed settings.
//!
//! One module per file format. Every writer emits sections and keys in a stable order, writes
//! integers and booleans even when they are zero, and escapes (or refuses) values so that a
//! user string can never start a new line, key or section. The parse-back tests read the
//! output with the products' own parsers or their reference implementations (`git config` for
//! gcfg, Boost.Program_options for key=value files, supervisord's own parser, a DCF reader).
//!
//! Formats: [`gcfg`] (Connect, Package Manager, Chronicle); [`ini`] (Workbench key=value files
//! with optional sections); [`dcf`] (Workbench `launcher-env`); [`lines`] (one item per line);
//! [`json`] (settings objects); [`supervisord`] (program files). Formats without quoting
//! refuse what they cannot carry with a [`Refused`] naming the key. [`hash`] computes the
//! digest put on pod templates so that a changed file rolls the pods and nothing else does.

pub mod dcf;
pub mod gcfg;
pub mod hash;
pub mod ini;
pub mod json;
pub mod lines;
pub mod refused;
pub mod supervisord;

pub use dcf::Dcf;
pub use gcfg::{Gcfg, GcfgError};
pub use hash::config_hash;
pub use ini::Ini;
pub use refused::{Reason, Refused};
pub use supervisord::Supervisord;
