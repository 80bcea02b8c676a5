//! Workbench end to end: the objects of every example (snapshots), every configuration file
//! read back with the parser its consumer uses and compared with the settings, hostile
//! values carried exactly or refused naming the field, the templates data, the official
//! Kubernetes schemas for every variation, and byte-identical re-renders.

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::*;
use team_api::Workbench;
use team_desired::object::Object;
use team_desired::render::Rendered;
use team_desired::workbench::config::{self, Context};

const EXAMPLES: [&str; 5] = [
    "aws.yaml",
    "azure.yaml",
    "everything.yaml",
    "minimal.yaml",
    "on-prem-nfs-saml.yaml",
];

#[test]
fn every_example_renders_its_workbench_objects_as_the_snapshot() {
    for file in EXAMPLES {
        let rendered = rendered(&example(file));
        let objects = workbench_objects(&rendered);
        assert!(objects.len() > 15, "{file}: {} objects", objects.len());
        let name = file.trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("workbench-{name}"), yaml(&objects));
    }
}

/// The Workbench resource a render built its objects from.
fn workbench_resource(rendered: &Rendered) -> Workbench {
    rendered
        .objects()
        .find_map(|d| match &d.object {
            Object::Workbench(w) => Some((**w).clone()),
            _ => None,
        })
        .expect("a Workbench resource")
}

/// Settings as the key=value pairs a file must read back as: strings when non-empty,
/// lists joined (scopes with spaces), sub-objects as `section.key`. Zero integers and
/// empty lists are skipped by the serializer; the reader may show them as `0` and empty.
fn pairs(value: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    for (key, value) in value.as_object().into_iter().flatten() {
        let name = format!("{prefix}{key}");
        match value {
            Value::Object(_) => pairs(value, &format!("{key}."), out),
            Value::Array(items) => {
                let separator = if key == "auth-openid-scopes" {
                    " "
                } else {
                    ","
                };
                let items: Vec<String> = items
                    .iter()
                    .map(|i| i.as_str().unwrap().to_string())
                    .collect();
                out.push((name, items.join(separator)));
            }
            Value::String(s) if s.is_empty() => {}
            Value::String(s) => out.push((name, s.clone())),
            other => out.push((name, other.to_string())),
        }
    }
}

/// A file read back has exactly the expected settings, plus only zero integers and empty
/// lists the writer always emits.
fn assert_reads_back(file: &str, read: &[(String, String)], expected: &[(String, String)]) {
    for pair in expected {
        assert!(
            read.contains(pair),
            "{file}: {pair:?} missing from what Workbench reads: {read:?}"
        );
    }
    for pair in read {
        assert!(
            expected.contains(pair) || pair.1 == "0" || pair.1.is_empty(),
            "{file}: {pair:?} was not asked for"
        );
    }
    let mut keys: Vec<&String> = read.iter().map(|(k, _)| k).collect();
    keys.dedup();
    assert_eq!(keys.len(), read.len(), "{file}: a key appears twice");
}

fn expected_of<T: serde::Serialize>(settings: &T) -> Vec<(String, String)> {
    let mut out = Vec::new();
    pairs(&serde_json::to_value(settings).unwrap(), "", &mut out);
    out
}

