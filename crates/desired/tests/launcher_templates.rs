//! The launcher templates (`job.tpl`, `service.tpl`) rendered as the Posit Job Launcher
//! renders them (Go text/template with the templates data next to them), for a content
//! Job of a rendered Connect; the results must be valid Kubernetes objects carrying the
//! operator's session settings.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use team_api::manifest::{self, Resource};
use team_desired::object::Object;
use team_desired::render;
use team_desired::{Environment, session};

/// A Job as the launcher describes it to the templates.
fn launcher_job() -> Value {
    json!({
        "generateName": "rstudio-connect-",
        "id": "run-7f3a",
        "instanceId": "main-connect",
        "name": "Quarterly report",
        "user": "alice",
        "tags": ["content"],
        "stdin": "",
        "servicePortsJson": "[{\"port\":12345}]",
        "metadata": {"job": {"labels": {"posit.co/content": "42"}}, "pod": {"annotations": {"posit.co/run": "7f3a"}}},
        "serviceName": "run-7f3a-svc",
        "volumes": [{"name": "launcher-scratch", "emptyDir": {}}],
        "volumeMounts": [{"name": "launcher-scratch", "mountPath": "/scratch"}],
        "placementConstraints": [{"name": "node-pool", "value": "content"}],
        "container": {"image": "ghcr.io/rstudio/content-pro:r4.4.1-py3.12.4-ubuntu2204", "runAsUserId": 999, "runAsGroupId": 999, "supplementalGroupIds": [1000]},
        "exe": "/opt/rstudio-connect/ext/rsc-session",
        "args": ["--port", "12345"],
        "workingDirectory": "/opt/rstudio-connect",
        "environment": [{"name": "HOME", "value": "/home/alice"}],
        "config": [{"name": "secret", "value": "db-creds:password:DB_PASSWORD"}],
        "exposedPorts": [{"targetPort": 12345, "protocol": "TCP"}, {"targetPort": 8080, "publishedPort": 30080}],
        "resourceLimits": [
            {"type": "cpuCount", "value": "2"},
            {"type": "CPU Request", "value": "1"},
            {"type": "memory", "value": "4096"},
            {"type": "Memory Request", "value": "2048"},
            {"type": "NVIDIA GPUs", "value": "0"}
        ]
    })
}

fn go() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("go"))
        .find(|path| path.exists());
    found.expect("go is missing: run scripts/install-test-tools (or scripts/test) first")
}

fn templates_data() -> String {
    let text =
        std::fs::read_to_string(test_support::workspace_root().join("examples/everything.yaml"))
            .unwrap();
    let resources: Vec<Resource> = manifest::read_all(&text)
        .unwrap()
        .into_iter()
        .map(|d| d.resource)
        .collect();
    let rendered = render::render(&resources, "posit-team", &Environment::default()).unwrap();
    rendered
        .objects()
        .find_map(|d| match &d.object {
            Object::ConfigMap(c)
                if c.metadata.name.as_deref() == Some("everything-connect-templates") =>
            {
                Some(c.data.as_ref().unwrap()["rstudio-library-templates-data.tpl"].clone())
            }
            _ => None,
        })
        .unwrap()
}

