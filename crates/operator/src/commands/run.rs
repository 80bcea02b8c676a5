//! `team-operator run`: the operator.

use super::CommandError;
use crate::runtime::operator;
use crate::runtime::options::RunOptions;
use crate::runtime::telemetry::Logging;

pub fn run(options: RunOptions) -> Result<(), CommandError> {
    let logging = Logging::new(options.log_format, &options.log_level)?;
    // Several TLS backends may be compiled in; pick one explicitly instead of letting rustls
    // panic on the ambiguity.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(operator::run(options, logging, crate::controllers::start))?;
    Ok(())
}
