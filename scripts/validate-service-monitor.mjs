// Validates ServiceMonitor objects (JSON, one per line on standard input) with the schema of
// the prometheus-operator API as published in @kubernetes-models/prometheus-operator.
// Usage: node validate-service-monitor.mjs NODE_MODULES_DIR < objects.jsonl
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
const { ServiceMonitor } = await import(
  pathToFileURL(
    join(modules, "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js"),
  ).href
);
let failed = false;
for (const line of readFileSync(0, "utf8").split("\n").filter((l) => l.trim())) {
  const object = JSON.parse(line);
  try {
    new ServiceMonitor(object).validate();
  } catch (error) {
    failed = true;
    console.error(`${object.metadata?.name}: ${error.message ?? error}`);
  }
}
process.exit(failed ? 1 : 0);
