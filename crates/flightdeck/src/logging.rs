//! Structured logs on standard output, as text or JSON lines.

use crate::cli::{LogFormat, LogLevel};
use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

impl LogLevel {
    fn filter(self) -> LevelFilter {
        match self {
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Error => LevelFilter::ERROR,
        }
    }
}

/// Installs the global subscriber. Flightdeck logs at `level`; libraries (the Kubernetes
/// client, hyper) never below `info`, so `debug` stays readable.
pub fn init(level: LogLevel, format: LogFormat) {
    let ours = level.filter();
    let libraries = ours.min(LevelFilter::INFO);
    let targets = Targets::new()
        .with_target("flightdeck", ours)
        .with_default(libraries);
    let registry = tracing_subscriber::registry().with(targets);
    // A second initialisation (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => registry
            .with(tracing_subscriber::fmt::layer().with_ansi(false))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false),
            )
            .try_init(),
    };
}
