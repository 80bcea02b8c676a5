//! The page in real headless Chromium: three and four cards, desktop and phone widths,
//! light and dark mode, keyboard focus, live status badges, escaping on /config, and the
//! page's weight and origins as the browser saw them. Screenshots are kept under
//! `target/test-artifacts/flightdeck/`.

mod common;

use common::chromium::{Browser, contrast_ratio};
use common::{HOSTILE_SITE, HealthServer, Options, TestServer, site_yaml};
use flightdeck::products::Product;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

const DESKTOP: (u32, u32) = (1280, 800);
const PHONE: (u32, u32) = (390, 844);

fn artifact(name: &str) -> PathBuf {
    test_support::artifacts_dir("flightdeck").join(name)
}

/// Card boxes, in page order.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

fn card_rects(browser: &mut Browser) -> Vec<Rect> {
    let value = browser.eval(
        "[...document.querySelectorAll('.card')].map(c => { const r = c.getBoundingClientRect(); return [r.left, r.top + scrollY, r.width, r.height]; })",
    );
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|r| Rect {
            x: r[0].as_f64().unwrap_or_default(),
            y: r[1].as_f64().unwrap_or_default(),
            width: r[2].as_f64().unwrap_or_default(),
            height: r[3].as_f64().unwrap_or_default(),
        })
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1.0
}

/// Columns of the card grid, checked from the card boxes.
fn assert_grid(rects: &[Rect], columns: usize, label: &str) {
    for (i, rect) in rects.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        let row_start = &rects[row * columns];
        let column_top = &rects[column];
        assert!(
            same(rect.y, row_start.y),
            "{label}: card {i} is not on row {row}: {rects:?}"
        );
        assert!(
            same(rect.x, column_top.x),
            "{label}: card {i} is not in column {column}: {rects:?}"
        );
        if column > 0 {
            assert!(
                rect.x > rects[i - 1].x + rects[i - 1].width,
                "{label}: cards overlap: {rects:?}"
            );
        }
        if row > 0 {
            let above = &rects[i - columns];
            assert!(
                rect.y >= above.y + above.height,
                "{label}: rows overlap: {rects:?}"
            );
        }
        assert!(
            same(rect.width, rects[0].width),
            "{label}: uneven card widths: {rects:?}"
        );
    }
}

/// Text colour and effective background of the elements a reader must be able to read.
const TEXT_COLOURS: &str = r#"(() => {
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && bg !== 'transparent' && !bg.startsWith('rgba(0, 0, 0, 0)')) return bg;
    }
    return getComputedStyle(document.documentElement).backgroundColor;
  };
  const selectors = ['h1', '.lead', '.brand span', '.card h2 a', '.description', '.status-text', '.footer p', 'nav a', 'td', 'pre code', '.panel h2', '.muted'];
  const found = [];
  for (const s of selectors) for (const el of document.querySelectorAll(s)) {
    if (el.getClientRects().length === 0) continue;
    found.push({selector: s, text: el.textContent.trim().slice(0, 40), color: getComputedStyle(el).color, background: background(el)});
  }
  return found;
})()"#;

fn assert_readable(browser: &mut Browser, label: &str) {
    let colours = browser.eval(TEXT_COLOURS);
    let colours = colours.as_array().expect("array");
    assert!(
        colours.len() >= 5,
        "{label}: text elements found: {colours:?}"
    );
    for entry in colours {
        let ratio = contrast_ratio(
            entry["color"].as_str().expect("color"),
            entry["background"].as_str().expect("background"),
        );
        assert!(
            ratio >= 4.5,
            "{label}: contrast {ratio:.2} below 4.5 for {entry}"
        );
    }
}

/// Structure every page view must have, whatever the size or theme.
fn assert_accessible_structure(browser: &mut Browser, label: &str) {
    let facts = browser.eval(
        r#"({
  lang: document.documentElement.lang,
  h1: document.querySelectorAll('h1').length,
  header: document.querySelectorAll('header').length,
  main: document.querySelectorAll('main').length,
  footer: document.querySelectorAll('footer').length,
  imagesWithoutAlt: [...document.images].filter(i => !i.hasAttribute('alt')).length,
  imagesNotLoaded: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  stylesheetApplied: getComputedStyle(document.body).display === 'flex'
})"#,
    );
    assert_eq!(facts["lang"], "en", "{label}");
    assert_eq!(facts["h1"], 1, "{label}");
    assert_eq!(facts["header"], 1, "{label}");
    assert_eq!(facts["main"], 1, "{label}");
    assert_eq!(facts["footer"], 1, "{label}");
    assert_eq!(facts["imagesWithoutAlt"], 0, "{label}");
    assert_eq!(facts["imagesNotLoaded"], Value::Array(vec![]), "{label}");
    assert_eq!(facts["overflow"], 0, "{label}: the page scrolls sideways");
    assert_eq!(facts["stylesheetApplied"], true, "{label}");
}

