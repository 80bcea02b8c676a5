# Version: 2.5.0
# The Launcher reads the "Version: " line above to know the template version: keep it.
# Helm Version: v1
# Job of one session or content run. The Launcher provides .Job; the operator's settings come
# from the "rstudio-library.templates.data" template (JSON) next to this file.
{{- $data := include "rstudio-library.templates.data" nil | mustFromJson }}
{{- $pod := default (dict) $data.pod }}
{{- $job := default (dict) $data.job }}
{{- $jobMeta := default (dict) (default (dict) .Job.metadata).job }}
{{- $podMeta := default (dict) (default (dict) .Job.metadata).pod }}
apiVersion: batch/v1
kind: Job
metadata:
  generateName: {{ toJson .Job.generateName }}
  annotations:
    {{- range $key, $value := $jobMeta.annotations }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
    {{- range $key, $value := $job.annotations }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
  labels:
    app.kubernetes.io/managed-by: "launcher"
    {{- with .Job.instanceId }}
    launcher-instance-id: {{ toJson . }}
    {{- end }}
    {{- range $key, $value := $jobMeta.labels }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
    {{- range $key, $value := $job.labels }}
    {{ toJson $key }}: {{ toJson $value }}
    {{- end }}
spec:
  {{- with $job.ttlSecondsAfterFinished }}
  ttlSecondsAfterFinished: {{ toJson . }}
  {{- end }}
  backoffLimit: 0
  template:
    metadata:
      annotations:
        {{- range $index, $tag := .Job.tags }}
        {{ printf "USER_TAG_%d" $index | toJson }}: {{ toJson $tag }}
        {{- end }}
        stdin: {{ toJson (printf "%v" .Job.stdin) }}
        user: {{ toJson .Job.user }}
        name: {{ toJson .Job.name }}
        service_ports: {{ toJson (default "" .Job.servicePortsJson) }}
        user_metadata: {{ toJson (toJson (default (dict) .Job.metadata)) }}
        {{- range $key, $value := $podMeta.annotations }}
        {{ toJson $key }}: {{ toJson $value }}
        {{- end }}
        {{- range $key, $value := $pod.annotations }}
        {{ toJson $key }}: {{ toJson $value }}
        {{- end }}
      labels:
        {{- with .Job.instanceId }}
        launcher-instance-id: {{ toJson . }}
        {{- end }}
        {{- range $key, $value := $podMeta.labels }}
        {{ toJson $key }}: {{ toJson $value }}
        {{- end }}
        {{- range $key, $value := $pod.labels }}
        {{ toJson $key }}: {{ toJson $value }}
        {{- end }}
    spec:
      {{- with .Job.host }}
      nodeName: {{ toJson . }}
      {{- end }}
      enableServiceLinks: false
      restartPolicy: Never
      {{- if .Job.serviceAccountName }}
      serviceAccountName: {{ toJson .Job.serviceAccountName }}
      {{- else if $pod.serviceAccountName }}
      serviceAccountName: {{ toJson $pod.serviceAccountName }}
      {{- end }}
      {{- if .Job.shareProcessNamespace }}
      shareProcessNamespace: true
      {{- end }}
      {{- with $pod.hostAliases }}
      hostAliases: {{ toJson . }}
      {{- end }}
      {{- with $pod.tolerations }}
      tolerations: {{ toJson . }}
      {{- end }}
      {{- with $pod.affinity }}
      affinity: {{ toJson . }}
      {{- end }}
      {{- if or .Job.placementConstraints $pod.nodeSelector }}
      nodeSelector:
        {{- range .Job.placementConstraints }}
        {{ toJson .name }}: {{ toJson .value }}
        {{- end }}
        {{- range $key, $value := $pod.nodeSelector }}
        {{ toJson $key }}: {{ toJson $value }}
        {{- end }}
      {{- end }}
      {{- with $pod.priorityClassName }}
      priorityClassName: {{ toJson . }}
      {{- end }}
      {{- with $pod.imagePullSecrets }}
      imagePullSecrets: {{ toJson . }}
      {{- end }}
      {{- $securityContext := deepCopy (default (dict) $pod.defaultSecurityContext) }}
      {{- with .Job.container }}
      {{- if .runAsUserId }}{{ $_ := set $securityContext "runAsUser" .runAsUserId }}{{ end }}
      {{- if .runAsGroupId }}{{ $_ := set $securityContext "runAsGroup" .runAsGroupId }}{{ end }}
      {{- if .supplementalGroupIds }}{{ $_ := set $securityContext "supplementalGroups" .supplementalGroupIds }}{{ end }}
      {{- end }}
      {{- if $securityContext }}
      securityContext: {{ mergeOverwrite $securityContext (default (dict) $pod.securityContext) | toJson }}
      {{- end }}
      {{- $volumes := concat (default (list) .Job.volumes) (default (list) $pod.volumes) }}
      {{- with $volumes }}
      volumes: {{ toJson . }}
      {{- end }}
      {{- $initContainers := list }}
      {{- range .Job.initContainers }}
      {{- $init := dict "name" .name "image" .image }}
      {{- with .command }}{{ $_ := set $init "command" . }}{{ end }}
      {{- with .args }}{{ $_ := set $init "args" . }}{{ end }}
      {{- with .environment }}{{ $_ := set $init "env" . }}{{ end }}
      {{- with .mounts }}{{ $_ := set $init "volumeMounts" . }}{{ end }}
      {{- $initContainers = append $initContainers $init }}
      {{- end }}
      {{- $initContainers = concat $initContainers (default (list) $podMeta.initContainers) (default (list) $pod.initContainers) }}
      {{- with $initContainers }}
      initContainers: {{ toJson . }}
      {{- end }}
      containers:
        - name: rs-launcher-container
          image: {{ toJson .Job.container.image }}
          {{- with $pod.imagePullPolicy }}
          imagePullPolicy: {{ toJson . }}
          {{- end }}
          {{- if $pod.command }}
          command: {{ toJson $pod.command }}
          {{- if .Job.command }}
          args: {{ toJson (list "-c" (join " " (prepend (default (list) .Job.args) .Job.command))) }}
          {{- end }}
          {{- else if .Job.command }}
          command: ["/bin/sh"]
          args: {{ toJson (list "-c" (join " " (prepend (default (list) .Job.args) .Job.command))) }}
          {{- else }}
          command: {{ toJson (list .Job.exe) }}
          {{- with .Job.args }}
          args: {{ toJson . }}
          {{- end }}
          {{- end }}
          stdin: {{ if .Job.stdin }}true{{ else }}false{{ end }}
          stdinOnce: true
          {{- with .Job.workingDirectory }}
          workingDir: {{ toJson . }}
          {{- end }}
          {{- $env := list }}
          {{- range .Job.environment }}
          {{- $env = append $env (dict "name" .name "value" .value) }}
          {{- end }}
          {{- range .Job.config }}
          {{- if eq .name "secret" }}
          {{- $parts := splitList ":" .value }}
          {{- $env = append $env (dict "name" (index $parts 2) "valueFrom" (dict "secretKeyRef" (dict "name" (index $parts 0) "key" (index $parts 1)))) }}
          {{- end }}
          {{- end }}
          {{- $env = concat $env (default (list) $pod.env) }}
          {{- with $env }}
          env: {{ toJson . }}
          {{- end }}
          {{- with $pod.containerSecurityContext }}
          securityContext: {{ toJson . }}
          {{- end }}
          {{- $ports := list }}
          {{- range .Job.exposedPorts }}
          {{- if .publishedPort }}
          {{- $ports = append $ports (dict "containerPort" .targetPort "hostPort" .publishedPort "protocol" (default "TCP" .protocol)) }}
          {{- end }}
          {{- end }}
          {{- with $ports }}
          ports: {{ toJson . }}
          {{- end }}
          {{- $limits := dict }}
          {{- $requests := dict }}
          {{- range .Job.resourceLimits }}
          {{- if eq .type "cpuCount" }}{{ $_ := set $limits "cpu" .value }}{{ end }}
          {{- if eq .type "CPU Request" }}{{ $_ := set $requests "cpu" .value }}{{ end }}
          {{- if eq .type "memory" }}{{ $_ := set $limits "memory" (printf "%vM" .value) }}{{ end }}
          {{- if eq .type "Memory Request" }}{{ $_ := set $requests "memory" (printf "%vM" .value) }}{{ end }}
          {{- if and (eq .type "NVIDIA GPUs") (ne (printf "%v" .value) "0") }}{{ $_ := set $limits "nvidia.com/gpu" .value }}{{ end }}
          {{- if and (eq .type "AMD GPUs") (ne (printf "%v" .value) "0") }}{{ $_ := set $limits "amd.com/gpu" .value }}{{ end }}
          {{- end }}
          {{- with $pod.ephemeralStorage }}
          {{- with .request }}{{ $_ := set $requests "ephemeral-storage" . }}{{ end }}
          {{- with .limit }}{{ $_ := set $limits "ephemeral-storage" . }}{{ end }}
          {{- end }}
          {{- if or $limits $requests }}
          resources:
            {{- with $limits }}
            limits: {{ toJson . }}
            {{- end }}
            {{- with $requests }}
            requests: {{ toJson . }}
            {{- end }}
          {{- end }}
          {{- $mounts := concat (default (list) .Job.volumeMounts) (default (list) $pod.volumeMounts) }}
          {{- with $mounts }}
          volumeMounts: {{ toJson . }}
          {{- end }}
        {{- range $pod.extraContainers }}
        - {{ toJson . }}
        {{- end }}
