# Version: 2.5.0
# The Launcher reads the "Version: " line above to know the template version: keep it.
# Helm Version: v1
# Service of one session or content run, for the ports it exposes without a host port.
{{- $data := include "rstudio-library.templates.data" nil | mustFromJson }}
{{- $service := default (dict) $data.service }}
{{- $serviceMeta := default (dict) (default (dict) .Job.metadata).service }}
apiVersion: v1
kind: Service
metadata:
  name: {{ toJson .Job.serviceName }}
  annotations:
    {{- range $key, $value := $serviceMeta.annotations }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
    {{- range $key, $value := $service.annotations }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
  labels:
    app.kubernetes.io/managed-by: "launcher"
    job-name: {{ toJson .Job.id }}
    {{- with .Job.instanceId }}
    launcher-instance-id: {{ toJson . }}
    {{- end }}
    {{- range $key, $value := $serviceMeta.labels }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
    {{- range $key, $value := $service.labels }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
spec:
  ports:
    {{- range $index, $port := .Job.exposedPorts }}
    {{- if not $port.publishedPort }}
    - name: {{ printf "port%d" $index | toJson }}
      protocol: {{ toJson (default "TCP" $port.protocol) }}
      port: {{ toJson $port.targetPort }}
      targetPort: {{ toJson $port.targetPort }}
    {{- end }}
    {{- end }}
  selector:
    job-name: {{ toJson .Job.id }}
  clusterIP: ""
  type: {{ toJson (default "ClusterIP" $service.type) }}