fn assert_theme(browser: &mut Browser, scheme: &str, label: &str) {
    let facts = browser.eval(
        "({dark: matchMedia('(prefers-color-scheme: dark)').matches, background: getComputedStyle(document.body).backgroundColor})",
    );
    let (dark, background) = match scheme {
        "dark" => (true, "rgb(14, 18, 23)"),
        _ => (false, "rgb(244, 246, 249)"),
    };
    assert_eq!(facts["dark"], dark, "{label}");
    assert_eq!(facts["background"], background, "{label}");
}

/// Renders the home page at both widths and in both themes, checks the layout, and saves a
/// screenshot of each.
fn check_home(show_academy: bool) {
    let cards = if show_academy { 4 } else { 3 };
    let health = HealthServer::start();
    let server = TestServer::start(
        Options::new(site_yaml("posit.example.com", false, show_academy)).with_health(&health),
    );
    let mut browser = Browser::launch();
    for (device, (width, height), mobile) in [("desktop", DESKTOP, false), ("phone", PHONE, true)] {
        for scheme in ["light", "dark"] {
            let label = format!("{cards} cards, {device}, {scheme}");
            browser.set_viewport(width, height, mobile);
            browser.set_color_scheme(scheme);
            browser.navigate(&server.url("/"));
            let rects = card_rects(&mut browser);
            assert_eq!(rects.len(), cards, "{label}");
            let columns = match (device, cards) {
                ("phone", _) => 1,
                (_, 3) => 3,
                _ => 2,
            };
            assert_grid(&rects, columns, &label);
            if device == "phone" {
                assert!(
                    rects[0].width >= 300.0 && rects[0].width <= f64::from(width),
                    "{label}: {rects:?}"
                );
            }
            assert_theme(&mut browser, scheme, &label);
            assert_accessible_structure(&mut browser, &label);
            assert_readable(&mut browser, &label);
            let badges = browser.eval(
                "[...document.querySelectorAll('.status')].map(b => b.dataset.product + '=' + b.dataset.status + ':' + b.textContent)",
            );
            assert_eq!(
                badges,
                serde_json::json!([
                    "workbench=up:Status: Up",
                    "connect=up:Status: Up",
                    "package-manager=up:Status: Up"
                ]),
                "{label}"
            );
            browser.screenshot(&artifact(&format!(
                "home-{cards}-cards-{device}-{scheme}.png"
            )));
        }
    }
}

#[test]
fn three_cards_at_desktop_and_phone_widths_in_light_and_dark() {
    check_home(false);
}

#[test]
fn four_cards_with_academy_at_desktop_and_phone_widths_in_light_and_dark() {
    check_home(true);
}

#[test]
fn keyboard_focus_is_visible_in_order() {
    let server = TestServer::start(Options::new(site_yaml("posit.example.com", true, false)));
    let mut browser = Browser::launch();
    browser.set_viewport(DESKTOP.0, DESKTOP.1, false);
    browser.navigate(&server.url("/"));
    let focus = r#"(() => {
  const el = document.activeElement;
  const ring = (style) => style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0;
  const r = el.getBoundingClientRect();
  return {
    text: el.textContent.trim(),
    visible: el.matches(':focus-visible'),
    ring: Math.max(ring(getComputedStyle(el)), ring(getComputedStyle(el, '::after'))),
    onScreen: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight
  };
})()"#;
    let expected = [
        "Skip to content",
        "Posit Team",
        "Products",
        "Configuration",
        Product::Workbench.name(),
        Product::Connect.name(),
        Product::PackageManager.name(),
    ];
    for (step, text) in expected.iter().enumerate() {
        browser.press_tab();
        let state = browser.eval(focus);
        assert_eq!(state["text"], *text, "tab {}: {state}", step + 1);
        assert_eq!(state["visible"], true, "tab {}: {state}", step + 1);
        assert!(
            state["ring"].as_f64().unwrap_or_default() >= 2.0,
            "tab {}: no visible focus ring: {state}",
            step + 1
        );
        assert_eq!(state["onScreen"], true, "tab {}: {state}", step + 1);
        if step == 0 {
            browser.screenshot(&artifact("keyboard-skip-link.png"));
        }
        if step == 5 {
            browser.screenshot(&artifact("keyboard-focus-card.png"));
        }
    }
}

