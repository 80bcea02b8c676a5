//! Prometheus metrics of the controllers. Labels are bounded: the controller name, the
//! result, the error category and the write verb - never a resource name.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ControllerLabels {
    pub controller: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabels {
    pub controller: &'static str,
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub controller: &'static str,
    pub category: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WriteLabels {
    pub controller: &'static str,
    pub verb: &'static str,
}

/// Every metric the operator exports.
#[derive(Clone)]
pub struct Metrics {
    pub reconciliations: Family<ResultLabels, Counter>,
    pub errors: Family<ErrorLabels, Counter>,
    pub duration: Family<ControllerLabels, Histogram>,
    pub writes: Family<WriteLabels, Counter>,
    pub leader: Gauge,
}

impl Metrics {
    /// Registers the metrics under the `team_operator` prefix.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            reconciliations: Family::default(),
            errors: Family::default(),
            duration: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.001, 2.0, 16))
            }),
            writes: Family::default(),
            leader: Gauge::default(),
        };
        let registry = registry.sub_registry_with_prefix("team_operator");
        registry.register(
            "reconciliations",
            "Reconciliations by controller and result",
            metrics.reconciliations.clone(),
        );
        registry.register(
            "reconcile_errors",
            "Failed reconciliations by controller and error category",
            metrics.errors.clone(),
        );
        registry.register(
            "reconcile_duration_seconds",
            "Time to reconcile one resource",
            metrics.duration.clone(),
        );
        registry.register(
            "writes",
            "Objects created, updated and deleted, by controller and verb",
            metrics.writes.clone(),
        );
        registry.register(
            "leader",
            "1 while this replica holds the leader lease",
            metrics.leader.clone(),
        );
        metrics
    }

    /// Records one finished reconciliation.
    pub fn observe(
        &self,
        controller: &'static str,
        elapsed: Duration,
        error_category: Option<&'static str>,
    ) {
        let result = if error_category.is_some() {
            "error"
        } else {
            "success"
        };
        self.reconciliations
            .get_or_create(&ResultLabels { controller, result })
            .inc();
        if let Some(category) = error_category {
            self.errors
                .get_or_create(&ErrorLabels {
                    controller,
                    category,
                })
                .inc();
        }
        self.duration
            .get_or_create(&ControllerLabels { controller })
            .observe(elapsed.as_secs_f64());
    }

    /// Records the writes of one reconciliation.
    pub fn count_writes(
        &self,
        controller: &'static str,
        created: usize,
        updated: usize,
        deleted: usize,
    ) {
        for (verb, count) in [
            ("create", created),
            ("update", updated),
            ("delete", deleted),
        ] {
            if count > 0 {
                self.writes
                    .get_or_create(&WriteLabels { controller, verb })
                    .inc_by(count as u64);
            }
        }
    }
}
