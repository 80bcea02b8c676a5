//! One test per Workbench bug of the Go operator (reference §8 and the Workbench sections),
//! each failing if the bug comes back.

mod support;

use serde_json::{Value, json};
use support::*;
use team_desired::inputs::{Found, Inputs, Store};
use team_desired::object::{ApplyPolicy, Object, Recipe};

const GPU_PROFILES: &str = "  config:\n    workbench-ini-config:\n      launcher.kubernetes.resources.conf:\n        zz-large: {name: Large, cpus: \"4\", mem-mb: \"8000\"}\n        medium: {name: Medium, cpus: \"2\", mem-mb: \"4000\"}\n        gpu: {name: GPU, cpus: \"4\", mem-mb: \"16000\", nvidia-gpus: \"1\", placement-constraints: \"nvidia.com/gpu.present:true\"}\n        default: {name: Small, cpus: \"1\", mem-mb: \"2000\"}\n    workbench-profiles-config:\n      launcher.kubernetes.profiles.conf:\n        \"@gpu\": {resource-profiles: [gpu, default]}\n        \"*\": {resource-profiles: [default, medium, zz-large]}\n        alice: {max-cpus: \"8\"}\n";

/// §8.3 #15/#16: resource profiles and profile sections came out in random map order, so
/// every reconcile changed the ConfigMap and rolled the Deployment.
#[test]
fn profiles_and_their_sections_are_in_a_stable_order() {
    let text = workbench_with(GPU_PROFILES);
    let first = rendered(&text);
    // The same settings written in another order render the same bytes.
    let reordered = workbench_with(
        &GPU_PROFILES
            .replace("        zz-large: {name: Large, cpus: \"4\", mem-mb: \"8000\"}\n", "")
            .replace(
                "        default: {name: Small, cpus: \"1\", mem-mb: \"2000\"}\n",
                "        default: {name: Small, cpus: \"1\", mem-mb: \"2000\"}\n        zz-large: {mem-mb: \"8000\", cpus: \"4\", name: Large}\n",
            ),
    );
    assert_eq!(first, rendered(&reordered));
    let main = config_map(&first, "solo-workbench");
    let sections: Vec<String> = read_ini("resources", &main["launcher.kubernetes.resources.conf"])
        .into_iter()
        .filter(|(k, _)| k.ends_with(".name"))
        .map(|(k, _)| k.trim_end_matches(".name").to_string())
        .collect();
    assert_eq!(
        sections,
        ["default", "medium", "zz-large", "gpu"],
        "default, then by size"
    );
    let profiles = read_ini("profiles", &main["launcher.kubernetes.profiles.conf"]);
    let order: Vec<&str> = profiles
        .iter()
        .map(|(k, _)| k.split('.').next().unwrap())
        .fold(Vec::new(), |mut seen, s| {
            if !seen.contains(&s) {
                seen.push(s);
            }
            seen
        });
    assert_eq!(order, ["*", "@gpu", "alice"]);
    // The Site lists its profiles in a fixed order too.
    let site = rendered(&example("minimal.yaml"));
    let profiles = read_ini(
        "profiles",
        &config_map(&site, "main-workbench")["launcher.kubernetes.profiles.conf"],
    );
    assert!(profiles.contains(&(
        "*.resource-profiles".into(),
        "default,medium,zz-large".into()
    )));
}

/// §5.2.3: placement constraints of resource profiles are synced into the profiles that
/// offer them; invalid ones were silently dropped (sessions landing on the wrong nodes).
#[test]
fn placement_constraints_are_synced_and_invalid_ones_are_refused() {
    let main = config_map(&rendered(&workbench_with(GPU_PROFILES)), "solo-workbench");
    let profiles = read_ini("profiles", &main["launcher.kubernetes.profiles.conf"]);
    assert!(profiles.contains(&(
        "@gpu.placement-constraints".into(),
        "nvidia.com/gpu.present:true".into()
    )));
    assert!(!profiles.iter().any(|(k, _)| k == "*.placement-constraints"));

    let bad = workbench_with(&GPU_PROFILES.replace(
        "placement-constraints: \"nvidia.com/gpu.present:true\"",
        "placement-constraints: \"nvidia.com/gpu.present true\"",
    ));
    let error = render_error(&bad);
    assert!(
        error.contains("launcher.kubernetes.resources.conf.gpu.placement-constraints: \"nvidia.com/gpu.present true\" is not a placement constraint"),
        "{error}"
    );
    let unknown = workbench_with(&GPU_PROFILES.replace("[gpu, default]", "[gpu, huge]"));
    let error = render_error(&unknown);
    assert!(
        error.contains(
            "launcher.kubernetes.profiles.conf.@gpu.resource-profiles: \"huge\" is not a profile"
        ),
        "{error}"
    );
}

