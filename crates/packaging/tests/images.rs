//! The Dockerfile, checked without a container engine: hadolint lints it, the build context
//! it copies resolves as a locked workspace, the binaries are those of a plain
//! `cargo build --release --locked`, and the runtime stages match how they are run (the
//! chart's operator Deployment, the operator's Flightdeck Deployment).

use clap::Parser;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use team_packaging::dockerfile::{Dockerfile, Stage};
use team_packaging::helm::{self, render};

fn dockerfile() -> Dockerfile {
    let path = test_support::workspace_root().join("Dockerfile");
    Dockerfile::parse(&std::fs::read_to_string(path).expect("Dockerfile exists"))
}

fn stage<'a>(file: &'a Dockerfile, name: &str) -> &'a Stage {
    file.stage(name)
        .unwrap_or_else(|| panic!("the Dockerfile has no stage {name}"))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
}

#[test]
fn hadolint_finds_nothing() {
    let output = Command::new(test_support::tool("venv/bin/hadolint"))
        .args(["--failure-threshold", "info"])
        .arg(test_support::workspace_root().join("Dockerfile"))
        .output()
        .expect("hadolint runs");
    assert!(
        output.status.success(),
        "hadolint:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn binaries_come_from_a_plain_locked_release_build_of_the_workspace() {
    let file = dockerfile();
    let build = stage(&file, "build");
    let runs = build.all("RUN");
    assert_eq!(runs.len(), 1, "one build step");
    let run = &runs[0].arguments;
    // The same command as on a workstation: whole workspace, no package, feature or
    // profile selection that would change what gets compiled.
    let command = run
        .split("&&")
        .map(str::trim)
        .find(|part| part.contains("cargo "))
        .expect("the build step runs cargo");
    let words: Vec<&str> = command
        .split_whitespace()
        .skip_while(|w| w.starts_with("--mount"))
        .collect();
    assert_eq!(words, ["cargo", "build", "--release", "--locked"], "{run}");

    // What it copies out are the workspace's binaries.
    let metadata = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(test_support::workspace_root())
        .output()
        .expect("cargo metadata runs");
    let metadata: Value = serde_json::from_slice(&metadata.stdout).expect("metadata is JSON");
    let binaries: Vec<&str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap())
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for binary in ["team-operator", "flightdeck"] {
        assert!(
            binaries.contains(&binary),
            "{binary} is no workspace binary"
        );
        assert!(
            run.contains(&format!("target/release/{binary}")),
            "the build stage does not copy {binary} out"
        );
        let runtime = stage(&file, binary);
        let copy = runtime.last("COPY").expect("the binary is copied in");
        assert_eq!(
            copy.words(),
            [
                "--from=build",
                &format!("/out/{binary}"),
                &format!("/{binary}")
            ]
        );
    }
}

#[test]
fn the_builder_meets_the_workspace_rust_version() {
    let file = dockerfile();
    let builder = file.global_arg("RUST_VERSION").expect("ARG RUST_VERSION");
    let manifest =
        std::fs::read_to_string(test_support::workspace_root().join("Cargo.toml")).unwrap();
    let required = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("workspace rust-version");
    let version =
        |text: &str| -> Vec<u32> { text.split('.').map(|p| p.parse().unwrap()).collect() };
    assert!(
        version(&builder) >= version(required),
        "the builder's Rust {builder} is older than the workspace's rust-version {required}"
    );
    assert!(stage(&file, "build").base.contains("rust:${RUST_VERSION}"));
}

/// Copies what the build stage's COPY instructions take from the context.
fn build_context(file: &Dockerfile) -> PathBuf {
    let root = test_support::workspace_root();
    let ignore = std::fs::read_to_string(root.join(".dockerignore")).expect(".dockerignore exists");
    let included: Vec<&str> = ignore
        .lines()
        .filter_map(|l| l.trim().strip_prefix('!'))
        .map(|l| l.trim_end_matches('/'))
        .collect();
    assert!(
        ignore.lines().any(|l| l.trim() == "*"),
        ".dockerignore starts from nothing"
    );
    let context = test_support::scratch_dir("image-context");
    for copy in stage(file, "build").all("COPY") {
        let words = copy.words();
        let (sources, _destination) = words.split_at(words.len() - 1);
        for source in sources {
            let source = source.trim_end_matches('/');
            assert!(
                included.contains(&source),
                "COPY {source}: .dockerignore leaves it out of the context"
            );
            copy_tree(&root.join(source), &context.join(source));
        }
    }
    context
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        if from.file_name().is_some_and(|n| n == "target") {
            return;
        }
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
}

