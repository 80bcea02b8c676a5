{{/*
Every permission the operator holds, in one place. No wildcards: each resource and verb is
named. The chart tests derive the expected rules from the operator's code (the kinds it
writes and the Roles its builders create) and compare them with these, both ways.
*/}}

{{/* Rules in every watched namespace (a Role each), or cluster-wide when watching all. */}}
{{- define "team-operator.rules.namespaced" -}}
# The seven kinds: the Site controller writes the product resources, every controller
# reads its own kind and writes its status; finalizers guard database teardown and owner
# references with blockOwnerDeletion.
- apiGroups: [core.posit.team]
  resources: [sites, connects, workbenches, packagemanagers, chronicles, flightdecks, postgresdatabases]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [core.posit.team]
  resources: [sites/status, connects/status, workbenches/status, packagemanagers/status, chronicles/status, flightdecks/status, postgresdatabases/status]
  verbs: [get, patch]
- apiGroups: [core.posit.team]
  resources: [sites/finalizers, connects/finalizers, workbenches/finalizers, packagemanagers/finalizers, chronicles/finalizers, flightdecks/finalizers, postgresdatabases/finalizers]
  verbs: [update]
# What the products are made of: server-side apply (patch), create-once secrets (create),
# pruning (list, delete), and reads of the Secrets a Site refers to.
- apiGroups: [""]
  resources: [configmaps, secrets, serviceaccounts, services, persistentvolumeclaims]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [ingresses, networkpolicies]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, list, watch, create, patch, delete]
# Kinds of other projects, written only when a Site uses them (CSI secrets store, Traefik,
# the Keycloak operator).
- apiGroups: [secrets-store.csi.x-k8s.io]
  resources: [secretproviderclasses]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [traefik.io]
  resources: [middlewares]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [k8s.keycloak.org]
  resources: [keycloaks]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
# Held only because the launcher Roles the operator creates for Connect and Workbench
# sessions grant them: Kubernetes lets a subject grant no permission it lacks.
- apiGroups: [""]
  resources: [pods, pods/attach, pods/exec]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [watch]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [update]
- apiGroups: [metrics.k8s.io]
  resources: [pods]
  verbs: [get]
{{- end }}

{{/* Cluster-scoped: storage of NFS and FSx Sites (created once, kept with the data). */}}
{{- define "team-operator.rules.cluster" -}}
- apiGroups: [""]
  resources: [persistentvolumes]
  verbs: [get, list, watch, create]
{{- end }}

{{/* The leader Lease, in the release namespace only; once created, only that one Lease. */}}
{{- define "team-operator.rules.leaderElection" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [create]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  resourceNames: [{{ .Values.leaderElection.leaseName | quote }}]
  verbs: [get, update]
{{- end }}
