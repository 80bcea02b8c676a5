{{/* Names, labels and the operator's command line. */}}

{{- define "team-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "team-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "team-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "team-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "team-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "team-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: posit-team
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "team-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "team-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "team-operator.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The watched namespaces, checked once for every template that needs them. */}}
{{- define "team-operator.watchedNamespaces" -}}
{{- if .Values.watch.allNamespaces }}
{{- if .Values.watch.namespaces }}
{{- fail "watch.namespaces: must be empty when watch.allNamespaces is true" }}
{{- end }}
{{- else if not .Values.watch.namespaces }}
{{- fail "watch.namespaces: name at least one namespace, or set watch.allNamespaces=true" }}
{{- else }}
{{- toYaml (uniq .Values.watch.namespaces) }}
{{- end }}
{{- end }}

{{/* Arguments of `team-operator run`, each quoted. */}}
{{- define "team-operator.args" -}}
{{- $namespaces := include "team-operator.watchedNamespaces" . | fromYamlArray -}}
- run
{{- if .Values.watch.allNamespaces }}
- --all-namespaces
{{- end }}
{{- range $namespaces }}
- {{ printf "--watch-namespace=%s" . | quote }}
{{- end }}
{{- if .Values.leaderElection.enabled }}
- --leader-elect
- {{ printf "--leader-election-id=%s" .Values.leaderElection.leaseName | quote }}
{{- end }}
- {{ printf "--http-address=0.0.0.0:%d" (int .Values.operator.httpPort) | quote }}
- {{ printf "--log-format=%s" .Values.operator.logFormat | quote }}
- {{ printf "--log-level=%s" .Values.operator.logLevel | quote }}
- {{ printf "--concurrency=%d" (int .Values.operator.concurrency) | quote }}
- {{ printf "--resync-seconds=%d" (int .Values.operator.resyncSeconds) | quote }}
{{- with .Values.operator.awsRegion }}
- {{ printf "--aws-region=%s" . | quote }}
{{- end }}
{{- end }}

{{/* Replicas after the leader-election rule: one writer at a time, always. */}}
{{- define "team-operator.replicas" -}}
{{- if and (not .Values.leaderElection.enabled) (ne (int .Values.replicaCount) 1) }}
{{- fail "replicaCount: must be 1 when leaderElection.enabled is false (two operators would write at the same time)" }}
{{- end }}
{{- .Values.replicaCount }}
{{- end }}