#[test]
fn the_build_context_holds_the_whole_locked_workspace() {
    let context = build_context(&dockerfile());
    // Every member, every path dependency and the lockfile as committed: `--locked` would
    // fail on anything missing or stale.
    let output = cargo()
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .args(["--filter-platform", "x86_64-unknown-linux-gnu"])
        .current_dir(&context)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "the image's build context is not a complete workspace:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Files the sources include at compile time are in the context too.
    let mut checked = 0;
    for file in rust_files(&context.join("crates")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for macro_name in ["include_str!(\"", "include_bytes!(\""] {
            for (_, rest) in text
                .match_indices(macro_name)
                .map(|(i, _)| ((), &text[i + macro_name.len()..]))
            {
                let included = &rest[..rest.find('"').unwrap()];
                let path = file.parent().unwrap().join(included);
                assert!(
                    path.exists(),
                    "{} includes {included}, not in the image's context",
                    file.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "the scan found the compile-time includes");
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn runtime_images_are_minimal_and_not_root() {
    let file = dockerfile();
    for name in ["team-operator", "flightdeck"] {
        let runtime = stage(&file, name);
        assert!(
            runtime
                .base
                .starts_with("gcr.io/distroless/cc-debian12:nonroot"),
            "{name}: base {}",
            runtime.base
        );
        assert!(
            runtime.all("RUN").is_empty(),
            "{name}: nothing runs in the runtime image"
        );
        let user = runtime.last("USER").expect("USER is set").arguments.clone();
        let (uid, gid) = user.split_once(':').expect("USER uid:gid");
        for id in [uid, gid] {
            let id: u32 = id
                .parse()
                .expect("numeric ids (runAsNonRoot can check them)");
            assert_ne!(id, 0, "{name} runs as root");
        }
    }
    // The default target is the operator.
    assert_eq!(
        file.stages.last().unwrap().name.as_deref(),
        Some("team-operator")
    );
}

fn uid(stage: &Stage) -> i64 {
    let user = &stage.last("USER").unwrap().arguments;
    user.split(':').next().unwrap().parse().unwrap()
}

fn exposed(stage: &Stage) -> i64 {
    stage
        .last("EXPOSE")
        .expect("EXPOSE")
        .arguments
        .parse()
        .unwrap()
}

#[test]
fn the_operator_image_runs_as_the_chart_runs_it() {
    let file = dockerfile();
    let runtime = stage(&file, "team-operator");
    let objects = render(&[], &[]);
    let deployment = helm::single(&objects, "Deployment");
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let entrypoint = runtime
        .last("ENTRYPOINT")
        .unwrap()
        .exec_form()
        .expect("exec form");
    assert_eq!(Value::from(entrypoint), container["command"]);
    assert_eq!(pod["securityContext"]["runAsUser"], uid(runtime));
    assert_eq!(container["ports"][0]["containerPort"], exposed(runtime));
    let cmd = runtime.last("CMD").unwrap().exec_form().unwrap();
    assert_eq!(cmd, ["run"], "the image alone starts the operator");
}

#[test]
fn the_flightdeck_image_runs_as_the_operator_runs_it() {
    let file = dockerfile();
    let runtime = stage(&file, "flightdeck");
    let minimal = test_support::workspace_root().join("examples/minimal.yaml");
    let sourced = team_operator::input::read_files(&[minimal]).unwrap();
    let resources: Vec<_> = sourced.into_iter().map(|s| s.decoded.resource).collect();
    let rendered = team_desired::render::render(
        &resources,
        "posit-team",
        &team_desired::Environment::from_lookup(|_| None),
    )
    .unwrap();
    let deployment = rendered
        .objects()
        .map(|d| d.object.to_value())
        .find(|o| {
            o["kind"] == "Deployment"
                && o["spec"]["template"]["spec"]["containers"][0]["name"] == "flightdeck"
        })
        .expect("the minimal Site has a Flightdeck Deployment");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    // No command: the image's entrypoint runs with the Deployment's arguments.
    assert!(container.get("command").is_none());
    let entrypoint = runtime
        .last("ENTRYPOINT")
        .unwrap()
        .exec_form()
        .expect("exec form");
    let mut argv = entrypoint.clone();
    argv.extend(
        container["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string()),
    );
    let cli = flightdeck::cli::Cli::try_parse_from(&argv)
        .unwrap_or_else(|e| panic!("flightdeck refuses {argv:?}:\n{e}"));
    assert_eq!(
        i64::from(cli.listen.port()),
        container["ports"][0]["containerPort"].as_i64().unwrap()
    );
    assert_eq!(i64::from(cli.listen.port()), exposed(runtime));
    assert_eq!(container["securityContext"]["runAsUser"], uid(runtime));
}
