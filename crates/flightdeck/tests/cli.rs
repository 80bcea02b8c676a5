//! The `flightdeck` binary: start-up failures (one line, non-zero exit), serving a Site file,
//! structured logs without secrets, and a clean stop on SIGTERM.

mod common;

use common::{http_get, site_file, site_yaml};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn flightdeck() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    // Only what a test sets reaches the process.
    for variable in [
        "SITE_NAME",
        "NAMESPACE",
        "SHOW_CONFIG",
        "SHOW_ACADEMY",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "KUBECONFIG",
        "KUBERNETES_SERVICE_HOST",
        "KUBERNETES_SERVICE_PORT",
        "WORKBENCH_SERVICE_URL",
        "CONNECT_SERVICE_URL",
        "PACKAGE_MANAGER_SERVICE_URL",
        "ACADEMY_URL",
    ] {
        command.env_remove(variable);
    }
    command.stdin(Stdio::null());
    // Health checks stay on the loopback interface.
    for variable in [
        "WORKBENCH_SERVICE_URL",
        "CONNECT_SERVICE_URL",
        "PACKAGE_MANAGER_SERVICE_URL",
    ] {
        command.env(variable, common::CLOSED_PORT_URL);
    }
    command
}

/// Runs a start-up that must fail and returns its single stderr line.
fn fails(command: &mut Command) -> (Output, String) {
    let output = command.output().expect("flightdeck runs");
    assert!(!output.status.success(), "start-up should fail");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        stderr.lines().count(),
        1,
        "exactly one line on stderr: {stderr:?}"
    );
    assert!(stderr.starts_with("flightdeck: "), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
    (output, stderr.trim_end().to_string())
}

/// A setting that must stop start-up, and what the error line must name.
struct BadSetting {
    env: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
    named: &'static str,
}

const BAD_SETTINGS: [BadSetting; 10] = [
    BadSetting {
        env: &[("SHOW_CONFIG", "yes")],
        args: &[],
        named: "SHOW_CONFIG",
    },
    BadSetting {
        env: &[("SHOW_ACADEMY", "1")],
        args: &[],
        named: "SHOW_ACADEMY",
    },
    BadSetting {
        env: &[("LOG_LEVEL", "verbose")],
        args: &[],
        named: "LOG_LEVEL",
    },
    BadSetting {
        env: &[("LOG_FORMAT", "xml")],
        args: &[],
        named: "LOG_FORMAT",
    },
    BadSetting {
        env: &[("NAMESPACE", "Posit_Team")],
        args: &[],
        named: "invalid namespace",
    },
    BadSetting {
        env: &[("SITE_NAME", "<main>")],
        args: &[],
        named: "invalid Site name",
    },
    BadSetting {
        env: &[("CONNECT_SERVICE_URL", "https://connect")],
        args: &[],
        named: "only http://",
    },
    BadSetting {
        env: &[("ACADEMY_URL", "javascript:alert(1)")],
        args: &[],
        named: "ACADEMY_URL",
    },
    BadSetting {
        env: &[],
        args: &["--listen", "not-an-address"],
        named: "--listen",
    },
    BadSetting {
        env: &[],
        args: &["--health-timeout", "0s"],
        named: "longer than zero",
    },
];

#[test]
fn bad_settings_stop_start_up_with_one_line() {
    let site = site_file(&site_yaml("posit.example.com", false, false));
    for case in &BAD_SETTINGS {
        let mut command = flightdeck();
        command
            .arg("--site-file")
            .arg(&site)
            .args(case.args)
            .envs(case.env.iter().copied());
        let (output, line) = fails(&mut command);
        let what = format!("{:?} {:?}", case.env, case.args);
        assert_eq!(output.status.code(), Some(2), "{what}: {line}");
        assert!(line.contains(case.named), "{what}: {line}");
    }
}

