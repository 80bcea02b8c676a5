//! Checks of what ships besides the binaries: the Helm chart, the container images and the
//! generated documentation. The helpers here run the real tools (helm, hadolint) and derive
//! what the chart must grant from the operator's own code.

pub mod dockerfile;
pub mod helm;
pub mod rbac;
