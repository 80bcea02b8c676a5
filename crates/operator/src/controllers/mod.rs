//! One controller per kind, written against a `kube::Client` so it runs the same against a
//! cluster and against an in-memory API in tests. Each turns its resource into desired
//! objects with the pure builders, applies them, and reports status through the shared
//! runtime.

pub mod desired;
pub mod health;
pub mod postgres_database;
pub mod product;

use crate::runtime::context::{Context, StatusShape};
use crate::runtime::controller::{self, Managed, Outcome};
use crate::runtime::error::ReconcileError;
use crate::runtime::kinds::Kind;
use crate::runtime::operator::{Launch, Running, boxed};
use crate::runtime::options::Scope;
use crate::runtime::watches::{ApiWatches, OwnedWatches, WatchSource};
use team_api::{Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Site, Workbench};
use team_desired::Pipeline;

impl Managed for Site {
    const CONTROLLER: &'static str = "site";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Conditions
    }
}

impl Managed for PostgresDatabase {
    const CONTROLLER: &'static str = "postgresdatabase";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Conditions
    }
}

impl Managed for Chronicle {
    const CONTROLLER: &'static str = "chronicle";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Ready
    }
}

impl Managed for Flightdeck {
    const CONTROLLER: &'static str = "flightdeck";
    fn status_shape(&self) -> StatusShape {
        StatusShape::Ready
    }
}

/// Key Secret reported in `status.keySecretRef`, as the Go operator does.
fn product_shape(name: Option<&String>, suffix: &str) -> StatusShape {
    StatusShape::Product {
        key_secret: name.map(|n| format!("{n}-{suffix}-key")),
    }
}

impl Managed for Connect {
    const CONTROLLER: &'static str = "connect";
    fn status_shape(&self) -> StatusShape {
        // Only the kubernetes secret type gets an operator-generated key.
        if self.spec.secret.type_ == team_api::enums::SecretType::Kubernetes {
            product_shape(self.metadata.name.as_ref(), "connect")
        } else {
            StatusShape::Product { key_secret: None }
        }
    }
}

impl Managed for Workbench {
    const CONTROLLER: &'static str = "workbench";
    fn status_shape(&self) -> StatusShape {
        product_shape(self.metadata.name.as_ref(), "workbench")
    }
}

impl Managed for PackageManager {
    const CONTROLLER: &'static str = "packagemanager";
    fn status_shape(&self) -> StatusShape {
        product_shape(self.metadata.name.as_ref(), "packagemanager")
    }
}

/// Starts every controller for the launch's scope, with watches against the API server.
pub fn start(launch: Launch) -> Running {
    let watches = ApiWatches {
        client: launch.context.client.clone(),
    };
    start_with(launch, &watches)
}

/// Starts every controller, taking events from `watches`. Optional kinds of other projects
/// that are not installed are not watched.
pub fn start_with<W: WatchSource>(launch: Launch, watches: &W) -> Running {
    let namespaces: Vec<Option<String>> = match &launch.scope {
        Scope::All => vec![None],
        Scope::Namespaces(names) => names.iter().cloned().map(Some).collect(),
    };
    let mut spawner = Spawner {
        owned: OwnedWatches::new(launch.context.applier.owned().clone()),
        launch: &launch,
        watches,
        running: Running::default(),
    };
    for namespace in &namespaces {
        let namespace = namespace.as_deref();
        spawner.spawn::<Site, _, _>(namespace, product::reconcile::<Site>);
        spawner.spawn::<Connect, _, _>(namespace, product::reconcile::<Connect>);
        spawner.spawn::<Workbench, _, _>(namespace, product::reconcile::<Workbench>);
        spawner.spawn::<PackageManager, _, _>(namespace, product::reconcile::<PackageManager>);
        spawner.spawn::<Chronicle, _, _>(namespace, product::reconcile::<Chronicle>);
        spawner.spawn::<Flightdeck, _, _>(namespace, product::reconcile::<Flightdeck>);
        spawner.spawn::<PostgresDatabase, _, _>(namespace, postgres_database::reconcile);
    }
    let Spawner {
        owned, mut running, ..
    } = spawner;
    running
        .drivers
        .extend(owned.drivers(watches, &launch.shutdown));
    running
}

/// Collects the controllers and the owned-object watches they share.
struct Spawner<'a, W> {
    launch: &'a Launch,
    watches: &'a W,
    owned: OwnedWatches,
    running: Running,
}

impl<W: WatchSource> Spawner<'_, W> {
    fn spawn<K, R, Fut>(&mut self, namespace: Option<&str>, reconcile: R)
    where
        K: Managed + WatchedKinds,
        K::DynamicType: Default + Eq + std::hash::Hash + Clone + Unpin,
        R: Fn(std::sync::Arc<K>, std::sync::Arc<Context>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<Outcome, ReconcileError>> + Send + 'static,
    {
        let launch = self.launch;
        let triggers = futures::stream::select_all(
            K::watched()
                .into_iter()
                .filter(|kind| !kind.optional || launch.installed.contains(kind.name))
                .map(|kind| self.owned.subscribe::<K>(namespace, kind)),
        );
        let (store, driver) = controller::run(
            self.watches.primary::<K>(namespace),
            triggers,
            reconcile,
            launch.context.clone(),
            launch.concurrency,
            launch.shutdown.requested(),
        );
        self.running.drivers.push(boxed(driver));
        self.running.synced.push(boxed(async move {
            let _ = store.wait_until_ready().await;
        }));
    }
}

/// The owned kinds each controller watches.
pub trait WatchedKinds {
    fn watched() -> Vec<&'static Kind>;
}

/// The built kinds watch what they own.
macro_rules! watch_what_they_own {
    ($($kind:ty),*) => {$(
        impl WatchedKinds for $kind {
            fn watched() -> Vec<&'static Kind> {
                <$kind as Pipeline>::OWNS.to_vec()
            }
        }
    )*};
}

watch_what_they_own!(
    Site,
    Connect,
    Workbench,
    PackageManager,
    Chronicle,
    Flightdeck
);

impl WatchedKinds for PostgresDatabase {
    fn watched() -> Vec<&'static Kind> {
        vec![&team_api::kind::SECRET]
    }
}
