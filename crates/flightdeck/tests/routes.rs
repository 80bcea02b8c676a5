//! Every route over real HTTP, against a server on a loopback port.

mod common;

use common::{
    HOSTILE_SITE, HealthServer, Options, TestServer, eventually, http_get, request, site_yaml,
};
use flightdeck::server::FeatureOverrides;
use flightdeck::site_source::{SiteIdentity, SiteSource, SiteView};
use std::collections::BTreeSet;
use std::time::Duration;

fn cards(html: &str) -> usize {
    html.matches("<li class=\"card\"").count()
}

/// Names of all elements in a page, to prove no markup came from the Site.
fn element_names(html: &str) -> BTreeSet<String> {
    html.match_indices('<')
        .filter_map(|(i, _)| {
            let name: String = html[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect();
            (!name.is_empty()).then(|| name.to_ascii_lowercase())
        })
        .collect()
}

const PAGE_ELEMENTS: [&str; 29] = [
    "!doctype", "html", "head", "meta", "title", "link", "script", "body", "a", "header", "div",
    "img", "span", "nav", "ul", "li", "main", "h1", "h2", "p", "strong", "code", "section",
    "table", "thead", "tbody", "tr", "th", "td",
];

fn assert_only_page_elements(html: &str) {
    let allowed: BTreeSet<String> = PAGE_ELEMENTS
        .iter()
        .chain(&["pre", "footer"])
        .map(|s| s.to_string())
        .collect();
    let unexpected: Vec<String> = element_names(html).difference(&allowed).cloned().collect();
    assert!(
        unexpected.is_empty(),
        "unexpected elements {unexpected:?} in\n{html}"
    );
}

#[test]
fn home_shows_a_card_per_product_with_link_logo_and_status() {
    let health = HealthServer::start();
    let server = TestServer::start(
        Options::new(site_yaml("posit.example.com", false, false)).with_health(&health),
    );
    let response = server.get("/");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), "text/html; charset=utf-8");
    let html = response.text();
    assert_eq!(cards(&html), 3, "{html}");
    for (product, link) in [
        ("workbench", "https://workbench.posit.example.com"),
        ("connect", "https://connect.posit.example.com"),
        (
            "package-manager",
            "https://packagemanager.posit.example.com",
        ),
    ] {
        assert!(html.contains(&format!("href=\"{link}\"")), "{product} link");
        assert!(
            html.contains(&format!("data-product=\"{product}\" data-status=\"up\"")),
            "{product} is up"
        );
        assert!(
            html.contains(&format!("/static/{product}.")),
            "{product} logo"
        );
    }
    assert!(html.contains("class=\"cards cards-3\""));
    assert!(!html.contains("Posit Academy"));
    assert!(
        !html.contains("href=\"/config\""),
        "no configuration link when showConfig is off"
    );
    assert!(html.contains("<main id=\"main\""));
    assert!(html.contains("<header") && html.contains("<footer"));
    assert_only_page_elements(&html);
}

#[test]
fn academy_card_follows_the_site_and_the_environment() {
    let from_site = TestServer::start(Options::new(site_yaml("posit.example.com", false, true)));
    let html = from_site.get("/").text();
    assert_eq!(cards(&html), 4);
    assert!(html.contains("class=\"cards cards-4\""));
    assert!(html.contains("href=\"https://academy.posit.example.com\""));
    // Academy is not part of the Site: no health endpoint, no badge.
    assert!(!html.contains("data-product=\"academy\" data-status"));

    let mut options = Options::new(site_yaml("posit.example.com", false, false));
    options.features = FeatureOverrides {
        show_config: None,
        show_academy: Some(true),
    };
    options.academy_url = Some("https://learn.example.org/team".into());
    let from_env = TestServer::start(options);
    let html = from_env.get("/").text();
    assert_eq!(cards(&html), 4);
    assert!(html.contains("href=\"https://learn.example.org/team\""));

    let mut options = Options::new(site_yaml("posit.example.com", false, true));
    options.features.show_academy = Some(false);
    let switched_off = TestServer::start(options);
    assert_eq!(
        cards(&switched_off.get("/").text()),
        3,
        "SHOW_ACADEMY=false wins over the Site"
    );
}

#[test]
fn config_page_is_404_unless_show_config() {
    let off = TestServer::start(Options::new(site_yaml("posit.example.com", false, false)));
    assert_eq!(off.get("/config").status, 404);

    let on_in_site = TestServer::start(Options::new(site_yaml("posit.example.com", true, false)));
    assert_eq!(on_in_site.get("/config").status, 200);
    assert!(on_in_site.get("/").text().contains("href=\"/config\""));

    let mut options = Options::new(site_yaml("posit.example.com", true, false));
    options.features.show_config = Some(false);
    let off_by_env = TestServer::start(options);
    assert_eq!(
        off_by_env.get("/config").status,
        404,
        "SHOW_CONFIG=false wins over the Site"
    );

    let mut options = Options::new(site_yaml("posit.example.com", false, false));
    options.features.show_config = Some(true);
    let on_by_env = TestServer::start(options);
    let response = on_by_env.get("/config");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("cache-control"), "no-store");
    let html = response.text();
    assert!(html.contains("<code>posit/connect:2026.08.0</code>"));
    assert!(html.contains("<code>posit/workbench:2026.08.1</code>"));
    assert!(html.contains("<code>posit/package-manager:2026.08.0</code>"));
}

