//! Controller logic, one module per kind, written against a `kube::Client` so it runs the
//! same against a cluster and against an in-memory API in tests.

pub mod conditions;
pub mod postgres_database;
