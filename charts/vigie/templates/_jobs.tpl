{{/*
Hook Jobs: migrations + JetStream stream setup (pre-install/pre-upgrade) and the realm reconciler
(post-install/post-upgrade). Each Job has its own ServiceAccount and NetworkPolicy, created as
hooks of a lower weight, so they exist before the Job's pod starts — also on the first install,
when the release's ordinary objects do not exist yet.
*/}}

{{/* A step of a Job. Call with (dict "root" $ "step" (dict "name" "component" "args" "natsUser" "databaseKey")). */}}
{{- define "vigie.jobContainer" -}}
{{- $root := .root }}
{{- $s := .step }}
{{- $ctx := dict "root" $root "component" $s.component "natsUser" $s.natsUser "databaseKey" $s.databaseKey "realms" $s.realms }}
- name: {{ $s.name }}
  image: {{ include "vigie.image" $ctx | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  args:
    {{- toYaml $s.args | nindent 4 }}
  env:
    {{- include "vigie.env" $ctx | nindent 4 }}
  resources:
    {{- toYaml $root.Values.jobs.resources | nindent 4 }}
  securityContext:
    {{- include "vigie.containerSecurityContext" $root | nindent 4 }}
  volumeMounts:
    {{- include "vigie.volumeMounts" $root | nindent 4 }}
    {{- if $s.realms }}
    {{- include "vigie.componentVolumeMounts" $ctx | nindent 4 }}
    {{- end }}
{{- end }}

{{/*
A hook Job with its ServiceAccount and NetworkPolicy. Call with (dict "root" $ "component" "migrations"
"hook" "pre-install,pre-upgrade" "steps" list "database" bool "keycloak" bool).
*/}}
{{- define "vigie.hookJob" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $name := include "vigie.componentName" (dict "root" $root "component" .component) }}
{{- $steps := .steps }}
{{- $last := sub (len $steps) 1 }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
automountServiceAccountToken: false
{{- if $v.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  podSelector:
    matchLabels:
      {{- include "vigie.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress: []
  egress:
    {{- include "vigie.egressRules" (dict "root" $root "database" .database "keycloak" .keycloak) | nindent 4 }}
{{- end }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $v.jobs.backoffLimit }}
  activeDeadlineSeconds: {{ $v.jobs.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "vigie.labels" . | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ $name }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- include "vigie.imagePullSecrets" $root | nindent 6 }}
      securityContext:
        {{- include "vigie.podSecurityContext" $root | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if gt (len $steps) 1 }}
      initContainers:
        {{- range $i, $s := $steps }}
        {{- if lt $i $last }}
        {{- include "vigie.jobContainer" (dict "root" $root "step" $s) | nindent 8 }}
        {{- end }}
        {{- end }}
      {{- end }}
      containers:
        {{- include "vigie.jobContainer" (dict "root" $root "step" (index $steps $last)) | nindent 8 }}
      volumes:
        {{- include "vigie.volumes" $root | nindent 8 }}
        {{- if .realms }}
        {{- include "vigie.componentVolumes" (dict "root" $root "component" "identity" "realms" true) | nindent 8 }}
        {{- end }}
{{- end }}