fn execute(dir: &Path, template: &str) -> String {
    let harness =
        test_support::workspace_root().join("crates/desired/tests/launcher/render_template.go");
    let output = Command::new(go())
        .arg("run")
        .arg(&harness)
        .arg(dir.join("data.tpl"))
        .arg(dir.join(template))
        .arg(dir.join("job.json"))
        .env("GOCACHE", dir.join("gocache"))
        .env("GOPATH", dir.join("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GO111MODULE", "off")
        .output()
        .expect("go runs");
    assert!(
        output.status.success(),
        "{template} failed to render:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn launcher_templates_render_valid_jobs_with_the_session_settings() {
    let dir = test_support::scratch_dir("launcher");
    std::fs::write(dir.join("data.tpl"), templates_data()).unwrap();
    std::fs::write(dir.join("job.tpl"), session::JOB_TEMPLATE).unwrap();
    std::fs::write(dir.join("service.tpl"), session::SERVICE_TEMPLATE).unwrap();
    std::fs::write(dir.join("job.json"), launcher_job().to_string()).unwrap();
    let job_yaml = execute(&dir, "job.tpl");
    let service_yaml = execute(&dir, "service.tpl");
    let job: Value =
        serde_saphyr::from_str(&job_yaml).unwrap_or_else(|e| panic!("{e}\n{job_yaml}"));
    // The API server names the Job from generateName; the validator needs a name.
    let mut named = job.clone();
    named["metadata"]["name"] = json!("rstudio-connect-x1y2z");
    std::fs::write(dir.join("job.yaml"), named.to_string()).unwrap();
    std::fs::write(dir.join("service.yaml"), &service_yaml).unwrap();
    let run = test_support::kubernetes_validate(&[dir.join("job.yaml"), dir.join("service.yaml")]);
    run.assert_success("kubernetes-validate of the launcher's Job and Service");
    assert_eq!(
        run.stdout.matches("passed for resource").count(),
        2,
        "{}",
        run.stdout
    );

    assert_eq!(job["kind"], "Job");
    assert_eq!(
        job["metadata"]["labels"]["launcher-instance-id"],
        "main-connect"
    );
    assert_eq!(
        job["metadata"]["labels"]["posit.team/component"],
        "connect-session"
    );
    assert_eq!(job["metadata"]["labels"]["posit.co/content"], "42");
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], "connect-content");
    assert_eq!(pod["nodeSelector"]["node-pool"], "content");
    assert_eq!(pod["securityContext"]["runAsUser"], 999);
    assert_eq!(pod["imagePullSecrets"][0]["name"], "registry-credentials");
    let volumes: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        volumes[0], "launcher-scratch",
        "the launcher's volumes come first"
    );
    assert!(
        volumes.contains(&"init-volume") && volumes.contains(&"dsn-volume"),
        "{volumes:?}"
    );
    assert_eq!(pod["initContainers"][0]["name"], "init-runtime");
    let container = &pod["containers"][0];
    assert_eq!(container["name"], "rs-launcher-container");
    assert_eq!(container["imagePullPolicy"], "IfNotPresent");
    assert_eq!(
        container["command"],
        json!(["/opt/rstudio-connect/ext/rsc-session"])
    );
    assert_eq!(
        container["resources"]["limits"],
        json!({"cpu": "2", "memory": "4096M"})
    );
    assert_eq!(
        container["resources"]["requests"],
        json!({"cpu": "1", "memory": "2048M"})
    );
    let env = container["env"].as_array().unwrap();
    assert!(env.iter().any(
        |e| e["name"] == "DB_PASSWORD" && e["valueFrom"]["secretKeyRef"]["name"] == "db-creds"
    ));
    assert!(env.iter().any(|e| e["name"] == "HTTPS_PROXY"));
    assert_eq!(
        container["ports"],
        json!([{"containerPort": 8080, "hostPort": 30080, "protocol": "TCP"}])
    );

    let service: Value =
        serde_saphyr::from_str(&service_yaml).unwrap_or_else(|e| panic!("{e}\n{service_yaml}"));
    assert_eq!(service["metadata"]["name"], "run-7f3a-svc");
    assert_eq!(service["spec"]["selector"]["job-name"], "run-7f3a");
    assert_eq!(
        service["spec"]["ports"],
        json!([{"name": "port0", "protocol": "TCP", "port": 12345, "targetPort": 12345}])
    );
    assert_eq!(
        service["metadata"]["labels"]["posit.team/site"],
        "everything"
    );
}