#[test]
fn unusable_site_or_cluster_stops_start_up_with_one_line() {
    let missing = flightdeck()
        .args(["--site-file", "/nonexistent/site.yaml"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(1));
    let (_, line) = fails(flightdeck().args(["--site-file", "/nonexistent/site.yaml"]));
    assert!(
        line.contains("cannot read /nonexistent/site.yaml"),
        "{line}"
    );

    let invalid = site_file(
        "apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\nspec:\n  domain: posit.example.com\n  connect: {replicas: two}\n",
    );
    let (_, line) = fails(flightdeck().arg("--site-file").arg(&invalid));
    assert!(line.contains("spec.connect.replicas"), "{line}");

    let (_, line) = fails(&mut flightdeck());
    assert!(line.contains("SITE_NAME is not set"), "{line}");

    let empty_home = test_support::scratch_dir("flightdeck-home");
    let (output, line) = fails(
        flightdeck()
            .env("SITE_NAME", "main")
            .env("HOME", &empty_home),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(line.contains("cannot connect to Kubernetes"), "{line}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let address = taken.local_addr().expect("address").to_string();
    let site = site_file(&site_yaml("posit.example.com", false, false));
    let (_, line) = fails(
        flightdeck()
            .arg("--site-file")
            .arg(&site)
            .args(["--listen", &address]),
    );
    assert!(
        line.contains(&format!("cannot listen on {address}")),
        "{line}"
    );
}

/// A running binary whose stdout lines are collected.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(command: &mut Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("flightdeck starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a log line containing `text`.
    fn wait_for(&mut self, text: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(20)) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!("no log line with {text:?}; seen: {:#?}", self.seen),
            }
        }
    }

    /// Sends SIGTERM, as the kubelet does, and returns the exit status and remaining output.
    fn terminate(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = self.child.wait().expect("flightdeck exits");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        (exit, self.seen)
    }
}

#[test]
fn serves_a_site_file_with_json_logs_and_stops_on_sigterm() {
    let hostile = site_file(&format!(
        "{}\n    addEnv:\n      DB_PASSWORD: log-secret-value\n",
        site_yaml("posit.example.com", true, false).trim_end()
    ));
    let mut running = Running::start(
        flightdeck()
            .arg("--site-file")
            .arg(&hostile)
            .args(["--listen", "127.0.0.1:0", "--health-timeout", "200ms"])
            .env("LOG_FORMAT", "json")
            .env("LOG_LEVEL", "debug"),
    );
    let line = running.wait_for("flightdeck listening");
    let record: Value = serde_json::from_str(&line).expect("JSON log line");
    assert_eq!(record["level"], "INFO");
    assert_eq!(record["site"], "main");
    assert_eq!(record["namespace"], "posit-team");
    let addr: SocketAddr = record["address"]
        .as_str()
        .expect("address")
        .parse()
        .expect("socket address");

    assert_eq!(http_get(addr, "/healthz", &[]).status, 200);
    let home = http_get(addr, "/", &[]);
    assert_eq!(home.status, 200);
    assert!(home.text().contains("https://connect.posit.example.com"));
    let config = http_get(addr, "/config", &[]);
    assert_eq!(config.status, 200);
    assert!(!config.text().contains("log-secret-value"));
    running.wait_for("\"path\":\"/config\"");

    let (exit, lines) = running.terminate();
    assert!(exit.success(), "SIGTERM is a clean stop: {exit:?}");
    for line in &lines {
        let record: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            record["timestamp"].is_string() && record["level"].is_string(),
            "{line}"
        );
        assert!(
            !line.contains("log-secret-value"),
            "secret in the log: {line}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"path\":\"/healthz\"") && l.contains("DEBUG")),
        "probes log at debug"
    );
    assert!(lines.iter().any(|l| l.contains("product status changed")));
    assert!(lines.iter().any(|l| l.contains("shutting down")));
}

/// Runs the binary with text logs at `level`, makes two requests and returns its log lines.
fn text_log_lines(level: &str) -> Vec<String> {
    let site = site_file(&site_yaml("posit.example.com", false, false));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let running = Running::start(
        flightdeck()
            .arg("--site-file")
            .arg(&site)
            .args(["--listen", &address, "--health-timeout", "200ms"])
            .env("LOG_LEVEL", level),
    );
    let addr: SocketAddr = address.parse().expect("address");
    assert!(common::eventually(Duration::from_secs(20), || http_get_ok(
        addr
    )));
    assert_eq!(http_get(addr, "/", &[]).status, 200);
    assert_eq!(http_get(addr, "/nope", &[]).status, 404);
    let (exit, lines) = running.terminate();
    assert!(exit.success());
    lines
}

fn http_get_ok(addr: SocketAddr) -> bool {
    std::net::TcpStream::connect(addr).is_ok() && http_get(addr, "/healthz", &[]).status == 200
}

#[test]
fn text_logs_respect_the_level() {
    let info = text_log_lines("info");
    assert!(
        info.iter().any(|l| l.contains(" INFO ")
            && l.contains("request")
            && l.contains("path=/nope")
            && l.contains("status=404")),
        "info shows requests: {info:#?}"
    );
    assert!(info.iter().all(|l| !l.contains(" DEBUG ")), "{info:#?}");
    assert!(info.iter().all(|l| !l.starts_with('{')), "text, not JSON");

    let warn = text_log_lines("warn");
    assert!(
        warn.iter()
            .all(|l| !l.contains(" INFO ") && !l.contains(" DEBUG ")),
        "warn hides info and debug: {warn:#?}"
    );
}
