//! The running operator's machinery, independent of what each controller builds: applying
//! and pruning objects, conditions, errors, leader election, metrics and health endpoints.

pub mod adopt;
pub mod apply;
pub mod aws;
pub mod conditions;
pub mod containment;
pub mod context;
pub mod controller;
pub mod error;
pub mod events;
pub mod generate;
pub mod http;
pub mod inputs;
pub mod kinds;
pub mod leader;
pub mod metrics;
pub mod operator;
pub mod options;
pub mod owned;
pub mod permissions;
pub mod telemetry;
pub mod watches;