const PROGRAMS: &str = "  nonRoot: true\n  config:\n    supervisord-ini-config:\n      programs.conf:\n        a.conf:\n          first: {command: /bin/first, stdout_logfile: /var/log/first.out, stderr_logfile: /var/log/first.err, autorestart: true, numprocs: 1}\n        b.conf:\n          second: {command: /bin/second, stdout_logfile: /var/log/second.out}\n";

/// §8.8b #52: supervisord program files used `stdout_logfile_` / `stderr_logfile_` keys
/// (ignored by supervisord), and one buffer was shared, so later files repeated earlier
/// files' programs.
#[test]
fn supervisord_reads_the_log_files_and_each_file_holds_its_own_programs() {
    let rendered = rendered(&workbench_with(PROGRAMS));
    let files = config_map(&rendered, "solo-workbench-supervisor");
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["a.conf", "b.conf", "launcher.conf"]
    );
    assert!(!files["b.conf"].contains("first"), "{}", files["b.conf"]);
    assert!(!files["launcher.conf"].contains("second"));
    for text in files.values() {
        assert!(!text.contains("_logfile_="), "{text}");
    }
    let dir = test_support::scratch_dir("supervisor-bug");
    let mut read = serde_json::Map::new();
    for (name, text) in &files {
        // One file at a time: each must stand alone.
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let programs = test_support::read_config("supervisord", &[path]).unwrap();
        assert_eq!(programs.as_object().unwrap().len(), 1, "{name}: {programs}");
        read.extend(programs.as_object().unwrap().clone());
    }
    assert_eq!(read["first"]["stdout_logfile"], "/var/log/first.out");
    assert_eq!(read["first"]["stderr_logfile"], "/var/log/first.err");
    assert_eq!(read["second"]["stdout_logfile"], "/var/log/second.out");
    assert_eq!(read["rstudio-launcher"]["stdout_logfile"], "/dev/stdout");
    assert_eq!(read["rstudio-launcher"]["stderr_logfile"], "/dev/stderr");

    let bad = workbench_with(&PROGRAMS.replace("b.conf:", "b.ini:"));
    let error = render_error(&bad);
    assert!(
        error.contains("spec.config.supervisord-ini-config.programs.conf.b.ini: must be a file name ending in .conf"),
        "{error}"
    );
}

fn claim_names(volumes: &Value) -> Vec<String> {
    volumes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["persistentVolumeClaim"]["claimName"].as_str())
        .map(str::to_string)
        .collect()
}

/// §8.4 #20: session pods always mounted `<w>-workbench` and `<w>-workbench-shared-storage`,
/// even when neither claim existed, so sessions never started.
#[test]
fn sessions_mount_only_claims_that_exist() {
    let none = rendered(&workbench_with(""));
    let data = templates_data(&none, "solo-workbench-templates");
    assert_eq!(claim_names(&data["pod"]["volumes"]), Vec::<String>::new());
    assert!(!exists(&none, "PersistentVolumeClaim", "solo-workbench"));
    assert!(!exists(
        &none,
        "PersistentVolumeClaim",
        "solo-workbench-shared-storage"
    ));
    // The server keeps shared storage in the pod.
    let deployment = value(&none, "Deployment", "solo-workbench");
    let volumes = &deployment["spec"]["template"]["spec"]["volumes"];
    assert_eq!(claim_names(volumes), Vec::<String>::new());
    assert!(
        volumes
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "server-shared-storage-volume" && v["emptyDir"].is_object())
    );

    let existing = rendered(&workbench_with("  volume: {pvcName: homes}\n"));
    let data = templates_data(&existing, "solo-workbench-templates");
    assert_eq!(
        claim_names(&data["pod"]["volumes"]),
        ["homes", "solo-workbench-shared-storage"]
    );
    assert!(
        !exists(&existing, "PersistentVolumeClaim", "homes"),
        "the user's claim"
    );
    assert!(exists(
        &existing,
        "PersistentVolumeClaim",
        "solo-workbench-shared-storage"
    ));

    // Several replicas need shared storage: refused without a volume.
    let error = render_error(&workbench_with("  replicas: 2\n"));
    assert!(
        error.contains("spec.replicas: 2 replicas share sessions"),
        "{error}"
    );
}

