//! The HTTP server: routes, response headers and request logs.
//!
//! | Route | Answer |
//! |---|---|
//! | `GET /` | the product cards, or 503 while the Site is unknown |
//! | `GET /config` | the configuration page when showConfig is on, else 404 |
//! | `GET /api/status` | `{"connect":"up",...}`, what the page's script polls |
//! | `GET /healthz` | `ok` while the process serves requests |
//! | `GET /static/<name>.<hash>.<ext>` | embedded files, cached for a year |
//! | anything else | 404 |

use crate::assets::{self, Asset};
use crate::health::{HealthChecker, Status};
use crate::pages::config::ConfigPage;
use crate::pages::index::{Card, IndexPage};
use crate::pages::{config, index, message};
use crate::products::{self, Product};
use crate::site_source::{SiteIdentity, SiteSource, SiteView};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use team_api::Site;
use team_api::shared::FeatureEnablerConfig;
use tokio::net::TcpListener;

/// Feature switches given on the command line or in the environment; unset ones follow the
/// Site's `flightdeck.featureEnabler`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeatureOverrides {
    pub show_config: Option<bool>,
    pub show_academy: Option<bool>,
}

impl FeatureOverrides {
    fn show_config(&self, site: &Site) -> bool {
        switch(self.show_config, site, |features| features.show_config)
    }

    fn show_academy(&self, site: &Site) -> bool {
        switch(self.show_academy, site, |features| features.show_academy)
    }
}

/// The override when given, else the Site's switch (off when the Site has none).
fn switch(overridden: Option<bool>, site: &Site, pick: fn(&FeatureEnablerConfig) -> bool) -> bool {
    overridden.unwrap_or_else(|| {
        site.spec
            .flightdeck
            .as_ref()
            .is_some_and(|flightdeck| pick(&flightdeck.feature_enabler))
    })
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    source: SiteSource,
    features: FeatureOverrides,
    health: HealthChecker,
    academy_url: Option<String>,
}

impl AppState {
    pub fn new(
        source: SiteSource,
        features: FeatureOverrides,
        health: HealthChecker,
        academy_url: Option<String>,
    ) -> Self {
        Self(Arc::new(Inner {
            source,
            features,
            health,
            academy_url,
        }))
    }
}

/// All routes, with security headers and request logs.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/config", get(configuration))
        .route("/api/status", get(status_json))
        .route("/healthz", get(healthz))
        .route("/static/{file}", get(static_file))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn(security_headers))
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn home(State(state): State<AppState>) -> Response {
    let site = match ready_site(&state) {
        Ok(site) => site,
        Err(response) => return *response,
    };
    let statuses = state.0.health.statuses().await;
    let cards = products::shown_products(state.0.features.show_academy(&site))
        .into_iter()
        .map(|product| Card {
            product,
            url: card_url(&state, &site, product),
            status: product
                .health_path()
                .map(|_| statuses.get(&product).copied().unwrap_or(Status::Unknown)),
        })
        .collect();
    let page = IndexPage {
        domain: site.spec.domain.clone(),
        cards,
        config_link: state.0.features.show_config(&site),
        refresh_seconds: state.0.health.cache_for().as_secs().max(1),
    };
    html_response(StatusCode::OK, "no-cache", index::render(&page))
}

fn card_url(state: &AppState, site: &Site, product: Product) -> Option<String> {
    match (product, &state.0.academy_url) {
        (Product::Academy, Some(url)) => Some(url.clone()),
        _ => products::product_url(site, product),
    }
}

async fn configuration(State(state): State<AppState>) -> Response {
    let site = match ready_site(&state) {
        Ok(site) => site,
        // Whether /config exists depends on the Site: say nothing until it is known.
        Err(_) => return not_found().await,
    };
    if !state.0.features.show_config(&site) {
        return not_found().await;
    }
    let identity: SiteIdentity = state.0.source.identity();
    let page = ConfigPage::from_site(&identity, &site);
    html_response(StatusCode::OK, "no-store", config::render(&page))
}

async fn status_json(State(state): State<AppState>) -> Response {
    let statuses: BTreeMap<&'static str, Status> = state
        .0
        .health
        .statuses()
        .await
        .into_iter()
        .map(|(product, status)| (product.id(), status))
        .collect();
    let body = serde_json::to_string(&statuses).unwrap_or_else(|_| "{}".to_string());
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn healthz() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "ok\n",
    )
        .into_response()
}

async fn static_file(request_headers: HeaderMap, request: Request) -> Response {
    match assets::by_path(request.uri().path()) {
        Some(asset) => asset_response(asset, &request_headers),
        None => not_found().await,
    }
}

fn asset_response(asset: &'static Asset, request_headers: &HeaderMap) -> Response {
    let cache = "public, max-age=31536000, immutable";
    let fresh = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == asset.etag || tag.trim() == "*")
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, asset.content_type)], asset.body).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&asset.etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

async fn not_found() -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        "no-cache",
        message::render("Page not found", "There is nothing at this address."),
    )
}

/// The Site, or the response explaining why there is none.
fn ready_site(state: &AppState) -> Result<Arc<Site>, Box<Response>> {
    let identity = state.0.source.identity();
    let message = match state.0.source.current() {
        SiteView::Ready(site) => return Ok(site),
        SiteView::Loading => format!(
            "Reading the Site {} in namespace {}. Reload the page in a few seconds.",
            identity.name, identity.namespace
        ),
        SiteView::Missing => format!(
            "The Site {} does not exist in namespace {}.",
            identity.name, identity.namespace
        ),
    };
    let mut response = html_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "no-store",
        message::render("Site unavailable", &message),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    Err(Box::new(response))
}

fn html_response(status: StatusCode, cache: &'static str, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

/// Nothing is loaded from elsewhere and no inline script runs, whatever a page contains.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// One line per request; static files and probes at debug level.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if path.starts_with("/static/") || path == "/healthz" || path == "/api/status" {
        tracing::debug!(%method, %path, status, elapsed_ms, "request");
    } else {
        tracing::info!(%method, %path, status, elapsed_ms, "request");
    }
    response
}
