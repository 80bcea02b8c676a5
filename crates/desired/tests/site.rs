//! The product resources a Site derives, and its site-level objects.

use serde_json::{Value, json};
use team_api::manifest::{self, Resource};
use team_desired::Environment;
use team_desired::render::{self, Rendered};

fn render_text(text: &str) -> Rendered {
    let resources: Vec<Resource> = manifest::read_all(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|d| d.resource)
        .collect();
    render::render(&resources, "posit-team", &Environment::default())
        .unwrap_or_else(|e| panic!("{}", e.join("\n")))
}

fn example(name: &str) -> Rendered {
    let path = test_support::workspace_root().join("examples").join(name);
    render_text(&std::fs::read_to_string(path).unwrap())
}

fn object(rendered: &Rendered, kind: &str, name: &str) -> Value {
    rendered
        .objects()
        .find(|d| d.object.kind() == kind && d.object.name() == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
        .object
        .to_value()
}

#[test]
fn workbench_resource_from_the_everything_site() {
    let rendered = example("everything.yaml");
    let workbench = object(&rendered, "Workbench", "everything");
    let spec = &workbench["spec"];
    let ini = &spec["config"]["workbench-ini-config"];
    let rserver = &ini["rserver.conf"];
    assert_eq!(rserver["admin-group"], "workbench-admins");
    assert_eq!(rserver["admin-superuser-group"], "platform");
    assert_eq!(rserver["www-frame-origin"], "https://team.example.com");
    assert_eq!(rserver["www-thread-pool-size"], 32);
    assert_eq!(rserver["launcher-sessions-proxy-timeout-seconds"], 60);
    assert_eq!(rserver["user-provisioning-register-on-first-login"], 1);
    assert_eq!(rserver["databricks-enabled"], 1);
    assert_eq!(rserver["force-admin-ui-enabled"], 1);
    assert_eq!(
        rserver["launcher-sessions-init-container-image-name"],
        "posit/workbench-session-init"
    );
    assert_eq!(
        ini["vscode.conf"]["args"],
        "--host=0.0.0.0 --extensions-dir=/opt/vscode-extensions"
    );
    assert_eq!(ini["vscode.conf"]["session-timeout-kill-hours"], 4);
    assert_eq!(ini["logging.conf"]["*"]["log-level"], "debug");
    assert_eq!(ini["logging.conf"]["*"]["log-message-format"], "json");
    assert_eq!(ini["jupyter.conf"]["session-cull-minutes"], 60);
    assert_eq!(
        ini["launcher.kubernetes.resources.conf"]["gpu"]["placement-constraints"],
        "nvidia.com/gpu.present:true"
    );
    let profile =
        &spec["config"]["workbench-profiles-config"]["launcher.kubernetes.profiles.conf"]["*"];
    assert_eq!(
        profile["resource-profiles"],
        json!(["default", "gpu", "large"])
    );
    assert_eq!(profile["cpu-request-ratio"], "0.5");
    assert_eq!(
        profile["container-images"][0],
        "posit/workbench-session:2026.08.1-ubuntu-24.04"
    );
    let session = &spec["config"]["workbench-session-ini-config"];
    assert_eq!(
        session["rsession.conf"]["default-rsconnect-server"],
        "https://connect.team.example.com"
    );
    assert_eq!(
        session["rsession.conf"]["session-save-action-default"],
        "ask"
    );
    assert_eq!(
        session["repos.conf"]["CRAN"],
        "https://packages.example.com/cran/__linux__/noble/latest"
    );
    assert_eq!(
        spec["config"]["workbench-dcf-config"]["launcher-env"]["Environment"]["PATH"],
        "/opt/R/current/bin:/usr/local/bin:/usr/bin:/bin"
    );
    assert_eq!(
        spec["secretConfig"]["workbench-secret-ini-config"]["databricks.conf"]["prod"]["client-id"],
        "0a1b2c3d-databricks"
    );
    assert_eq!(
        spec["sessionConfig"]["pod"]["serviceAccountName"],
        "workbench-sessions"
    );
    assert_eq!(spec["nonRoot"], true);
    assert_eq!(spec["parentUrl"], "team.example.com");
    assert_eq!(spec["url"], "workbench.team.example.com");
    assert_eq!(spec["databaseConfig"]["host"], "db.example.com:5432");
    assert_eq!(spec["databaseConfig"]["sslMode"], "verify-full");
    assert_eq!(spec["databaseConfig"]["dropOnTeardown"], true);
    assert_eq!(spec["additionalVolumes"][0]["pvcName"], "everything-shared");
    assert_eq!(spec["additionalVolumes"][1]["pvcName"], "reference-data");
    assert_eq!(
        spec["volume"]["storageClassName"],
        "everything-workbench-nfs"
    );
    assert_eq!(spec["volume"]["volumeName"], "everything-workbench");
    assert_eq!(spec["offHostExecution"], true);
}

#[test]
fn workbench_defaults_of_a_minimal_site() {
    let rendered = example("minimal.yaml");
    let spec = object(&rendered, "Workbench", "main")["spec"].clone();
    let ini = &spec["config"]["workbench-ini-config"];
    assert_eq!(ini["rserver.conf"]["admin-group"], "workbench-admin");
    assert_eq!(ini["rserver.conf"]["www-thread-pool-size"], 16);
    assert_eq!(ini["launcher.conf"]["server"]["port"], "5559");
    assert_eq!(ini["jupyter.conf"]["notebooks-enabled"], 1);
    let profiles = &ini["launcher.kubernetes.resources.conf"];
    assert_eq!(profiles["medium"]["mem-mb"], "4000");
    let profile =
        &spec["config"]["workbench-profiles-config"]["launcher.kubernetes.profiles.conf"]["*"];
    assert_eq!(
        profile["default-container-image"],
        "posit/workbench-session:2026.08.1-ubuntu-24.04"
    );
    assert_eq!(profile["memory-request-ratio"], "0.8");
    assert!(
        spec["config"]["workbench-session-ini-config"]["rsession.conf"]
            .get("session-save-action-default")
            .is_none()
    );
    assert_eq!(
        spec["sessionConfig"]["pod"]["serviceAccountName"],
        "main-workbench-session"
    );
}

#[test]
fn product_hosts_and_repository() {
    let rendered = example("everything.yaml");
    assert_eq!(
        object(&rendered, "PackageManager", "everything")["spec"]["url"],
        "packages.team.example.com"
    );
    assert_eq!(
        object(&rendered, "Flightdeck", "everything")["spec"]["image"],
        "docker.io/posit/ptd-flightdeck:v2026.08.0"
    );
    let ingress = object(&rendered, "Ingress", "everything-flightdeck");
    assert_eq!(ingress["spec"]["rules"][0]["host"], "team.example.com");
    let connect = object(&rendered, "Ingress", "everything-connect");
    assert_eq!(
        connect["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"],
        "posit-team-everything-connect-forward@kubernetescrd"
    );
    assert_eq!(connect["spec"]["ingressClassName"], "traefik");
}

#[test]
fn flightdeck_can_be_disabled() {
    let text =
        std::fs::read_to_string(test_support::workspace_root().join("examples/minimal.yaml"))
            .unwrap()
            .replace(
                "  domain: posit.example.com\n",
                "  domain: posit.example.com\n  flightdeck: {enabled: false}\n",
            );
    let rendered = render_text(&text);
    assert!(
        !rendered
            .objects()
            .any(|d| d.object.kind() == "Flightdeck" || d.object.name().contains("flightdeck"))
    );
}

#[test]
fn fsx_volumes_subdirectories_and_prepull() {
    let rendered = example("aws.yaml");
    let root = object(&rendered, "PersistentVolume", "analytics");
    assert_eq!(
        root["spec"]["csi"]["volumeAttributes"]["VolumePath"],
        "fsx/"
    );
    let connect = object(&rendered, "PersistentVolume", "analytics-connect");
    assert_eq!(
        connect["spec"]["csi"]["volumeHandle"],
        "fsvol-0123456789abcdef0"
    );
    assert_eq!(
        connect["spec"]["csi"]["volumeAttributes"]["VolumePath"],
        "fsx/analytics/connect"
    );
    assert_eq!(connect["spec"]["mountOptions"][0], "nfsvers=4.2");
    let job = rendered
        .objects()
        .find(|d| d.object.kind() == "Job")
        .unwrap()
        .object
        .to_value();
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["args"],
        json!([
            "/mnt/analytics/connect",
            "/mnt/analytics/workbench",
            "/mnt/analytics/workbench-shared-storage"
        ])
    );
    let prepull = object(&rendered, "DaemonSet", "analytics-prepull");
    let inits: Vec<&str> = prepull["spec"]["template"]["spec"]["initContainers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    // Empty image slots keep their index (connect session image, index 3, is unset).
    assert_eq!(
        inits,
        [
            "pre-pull-container-0",
            "pre-pull-container-1",
            "pre-pull-container-2",
            "pre-pull-container-4",
            "pre-pull-container-5",
            "pre-pull-container-6"
        ]
    );
}

#[test]
fn package_manager_storage_and_ssh_keys() {
    let rendered = example("everything.yaml");
    let pm = object(&rendered, "Deployment", "everything-packagemanager");
    let pod = &pm["spec"]["template"]["spec"];
    let mounts = pod["containers"][0]["volumeMounts"].to_string();
    assert!(mounts.contains("/mnt/ssh-keys/github"), "{mounts}");
    assert!(mounts.contains("/etc/ssh/ssh_config.d/posit-team-git.conf"));
    assert!(
        pod["volumes"]
            .to_string()
            .contains("\"secretName\":\"git-ssh\"")
    );
    assert_eq!(pod["securityContext"]["fsGroup"], 999);
    let config = object(&rendered, "ConfigMap", "everything-packagemanager");
    assert_eq!(
        config["data"]["ssh_config"],
        "Host github.com\n  IdentityFile /mnt/ssh-keys/github\n  IdentitiesOnly yes\n  StrictHostKeyChecking accept-new\n\n"
    );
    let azure = example("azure.yaml");
    let claim = object(
        &azure,
        "PersistentVolumeClaim",
        "research-packagemanager-azure-files",
    );
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "100Gi");
    assert_eq!(claim["spec"]["storageClassName"], "azurefile-csi-premium");
    let gcfg =
        object(&azure, "ConfigMap", "research-packagemanager")["data"]["rstudio-pm.gcfg"].clone();
    assert!(
        gcfg.as_str()
            .unwrap()
            .contains("DataDir = /mnt/azure-files")
    );
    let aws = example("aws.yaml");
    let ssh = object(
        &aws,
        "SecretProviderClass",
        "analytics-packagemanager-ssh-secrets",
    );
    assert!(
        ssh["spec"]["parameters"]["objects"]
            .as_str()
            .unwrap()
            .contains("data-platform-analytics-ssh-ppm-keys.posit.team")
    );
    let gcfg =
        object(&aws, "ConfigMap", "analytics-packagemanager")["data"]["rstudio-pm.gcfg"].clone();
    assert!(gcfg.as_str().unwrap().contains("[S3Storage]\nBucket = analytics-package-manager\nPrefix = analytics/ppm-v0\nRegion = us-east-2\n"));
}