/// §8.4 #21: the shared-storage claim asked for `<w>-workbench-shared-storage-nfs`, which
/// only the NFS volume source provides; on FSx and Azure NetApp it never bound.
#[test]
fn the_shared_storage_claim_binds_on_every_volume_source() {
    let fsx = rendered(&example("aws.yaml"));
    let azure = rendered(&example("azure.yaml"));
    let nfs = rendered(&example("everything.yaml"));
    for (rendered, site) in [(&fsx, "analytics"), (&nfs, "everything")] {
        let claim = value(
            rendered,
            "PersistentVolumeClaim",
            &format!("{site}-workbench-shared-storage"),
        );
        let volume_name = claim["spec"]["volumeName"].as_str().unwrap();
        let volume = value(rendered, "PersistentVolume", volume_name);
        assert_eq!(
            claim["spec"]["storageClassName"], volume["spec"]["storageClassName"],
            "{site}: the claim binds the Site's volume"
        );
        assert!(
            volume["spec"]["accessModes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| claim["spec"]["accessModes"].as_array().unwrap().contains(m))
        );
    }
    let azure_site = resources(&example("azure.yaml"))
        .into_iter()
        .find_map(|r| match r {
            team_api::manifest::Resource::Site(s) => Some(s),
            _ => None,
        })
        .unwrap();
    let name = azure_site.metadata.name.unwrap();
    let claim = value(
        &azure,
        "PersistentVolumeClaim",
        &format!("{name}-workbench-shared-storage"),
    );
    assert_eq!(claim["spec"]["storageClassName"], "azure-netapp-files");
    assert!(
        claim["spec"].get("volumeName").is_none(),
        "dynamically provisioned"
    );
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "50Gi");
}

fn aws_workbench() -> (team_desired::workbench::ValidatedWorkbench, Store) {
    let text = workbench_with(
        "  auth: {type: oidc, clientId: wb, issuer: https://idp.example.com}\n  chronicleImage: ghcr.io/rstudio/chronicle-agent:1\n  chronicleSidecarProductApiKeyEnabled: true\n",
    )
    .replace(
        "secret: {type: kubernetes, vaultName: vault}",
        "secret: {type: aws, vaultName: team/main}",
    );
    let validated = validated_workbench(&text);
    (
        validated,
        Store::Aws {
            vault: "team/main".into(),
        },
    )
}

fn provider_class_aliases(objects: &[team_desired::Desired]) -> Vec<String> {
    let class = objects
        .iter()
        .find(|d| d.object.kind() == "SecretProviderClass")
        .unwrap()
        .object
        .to_value();
    let objects: Value =
        serde_json::from_str(class["spec"]["parameters"]["objects"].as_str().unwrap()).unwrap();
    objects[0]["jmesPath"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["objectAlias"].as_str().unwrap().to_string())
        .collect()
}

/// §8.5 #30: the AWS SecretProviderClass always named the API tokens and the Chronicle key;
/// when the vault lacked one, the CSI mount failed and Workbench never started.
#[test]
fn the_aws_provider_class_names_only_keys_the_vault_has() {
    let (validated, store) = aws_workbench();
    let requirements = team_desired::workbench::requirements(&validated);
    let mut inputs = Inputs::default();
    for requirement in &requirements {
        let found = match requirement.key.as_str() {
            "dev-admin-token" | "dev-user-token" | "dev-chronicle-api-key" => Found::Absent,
            "dev-client-secret" => Found::Present(Some("secret".into())),
            _ => Found::Present(None),
        };
        inputs.insert(requirement.store.clone(), &requirement.key, found);
    }
    let objects = team_desired::workbench::build(&validated, &inputs, &Default::default()).unwrap();
    assert_eq!(
        provider_class_aliases(&objects),
        ["dev-db-password", "dev.lic"]
    );
    let deployment = objects
        .iter()
        .find(|d| d.object.kind() == "Deployment")
        .unwrap()
        .object
        .to_value();
    let mounts =
        deployment["spec"]["template"]["spec"]["containers"][0]["volumeMounts"].to_string();
    assert!(!mounts.contains("admin_token"), "{mounts}");

    // With the keys in the vault, they are named and mounted.
    for key in ["dev-admin-token", "dev-user-token", "dev-chronicle-api-key"] {
        inputs.insert(store.clone(), key, Found::Present(None));
    }
    let objects = team_desired::workbench::build(&validated, &inputs, &Default::default()).unwrap();
    assert_eq!(
        provider_class_aliases(&objects),
        [
            "admin_token",
            "dev-chronicle-api-key",
            "dev-db-password",
            "dev.lic",
            "user_token"
        ]
    );
}

