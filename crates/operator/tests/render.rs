//! `team-operator render` end to end: snapshots of every example, the official Kubernetes
//! schemas, our CRDs, gcfg parse-back with git, determinism, inputs and errors.

mod common;

use common::*;
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    test_support::workspace_root().join("examples").join(name)
}

#[test]
fn every_example_renders_as_its_snapshot() {
    for path in test_support::examples() {
        let output = render(&[&path]);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("render-{name}"), output);
    }
}

/// Renders the examples and the edge-case Sites into scratch files.
fn rendered_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in test_support::examples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push(scratch_file("rendered", &name, &render(&[&path])));
    }
    for (name, text) in [
        ("long-name.yaml", long_name_site()),
        ("hostile.yaml", hostile_site()),
        ("aws-everything.yaml", aws_site()),
    ] {
        let output = render_text(&text);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        files.push(scratch_file("rendered", name, &stdout(&output)));
    }
    files
}

#[test]
fn every_rendered_kubernetes_object_passes_the_official_schemas() {
    let files = rendered_files();
    let run = test_support::kubernetes_validate(&files);
    run.assert_success("kubernetes-validate --strict -k 1.32");
    let passed = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .filter(|l| l.contains("passed for resource"))
        .count();
    assert!(
        passed > 150,
        "expected every native object to be validated, saw {passed}:\n{}",
        run.stdout
    );
}

#[test]
fn every_rendered_custom_resource_validates_against_our_crds() {
    let files = rendered_files();
    test_support::validate_custom_resources(&team_api::crd::all(), &files)
        .assert_success("CRD schema validation");
    // Our own admission check: schema with CEL rules and defaults, as the API server would.
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (index, doc) in documents(&text).into_iter().enumerate() {
            if doc["apiVersion"] == "core.posit.team/v1beta1" {
                team_api::manifest::decode_document(index + 1, doc)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "custom resources checked: {checked}");
}

#[test]
fn rendering_twice_is_byte_identical() {
    for path in test_support::examples() {
        assert_eq!(render(&[&path]), render(&[&path]), "{}", path.display());
    }
}

/// Reorders everything whose order carries no meaning: map keys (re-serialised sorted),
/// documents, and the lists that are sets.
fn reordered(text: &str) -> String {
    let mut docs = documents(text);
    docs.reverse();
    for doc in &mut docs {
        if let Some(spec) = doc.get_mut("spec") {
            for path in [
                "/imagePullSecrets",
                "/extraSiteServiceAccounts",
                "/packageManager/gitSSHKeys",
                "/workbench/additionalVolumes",
            ] {
                if let Some(serde_json::Value::Array(items)) = spec.pointer_mut(path) {
                    items.reverse();
                }
            }
        }
    }
    docs.iter()
        .map(|d| format!("---\n{}", serde_saphyr::to_string(d).unwrap()))
        .collect()
}

#[test]
fn reordering_maps_and_sets_in_the_input_changes_nothing() {
    for path in test_support::examples() {
        let original = render(&[&path]);
        let text = reordered(&std::fs::read_to_string(&path).unwrap());
        let output = render_text(&text);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output), original, "{}", path.display());
    }
}

#[test]
fn every_rendered_gcfg_file_parses_back_with_git() {
    let mut files = 0;
    for path in rendered_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in documents(&text) {
            if doc["kind"] != "ConfigMap" {
                continue;
            }
            for (key, value) in doc["data"].as_object().into_iter().flatten() {
                if key.ends_with(".gcfg") {
                    let entries = git_config(value.as_str().unwrap());
                    assert!(!entries.is_empty(), "{key} is empty");
                    if key != "posit-chronicle.gcfg" {
                        assert_eq!(values(&entries, "database.provider"), ["postgres"], "{key}");
                    }
                    files += 1;
                }
            }
        }
    }
    assert!(files >= 15, "gcfg files checked: {files}");
}

const HOSTILE: &str = "x\n[Database]\nProvider = sqlite ; \"quoted\" \\ back\tslash # Grüße 🚀 ";

fn hostile_site() -> String {
    MINIMAL_SITE.replace(
        "    image: posit/connect:1\n",
        &format!(
            "    image: posit/connect:1\n    loggedInWarning: {}\n    publicWarning: \"  leading and trailing  \"\n",
            serde_json::to_string(HOSTILE).unwrap()
        ),
    )
}

#[test]
fn hostile_strings_reach_connect_exactly_and_add_no_setting() {
    let output = render_text(&hostile_site());
    assert!(output.status.success(), "{}", stderr(&output));
    let docs = documents(&stdout(&output));
    let config = find(&docs, "ConfigMap", "main-connect");
    let entries = git_config(config["data"]["rstudio-connect.gcfg"].as_str().unwrap());
    assert_eq!(values(&entries, "server.loggedinwarning"), [HOSTILE]);
    assert_eq!(
        values(&entries, "server.publicwarning"),
        ["  leading and trailing  "]
    );
    assert_eq!(values(&entries, "database.provider"), ["postgres"]);
}

