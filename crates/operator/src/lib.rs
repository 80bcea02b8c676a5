//! The library half of `team-operator`: controller logic shared by the binary and its tests.

pub mod controllers;
