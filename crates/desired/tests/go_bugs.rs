//! One test per bug of the Go operator that touches Site, Connect, Package Manager,
//! Chronicle and Flightdeck (reference §8). Each fails if the bug comes back.

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Container, EnvVar};
use serde_json::Value;
use team_api::manifest::{self, Resource};
use team_desired::Environment;
use team_desired::object::{ApplyPolicy, Desired, Object, Recipe};
use team_desired::render::{self, Rendered};

const SITE: &str = r#"apiVersion: v1
kind: Secret
metadata: {name: site-secrets, namespace: posit-team}
stringData:
  main-database-url: postgres://admin:pw@db.example.com:5432/postgres?sslmode=require
  connect.lic: x
  packagemanager.lic: x
  workbench.lic: x
---
apiVersion: core.posit.team/v1beta1
kind: Site
metadata: {name: main, namespace: posit-team, uid: 6a1f0f3e-0000-4000-8000-000000000001}
spec:
  domain: example.com
  secret: {type: kubernetes, vaultName: site-secrets}
  workloadSecret: {type: kubernetes, vaultName: site-secrets}
  connect:
    image: posit/connect:1
    license: {existingSecretName: site-secrets, existingSecretKey: connect.lic}
  workbench:
    image: posit/workbench:1
    license: {existingSecretName: site-secrets, existingSecretKey: workbench.lic}
  packageManager:
    image: posit/package-manager:1
    license: {existingSecretName: site-secrets, existingSecretKey: packagemanager.lic}
"#;

fn site_with(extra_spec: &str) -> String {
    SITE.replace(
        "  domain: example.com\n",
        &format!("  domain: example.com\n{extra_spec}"),
    )
}

fn rendered(text: &str) -> Rendered {
    rendered_in(text, "posit-team")
}

fn rendered_in(text: &str, namespace: &str) -> Rendered {
    let resources: Vec<Resource> = manifest::read_all(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|d| d.resource)
        .collect();
    render::render(&resources, namespace, &Environment::default())
        .unwrap_or_else(|e| panic!("{}", e.join("\n")))
}

fn find<'a>(rendered: &'a Rendered, kind: &str, name: &str) -> &'a Desired {
    rendered
        .objects()
        .find(|d| d.object.kind() == kind && d.object.name() == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn exists(rendered: &Rendered, kind: &str, name: &str) -> bool {
    rendered
        .objects()
        .any(|d| d.object.kind() == kind && d.object.name() == name)
}

fn deployment<'a>(rendered: &'a Rendered, name: &str) -> &'a Deployment {
    match &find(rendered, "Deployment", name).object {
        Object::Deployment(d) => d,
        _ => unreachable!(),
    }
}

fn config_map<'a>(rendered: &'a Rendered, name: &str) -> &'a ConfigMap {
    match &find(rendered, "ConfigMap", name).object {
        Object::ConfigMap(c) => c,
        _ => unreachable!(),
    }
}

fn container<'a>(deployment: &'a Deployment, name: &str) -> &'a Container {
    deployment
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .containers
        .iter()
        .find(|c| c.name == name)
        .unwrap()
}

fn env<'a>(container: &'a Container, name: &str) -> Option<&'a EnvVar> {
    container.env.as_ref()?.iter().find(|e| e.name == name)
}

fn value(rendered: &Rendered, kind: &str, name: &str) -> Value {
    find(rendered, kind, name).object.to_value()
}

const CONNECT_AWS: &str = r#"apiVersion: core.posit.team/v1beta1
kind: Connect
metadata: {name: solo, namespace: posit-team}
spec:
  image: posit/connect:1
  offHostExecution: true
  databaseConfig: {host: "db:5432"}
  secret: {type: aws, vaultName: vault}
  workloadCompoundName: wl
"#;