#[test]
fn a_control_character_that_gcfg_cannot_carry_is_refused_naming_the_field() {
    let text = MINIMAL_SITE.replace(
        "    image: posit/connect:1\n",
        "    image: posit/connect:1\n    loggedInWarning: \"bell\\a\"\n",
    );
    let output = render_text(&text);
    assert!(!output.status.success());
    assert!(stdout(&output).is_empty());
    let error = stderr(&output);
    assert!(
        error.contains("Connect posit-team/main: rstudio-connect.gcfg: [Server] LoggedInWarning"),
        "{error}"
    );
}

fn long_name_site() -> String {
    let name = format!("a{}", "-very-long-site-name".repeat(10));
    MINIMAL_SITE
        .replace("  name: main\n", &format!("  name: {name}\n"))
        .replace("  domain: example.com\n", "  domain: example.com\n  networkTrust: 0\n  sharedDirectory: shared\n  volumeSource: {type: nfs, dnsName: nfs.example.com}\n  keycloak: {enabled: true}\n")
}

#[test]
fn long_site_names_give_valid_names_and_labels() {
    let output = render_text(&long_name_site());
    assert!(output.status.success(), "{}", stderr(&output));
    let docs = documents(&stdout(&output));
    assert!(docs.len() > 40);
    let site_named: Vec<String> = docs
        .iter()
        .filter(|d| d["metadata"]["name"].as_str().unwrap().len() > 63)
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        site_named,
        [
            "PersistentVolume",
            "Connect",
            "Flightdeck",
            "PackageManager",
            "Workbench"
        ]
    );
    for doc in &docs {
        let name = doc["metadata"]["name"].as_str().unwrap();
        // Product resources and the root volume carry the Site's own name (a valid object
        // name of up to 253 characters); every derived name fits a DNS label.
        if !name.starts_with("a-very-long-site-name") || name.len() < 200 {
            assert!(name.len() <= 63, "{name}");
        }
        for (_, value) in doc["metadata"]["labels"].as_object().into_iter().flatten() {
            assert!(value.as_str().unwrap().len() <= 63, "{value}");
        }
    }
}

/// Every Secret a pod template reads through `secretKeyRef`.
fn secret_refs(doc: &serde_json::Value) -> Vec<String> {
    let spec = &doc["spec"]["template"]["spec"];
    ["containers", "initContainers"]
        .iter()
        .flat_map(|list| spec[list].as_array().into_iter().flatten())
        .flat_map(|container| container["env"].as_array().into_iter().flatten())
        .filter_map(|env| env["valueFrom"]["secretKeyRef"]["name"].as_str())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_63_character_site_name_gives_pods_the_credentials_secret_the_database_controller_writes() {
    let name = format!("s{}", "-x".repeat(31));
    assert_eq!(name.len(), 63);
    let output = render_text(&MINIMAL_SITE.replace("  name: main\n", &format!("  name: {name}\n")));
    assert!(output.status.success(), "{}", stderr(&output));
    let docs = documents(&stdout(&output));
    let databases: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "PostgresDatabase")
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(databases.len(), 3, "{databases:?}");
    let referenced: Vec<String> = docs
        .iter()
        .filter(|d| d["kind"] == "Deployment")
        .flat_map(secret_refs)
        .collect();
    for database in databases {
        // The name the database controller writes the generated password under.
        let written = team_db::credentials::secret_name(database);
        assert!(written.len() <= 63, "{written}");
        assert!(
            referenced.contains(&written),
            "no pod reads {written} (database {database}); pods read {referenced:?}"
        );
    }
}

fn aws_site() -> String {
    std::fs::read_to_string(example("aws.yaml"))
        .unwrap()
        .replace(
            "  chronicle:\n",
            "  keycloak: {enabled: true}\n  networkTrust: 10\n  chronicle:\n",
        )
}

#[test]
fn aws_values_are_marked_placeholders_with_a_warning() {
    let output = render(&[&example("aws.yaml")]);
    assert!(
        output.contains("<aws-secrets-manager:posit-team/main-workload:main-database-url:host>")
    );
    let raw = run(
        &["render", "-f", example("aws.yaml").to_str().unwrap()],
        None,
    );
    assert!(
        stderr(&raw).contains("main-database-url"),
        "{}",
        stderr(&raw)
    );
    assert!(stderr(&raw).contains("placeholder"));
}

#[test]
fn the_aws_region_comes_from_the_environment() {
    let path = example("aws.yaml");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_team-operator"))
        .args(["render", "-f", path.to_str().unwrap()])
        .env("AWS_REGION", "eu-west-1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("region: eu-west-1"), "region not used");
    assert!(!text.contains("region: us-east-2"));
    assert!(
        render(&[&path]).contains("region: us-east-2"),
        "default region"
    );
}

#[test]
fn a_missing_secret_key_is_an_error_naming_secret_and_key() {
    let text = MINIMAL_SITE.replace("  connect.lic: x\n", "");
    let output = render_text(&text);
    assert!(!output.status.success());
    assert!(stdout(&output).is_empty(), "no partial output");
    let error = stderr(&output);
    assert!(
        error.contains("Secret posit-team/site-secrets has no key \"connect.lic\""),
        "{error}"
    );
    assert!(error.contains("spec.license"), "{error}");
}

#[test]
fn a_missing_secret_is_an_error_naming_it() {
    let text = MINIMAL_SITE.replacen("  name: site-secrets\n", "  name: other\n", 1);
    let output = render_text(&text);
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains("Secret posit-team/site-secrets not found"),
        "{error}"
    );
    assert!(error.contains("main-database-url"), "{error}");
}