#[test]
fn config_page_escapes_hostile_strings_and_redacts_secrets() {
    let server = TestServer::start(Options::new(HOSTILE_SITE.to_string()));
    let response = server.get("/config");
    assert_eq!(response.status, 200);
    let html = response.text();
    for secret in [
        "LICENSE-KEY-SECRET-1234",
        "hunter2-secret-value",
        "pg-secret-pw",
        "proxy-secret-pw",
        "tok-secret-999",
    ] {
        assert!(!html.contains(secret), "{secret} leaked on /config");
    }
    assert!(html.matches("[redacted]").count() >= 5);
    // The hostile text is shown, as text.
    for shown in [
        "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
        // YAML escapes the inner quotes of this one.
        "&lt;img src=x onerror=\\&quot;document.title=&#39;pwned&#39;\\&quot;&gt;",
        "&lt;b&gt;bold&lt;/b&gt;",
        "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(&#39;env&#39;)",
        "&lt;form action=https://evil.example.com&gt;",
        "posit/connect:&lt;script&gt;alert(&#39;image&#39;)&lt;/script&gt;",
        "&lt;i&gt;hello&lt;/i&gt;",
    ] {
        assert!(html.contains(shown), "missing escaped text {shown}");
    }
    assert!(!html.contains("<script"), "no script element on /config");
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<form"));
    assert_only_page_elements(&html);
    // Nothing from the Site changes the page's own security policy.
    assert!(
        response
            .header("content-security-policy")
            .contains("script-src 'self'")
    );
}

#[test]
fn config_page_is_deterministic() {
    let server = TestServer::start(Options::new(HOSTILE_SITE.to_string()));
    assert_eq!(server.get("/config").body, server.get("/config").body);
}

#[test]
fn healthz_answers_ok() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", false, false)));
    let response = server.get("/healthz");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "ok\n");
    assert_eq!(response.header("cache-control"), "no-store");
}

#[test]
fn healthz_answers_while_the_site_is_missing() {
    let (sender, receiver) = tokio::sync::watch::channel(SiteView::Missing);
    let identity = SiteIdentity {
        name: "main".into(),
        namespace: "posit-team".into(),
    };
    let server = TestServer::start_with(Options::new(String::new()), |_| {
        SiteSource::watched(identity, receiver)
    });
    assert_eq!(server.get("/healthz").status, 200);
    let home = server.get("/");
    assert_eq!(home.status, 503);
    assert_eq!(home.header("retry-after"), "5");
    assert!(
        home.text()
            .contains("The Site main does not exist in namespace posit-team.")
    );
    assert_eq!(server.get("/config").status, 404);

    sender.send_replace(SiteView::Loading);
    assert!(server.get("/").text().contains("Reading the Site main"));
}

#[test]
fn static_assets_are_cached_and_revalidated() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", false, false)));
    for asset in flightdeck::assets::all() {
        let response = server.get(&asset.path);
        assert_eq!(response.status, 200, "{}", asset.path);
        assert_eq!(response.header("content-type"), asset.content_type);
        assert_eq!(
            response.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.header("etag"), asset.etag);
        assert_eq!(response.body, asset.body);

        let revalidated = http_get(server.addr, &asset.path, &[("If-None-Match", &asset.etag)]);
        assert_eq!(revalidated.status, 304);
        assert!(revalidated.body.is_empty());
    }
    assert_eq!(
        server.get("/static/flightdeck.css").status,
        404,
        "only versioned names"
    );
    assert_eq!(server.get("/static/").status, 404);
    assert_eq!(server.get("/static/..%2Fsrc%2Flib.rs").status, 404);
}

#[test]
fn unknown_paths_are_404_not_the_home_page() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", true, false)));
    for path in [
        "/nope",
        "/index.html",
        "/config/",
        "/config/x",
        "/help",
        "/api/status/x",
        "/healthz/",
        "/%3Cscript%3Ealert(1)%3C/script%3E",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        let html = response.text();
        assert_eq!(cards(&html), 0, "{path} must not be the home page");
        assert!(!html.contains("<script>"), "{path} echoed");
    }
}

#[test]
fn only_get_and_head_are_served() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", true, false)));
    for path in ["/", "/config", "/healthz", "/api/status"] {
        assert_eq!(
            request(server.addr, "POST", path, &[("Content-Length", "0")]).status,
            405,
            "{path}"
        );
        assert_eq!(
            request(server.addr, "DELETE", path, &[]).status,
            405,
            "{path}"
        );
        let head = request(server.addr, "HEAD", path, &[]);
        assert_eq!(head.status, 200, "HEAD {path}");
        assert!(head.body.is_empty());
    }
}