/// A Workbench session as the launcher describes it: the session-init container Workbench
/// asks for, a GPU profile's limits and placement constraint.
fn workbench_session() -> Value {
    json!({
        "generateName": "rstudio-session-",
        "id": "session-1a2b",
        "instanceId": "everything-workbench",
        "name": "RStudio Pro Session",
        "user": "alice",
        "tags": [],
        "stdin": "",
        "servicePortsJson": "[{\"port\":8788}]",
        "serviceName": "session-1a2b-svc",
        "placementConstraints": [{"name": "nvidia.com/gpu.present", "value": "true"}],
        "container": {"image": "posit/workbench-session:2026.08.1-ubuntu-24.04", "runAsUserId": 1001, "runAsGroupId": 1001},
        "initContainers": [{"name": "init", "image": "posit/workbench-session-init:2026.08.1", "mounts": [{"name": "session-volume", "mountPath": "/mnt/init"}]}],
        "volumes": [{"name": "session-volume", "emptyDir": {}}],
        "volumeMounts": [{"name": "session-volume", "mountPath": "/opt/session"}],
        "exe": "/usr/lib/rstudio-server/bin/rsession-run",
        "args": ["--session-use-secure-cookies=1"],
        "environment": [{"name": "USER", "value": "alice"}],
        "exposedPorts": [{"targetPort": 8788, "protocol": "TCP"}],
        "resourceLimits": [
            {"type": "cpuCount", "value": "8"},
            {"type": "memory", "value": "65536"},
            {"type": "NVIDIA GPUs", "value": "1"}
        ]
    })
}

#[test]
fn launcher_templates_render_valid_workbench_sessions_for_every_example() {
    for example in test_support::examples() {
        let text = std::fs::read_to_string(&example).unwrap();
        let resources: Vec<Resource> = manifest::read_all(&text)
            .unwrap()
            .into_iter()
            .map(|d| d.resource)
            .collect();
        let rendered = render::render(&resources, "posit-team", &Environment::default()).unwrap();
        let (site, data) = rendered
            .objects()
            .find_map(|d| match &d.object {
                Object::ConfigMap(c)
                    if c.metadata
                        .name
                        .as_deref()
                        .unwrap()
                        .ends_with("-workbench-templates") =>
                {
                    let site = c.metadata.labels.as_ref().unwrap()["posit.team/site"].clone();
                    Some((
                        site,
                        c.data.as_ref().unwrap()["rstudio-library-templates-data.tpl"].clone(),
                    ))
                }
                _ => None,
            })
            .unwrap();
        let dir = test_support::scratch_dir("launcher-workbench");
        std::fs::write(dir.join("data.tpl"), &data).unwrap();
        std::fs::write(dir.join("job.tpl"), session::JOB_TEMPLATE).unwrap();
        std::fs::write(dir.join("service.tpl"), session::SERVICE_TEMPLATE).unwrap();
        std::fs::write(dir.join("job.json"), workbench_session().to_string()).unwrap();
        let job_yaml = execute(&dir, "job.tpl");
        let service_yaml = execute(&dir, "service.tpl");
        let job: Value =
            serde_saphyr::from_str(&job_yaml).unwrap_or_else(|e| panic!("{e}\n{job_yaml}"));
        let mut named = job.clone();
        named["metadata"]["name"] = json!("rstudio-session-x1y2z");
        std::fs::write(dir.join("job.yaml"), named.to_string()).unwrap();
        std::fs::write(dir.join("service.yaml"), &service_yaml).unwrap();
        let run =
            test_support::kubernetes_validate(&[dir.join("job.yaml"), dir.join("service.yaml")]);
        run.assert_success(&format!(
            "{}: the session Job and Service",
            example.display()
        ));

        let pod = &job["spec"]["template"];
        assert_eq!(
            pod["metadata"]["labels"]["posit.team/component"],
            "workbench-session"
        );
        assert_eq!(pod["metadata"]["labels"]["posit.team/site"], json!(site));
        let spec = &pod["spec"];
        assert_eq!(spec["nodeSelector"]["nvidia.com/gpu.present"], "true");
        assert_eq!(
            spec["initContainers"][0]["name"], "init",
            "Workbench's init first"
        );
        let container = &spec["containers"][0];
        assert_eq!(container["resources"]["limits"]["nvidia.com/gpu"], "1");
        let mounts: Vec<&str> = container["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["mountPath"].as_str().unwrap())
            .collect();
        for path in [
            "/opt/session",
            "/home",
            "/mnt/session/rstudio",
            "/etc/login.defs",
        ] {
            assert!(
                mounts.contains(&path),
                "{}: {path} in {mounts:?}",
                example.display()
            );
        }
        let service: Value = serde_saphyr::from_str(&service_yaml).unwrap();
        assert_eq!(
            service["metadata"]["labels"]["posit.team/component"],
            "workbench-session"
        );
    }
}