#[test]
fn the_namespace_flag_places_resources_and_refuses_conflicts() {
    let text = MINIMAL_SITE.replace("  namespace: posit-team\n", "");
    let output = run(
        &["render", "-f", "-", "--namespace", "analytics"],
        Some(&text),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let docs = documents(&stdout(&output));
    assert!(
        docs.iter()
            .filter(|d| d["kind"] != "PersistentVolume")
            .all(|d| d["metadata"]["namespace"] == "analytics")
    );
    let output = run(&["render", "-f", "-", "-n", "other"], Some(MINIMAL_SITE));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("does not match --namespace"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn several_files_and_standalone_product_resources() {
    let connect = r#"apiVersion: core.posit.team/v1beta1
kind: Connect
metadata: {name: solo, namespace: posit-team, uid: 0f9c1d2e-1111-4222-8333-444455556666}
spec:
  image: posit/connect:1
  databaseConfig: {host: "db:5432"}
  license: {type: KEY, key: ABC}
"#;
    let first = scratch_file("files", "connect.yaml", connect);
    let second = scratch_file("files", "site.yaml", MINIMAL_SITE);
    let output = render(&[&first, &second]);
    let docs = documents(&output);
    let deployment = find(&docs, "Deployment", "solo-connect");
    let owner = &deployment["metadata"]["ownerReferences"][0];
    assert_eq!(owner["uid"], "0f9c1d2e-1111-4222-8333-444455556666");
    assert_eq!(owner["kind"], "Connect");
    assert_eq!(owner["controller"], true);
    find(&docs, "Deployment", "main-connect");
}

#[test]
fn a_product_resource_also_derived_from_a_site_is_refused() {
    let text = format!(
        "{MINIMAL_SITE}---\napiVersion: core.posit.team/v1beta1\nkind: Connect\nmetadata: {{name: main, namespace: posit-team}}\nspec: {{image: x}}\n"
    );
    let output = render_text(&text);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("the Site posit-team/main creates and owns this resource"));
}

#[test]
fn broken_sites_fail_with_a_clear_error_and_no_output() {
    let dir = test_support::workspace_root().join("crates/operator/tests/broken");
    let files = test_support::yaml_files_in(&dir);
    assert!(files.len() >= 20, "the corpus has {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{} has no '# expect:' line",
            file.display()
        );
        let output = run(&["render", "-f", file.to_str().unwrap()], None);
        let error = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{}: {error}", file.display());
        assert!(
            stdout(&output).is_empty(),
            "{}: partial output",
            file.display()
        );
        assert!(!error.contains("panicked"), "{}: {error}", file.display());
        assert!(
            !error.contains(":pw@"),
            "{}: an error shows the database password",
            file.display()
        );
        for want in expected {
            assert!(
                error.contains(want),
                "{}: expected {want:?} in:\n{error}",
                file.display()
            );
        }
    }
}

#[test]
fn secret_values_never_appear_in_the_output() {
    let text = MINIMAL_SITE
        .replace("admin:pw@", "admin:Sup3r-S3cret-Admin@")
        .replace("  connect.lic: x\n", "  connect.lic: LICENSE-FILE-CONTENT-1\n  pub-db-password: Db-Password-Value-2\n  pub-secret-key: Secret-Key-Value-3\n");
    let output = render_text(&text);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output) + &stderr(&output);
    for secret in [
        "Sup3r-S3cret-Admin",
        "LICENSE-FILE-CONTENT-1",
        "Db-Password-Value-2",
        "Secret-Key-Value-3",
    ] {
        assert!(!out.contains(secret), "{secret} leaked into the output");
    }
    // The keys are referenced, not copied.
    let docs = documents(&stdout(&output));
    let connect = find(&docs, "Deployment", "main-connect").to_string();
    assert!(connect.contains("\"key\":\"pub-db-password\""));
    assert!(connect.contains("\"key\":\"pub-secret-key\""));
}

#[test]
fn secrets_given_as_base64_data_are_read() {
    // "postgres://admin:pw@db.internal:6432/postgres" in base64.
    let url = "cG9zdGdyZXM6Ly9hZG1pbjpwd0BkYi5pbnRlcm5hbDo2NDMyL3Bvc3RncmVz";
    let text = MINIMAL_SITE.replace(
        "  main-database-url: postgres://admin:pw@db.example.com:5432/postgres?sslmode=require\n",
        "",
    )
    .replace("stringData:\n", &format!("data:\n  main-database-url: {url}\nstringData:\n"));
    let output = render_text(&text);
    assert!(output.status.success(), "{}", stderr(&output));
    let docs = documents(&stdout(&output));
    assert_eq!(
        find(&docs, "Connect", "main")["spec"]["databaseConfig"]["host"],
        "db.internal:6432"
    );
}
