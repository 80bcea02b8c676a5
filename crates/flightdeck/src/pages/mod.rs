//! Page rendering: pure functions from what a page shows to its HTML.

pub mod config;
pub mod index;
pub mod layout;
pub mod message;