#[test]
fn connect_off_host_without_a_volume_renders() {
    // §8.1-1: the Go operator panicked on every reconcile of such a Site.
    let rendered = rendered(SITE);
    let gcfg = config_map(&rendered, "main-connect").data.as_ref().unwrap()["rstudio-connect.gcfg"]
        .clone();
    assert!(gcfg.contains("KubernetesUseTemplates = true"));
    assert!(!gcfg.contains("DataDirPVCName"));
    let volumes = deployment(&rendered, "main-connect")
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .volumes
        .clone()
        .unwrap();
    assert!(volumes.iter().all(|v| v.name != "data-dir-volume"));
}

#[test]
fn connect_with_aws_secrets_and_no_server_section_renders() {
    // §8.1-2: nil dereference of config.Server with aws secrets.
    let rendered = rendered(CONNECT_AWS);
    assert!(exists(
        &rendered,
        "SecretProviderClass",
        "solo-connect-secrets"
    ));
}

#[test]
fn package_manager_without_config_renders_with_an_url() {
    // §8.1-3: nil config / config.Server with spec.url.
    let text = r#"apiVersion: core.posit.team/v1beta1
kind: PackageManager
metadata: {name: solo, namespace: posit-team}
spec:
  image: posit/package-manager:1
  url: packages.example.com
  databaseConfig: {host: "db:5432"}
  license: {type: KEY, key: K}
"#;
    let rendered = rendered(text);
    let gcfg = &config_map(&rendered, "solo-packagemanager")
        .data
        .as_ref()
        .unwrap()["rstudio-pm.gcfg"];
    assert!(
        gcfg.contains("[Server]\nAddress = https://packages.example.com\n"),
        "{gcfg}"
    );
}

