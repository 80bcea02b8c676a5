//! The health checker against real HTTP endpoints: status mapping, timeout, caching and one
//! check per product however many pages ask at once.

mod common;

use common::HealthServer;
use flightdeck::health::{HealthChecker, ServiceUrls, Status, endpoints};
use flightdeck::products::Product;
use flightdeck::site_source::SiteIdentity;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

fn checker(base_url: &str, cache_for: Duration, timeout: Duration) -> HealthChecker {
    let identity = SiteIdentity {
        name: "main".into(),
        namespace: "posit-team".into(),
    };
    let urls: ServiceUrls = [
        Product::Workbench,
        Product::Connect,
        Product::PackageManager,
    ]
    .into_iter()
    .map(|product| (product, base_url.to_string()))
    .collect();
    HealthChecker::new(endpoints(&identity, &urls), cache_for, timeout)
}

fn all(status: Status) -> BTreeMap<Product, Status> {
    [
        Product::Workbench,
        Product::Connect,
        Product::PackageManager,
    ]
    .into_iter()
    .map(|product| (product, status))
    .collect()
}

fn runtime() -> Runtime {
    Runtime::new().expect("runtime")
}

#[test]
fn answers_map_to_up_and_down() {
    let health = HealthServer::start();
    let rt = runtime();
    for (code, expected) in [
        (200, Status::Up),
        (204, Status::Up),
        (302, Status::Up),
        (404, Status::Down),
        (500, Status::Down),
        (503, Status::Down),
    ] {
        health.set_status(code);
        let checker = checker(
            &health.base_url(),
            Duration::from_secs(60),
            Duration::from_secs(2),
        );
        assert_eq!(
            rt.block_on(checker.statuses()),
            all(expected),
            "HTTP {code}"
        );
    }
}

#[test]
fn a_refused_connection_is_down() {
    let mut health = HealthServer::start();
    let base = health.base_url();
    health.stop();
    let checker = checker(&base, Duration::from_secs(60), Duration::from_secs(2));
    assert_eq!(runtime().block_on(checker.statuses()), all(Status::Down));
}

#[test]
fn a_slow_product_is_down_after_the_timeout() {
    let health = HealthServer::start();
    health.set_delay(Duration::from_secs(10));
    let checker = checker(
        &health.base_url(),
        Duration::from_secs(60),
        Duration::from_millis(200),
    );
    let started = Instant::now();
    assert_eq!(runtime().block_on(checker.statuses()), all(Status::Down));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the check gave up instead of waiting for the answer"
    );
}

#[test]
fn results_are_reused_then_refreshed_in_the_background() {
    let health = HealthServer::start();
    let rt = runtime();
    let checker = checker(
        &health.base_url(),
        Duration::from_secs(1),
        Duration::from_secs(2),
    );
    for _ in 0..10 {
        assert_eq!(rt.block_on(checker.statuses()), all(Status::Up));
    }
    assert_eq!(health.requests(), 3, "one check per product while fresh");

    health.set_status(503);
    assert_eq!(
        rt.block_on(checker.statuses()),
        all(Status::Up),
        "still fresh"
    );
    std::thread::sleep(Duration::from_millis(1100));
    // Stale: answered at once from the cache while a background check runs.
    assert_eq!(rt.block_on(checker.statuses()), all(Status::Up));
    assert!(common::eventually(Duration::from_secs(5), || rt
        .block_on(checker.statuses())
        == all(Status::Down)));
    assert_eq!(health.requests(), 6, "one background check per product");
}

#[test]
fn a_slow_product_never_delays_a_page_once_checked() {
    let health = HealthServer::start();
    let rt = runtime();
    let checker = checker(
        &health.base_url(),
        Duration::from_millis(100),
        Duration::from_secs(30),
    );
    assert_eq!(rt.block_on(checker.statuses()), all(Status::Up));
    health.set_delay(Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    for _ in 0..20 {
        assert_eq!(rt.block_on(checker.statuses()), all(Status::Up));
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "page views did not wait for the hanging checks"
    );
    assert!(common::eventually(Duration::from_secs(5), || health
        .requests()
        == 6));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        health.requests(),
        6,
        "one refresh in flight per product, not one per view"
    );
}

#[test]
fn concurrent_pages_share_one_check_per_product() {
    let health = HealthServer::start();
    health.set_delay(Duration::from_millis(300));
    let checker = checker(
        &health.base_url(),
        Duration::from_secs(60),
        Duration::from_secs(5),
    );
    let rt = runtime();
    let results = rt.block_on(async {
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let checker = checker.clone();
                tokio::spawn(async move { checker.statuses().await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        results
    });
    assert!(results.iter().all(|r| *r == all(Status::Up)));
    assert_eq!(health.requests(), 3);
}