#[test]
fn keycloak_and_extra_accounts() {
    let rendered = example("everything.yaml");
    let keycloak = object(&rendered, "Keycloak", "everything-keycloak");
    assert_eq!(
        keycloak["spec"]["hostname"]["hostname"],
        "key.team.example.com"
    );
    assert_eq!(keycloak["spec"]["image"], "quay.io/keycloak/keycloak:26.3");
    assert_eq!(
        keycloak["spec"]["db"]["usernameSecret"],
        json!({"name": "team-secrets", "key": "keycloak-db-user"})
    );
    let account = object(&rendered, "ServiceAccount", "everything-etl");
    assert_eq!(
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::123456789012:role/etl"
    );
}

#[test]
fn requirements_are_a_function_of_the_spec() {
    let text =
        std::fs::read_to_string(test_support::workspace_root().join("examples/everything.yaml"))
            .unwrap();
    let site = match manifest::read_all(&text)
        .unwrap()
        .into_iter()
        .find_map(|d| match d.resource {
            Resource::Site(site) => Some(site),
            _ => None,
        }) {
        Some(site) => site,
        None => unreachable!(),
    };
    let validated = team_desired::site::validate(&site, "posit-team").unwrap();
    let keys: Vec<(String, String)> = team_desired::site::requirements(&validated)
        .into_iter()
        .map(|r| (r.store.to_string(), r.key))
        .collect();
    assert_eq!(
        keys,
        [
            (
                "Secret posit-team/team-secrets".to_string(),
                "main-database-url".to_string()
            ),
            (
                "Secret posit-team/db-admin".to_string(),
                "username".to_string()
            ),
            (
                "Secret posit-team/db-admin".to_string(),
                "password".to_string()
            ),
            (
                "Secret posit-team/team-secrets".to_string(),
                "keycloak-db-user".to_string()
            ),
            (
                "Secret posit-team/team-secrets".to_string(),
                "keycloak-db-password".to_string()
            ),
        ]
    );
}
