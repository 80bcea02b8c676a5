//! Headless Chromium driven through the DevTools protocol over its WebSocket: a fresh
//! profile per browser, one page, viewport and colour-scheme emulation, script evaluation,
//! keyboard input, screenshots and a log of every network request.

use base64::Engine;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// Flags for a quiet, self-contained headless browser.
const FLAGS: [&str; 11] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-breakpad",
    "--disable-crash-reporter",
];

/// The Chromium installed by `scripts/install-test-tools`.
pub fn chromium_path() -> PathBuf {
    test_support::tool("bin/chromium")
}

/// One network request seen by the page.
#[derive(Debug, Clone, Default)]
pub struct NetworkRequest {
    pub url: String,
    /// Bytes received, headers included; `None` if the request did not finish.
    pub encoded_bytes: Option<f64>,
    pub failed: bool,
}

/// The browser process, killed when dropped (also when a test fails half-way through
/// starting it).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Browser {
    process: Process,
    socket: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    events: Vec<Value>,
}

impl Browser {
    /// Starts Chromium with a fresh profile and opens one blank page.
    pub fn launch() -> Self {
        let profile = test_support::scratch_dir("chromium-profile");
        let process = Command::new(chromium_path())
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--remote-debugging-address=127.0.0.1")
            .arg("--remote-debugging-port=0")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Process)
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium_path().display()));
        let (port, path) = read_devtools_port(&profile);
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("socket timeout");
        let (socket, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream)
            .expect("DevTools WebSocket handshake");
        // Short reads from here on, so waits can check their deadlines.
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(250)))
            .expect("socket timeout");
        let mut browser = Self {
            process,
            socket,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
        };
        let target = browser.send(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("target id").to_string();
        let attached = browser.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        browser.call("Page.enable", json!({}));
        browser.call("Network.enable", json!({}));
        browser.call("Network.setCacheDisabled", json!({"cacheDisabled": true}));
        browser
    }

    /// Sends a command to the page and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap_or_else(|e| panic!("cannot send {method}: {e}"));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let Some(reply) = self.receive(deadline) else {
                panic!("no answer to {method} within 30 s");
            };
            if reply["id"].as_u64() == Some(id) {
                if let Some(error) = reply.get("error") {
                    panic!("{method} failed: {error}");
                }
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    /// The next message, or `None` at the deadline.
    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    return Some(serde_json::from_str(text.as_str()).expect("DevTools sends JSON"));
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("DevTools connection failed: {e}"),
            }
        }
        None
    }

    /// Waits up to `timeout` for a page event, looking at buffered events first.
    fn wait_for_event(&mut self, method: &str, timeout: Duration) -> Option<Value> {
        if let Some(index) = self.events.iter().position(|e| e["method"] == method) {
            return Some(self.events.remove(index));
        }
        let deadline = Instant::now() + timeout;
        while let Some(message) = self.receive(deadline) {
            if message["method"] == method {
                return Some(message);
            }
            self.events.push(message);
        }
        None
    }

    /// Sets the viewport; `mobile` also emulates a phone (touch, viewport meta).
    pub fn set_viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// Emulates the system colour scheme (`light` or `dark`).
    pub fn set_color_scheme(&mut self, scheme: &str) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    /// Opens `url` and waits for its load event (all images, styles and scripts loaded).
    pub fn navigate(&mut self, url: &str) {
        self.events.clear();
        let result = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = result.get("errorText") {
            panic!("cannot open {url}: {error}");
        }
        self.wait_for_event("Page.loadEventFired", Duration::from_secs(30))
            .unwrap_or_else(|| panic!("{url} did not finish loading within 30 s"));
    }

    /// Evaluates `expression` in the page and returns its value (promises are awaited).
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("script failed: {exception}\n{expression}");
        }
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it is `true`, for up to `timeout`.
    pub fn wait_until(&mut self, expression: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.eval(expression) == json!(true) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            // Keep reading so events do not pile up in the socket while waiting.
            let _ = self.receive(Instant::now() + Duration::from_millis(200));
        }
    }

    /// Presses and releases Tab, as a keyboard user would.
    pub fn press_tab(&mut self) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "nativeVirtualKeyCode": 9}),
            );
        }
    }

    /// Saves a PNG of the whole page (not only the viewport).
    pub fn screenshot(&mut self, path: &Path) {
        let size = self.eval(
            "({w: document.documentElement.clientWidth, h: Math.max(document.documentElement.scrollHeight, innerHeight)})",
        );
        let shot = self.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": size["w"], "height": size["h"], "scale": 1}
            }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("screenshot is base64");
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Every request the page made since the last navigation, in order.
    pub fn network_log(&mut self) -> Vec<NetworkRequest> {
        // Let late events (the last loadingFinished) arrive.
        let _ = self
            .receive(Instant::now() + Duration::from_millis(300))
            .map(|m| self.events.push(m));
        let mut order = Vec::new();
        let mut requests: BTreeMap<String, NetworkRequest> = BTreeMap::new();
        for event in &self.events {
            let params = &event["params"];
            let id = params["requestId"].as_str().unwrap_or_default().to_string();
            match event["method"].as_str() {
                Some("Network.requestWillBeSent") => {
                    if !requests.contains_key(&id) {
                        order.push(id.clone());
                    }
                    requests.entry(id).or_default().url = params["request"]["url"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                }
                Some("Network.loadingFinished") => {
                    requests.entry(id).or_default().encoded_bytes =
                        params["encodedDataLength"].as_f64();
                }
                Some("Network.loadingFailed") => {
                    requests.entry(id).or_default().failed = true;
                }
                _ => {}
            }
        }
        order
            .into_iter()
            .filter_map(|id| requests.remove(&id))
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.socket.send(Message::text(
            json!({"id": 0, "method": "Browser.close"}).to_string(),
        ));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Still running: `Process` kills it.
    }
}

/// Chromium writes its DevTools port and browser path to `DevToolsActivePort` once ready.
fn read_devtools_port(profile: &Path) -> (u16, String) {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next())
                && let Ok(port) = port.trim().parse()
            {
                return (port, path.trim().to_string());
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "Chromium did not open its DevTools port within 30 s ({})",
        file.display()
    );
}

/// WCAG contrast ratio of two `rgb(...)` / `rgba(...)` colours (alpha ignored).
pub fn contrast_ratio(foreground: &str, background: &str) -> f64 {
    let luminance = |color: &str| {
        let channels = parse_rgb(color);
        let linear = |c: f64| {
            let c = c / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(channels[0]) + 0.7152 * linear(channels[1]) + 0.0722 * linear(channels[2])
    };
    let (a, b) = (luminance(foreground), luminance(background));
    let (light, dark) = if a > b { (a, b) } else { (b, a) };
    (light + 0.05) / (dark + 0.05)
}

fn parse_rgb(color: &str) -> [f64; 3] {
    let inner = color
        .trim()
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let parts: Vec<f64> = inner
        .split(',')
        .take(3)
        .map(|part| {
            part.trim()
                .parse()
                .unwrap_or_else(|_| panic!("not an rgb colour: {color}"))
        })
        .collect();
    assert_eq!(parts.len(), 3, "not an rgb colour: {color}");
    [parts[0], parts[1], parts[2]]
}