#[test]
fn every_response_carries_the_security_headers() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", true, false)));
    let css = flightdeck::assets::by_name("flightdeck.css").path.clone();
    for path in [
        "/",
        "/config",
        "/healthz",
        "/api/status",
        "/nope",
        css.as_str(),
    ] {
        let response = server.get(path);
        let csp = response.header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(
            response.header("x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(response.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(response.header("referrer-policy"), "no-referrer", "{path}");
    }
}

#[test]
fn status_json_follows_the_health_endpoints() {
    let mut health = HealthServer::start();
    let server = TestServer::start(
        Options::new(site_yaml("posit.example.com", false, false)).with_health(&health),
    );
    let response = server.get("/api/status");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), "application/json");
    assert_eq!(response.header("cache-control"), "no-store");
    assert_eq!(
        response.text(),
        r#"{"connect":"up","package-manager":"up","workbench":"up"}"#
    );

    health.set_status(503);
    assert!(
        eventually(Duration::from_secs(5), || server.get("/api/status").text()
            == r#"{"connect":"down","package-manager":"down","workbench":"down"}"#),
        "a 503 turns every product down once the cache expires"
    );

    health.set_status(200);
    health.stop();
    assert!(eventually(Duration::from_secs(5), || !server
        .get("/api/status")
        .text()
        .contains("up")));
    health.restart();
    assert!(eventually(Duration::from_secs(5), || server
        .get("/api/status")
        .text()
        == r#"{"connect":"up","package-manager":"up","workbench":"up"}"#));
}

/// Every `src="..."` and `href="..."` in a page.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attribute) {
            let rest = &html[i + attribute.len()..];
            found.push(rest[..rest.find('"').expect("closing quote")].to_string());
        }
    }
    found
}

#[test]
fn page_and_assets_weigh_under_100_kb_and_load_nothing_from_elsewhere() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", true, true)));
    let home = server.get("/");
    let html = home.text();
    let mut total = home.body.len();
    let product_links: BTreeSet<&str> = [
        "https://workbench.posit.example.com",
        "https://connect.posit.example.com",
        "https://packagemanager.posit.example.com",
        "https://academy.posit.example.com",
    ]
    .into();
    let mut loaded = BTreeSet::new();
    for reference in references(&html) {
        if product_links.contains(reference.as_str()) {
            continue; // navigation, not loaded by the page
        }
        if reference.starts_with('#') {
            continue; // a place on the same page
        }
        assert!(
            reference.starts_with('/') && !reference.starts_with("//"),
            "the page refers to something outside the server: {reference}"
        );
        if reference.starts_with("/static/") && loaded.insert(reference.clone()) {
            let asset = server.get(&reference);
            assert_eq!(asset.status, 200, "{reference}");
            total += asset.body.len();
            // The SVG namespace is a name, not an address anything is loaded from.
            let text = asset
                .text()
                .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(!text.contains("@import"), "{reference} imports");
            assert!(!text.contains("url("), "{reference} loads a URL");
            assert!(
                !text.contains("://"),
                "{reference} names an outside address"
            );
        }
    }
    assert!(
        loaded.len() >= 6,
        "style sheet, script and logos: {loaded:?}"
    );
    assert!(total < 100 * 1024, "page and assets weigh {total} bytes");
}

#[test]
fn invalid_site_file_is_refused_naming_the_field() {
    let path = common::site_file(
        "apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\nspec:\n  domain: posit.example.com\n  connect:\n    replicas: two\n",
    );
    let error = SiteSource::from_file(&path, None, None).expect_err("replicas must be an integer");
    let text = error.to_string();
    assert!(text.contains("spec.connect.replicas"), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");
}

#[test]
fn site_file_with_several_sites_needs_a_name() {
    let two = format!(
        "{}---\n{}",
        site_yaml("a.example.com", false, false),
        site_yaml("b.example.com", false, false).replace("name: main", "name: other")
    );
    let path = common::site_file(&two);
    let error = SiteSource::from_file(&path, None, None)
        .expect_err("ambiguous")
        .to_string();
    assert!(error.contains("several Sites (main, other)"), "{error}");
    let other = SiteSource::from_file(&path, Some("other"), None).expect("named Site");
    assert_eq!(other.identity().name, "other");
    let missing = SiteSource::from_file(&path, Some("third"), None)
        .expect_err("no such Site")
        .to_string();
    assert!(missing.contains("no Site named \"third\""), "{missing}");
    let no_site = common::site_file("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
    assert!(
        SiteSource::from_file(&no_site, None, None)
            .expect_err("no Site")
            .to_string()
            .contains("no Site in the file")
    );
}
