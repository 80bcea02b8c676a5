//! team-operator: the Posit Team Kubernetes operator and its offline tools.
//!
//! The binary (`src/main.rs`) only parses the command line; everything lives here so that
//! integration tests and benchmarks drive the same code.

pub mod cli;
pub mod commands;
pub mod controllers;
pub mod input;
pub mod reference;
pub mod runtime;