#[test]
fn map_order_never_reaches_the_output() {
    // §8.3-15/16: repository sections, provider-class objects and resource profiles were in
    // random order, restarting pods on reconciles.
    let connect = CONNECT_AWS.replace(
        "  offHostExecution: true\n",
        "  offHostExecution: true\n  config:\n    RPackageRepositories:\n      Zeta: {Url: \"https://z\"}\n      Alpha: {Url: \"https://a\"}\n  auth: {type: oidc, clientId: c, issuer: \"https://i\"}\n",
    );
    let rendered = rendered(&connect);
    let gcfg =
        &config_map(&rendered, "solo-connect").data.as_ref().unwrap()["rstudio-connect.gcfg"];
    assert!(
        gcfg.find("[RPackageRepository \"Alpha\"]").unwrap()
            < gcfg.find("[RPackageRepository \"Zeta\"]").unwrap()
    );
    let class = value(&rendered, "SecretProviderClass", "solo-connect-secrets");
    let objects: Value =
        serde_json::from_str(class["spec"]["parameters"]["objects"].as_str().unwrap()).unwrap();
    let aliases: Vec<&str> = objects[0]["jmesPath"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["objectAlias"].as_str().unwrap())
        .collect();
    let mut sorted = aliases.clone();
    sorted.sort();
    assert_eq!(aliases, sorted);
    let synced: Vec<&str> = class["spec"]["secretObjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["secretName"].as_str().unwrap())
        .collect();
    assert_eq!(synced, ["solo-connect-db", "solo-connect-secret-key"]);

    let site = rendered_site_workbench(&site_with(""));
    let profiles = &site["spec"]["config"]["workbench-profiles-config"]["launcher.kubernetes.profiles.conf"]
        ["*"]["resource-profiles"];
    assert_eq!(
        profiles,
        &serde_json::json!(["default", "medium", "zz-large"])
    );
}

fn rendered_site_workbench(text: &str) -> Value {
    value(&rendered(text), "Workbench", "main")
}

#[test]
fn disruption_budgets_live_in_the_resource_namespace() {
    // §8.6-37: PDBs were pinned to posit-team.
    let text = SITE.replace("namespace: posit-team", "namespace: analytics");
    let rendered = rendered_in(&text, "analytics");
    for name in ["main-connect", "main-packagemanager"] {
        assert_eq!(
            find(&rendered, "PodDisruptionBudget", name)
                .object
                .namespace(),
            "analytics"
        );
    }
}

#[test]
fn the_package_manager_claim_has_its_name_and_is_mounted() {
    // §8.4-23: looked up under the wrong name (AlreadyExists on the second reconcile) and
    // never mounted.
    let text = SITE.replace(
        "    image: posit/package-manager:1\n",
        "    image: posit/package-manager:1\n    volume: {create: true, size: 50Gi}\n",
    );
    let rendered = rendered(&text);
    assert!(exists(
        &rendered,
        "PersistentVolumeClaim",
        "main-packagemanager"
    ));
    let pm = deployment(&rendered, "main-packagemanager");
    let mounts = container(pm, "rspm").volume_mounts.clone().unwrap();
    let data = mounts
        .iter()
        .find(|m| m.mount_path == "/var/lib/rstudio-pm")
        .expect("data directory mounted");
    let volumes = pm
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .volumes
        .clone()
        .unwrap();
    let volume = volumes.iter().find(|v| v.name == data.name).unwrap();
    assert_eq!(
        volume.persistent_volume_claim.as_ref().unwrap().claim_name,
        "main-packagemanager"
    );
}

#[test]
fn the_subdirectory_job_runs_once_per_change() {
    // §8.3-19: a new randomly named Job on every reconcile.
    let text = site_with("  volumeSource: {type: nfs, dnsName: nfs.example.com}\n");
    let jobs = |rendered: &Rendered| -> Vec<(String, ApplyPolicy)> {
        rendered
            .objects()
            .filter(|d| d.object.kind() == "Job")
            .map(|d| (d.object.name().to_string(), d.policy.clone()))
            .collect()
    };
    let first = jobs(&rendered(&text));
    assert_eq!(first.len(), 1);
    assert_eq!(
        first,
        jobs(&rendered(&text)),
        "the same inputs give the same Job"
    );
    assert!(matches!(first[0].1, ApplyPolicy::CreateOnce { .. }));
    let changed = jobs(&rendered(&site_with(
        "  volumeSource: {type: nfs, dnsName: nfs.example.com}\n  sharedDirectory: shared\n",
    )));
    assert_ne!(
        first[0].0, changed[0].0,
        "a change of directories is a new Job"
    );
    assert!(first[0].0.starts_with("main-subdir-"));
}

#[test]
fn a_license_key_reaches_the_products() {
    // §8.5-27: licence type KEY was ignored.
    let text = SITE
        .replace("    license: {existingSecretName: site-secrets, existingSecretKey: connect.lic}\n", "    license: {type: KEY, key: CONNECT-KEY}\n")
        .replace("    license: {existingSecretName: site-secrets, existingSecretKey: packagemanager.lic}\n", "    license: {type: KEY, key: PM-KEY}\n");
    let rendered = rendered(&text);
    let connect = container(deployment(&rendered, "main-connect"), "connect");
    assert_eq!(
        env(connect, "RSC_LICENSE").unwrap().value.as_deref(),
        Some("CONNECT-KEY")
    );
    assert!(env(connect, "RSC_LICENSE_FILE_PATH").is_none());
    let pm = container(deployment(&rendered, "main-packagemanager"), "rspm");
    assert_eq!(
        env(pm, "RSPM_LICENSE").unwrap().value.as_deref(),
        Some("PM-KEY")
    );
}

fn templates_data(rendered: &Rendered, name: &str) -> Value {
    let text =
        &config_map(rendered, name).data.as_ref().unwrap()["rstudio-library-templates-data.tpl"];
    let json = text.lines().nth(1).unwrap();
    serde_json::from_str(json).unwrap()
}

#[test]
fn session_secret_references_survive_a_site_pod_config() {
    // §8.5-31: the secret:// rewriting was discarded whenever a pod config existed, which
    // a Site always sets.
    let text = r#"apiVersion: core.posit.team/v1beta1
kind: Site
metadata: {name: main, namespace: posit-team}
spec:
  domain: example.com
  workloadCompoundName: wl
  secret: {type: aws, vaultName: vault}
  workloadSecret: {type: aws, vaultName: workload}
  connect:
    image: posit/connect:1
    experimentalFeatures:
      sessionEnvVars:
        - {name: TOKEN, value: "secret://site-session/api-token"}
        - {name: PLAIN, value: "secret://other/x"}
  workbench: {image: posit/workbench:1}
  packageManager: {image: posit/package-manager:1}
"#;
    let rendered = rendered(text);
    let data = templates_data(&rendered, "main-connect-templates");
    let env = data["pod"]["env"].as_array().unwrap();
    let token = env.iter().find(|e| e["name"] == "TOKEN").unwrap();
    assert_eq!(
        token["valueFrom"]["secretKeyRef"],
        serde_json::json!({"name": "main-connect-site-session", "key": "api-token"})
    );
    let plain = env.iter().find(|e| e["name"] == "PLAIN").unwrap();
    assert_eq!(plain["value"], "secret://other/x");
    let class = find(
        &rendered,
        "SecretProviderClass",
        "main-connect-site-session",
    );
    assert_eq!(class.object.namespace(), "posit-team");
}

#[test]
fn an_experimental_block_does_not_erase_session_defaults() {
    // §8.5-32: any experimentalFeatures block reset the session account, pull policy and env.
    let text = SITE.replace(
        "    image: posit/connect:1\n",
        "    image: posit/connect:1\n    imagePullPolicy: IfNotPresent\n    experimentalFeatures: {mailSender: connect@example.com}\n",
    );
    let rendered = rendered(&text);
    let data = templates_data(&rendered, "main-connect-templates");
    assert_eq!(data["pod"]["serviceAccountName"], "main-connect-session");
    assert_eq!(data["pod"]["imagePullPolicy"], "IfNotPresent");
}

#[test]
fn the_keycloak_database_host_keeps_its_port() {
    // §8.2-6: the port was dropped, so the database controller never matched the host.
    let rendered = rendered(&site_with("  keycloak: {enabled: true}\n"));
    let database = value(&rendered, "PostgresDatabase", "main-keycloak");
    assert_eq!(
        database["spec"]["url"],
        "postgres://main_keycloak@db.example.com:5432/main_keycloak"
    );
    let keycloak = value(&rendered, "Keycloak", "main-keycloak");
    assert_eq!(keycloak["spec"]["db"]["host"], "db.example.com");
    assert_eq!(keycloak["spec"]["db"]["port"], 5432);
}

#[test]
fn network_policies_select_what_they_mean() {
    // §8.6-38: the Keycloak policy selected no Keycloak pod, Flightdeck had no access, the
    // Package Manager policy listed Connect twice and missed content pods.
    let rendered = rendered(&site_with("  networkTrust: 50\n"));
    let keycloak = value(&rendered, "NetworkPolicy", "main-keycloak");
    assert_eq!(
        keycloak["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/instance"],
        "main-keycloak"
    );
    let pm = value(&rendered, "NetworkPolicy", "main-packagemanager");
    let peers = pm["spec"]["ingress"][0]["from"].to_string();
    assert!(peers.contains("connect-session"));
    assert!(peers.contains("flightdeck"));
    let connect = value(&rendered, "NetworkPolicy", "main-connect");
    assert!(
        connect["spec"]["ingress"]
            .to_string()
            .contains("flightdeck")
    );
    assert!(
        connect["spec"]["egress"]
            .to_string()
            .contains("\"port\":53"),
        "DNS stays reachable"
    );
    assert!(exists(&rendered, "NetworkPolicy", "main-flightdeck"));
    assert!(
        !exists(
            &rendered_in(SITE, "posit-team"),
            "NetworkPolicy",
            "main-connect"
        ),
        "none above 50"
    );
}

#[test]
fn the_package_manager_key_is_not_generated_next_to_the_synced_one() {
    // §8.5-28: with aws the operator's generated key collided with the CSI-synced Secret.
    let text = r#"apiVersion: core.posit.team/v1beta1
kind: PackageManager
metadata: {name: solo, namespace: posit-team}
spec:
  image: posit/package-manager:1
  databaseConfig: {host: "db:5432"}
  secret: {type: aws, vaultName: vault}
"#;
    let rendered = rendered(text);
    assert!(!rendered.objects().any(|d| d.object.kind() == "Secret"));
    let pm = container(deployment(&rendered, "solo-packagemanager"), "rspm");
    let key = env(pm, "PACKAGEMANAGER_SECRET_KEY")
        .unwrap()
        .value_from
        .as_ref()
        .unwrap()
        .secret_key_ref
        .as_ref()
        .unwrap();
    assert_eq!(key.name, "solo-packagemanager-key");
}

#[test]
fn a_generated_connect_key_is_the_key_connect_uses() {
    // §8.5-29: the generated key was never mounted.
    let rendered = rendered(SITE);
    let secret = find(&rendered, "Secret", "main-connect-key");
    assert!(
        matches!(&secret.policy, ApplyPolicy::CreateOnce { generate } if generate[0].recipe == Recipe::ProductKey)
    );
    let connect = deployment(&rendered, "main-connect");
    let volumes = connect
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .volumes
        .clone()
        .unwrap();
    let key = volumes.iter().find(|v| v.name == "key-volume").unwrap();
    assert_eq!(
        key.secret.as_ref().unwrap().secret_name.as_deref(),
        Some("main-connect-key")
    );
}

#[test]
fn the_package_manager_role_annotation_needs_an_account() {
    // §8.6-41: the IRSA annotation was set even without an AWS account.
    let rendered = rendered(SITE);
    assert!(
        find(&rendered, "ServiceAccount", "main-packagemanager")
            .object
            .metadata()
            .annotations
            .is_none()
    );
    let aws = rendered_in(
        &site_with(
            "  awsAccountId: \"123\"\n  clusterDate: \"20260101\"\n  workloadCompoundName: wl\n",
        ),
        "posit-team",
    );
    let annotations = find(&aws, "ServiceAccount", "main-packagemanager")
        .object
        .metadata()
        .annotations
        .clone()
        .unwrap();
    assert_eq!(
        annotations["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::123:role/pkg.20260101.main.wl.posit.team"
    );
}

#[test]
fn chronicle_uses_the_region_rolls_on_config_changes_and_names_its_service() {
    // §8.6-42: hard-coded region, no config hash, serviceName of no Service, created
    // without an image.
    assert!(!exists(&rendered(SITE), "Chronicle", "main"));
    let text = site_with("  chronicle: {image: ghcr.io/rstudio/chronicle:1, s3Bucket: bucket}\n");
    let resources: Vec<Resource> = manifest::read_all(&text)
        .unwrap()
        .into_iter()
        .map(|d| d.resource)
        .collect();
    let environment = Environment {
        aws_region: "eu-central-1".to_string(),
    };
    let rendered = render::render(&resources, "posit-team", &environment).unwrap();
    let gcfg = &config_map(&rendered, "main-chronicle")
        .data
        .as_ref()
        .unwrap()["posit-chronicle.gcfg"];
    assert!(gcfg.contains("Region = eu-central-1"), "{gcfg}");
    let set = match &find(&rendered, "StatefulSet", "main-chronicle").object {
        Object::StatefulSet(s) => s.as_ref().clone(),
        _ => unreachable!(),
    };
    let set: StatefulSet = set;
    let spec = set.spec.unwrap();
    assert_eq!(spec.service_name.as_deref(), Some("main-chronicle"));
    assert!(exists(&rendered, "Service", "main-chronicle"));
    assert!(
        spec.template
            .metadata
            .unwrap()
            .annotations
            .unwrap()
            .contains_key("chronicle.posit.team/configmap-sha")
    );
}

#[test]
fn flightdeck_knows_its_namespace_and_probes_its_health_endpoint() {
    // §8.8-49: NAMESPACE was not passed; probes used `/`.
    let rendered = rendered(SITE);
    let flightdeck = container(deployment(&rendered, "main-flightdeck"), "flightdeck");
    let namespace = env(flightdeck, "NAMESPACE").unwrap();
    assert_eq!(
        namespace
            .value_from
            .as_ref()
            .unwrap()
            .field_ref
            .as_ref()
            .unwrap()
            .field_path,
        "metadata.namespace"
    );
    assert_eq!(
        flightdeck.args.as_ref().unwrap(),
        &["--listen", "0.0.0.0:8080"]
    );
    let probe = flightdeck
        .readiness_probe
        .as_ref()
        .unwrap()
        .http_get
        .as_ref()
        .unwrap();
    assert_eq!(probe.path.as_deref(), Some("/healthz"));
    let security = flightdeck.security_context.as_ref().unwrap();
    assert_eq!(security.run_as_user, Some(999));
    assert_eq!(security.read_only_root_filesystem, Some(true));
}

#[test]
fn hostile_config_values_are_quoted() {
    // Unescaped values: a newline in a setting started a new section.
    let text = SITE.replace(
        "    image: posit/connect:1\n",
        "    image: posit/connect:1\n    publicWarning: \"hi\\n[Database]\\nProvider = sqlite\"\n",
    );
    let rendered = rendered(&text);
    let gcfg =
        &config_map(&rendered, "main-connect").data.as_ref().unwrap()["rstudio-connect.gcfg"];
    assert!(
        gcfg.contains("PublicWarning = \"hi\\n[Database]\\nProvider = sqlite\"\n"),
        "{gcfg}"
    );
    assert_eq!(gcfg.matches("[Database]\n").count(), 1);
}

#[test]
fn an_existing_data_claim_is_mounted_and_not_created() {
    // §8.4-24: the claim `<c>-connect` was mounted whatever the spec said.
    let text = SITE.replace(
        "    image: posit/connect:1\n",
        "    image: posit/connect:1\n    volume: {create: false, pvcName: connect-data}\n",
    );
    let rendered = rendered(&text);
    assert!(
        !rendered
            .objects()
            .any(|d| d.object.kind() == "PersistentVolumeClaim"
                && d.object.name().contains("connect"))
    );
    let gcfg =
        &config_map(&rendered, "main-connect").data.as_ref().unwrap()["rstudio-connect.gcfg"];
    assert!(gcfg.contains("DataDirPVCName = connect-data"));
}

#[test]
fn azure_netapp_claims_are_provisioned_dynamically() {
    // §8.4-22: claims named a PersistentVolume that no one creates.
    let rendered = rendered(&site_with(
        "  volumeSource: {type: azure-netapp}\n  sharedDirectory: shared\n",
    ));
    for name in ["main-connect", "main-shared"] {
        let claim = value(&rendered, "PersistentVolumeClaim", name);
        assert!(claim["spec"].get("volumeName").is_none(), "{name}");
        assert_eq!(claim["spec"]["storageClassName"], "azure-netapp-files");
    }
    assert!(
        !rendered
            .objects()
            .any(|d| d.object.kind() == "PersistentVolume")
    );
}

#[test]
fn volumes_and_data_claims_outlive_their_owners() {
    // §8.4-25/26: PVs had an owner reference the garbage collector cannot resolve, and
    // deleting a product deleted its data.
    let rendered = rendered(&site_with(
        "  volumeSource: {type: nfs, dnsName: nfs.example.com}\n  sharedDirectory: shared\n",
    ));
    for desired in rendered.objects() {
        let object = &desired.object;
        let keeps_data = object.kind() == "PersistentVolume"
            || (object.kind() == "PersistentVolumeClaim" && object.name() != "main-subdir");
        if keeps_data {
            assert!(
                object.metadata().owner_references.is_none(),
                "{} {}",
                object.kind(),
                object.name()
            );
        }
    }
    let pv = value(&rendered, "PersistentVolume", "main-connect");
    assert_eq!(pv["spec"]["nfs"]["path"], "/main/connect");
    assert_eq!(
        pv["metadata"]["labels"]["posit.team/site-namespace"],
        "posit-team"
    );
}

#[test]
fn the_shared_directory_claim_has_one_owner() {
    let rendered = rendered(&site_with("  sharedDirectory: projects\n"));
    let claims: Vec<_> = rendered
        .objects()
        .filter(|d| d.object.name() == "main-shared")
        .collect();
    assert_eq!(claims.len(), 1, "only the Site creates the shared claim");
    let connect = value(&rendered, "Connect", "main");
    assert_eq!(
        connect["spec"]["additionalVolumes"][0]["mountPath"],
        "/mnt/projects"
    );
    assert!(
        connect["spec"]["additionalVolumes"][0]
            .get("create")
            .is_none()
    );
}

#[test]
fn generated_secrets_are_placeholders_never_random_values() {
    let first = rendered(SITE);
    let second = rendered(SITE);
    let generated: Vec<_> = first
        .objects()
        .filter(
            |d| matches!(&d.policy, ApplyPolicy::CreateOnce { generate } if !generate.is_empty()),
        )
        .collect();
    assert_eq!(
        generated.len(),
        3,
        "Connect, Workbench and Package Manager keys"
    );
    for desired in generated {
        let secret = desired.object.to_value();
        for (_, value) in secret["stringData"].as_object().unwrap() {
            assert!(
                value
                    .as_str()
                    .unwrap()
                    .starts_with(team_desired::object::PLACEHOLDER_PREFIX)
            );
        }
    }
    assert_eq!(first, second);
}

#[test]
fn every_object_is_labelled_and_owned_when_the_owner_is_known() {
    let text =
        site_with("  networkTrust: 0\n  keycloak: {enabled: true}\n  sharedDirectory: shared\n");
    let rendered = rendered(&text);
    let site_group = &rendered.groups[0];
    for desired in &site_group.objects {
        let object = &desired.object;
        let labels = object.metadata().labels.clone().unwrap_or_default();
        assert_eq!(
            labels
                .get("app.kubernetes.io/managed-by")
                .map(String::as_str),
            Some("team-operator"),
            "{}",
            object.name()
        );
        let kept = object
            .metadata()
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(team_api::labels::KEEP_ON_DELETE));
        if !kept && object.kind() != "PersistentVolume" {
            let owner = &object
                .metadata()
                .owner_references
                .as_ref()
                .expect("owner reference")[0];
            assert_eq!(owner.uid, "6a1f0f3e-0000-4000-8000-000000000001");
            assert_eq!(owner.kind, "Site");
        }
    }
    for desired in rendered.objects() {
        let labels = desired.object.metadata().labels.clone().unwrap_or_default();
        assert_eq!(
            labels
                .get("app.kubernetes.io/managed-by")
                .map(String::as_str),
            Some("team-operator"),
            "{}",
            desired.object.name()
        );
    }
}

#[test]
fn the_config_hash_follows_the_config_and_nothing_else() {
    let hash = |text: &str| {
        let rendered = rendered(text);
        let d = deployment(&rendered, "main-connect");
        d.spec
            .as_ref()
            .unwrap()
            .template
            .metadata
            .as_ref()
            .unwrap()
            .annotations
            .as_ref()
            .unwrap()["connect.posit.team/configmap-sha"]
            .clone()
    };
    let base = hash(SITE);
    assert_eq!(base, hash(SITE));
    assert_eq!(
        base,
        hash(&SITE.replace(
            "    image: posit/connect:1\n",
            "    image: posit/connect:1\n    replicas: 3\n"
        )),
        "replicas are not config"
    );
    assert_ne!(
        base,
        hash(&SITE.replace(
            "    image: posit/connect:1\n",
            "    image: posit/connect:1\n    publicWarning: hello\n"
        ))
    );
}
