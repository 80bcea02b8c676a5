//! Logging: text or JSON lines on standard error, filtered by level.

use super::options::LogFormat;
use tracing_subscriber::EnvFilter;

/// A validated logging setup, installed once the operator has reached the cluster (so a
/// start-up failure is reported as the single line printed by the command).
pub struct Logging {
    format: LogFormat,
    filter: EnvFilter,
}

impl Logging {
    /// Validates the filter. An invalid one is an error naming it.
    pub fn new(format: LogFormat, filter: &str) -> Result<Self, String> {
        let filter = EnvFilter::try_new(filter)
            .map_err(|e| format!("--log-level {filter:?} is not a valid filter: {e}"))?;
        Ok(Self { format, filter })
    }

    /// Installs the global subscriber.
    pub fn install(self) {
        let builder = tracing_subscriber::fmt()
            .with_env_filter(self.filter)
            .with_writer(std::io::stderr)
            .with_target(true);
        let result = match self.format {
            LogFormat::Text => builder.try_init(),
            LogFormat::Json => builder.json().flatten_event(true).try_init(),
        };
        if let Err(error) = result {
            eprintln!("cannot install the logger: {error}");
        }
    }
}