#[test]
fn every_configuration_file_of_every_example_reads_back_as_the_settings() {
    for file in EXAMPLES {
        let rendered = rendered(&example(file));
        let resource = workbench_resource(&rendered);
        let name = resource.metadata.name.clone().unwrap();
        let component = format!("{name}-workbench");
        let database = component.replace('-', "_");
        let none = BTreeMap::new();
        let context = Context {
            namespace: "posit-team",
            component: &component,
            database: &database,
            openid_client_secret: "",
            databricks_client_secrets: &none,
        };
        let effective = config::effective(&resource.spec, &context);
        let main = config_map(&rendered, &component);
        let ini = &effective.ini;
        let session = &effective.session_ini;
        let key_value_files: Vec<(&str, Vec<(String, String)>)> = [
            ("launcher.conf", ini.launcher.as_ref().map(expected_of)),
            ("vscode.conf", ini.vscode.as_ref().map(expected_of)),
            ("logging.conf", ini.logging.as_ref().map(expected_of)),
            ("jupyter.conf", ini.jupyter.as_ref().map(expected_of)),
            ("rserver.conf", ini.rserver.as_ref().map(expected_of)),
            (
                "launcher.kubernetes.conf",
                ini.launcher_kubernetes.as_ref().map(expected_of),
            ),
            (
                "launcher.kubernetes.resources.conf",
                ini.launcher_kubernetes_resources.as_ref().map(expected_of),
            ),
            (
                "launcher.kubernetes.profiles.conf",
                effective
                    .profiles
                    .launcher_kubernetes_profiles
                    .as_ref()
                    .map(expected_of),
            ),
            ("rsession.conf", session.rsession.as_ref().map(expected_of)),
            ("repos.conf", session.repos.as_ref().map(expected_of)),
            (
                "workbench_nss.conf",
                session.workbench_nss.as_ref().map(expected_of),
            ),
            ("positron.conf", session.positron.as_ref().map(expected_of)),
        ]
        .into_iter()
        .filter_map(|(f, e)| e.map(|e| (f, e)))
        .collect();
        assert!(key_value_files.len() >= 11, "{file}");
        for (name, expected) in &key_value_files {
            let text = main
                .get(*name)
                .unwrap_or_else(|| panic!("{file}: {name} missing"));
            assert_reads_back(&format!("{file} {name}"), &read_ini(name, text), expected);
        }

        // The operator's own settings.
        let rserver = read_ini("rserver.conf", &main["rserver.conf"]);
        for pair in [
            ("metrics-enabled", "1"),
            ("metrics-port", "8989"),
            (
                "launcher-sessions-callback-address",
                &format!("http://{component}.posit-team.svc.cluster.local:80"),
            ),
        ] {
            assert!(
                rserver.contains(&(pair.0.to_string(), pair.1.to_string())),
                "{file}: {pair:?}"
            );
        }
        let kubernetes = read_ini(
            "launcher.kubernetes.conf",
            &main["launcher.kubernetes.conf"],
        );
        assert_eq!(
            kubernetes,
            [
                ("kubernetes-namespace", "posit-team"),
                ("use-templating", "1"),
                ("job-expiry-hours", "1")
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );

        // JSON and one-per-line files.
        for (name, settings) in [
            (
                "vscode-user-settings.json",
                &effective.session_json.vscode_user_settings,
            ),
            (
                "positron-user-settings.json",
                &effective.session_json.positron_user_settings,
            ),
        ] {
            if let Some(settings) = settings {
                let read: BTreeMap<String, Value> = serde_json::from_str(&main[name]).unwrap();
                assert_eq!(&read, settings, "{file} {name}");
            }
        }
        for (name, items) in [
            (
                "vscode.extensions.conf",
                &effective.session_newline.vscode_extensions,
            ),
            (
                "positron.extensions.conf",
                &effective.session_newline.positron_extensions,
            ),
        ] {
            if let Some(items) = items {
                let read: Vec<String> = main[name].lines().map(str::to_string).collect();
                assert_eq!(&read, items, "{file} {name}");
            }
        }
        if let Some(env) = &effective.dcf.launcher_env {
            let path = scratch_file("wb-dcf", "launcher-env", &main["launcher-env"]);
            let read = test_support::read_config("dcf", &[path]).unwrap();
            let environment: Vec<String> = env
                .environment
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            assert_eq!(
                read,
                json!([{"JobType": [env.job_type], "Environment": environment}]),
                "{file}"
            );
        }

        // The session ConfigMap holds exactly the session files of the main one.
        let session_map = config_map(&rendered, &format!("{component}-session"));
        for (key, text) in &session_map {
            assert_eq!(main.get(key), Some(text), "{file}: {key}");
        }

        // The config Secret.
        let secret = secret_data(&rendered, &format!("{component}-config"));
        let database_conf = read_ini("database.conf", &secret["database.conf"]);
        assert_eq!(
            database_conf.iter().find(|(k, _)| k == "username"),
            Some(&("username".to_string(), database.clone())),
            "{file}"
        );
        assert!(
            !database_conf.iter().any(|(k, _)| k == "password"),
            "{file}: the password comes from the environment"
        );
        if let Some(text) = secret.get("databricks.conf") {
            let expected = expected_of(
                config::effective_secret(&resource.spec, &context)
                    .ini
                    .databricks
                    .as_ref()
                    .unwrap(),
            );
            let read = read_ini("databricks.conf", text);
            let without_secrets: Vec<(String, String)> = read
                .into_iter()
                .filter(|(k, _)| !k.ends_with(".client-secret"))
                .collect();
            assert_reads_back(
                &format!("{file} databricks.conf"),
                &without_secrets,
                &expected,
            );
        }

        // supervisord programs (non-root mode).
        if resource.spec.non_root {
            let programs = config_map(&rendered, &format!("{component}-supervisor"));
            let dir = test_support::scratch_dir("wb-supervisor");
            let paths: Vec<_> = programs
                .iter()
                .map(|(name, text)| {
                    let path = dir.join(name);
                    std::fs::write(&path, text).unwrap();
                    path
                })
                .collect();
            let read = test_support::read_config("supervisord", &paths).unwrap();
            let launcher = &read["rstudio-launcher"];
            assert_eq!(launcher["stdout_logfile"], "/dev/stdout", "{file}");
            assert_eq!(launcher["stderr_logfile"], "/dev/stderr", "{file}");
            assert_eq!(launcher["stdout_logfile_maxbytes"], 0, "{file}");
            assert_eq!(
                launcher["command"],
                "/usr/lib/rstudio-server/bin/rstudio-launcher"
            );
            assert_eq!(launcher["uid"], 0);
            assert_eq!(
                launcher["environment"]["XDG_CONFIG_DIRS"],
                config::XDG_CONFIG_DIRS
            );
        }
    }
}

#[test]
fn the_templates_data_is_valid_sorted_json_with_the_session_defaults() {
    for file in EXAMPLES {
        let rendered = rendered(&example(file));
        let resource = workbench_resource(&rendered);
        let component = format!("{}-workbench", resource.metadata.name.as_deref().unwrap());
        let data = templates_data(&rendered, &format!("{component}-templates"));
        // Keys are sorted at every level (what the launcher's templates always received).
        fn sorted(value: &Value) -> bool {
            match value {
                Value::Object(map) => {
                    let keys: Vec<&String> = map.keys().collect();
                    keys.windows(2).all(|w| w[0] < w[1]) && map.values().all(sorted)
                }
                Value::Array(items) => items.iter().all(sorted),
                _ => true,
            }
        }
        assert!(sorted(&data), "{file}");
        let site = resource.metadata.name.as_deref().unwrap();
        let labels = json!({"posit.team/component": "workbench-session", "posit.team/site": site});
        for part in ["job", "pod", "service"] {
            for (key, value) in labels.as_object().unwrap() {
                assert_eq!(&data[part]["labels"][key], value, "{file} {part}");
            }
        }
        assert_eq!(data["service"]["type"], "ClusterIP");
        let mounts: Vec<&str> = data["pod"]["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["mountPath"].as_str().unwrap())
            .collect();
        for path in [
            "/home",
            "/mnt/session/rstudio",
            "/etc/rstudio",
            "/etc/login.defs",
        ] {
            assert!(mounts.contains(&path), "{file}: {path} in {mounts:?}");
        }
        // Every mount refers to a volume of the pod.
        let volumes: Vec<&str> = data["pod"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        for mount in data["pod"]["volumeMounts"].as_array().unwrap() {
            assert!(
                volumes.contains(&mount["name"].as_str().unwrap()),
                "{file}: {mount}"
            );
        }
    }
}

/// Workbench resources covering the variations of the builder.
fn variations() -> Vec<(&'static str, String)> {
    vec![
        ("plain", workbench_with("")),
        (
            "on-host-no-volume",
            WORKBENCH.replace("  offHostExecution: true\n", ""),
        ),
        (
            "home-and-shared-storage",
            workbench_with("  volume: {create: true, storageClassName: nfs-client, accessModes: [ReadWriteMany], size: 20Gi}\n  replicas: 3\n"),
        ),
        (
            "existing-home-claim",
            workbench_with("  volume: {pvcName: homes}\n"),
        ),
        (
            "oidc",
            workbench_with("  auth: {type: oidc, clientId: wb, issuer: https://idp.example.com, usernameClaim: email, scopes: [openid, email]}\n"),
        ),
        (
            "saml",
            workbench_with("  auth: {type: saml, samlMetadataUrl: https://idp.example.com/saml, usernameClaim: uid}\n"),
        ),
        (
            "non-root",
            workbench_with("  nonRoot: true\n  config:\n    workbench-ini-config:\n      launcher.conf:\n        server: {address: 127.0.0.1, port: \"5559\"}\n    supervisord-ini-config:\n      programs.conf:\n        extra.conf:\n          sidecar: {command: /usr/local/bin/sidecar --every 5m, stdout_logfile: /dev/stdout}\n"),
        ),
        (
            "gpu-profiles",
            workbench_with("  config:\n    workbench-ini-config:\n      launcher.kubernetes.resources.conf:\n        default: {name: Small, cpus: \"1\", mem-mb: \"2000\"}\n        gpu: {name: GPU, cpus: \"8\", mem-mb: \"64000\", nvidia-gpus: \"1\", placement-constraints: \"gpu:true, pool=gpu\"}\n    workbench-profiles-config:\n      launcher.kubernetes.profiles.conf:\n        \"*\": {resource-profiles: [default, gpu], allow-unknown-images: 1}\n        \"@gpu-users\": {resource-profiles: [gpu], max-nvidia-gpus: \"2\"}\n"),
        ),
        (
            "aws-vault",
            workbench_with("  auth: {type: oidc, clientId: wb, issuer: https://idp.example.com}\n  chronicleImage: ghcr.io/rstudio/chronicle-agent:1\n  chronicleSidecarProductApiKeyEnabled: true\n  snowflake: {accountId: acct, clientId: sf}\n  dsnSecret: odbc\n")
                .replace("secret: {type: kubernetes, vaultName: vault}", "secret: {type: aws, vaultName: team/main}"),
        ),
        (
            "session-config",
            workbench_with("  sessionConfig:\n    pod:\n      serviceAccountName: custom\n      volumes: [{name: scratch, emptyDir: {}}]\n      volumeMounts: [{name: scratch, mountPath: /scratch}]\n      labels: {team: data}\n    job: {labels: {cost-center: \"42\"}}\n  nodeSelector: {pool: workbench}\n  tolerations: [{key: dedicated, operator: Exists}]\n  authLoginPageHtml: \"<h1>Welcome</h1>\"\n  addEnv: {TZ: UTC}\n  sleep: true\n"),
        ),
    ]
}

#[test]
fn every_variation_passes_the_official_kubernetes_schemas_and_renders_identically() {
    let dir = test_support::scratch_dir("wb-variations");
    let mut files = Vec::new();
    for (name, text) in variations() {
        let first = rendered(&text);
        let second = rendered(&text);
        assert_eq!(first, second, "{name}: rendering twice differs");
        let objects = workbench_objects(&first);
        let native: Vec<_> = objects
            .into_iter()
            .filter(|d| !d.object.is_team_resource() && !matches!(d.object, Object::External(..)))
            .collect();
        let text = yaml(&native);
        assert_eq!(
            text,
            yaml(
                &workbench_objects(&second)
                    .into_iter()
                    .filter(|d| !d.object.is_team_resource()
                        && !matches!(d.object, Object::External(..)))
                    .collect::<Vec<_>>()
            )
        );
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    let run = test_support::kubernetes_validate(&files);
    run.assert_success("kubernetes-validate --strict -k 1.32");
    let passed = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .filter(|l| l.contains("passed for resource"))
        .count();
    assert!(
        passed > 100,
        "saw {passed} validated objects:\n{}",
        run.stdout
    );
}

#[test]
fn oidc_and_saml_logins_reach_rserver_conf() {
    let oidc = rendered(&variations()[4].1);
    let rserver = read_ini(
        "rserver.conf",
        &config_map(&oidc, "solo-workbench")["rserver.conf"],
    );
    assert_has(
        "rserver.conf",
        &rserver,
        &[
            ("auth-openid", "1"),
            ("auth-openid-issuer", "https://idp.example.com"),
            ("auth-openid-username-claim", "email"),
            ("auth-openid-scopes", "openid email"),
            ("auth-saml", "0"),
        ],
    );
    let secret = secret_data(&oidc, "solo-workbench-config");
    assert_eq!(
        read_ini("openid-client-secret", &secret["openid-client-secret"]),
        [
            ("client-id".to_string(), "wb".to_string()),
            (
                "client-secret".to_string(),
                "<secret:posit-team/vault:dev-client-secret:value>".to_string()
            )
        ]
    );

    let saml = rendered(&variations()[5].1);
    let rserver = read_ini(
        "rserver.conf",
        &config_map(&saml, "solo-workbench")["rserver.conf"],
    );
    assert_has(
        "rserver.conf",
        &rserver,
        &[
            ("auth-saml", "1"),
            ("auth-saml-metadata-url", "https://idp.example.com/saml"),
            ("auth-saml-sp-attribute-username", "uid"),
            ("auth-openid", "0"),
        ],
    );
    assert!(!secret_data(&saml, "solo-workbench-config").contains_key("openid-client-secret"));
}

#[test]
fn non_root_mode_runs_an_unprivileged_launcher_under_supervisord() {
    let rendered = rendered(&variations()[6].1);
    let main = config_map(&rendered, "solo-workbench");
    let launcher = read_ini("launcher.conf", &main["launcher.conf"]);
    assert!(launcher.contains(&("server.unprivileged".into(), "1".into())));
    let key_file = "/mnt/secure/rstudio/secure-cookie-key".to_string();
    assert!(launcher.contains(&("server.secure-cookie-key-file".into(), key_file.clone())));
    let rserver = read_ini("rserver.conf", &main["rserver.conf"]);
    assert!(rserver.contains(&("secure-cookie-key-file".into(), key_file)));
    let deployment = value(&rendered, "Deployment", "solo-workbench");
    let mounts = &deployment["spec"]["template"]["spec"]["containers"][0]["volumeMounts"];
    for (path, volume) in [
        ("/startup/custom", "supervisor-volume"),
        ("/startup/launcher", "supervisor-cover-volume"),
    ] {
        assert!(
            mounts
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["mountPath"] == path && m["name"] == volume),
            "{path}"
        );
    }
    // Without non-root mode there is no supervisor ConfigMap (a stale one is pruned).
    assert!(!exists(
        &self::rendered(&workbench_with("")),
        "ConfigMap",
        "solo-workbench-supervisor"
    ));
}

#[test]
fn privileged_sessions_and_session_images_from_a_site() {
    let site = example("everything.yaml").replace(
        "      privilegedSessions: false\n",
        "      privilegedSessions: true\n",
    );
    let rendered = rendered(&site);
    let data = templates_data(&rendered, "everything-workbench-templates");
    assert_eq!(
        data["pod"]["containerSecurityContext"],
        json!({"privileged": true})
    );
    let profiles = read_ini(
        "profiles",
        &config_map(&rendered, "everything-workbench")["launcher.kubernetes.profiles.conf"],
    );
    assert!(profiles.contains(&(
        "*.container-images".into(),
        "posit/workbench-session:2026.08.1-ubuntu-24.04,posit/workbench-session:2026.08.1-ubuntu-24.04-r4.5-py3.13,ghcr.io/example/gpu-session:cuda12.6".into()
    )));
    assert!(profiles.contains(&(
        "*.default-container-image".into(),
        "posit/workbench-session:2026.08.1-ubuntu-24.04".into()
    )));
}

/// Values every key=value reader carries unchanged.
const CARRIED: &[&str] = &[
    "a = b",
    "semi;colon",
    "\"quoted\" 'single'",
    "back\\slash\\",
    "Grüße — 東京 🚀",
    "[section]",
    "x=y=z",
    "100% %(here)s",
];

/// Values no key=value file can carry, with what the error must say.
const REFUSED: &[(&str, &str)] = &[
    ("admins\nauth-none=1", "line break"),
    ("x\r\n[server]", "line break"),
    ("group # comment", "comment"),
    (" padded", "white space"),
    ("tab\tinside", "control character"),
    ("nul\u{0}", "control character"),
];

fn hostile_workbench(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap();
    workbench_with(&format!(
        "  config:\n    workbench-ini-config:\n      rserver.conf: {{admin-group: {quoted}, www-frame-origin: {quoted}}}\n    workbench-session-ini-config:\n      repos.conf: {{CRAN: {quoted}}}\n    workbench-dcf-config:\n      launcher-env: {{JobType: session, Environment: {{PATH: {quoted}}}}}\n    workbench-session-newline-config:\n      vscode.extensions.conf: [{quoted}]\n"
    ))
}

#[test]
fn hostile_values_are_carried_exactly_where_the_files_can() {
    for value in CARRIED {
        let rendered = rendered(&hostile_workbench(value));
        let main = config_map(&rendered, "solo-workbench");
        let rserver = read_ini("rserver.conf", &main["rserver.conf"]);
        for key in ["admin-group", "www-frame-origin"] {
            assert!(
                rserver.contains(&(key.to_string(), value.to_string())),
                "{value:?} {key}: {rserver:?}"
            );
        }
        assert_eq!(
            read_ini("repos.conf", &main["repos.conf"]),
            [("CRAN".to_string(), value.to_string())]
        );
        let path = scratch_file("wb-hostile", "launcher-env", &main["launcher-env"]);
        let read = test_support::read_config("dcf", &[path]).unwrap();
        assert_eq!(
            read[0]["Environment"],
            json!([format!("PATH={value}")]),
            "{value:?}"
        );
        assert_eq!(main["vscode.extensions.conf"], format!("{value}\n"));
        // Nothing else appeared: the same keys as without the hostile value.
        let plain = rendered_plain_keys();
        let keys: Vec<String> = rserver.into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, plain, "{value:?}");
    }
}

fn rendered_plain_keys() -> Vec<String> {
    let rendered = rendered(&hostile_workbench("plain"));
    read_ini(
        "rserver.conf",
        &config_map(&rendered, "solo-workbench")["rserver.conf"],
    )
    .into_iter()
    .map(|(k, _)| k)
    .collect()
}

#[test]
fn hostile_values_a_file_cannot_carry_are_refused_naming_the_field() {
    for (value, reason) in REFUSED {
        let error = render_error(&hostile_workbench(value));
        assert!(
            error.contains("spec.config.workbench-ini-config.rserver.conf: admin-group:"),
            "{value:?}: {error}"
        );
        assert!(error.contains(reason), "{value:?}: {error}");
        // The first refusal of each file, and every file, are reported together.
        assert!(
            error.contains("spec.config.workbench-session-ini-config.repos.conf: CRAN:"),
            "{value:?}: {error}"
        );
        // DCF and one-per-line files carry '#' and inner blanks; no line format carries
        // control characters.
        let control = value.chars().any(char::is_control);
        for field in [
            "spec.config.workbench-dcf-config.launcher-env: Environment PATH:",
            "spec.config.workbench-session-newline-config.vscode.extensions.conf: [0]:",
        ] {
            assert_eq!(
                error.contains(field),
                control || field.contains("extensions") && value.starts_with(' '),
                "{value:?}: {field} in {error}"
            );
        }
        assert!(error.starts_with("Workbench posit-team/solo:"), "{error}");
    }
}

#[test]
fn a_value_of_the_vault_that_a_file_cannot_carry_is_refused_without_showing_it() {
    use team_desired::inputs::{Found, Inputs, Store};
    let text =
        workbench_with("  auth: {type: oidc, clientId: wb, issuer: https://idp.example.com}\n");
    let validated = validated_workbench(&text);
    let mut inputs = Inputs::default();
    let store = Store::Kubernetes {
        namespace: "posit-team".into(),
        name: "vault".into(),
    };
    inputs.insert(
        store,
        "dev-client-secret",
        Found::Present(Some("s3cr3t\nclient-id=evil".into())),
    );
    let error = team_desired::workbench::build(&validated, &inputs, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("openid-client-secret: client-secret: contains a line break"),
        "{error}"
    );
    assert!(
        !error.contains("s3cr3t"),
        "the value never appears: {error}"
    );
}

/// Every setting the Site derives for Workbench, in the file Workbench reads it from.
#[test]
fn every_setting_the_site_derives_lands_in_its_file() {
    let rendered = rendered(&example("everything.yaml"));
    let main = config_map(&rendered, "everything-workbench");
    let read = |file: &str| read_ini(file, &main[file]);
    let has = |file: &str, key: &str, value: &str| {
        let pairs = read(file);
        assert!(
            pairs.contains(&(key.to_string(), value.to_string())),
            "{file}: {key}={value} in {pairs:?}"
        );
    };
    // Administrators, framing by the landing page, users, thread pool, proxy timeout,
    // session init image, Databricks, API switches, experimental switches.
    has("rserver.conf", "admin-group", "workbench-admins");
    has("rserver.conf", "admin-superuser-group", "platform");
    has(
        "rserver.conf",
        "www-frame-origin",
        "https://team.example.com",
    );
    has(
        "rserver.conf",
        "user-provisioning-register-on-first-login",
        "1",
    );
    has("rserver.conf", "www-thread-pool-size", "32");
    has(
        "rserver.conf",
        "launcher-sessions-proxy-timeout-seconds",
        "60",
    );
    has(
        "rserver.conf",
        "launcher-sessions-init-container-image-tag",
        "2026.08.1",
    );
    has("rserver.conf", "databricks-enabled", "1");
    has("rserver.conf", "workbench-api-admin-enabled", "1");
    has("rserver.conf", "force-admin-ui-enabled", "1");
    // Publishing to the Site's Connect, packages from its Package Manager URL.
    has(
        "rsession.conf",
        "default-rsconnect-server",
        "https://connect.team.example.com",
    );
    has("rsession.conf", "managed-credentials-in-jobs-enabled", "1");
    has("rsession.conf", "session-save-action-default", "ask");
    has(
        "rsession.conf",
        "session-first-project-template-path",
        "/opt/templates/first-project",
    );
    has(
        "repos.conf",
        "CRAN",
        "https://packages.example.com/cran/__linux__/noble/latest",
    );
    // Resource profiles (with a GPU profile) and session images.
    has("launcher.kubernetes.resources.conf", "gpu.nvidia-gpus", "1");
    has(
        "launcher.kubernetes.resources.conf",
        "large.mem-mb",
        "32768",
    );
    has(
        "launcher.kubernetes.profiles.conf",
        "*.resource-profiles",
        "default,gpu,large",
    );
    has(
        "launcher.kubernetes.profiles.conf",
        "*.cpu-request-ratio",
        "0.5",
    );
    has(
        "launcher.kubernetes.profiles.conf",
        "*.memory-request-ratio",
        "0.75",
    );
    has(
        "launcher.kubernetes.profiles.conf",
        "*.allow-unknown-images",
        "1",
    );
    // Logging follows the Site's debug and JSON settings.
    has("logging.conf", "*.log-level", "debug");
    has("logging.conf", "*.log-message-format", "json");
    // VS Code, Positron, Jupyter.
    has(
        "vscode.conf",
        "exe",
        "/usr/lib/rstudio-server/bin/vscode/bin/code-server",
    );
    has(
        "vscode.conf",
        "args",
        "--host=0.0.0.0 --extensions-dir=/opt/vscode-extensions",
    );
    has("vscode.conf", "session-timeout-kill-hours", "4");
    has("positron.conf", "enabled", "1");
    has("jupyter.conf", "session-cull-minutes", "60");
    assert_eq!(
        main["vscode.extensions.conf"],
        "posit.shiny\nquarto.quarto\n"
    );
    assert_eq!(main["positron.extensions.conf"], "posit.air-vscode\n");
    // Databricks workspaces go to the config Secret.
    let secret = secret_data(&rendered, "everything-workbench-config");
    let databricks = read_ini("databricks.conf", &secret["databricks.conf"]);
    assert!(databricks.contains(&("prod.client-id".into(), "0a1b2c3d-databricks".into())));
    // Snowflake reaches the server's environment.
    let deployment = value(&rendered, "Deployment", "everything-workbench");
    let env = deployment["spec"]["template"]["spec"]["containers"][0]["env"].to_string();
    assert!(env.contains("\"SNOWFLAKE_ACCOUNT\"") && env.contains("example-account"));
}

#[test]
fn session_settings_merge_with_the_operator_defaults() {
    let rendered = rendered(&variations()[9].1);
    let data = templates_data(&rendered, "solo-workbench-templates");
    let pod = &data["pod"];
    assert_eq!(pod["serviceAccountName"], "custom", "the user's account");
    let volumes: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(volumes[0], "scratch", "the user's volumes come first");
    assert!(volumes.contains(&"session-config-volume"));
    assert_eq!(pod["volumeMounts"][0]["mountPath"], "/scratch");
    // Labels merge; the operator's session labels select the sessions and win.
    assert_eq!(pod["labels"]["team"], "data");
    assert_eq!(pod["labels"]["posit.team/component"], "workbench-session");
    assert_eq!(data["job"]["labels"]["cost-center"], "42");
    assert_eq!(data["job"]["labels"]["posit.team/site"], "solo");
    assert_eq!(data["service"]["type"], "ClusterIP");
}