#[test]
fn status_badges_follow_the_product_health_endpoint() {
    let mut connect = HealthServer::start();
    let others = HealthServer::start();
    let mut options =
        Options::new(site_yaml("posit.example.com", false, false)).with_health(&others);
    options
        .service_urls
        .insert(Product::Connect, connect.base_url());
    options.cache_for = Duration::from_secs(1);
    let mut server = TestServer::start(options);
    let mut browser = Browser::launch();
    browser.set_viewport(DESKTOP.0, DESKTOP.1, false);
    browser.navigate(&server.url("/"));
    let badge = |product: &str| {
        format!("document.querySelector('.status[data-product=\"{product}\"]').dataset.status")
    };
    let is = |product: &str, status: &str| {
        format!(
            "document.querySelector('.status[data-product=\"{product}\"]').dataset.status === '{status}' && document.querySelector('.status[data-product=\"{product}\"] .status-text').textContent === '{}'",
            status[..1].to_uppercase() + &status[1..]
        )
    };
    assert_eq!(browser.eval(&badge("connect")), "up");

    // Taken down while the page is open: the badge turns without a reload.
    connect.stop();
    assert!(
        browser.wait_until(&is("connect", "down"), Duration::from_secs(15)),
        "connect badge: {}",
        browser.eval(&badge("connect"))
    );
    assert_eq!(browser.eval(&badge("workbench")), "up");
    assert_eq!(browser.eval(&badge("package-manager")), "up");
    browser.screenshot(&artifact("status-connect-down.png"));

    // Back up, then an error answer: down again; 200: up again.
    connect.restart();
    assert!(browser.wait_until(&is("connect", "up"), Duration::from_secs(15)));
    connect.set_status(500);
    assert!(browser.wait_until(&is("connect", "down"), Duration::from_secs(15)));
    connect.set_status(200);
    assert!(browser.wait_until(&is("connect", "up"), Duration::from_secs(15)));

    // A reload shows the server's current view directly.
    connect.stop();
    assert!(browser.wait_until(&is("connect", "down"), Duration::from_secs(15)));
    browser.navigate(&server.url("/"));
    assert_eq!(browser.eval(&badge("connect")), "down");

    // When Flightdeck itself stops answering, it cannot tell: every badge is unknown.
    server.stop();
    assert!(
        browser.wait_until(
            &format!(
                "{} && {} && {}",
                is("connect", "unknown"),
                is("workbench", "unknown"),
                is("package-manager", "unknown")
            ),
            Duration::from_secs(15)
        ),
        "badges after the server stopped"
    );
    browser.screenshot(&artifact("status-unknown.png"));
}

#[test]
fn the_browser_loads_under_100_kb_all_from_the_server() {
    let health = HealthServer::start();
    let server = TestServer::start(
        Options::new(site_yaml("posit.example.com", true, true)).with_health(&health),
    );
    let mut browser = Browser::launch();
    browser.set_viewport(DESKTOP.0, DESKTOP.1, false);
    browser.navigate(&server.url("/"));
    let origin = server.url("");
    let requests = browser.network_log();
    assert!(
        requests.len() >= 7,
        "page, style sheet, script and logos: {requests:#?}"
    );
    let mut total = 0.0;
    for request in &requests {
        assert!(
            request.url.starts_with(&origin),
            "loaded from outside the server: {}",
            request.url
        );
        assert!(!request.failed, "failed to load: {}", request.url);
        total += request
            .encoded_bytes
            .unwrap_or_else(|| panic!("{} did not finish", request.url));
    }
    assert!(total < 100.0 * 1024.0, "the page weighs {total} bytes");
    println!(
        "page weight in the browser: {total} bytes in {} requests",
        requests.len()
    );
}

#[test]
fn config_page_shows_hostile_text_as_text() {
    let site = HOSTILE_SITE.to_string();
    let server = TestServer::start(Options::new(site));
    let mut browser = Browser::launch();
    for (device, (width, height), mobile) in [("desktop", DESKTOP, false), ("phone", PHONE, true)] {
        for scheme in ["light", "dark"] {
            let label = format!("/config, {device}, {scheme}");
            browser.set_viewport(width, height, mobile);
            browser.set_color_scheme(scheme);
            browser.navigate(&server.url("/config"));
            let facts = browser.eval(
                "({title: document.title, scripts: document.scripts.length, images: [...document.images].map(i => i.getAttribute('src')), text: document.body.innerText})",
            );
            assert_eq!(
                facts["title"], "Configuration · Posit Team",
                "{label}: a script ran"
            );
            assert_eq!(facts["scripts"], 0, "{label}");
            assert_eq!(
                facts["images"].as_array().map(Vec::len),
                Some(1),
                "{label}: only the brand logo: {}",
                facts["images"]
            );
            let text = facts["text"].as_str().unwrap_or_default();
            assert!(
                text.contains("<script>document.title='pwned'</script>"),
                "{label}: hostile text shown as text"
            );
            assert!(
                !text.contains("LICENSE-KEY-SECRET-1234"),
                "{label}: secret shown"
            );
            assert_theme(&mut browser, scheme, &label);
            assert_accessible_structure(&mut browser, &label);
            assert_readable(&mut browser, &label);
            browser.screenshot(&artifact(&format!("config-{device}-{scheme}.png")));
        }
    }
}