/// Kubernetes vaults: the API token files were mounted from keys that may not exist.
#[test]
fn api_tokens_are_mounted_only_from_keys_the_vault_has() {
    let text =
        workbench_with("  auth: {type: oidc, clientId: wb, issuer: https://idp.example.com}\n");
    let without = rendered(&text);
    let deployment = value(&without, "Deployment", "solo-workbench");
    assert!(!deployment.to_string().contains("admin_token"));
    let with = rendered(&text.replace(
        "  dev-db-password: pw\n",
        "  dev-db-password: pw\n  dev-admin-token: a\n  dev-user-token: u\n",
    ));
    let deployment = value(&with, "Deployment", "solo-workbench");
    let volumes = deployment["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap();
    let tokens = volumes
        .iter()
        .find(|v| v["name"] == "secret-volume")
        .unwrap();
    assert_eq!(
        tokens["secret"]["items"],
        json!([{"key": "dev-admin-token", "path": "admin_token"}, {"key": "dev-user-token", "path": "user_token"}])
    );
}

/// §5.1: a login page over 64 KiB failed only at reconcile time (after other objects were
/// written), and the schema counts characters, not bytes.
#[test]
fn an_oversized_login_page_is_a_validation_error_counting_bytes() {
    let page = |text: String| {
        workbench_with(&format!(
            "  authLoginPageHtml: {}\n",
            serde_json::to_string(&text).unwrap()
        ))
    };
    // 40,000 characters but 80,000 bytes.
    let error = render_error(&page("é".repeat(40_000)));
    assert!(
        error.contains(
            "spec.authLoginPageHtml: is 80000 bytes; Workbench accepts at most 65536 bytes"
        ),
        "{error}"
    );
    let exact = rendered(&page("a".repeat(65_536)));
    assert_eq!(
        config_map(&exact, "solo-workbench-auth-login-page-html")["login.html"].len(),
        65_536
    );
    // A blank page is no page.
    let blank = rendered(&page(" \n\t ".to_string()));
    assert!(!exists(
        &blank,
        "ConfigMap",
        "solo-workbench-auth-login-page-html"
    ));
}

/// §4.3.1: Databricks settings in the deprecated `config` location failed the reconcile
/// with a message not naming the field.
#[test]
fn databricks_in_the_deprecated_location_is_an_error_naming_the_field() {
    let text = workbench_with(
        "  config:\n    workbench-ini-config:\n      databricks.conf:\n        prod: {name: Prod, url: https://x.cloud.databricks.com, client-id: abc}\n",
    );
    let error = render_error(&text);
    assert!(
        error.contains("spec.config.workbench-ini-config.databricks.conf: is no longer read here")
            && error.contains("spec.secretConfig.workbench-secret-ini-config.databricks.conf"),
        "{error}"
    );
    // An empty map there is harmless.
    rendered(&workbench_with(
        "  config:\n    workbench-ini-config:\n      databricks.conf: {}\n",
    ));
}

/// §8.5 #35: the launcher key had 2056 bits, and the key "migration" regenerated keys with
/// a trailing newline on every reconcile, logging everyone out. The key Secret is created
/// once (never updated) with a 2048-bit key and a 64-hex-digit cookie key.
#[test]
fn the_key_secret_is_created_once_with_a_2048_bit_launcher_key() {
    let rendered = rendered(&workbench_with(""));
    let key = find(&rendered, "Secret", "solo-workbench-key");
    let ApplyPolicy::CreateOnce { generate } = &key.policy else {
        panic!("the key Secret must be created once, never updated");
    };
    let recipes: Vec<(&str, Recipe)> = generate
        .iter()
        .map(|g| (g.key.as_str(), g.recipe))
        .collect();
    assert_eq!(
        recipes,
        [
            ("key", Recipe::RandomHex(32)),
            ("launcher.pem", Recipe::RsaPrivateKey(2048)),
            ("launcher.pub", Recipe::RsaPublicKeyOf("launcher.pem")),
            ("testuser-password", Recipe::RandomHex(16)),
        ]
    );
    let Object::Secret(secret) = &key.object else {
        unreachable!()
    };
    for value in secret.string_data.as_ref().unwrap().values() {
        assert!(
            value.starts_with(team_desired::object::PLACEHOLDER_PREFIX),
            "{value}"
        );
    }
}

/// §8.5 #33: the OIDC client secret was read and written in clear text; it is still copied
/// into the config Secret in the cluster, but never appears in render output.
#[test]
fn the_client_secret_never_appears_in_render_output() {
    let text =
        workbench_with("  auth: {type: oidc, clientId: wb, issuer: https://idp.example.com}\n");
    let rendered = rendered(&text);
    let everything = yaml(&rendered.objects().collect::<Vec<_>>());
    assert!(!everything.contains("the-client-secret"));
    assert!(everything.contains("client-secret=<secret:posit-team/vault:dev-client-secret:value>"));
}

/// §4.3.1 #4 / §8.1 #5: the database host was split by a regular expression assumed to
/// match; ports and IPv6 hosts are read properly.
#[test]
fn database_conf_host_and_port() {
    for (host, expected) in [
        (
            "db.example.com:5432",
            [("host", "db.example.com"), ("port", "5432")],
        ),
        ("[fd00::1]:6543", [("host", "fd00::1"), ("port", "6543")]),
    ] {
        let text = WORKBENCH.replace("db.example.com:5432", host);
        let rendered = rendered(&text);
        let conf = read_ini(
            "database.conf",
            &secret_data(&rendered, "solo-workbench-config")["database.conf"],
        );
        for (key, value) in expected {
            assert!(
                conf.contains(&(key.into(), value.into())),
                "{host}: {conf:?}"
            );
        }
    }
    let bare = rendered(&WORKBENCH.replace("db.example.com:5432", "db"));
    let conf = read_ini(
        "database.conf",
        &secret_data(&bare, "solo-workbench-config")["database.conf"],
    );
    assert!(!conf.iter().any(|(k, _)| k == "port"), "{conf:?}");
}

/// §8.7 #48: the Site's default jupyter.conf had `session-cull-minutes=0` and
/// `session-shutdown-minutes=0`.
#[test]
fn the_default_jupyter_conf_keeps_workbench_defaults() {
    let rendered = rendered(&example("minimal.yaml"));
    let jupyter = read_ini(
        "jupyter.conf",
        &config_map(&rendered, "main-workbench")["jupyter.conf"],
    );
    assert_has(
        "jupyter.conf",
        &jupyter,
        &[
            ("session-cull-minutes", "120"),
            ("session-shutdown-minutes", "5"),
            ("notebooks-enabled", "1"),
            ("labs-enabled", "1"),
        ],
    );
}

/// §4.1.10 #37: the PodDisruptionBudget was created in `posit-team` whatever the
/// namespace; and the CSP middleware's origin could carry extra directives.
#[test]
fn the_budget_is_in_the_workbench_namespace_and_the_csp_cannot_be_extended() {
    let text = WORKBENCH.replace("namespace: posit-team", "namespace: research");
    let rendered = rendered(&text);
    let budget = value(&rendered, "PodDisruptionBudget", "solo-workbench");
    assert_eq!(budget["metadata"]["namespace"], "research");
    let error = render_error(&WORKBENCH.replace(
        "parentUrl: example.com",
        "parentUrl: \"example.com; script-src *\"",
    ));
    assert!(
        error.contains("spec.parentUrl: \"example.com; script-src *\" is not a host or origin"),
        "{error}"
    );
}

/// Placement settings reach the Deployment and every session Job: a node selector the API
/// server would refuse is reported with its field instead of failing every session.
#[test]
fn invalid_node_selectors_are_refused_naming_the_field() {
    let error = render_error(&workbench_with(
        "  sessionConfig:\n    pod:\n      nodeSelector: {pool: \"gpu nodes\"}\n  nodeSelector: {\"bad key\": x}\n",
    ));
    assert!(
        error.contains(
            "spec.sessionConfig.pod.nodeSelector.pool: \"gpu nodes\" is not a valid label value"
        ),
        "{error}"
    );
    assert!(
        error.contains("spec.nodeSelector.bad key: is not a valid label key"),
        "{error}"
    );
}
