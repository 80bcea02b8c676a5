//! Render and request costs of the page, and its weight. Run with
//! `cargo bench -p flightdeck --bench render`; prints one line per measurement.

use flightdeck::health::{HealthChecker, Status};
use flightdeck::pages::config::{self, ConfigPage};
use flightdeck::pages::index::{self, Card, IndexPage};
use flightdeck::products::{self, Product};
use flightdeck::server::{self, AppState, FeatureOverrides};
use flightdeck::site_source::{SiteIdentity, SiteSource};
use std::hint::black_box;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn measure(name: &str, iterations: u32, mut run: impl FnMut()) {
    for _ in 0..iterations / 10 {
        run();
    }
    let started = Instant::now();
    for _ in 0..iterations {
        run();
    }
    let per_op = started.elapsed() / iterations;
    println!(
        "{name}: {:.2} µs/op ({iterations} iterations)",
        per_op.as_secs_f64() * 1e6
    );
}

fn main() {
    let example = test_support::workspace_root().join("examples/everything.yaml");
    let site = flightdeck::site_file::read(&example, None).expect("example Site");
    let identity = SiteIdentity {
        name: "everything".into(),
        namespace: "posit-team".into(),
    };

    let page = IndexPage {
        domain: site.spec.domain.clone(),
        cards: products::shown_products(true)
            .into_iter()
            .map(|product| Card {
                product,
                url: products::product_url(&site, product),
                status: (product != Product::Academy).then_some(Status::Up),
            })
            .collect(),
        config_link: true,
        refresh_seconds: 5,
    };
    measure("render / (four cards)", 20_000, || {
        black_box(index::render(black_box(&page)));
    });
    measure(
        "render /config (examples/everything.yaml, redaction and YAML included)",
        2_000,
        || {
            black_box(config::render(&ConfigPage::from_site(
                &identity,
                black_box(&site),
            )));
        },
    );

    let html = index::render(&page);
    let assets: usize = flightdeck::assets::all().iter().map(|a| a.body.len()).sum();
    println!(
        "page weight: {} bytes HTML + {assets} bytes of assets = {} bytes",
        html.len(),
        html.len() + assets
    );

    requests_per_second(site, identity);
}

/// Sequential `GET /` over one keep-alive loopback connection, health results cached.
fn requests_per_second(site: team_api::Site, identity: SiteIdentity) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    // Health endpoints that refuse connections: the cache holds "down" for the whole run.
    let closed: flightdeck::health::ServiceUrls = [
        Product::Workbench,
        Product::Connect,
        Product::PackageManager,
    ]
    .into_iter()
    .map(|product| (product, "http://127.0.0.1:1".to_string()))
    .collect();
    let health = HealthChecker::new(
        flightdeck::health::endpoints(&identity, &closed),
        Duration::from_secs(3600),
        Duration::from_millis(200),
    );
    let state = AppState::new(
        SiteSource::fixed(identity, site),
        FeatureOverrides::default(),
        health,
        None,
    );
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("port");
    let addr = listener.local_addr().expect("address");
    runtime.spawn(server::serve(listener, state, std::future::pending()));

    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let mut get = || {
        stream.write_all(request.as_bytes()).expect("send");
        read_one_response(&mut stream);
    };
    get(); // first request runs the health checks
    measure(
        "GET / over loopback (keep-alive, cached status)",
        5_000,
        &mut get,
    );
}

fn read_one_response(stream: &mut std::net::TcpStream) {
    let mut buffer = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).expect("read");
        assert!(n > 0, "connection closed");
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("content-length");
            if buffer.len() >= end + 4 + length {
                return;
            }
        }
    }
}
