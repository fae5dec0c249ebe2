{{/*
Names, labels and the pieces every service template shares. The naming follows the official
NATS chart's _helpers.tpl: names truncated to 63 characters, the standard app.kubernetes.io/*
labels with a component.
*/}}

{{/* The services of the platform, in start order. */}}
{{- define "vigie.serviceNames" -}}
gateway identity ingestion ontology analytics audit
{{- end }}

{{/* Services that own a PostgreSQL schema. */}}
{{- define "vigie.databaseServices" -}}
identity ingestion ontology analytics audit
{{- end }}

{{/* Services that reach Keycloak. */}}
{{- define "vigie.keycloakServices" -}}
gateway identity
{{- end }}

{{- define "vigie.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vigie.fullname" -}}
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

{{/* <fullname>-<component>, truncated to 63 characters. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "vigie.componentName" -}}
{{- printf "%s-%s" (include "vigie.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vigie.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels selecting every pod of the release (the default-deny NetworkPolicy uses them). */}}
{{- define "vigie.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "vigie.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one component. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "vigie.selectorLabels" -}}
{{ include "vigie.releaseSelectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Full labels of one component. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "vigie.labels" -}}
helm.sh/chart: {{ include "vigie.chart" .root }}
{{ include "vigie.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: vigie
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The values of one service. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "vigie.serviceValues" -}}
{{- toYaml (index .root.Values.services .component) }}
{{- end }}

{{/*
Image reference of one service: <global.imageRegistry>/<repository>:<tag>[@<digest>].
The tag defaults to the chart's appVersion; "latest" is refused.
*/}}
{{- define "vigie.image" -}}
{{- $svc := index .root.Values.services .component }}
{{- $repository := default (printf "vigie/%s" .component) $svc.image.repository }}
{{- $tag := default .root.Chart.AppVersion (default .root.Values.image.tag $svc.image.tag) }}
{{- if eq $tag "latest" }}
{{- fail (printf "services.%s.image: the tag \"latest\" is not allowed; pin a version or a digest" .component) }}
{{- end }}
{{- $ref := printf "%s:%s" $repository $tag }}
{{- with .root.Values.global.imageRegistry }}
{{- $ref = printf "%s/%s" (trimSuffix "/" .) $ref }}
{{- end }}
{{- with $svc.image.digest }}
{{- $ref = printf "%s@%s" $ref . }}
{{- end }}
{{- $ref }}
{{- end }}

{{- define "vigie.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The restricted pod security context (Pod Security Standard "restricted"). */}}
{{- define "vigie.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext }}
{{- end }}

{{- define "vigie.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end }}

{{/* A secretKeyRef env entry. Call with (dict "name" "X" "secret" "s" "key" "k"). */}}
{{- define "vigie.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end }}

{{/*
Environment of one service process. Call with
(dict "root" $ "component" "identity" "natsUser" "identity" "databaseKey" "identity-url").
natsUser and databaseKey are optional (the service's own by default).
*/}}
{{- define "vigie.env" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $v := $root.Values }}
{{- $svc := index $v.services $c }}
{{- $natsUser := default $c .natsUser }}
- name: NODE_ENV
  value: production
- name: LOG_LEVEL
  value: {{ default $v.config.logLevel $svc.logLevel | quote }}
- name: HEALTH_PORT
  value: {{ $v.config.healthPort | quote }}
- name: REQUEST_TIMEOUT_MS
  value: {{ $v.config.requestTimeoutMs | quote }}
- name: SHUTDOWN_GRACE_MS
  value: {{ $v.config.shutdownGraceMs | quote }}
- name: STREAM_REPLICAS
  value: {{ $v.config.streamReplicas | quote }}
- name: NATS_URL
  value: {{ $v.nats.url | quote }}
- name: NATS_USER
  value: {{ index $v.nats.users $natsUser | quote }}
{{ include "vigie.secretEnv" (dict "name" "NATS_PASSWORD" "secret" $v.nats.existingSecret "key" (index $v.nats.secretKeys $natsUser)) }}
{{- with $v.nats.jetstreamMaxStorage }}
- name: NATS_JETSTREAM_MAX_STORAGE
  value: {{ . | quote }}
{{- end }}
{{- with $v.config.otelExporterOtlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "vigie-%s" $c | quote }}
{{- end }}
{{- if $v.config.extraCA.existingSecret }}
- name: NODE_EXTRA_CA_CERTS
  value: /etc/vigie/ca/{{ $v.config.extraCA.secretKey }}
{{- end }}
{{- if has $c (splitList " " (include "vigie.databaseServices" $root)) }}
{{- if and (eq $c "audit") (not .databaseKey) }}
{{- /* The running audit service connects only as the writer role (INSERT + SELECT); the owner URL is the migration Job's. */}}
{{ include "vigie.secretEnv" (dict "name" "AUDIT_WRITER_DATABASE_URL" "secret" $v.postgresql.existingSecret "key" (index $v.postgresql.secretKeys $c)) }}
{{- else }}
{{ include "vigie.secretEnv" (dict "name" "DATABASE_URL" "secret" $v.postgresql.existingSecret "key" (default (index $v.postgresql.secretKeys $c) .databaseKey)) }}
{{- end }}
- name: DATABASE_SCHEMA
  value: {{ index $v.postgresql.schemas $c | quote }}
- name: DATABASE_POOL_MAX
  value: {{ $v.postgresql.poolMax | quote }}
{{- end }}
{{- if has $c (splitList " " (include "vigie.keycloakServices" $root)) }}
- name: KEYCLOAK_URL
  value: {{ $v.keycloak.url | quote }}
{{- with $v.keycloak.issuerUrl }}
- name: KEYCLOAK_ISSUER_URL
  value: {{ . | quote }}
{{- end }}
{{- end }}
- name: AUTH_AUDIENCE
  value: {{ $v.auth.audience | quote }}
- name: AUTH_ALGORITHMS
  value: {{ $v.auth.algorithms | quote }}
- name: AUTH_CLOCK_SKEW_SECONDS
  value: {{ $v.auth.clockSkewSeconds | quote }}
{{- with index $v.auth.serviceClients.secretKeys $c }}
- name: SERVICE_CLIENT_ID
  value: {{ printf "vigie-%s" $c | quote }}
{{ include "vigie.secretEnv" (dict "name" "SERVICE_CLIENT_SECRET" "secret" $v.auth.serviceClients.existingSecret "key" .) }}
{{- end }}
{{- if eq $c "gateway" }}
- name: HTTP_PORT
  value: {{ $v.services.gateway.httpPort | quote }}
- name: CONSOLE_DIR
  value: {{ $v.gateway.console.dir | quote }}
- name: CONSOLE_CLIENT_ID
  value: {{ $v.gateway.console.clientId | quote }}
{{- with $v.gateway.console.keycloakUrl }}
- name: CONSOLE_KEYCLOAK_URL
  value: {{ . | quote }}
{{- end }}
{{- with $v.gateway.console.defaultRealm }}
- name: CONSOLE_DEFAULT_REALM
  value: {{ . | quote }}
{{- end }}
- name: INGEST_UPLOAD_SESSION_TTL
  value: {{ $v.gateway.ingest.uploadSessionTtl | quote }}
- name: INGEST_UPLOAD_COMPLETE_LEASE
  value: {{ $v.gateway.ingest.uploadCompleteLease | quote }}
{{- end }}
{{- if eq $c "identity" }}
- name: KEYCLOAK_ADMIN_CLIENT_ID
  value: {{ $v.keycloak.admin.clientId | quote }}
{{ include "vigie.secretEnv" (dict "name" "KEYCLOAK_ADMIN_CLIENT_SECRET" "secret" $v.keycloak.admin.existingSecret "key" $v.keycloak.admin.secretKey) }}
{{- if .realms }}
- name: REALMS_DIR
  value: {{ $v.identity.realmsDir | quote }}
- name: REALM_SECRETS_DIR
  value: {{ $v.identity.realmSecrets.mountPath | quote }}
{{- end }}
{{- end }}
{{- if eq $c "audit" }}
{{ include "vigie.secretEnv" (dict "name" "AUDIT_SIGNING_KEY" "secret" $v.audit.signingKey.existingSecret "key" $v.audit.signingKey.secretKey) }}
{{- with $v.audit.retiredPublicKeys }}
- name: AUDIT_RETIRED_PUBLIC_KEYS
  value: {{ . | quote }}
{{- end }}
- name: AUDIT_CHECKPOINT_EVERY
  value: {{ $v.audit.checkpointEvery | quote }}
- name: AUDIT_CHECKPOINT_SECONDS
  value: {{ $v.audit.checkpointSeconds | quote }}
- name: AUDIT_RETENTION_DAYS
  value: {{ $v.audit.retentionDays | quote }}
- name: AUDIT_ARCHIVE_DIR
  value: {{ $v.audit.archive.mountPath | quote }}
{{- end }}
{{- if eq $c "ontology" }}
{{- with $v.ontology.defaultTenants }}
- name: ONTOLOGY_DEFAULT_TENANTS
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if eq $c "ingestion" }}
- name: INGESTION_CONCURRENT_JOBS
  value: {{ $v.ingestion.concurrentJobs | quote }}
- name: INGESTION_SMALL_JOB_SLOTS
  value: {{ $v.ingestion.smallJobSlots | quote }}
- name: INGESTION_SMALL_JOB_MAX_BYTES
  value: {{ $v.ingestion.smallJobMaxBytes | int64 | quote }}
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Volumes every Vigie pod mounts: a writable /tmp (the root filesystem is read-only) and the extra CA. */}}
{{- define "vigie.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.config.tmpSizeLimit }}
{{- with .Values.config.extraCA.existingSecret }}
- name: extra-ca
  secret:
    secretName: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Volumes of one component beyond the common ones: audit's archive (emptyDir or a claim); identity's
realm files (ConfigMap) and realm secrets (Secret) only with "realms" true (the reconciler Job: the
running service never reads them). Call with (dict "root" $ "component" "audit" ["realms" true]).
*/}}
{{- define "vigie.componentVolumes" -}}
{{- $v := .root.Values }}
{{- if and (eq .component "identity") .realms }}
- name: realms
  configMap:
    name: {{ include "vigie.componentName" (dict "root" .root "component" "realms") | quote }}
- name: realm-secrets
  secret:
    secretName: {{ $v.identity.realmSecrets.existingSecret | quote }}
    defaultMode: 288 # 0440: readable by owner and the pod's fsGroup only (decimal, so no YAML reader misreads it)
{{- end }}
{{- if eq .component "audit" }}
- name: audit-archive
  {{- if $v.audit.archive.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ $v.audit.archive.existingClaim | quote }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ $v.audit.archive.sizeLimit }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "vigie.componentVolumeMounts" -}}
{{- $v := .root.Values }}
{{- if and (eq .component "identity") .realms }}
- name: realms
  mountPath: {{ $v.identity.realmsDir }}
  readOnly: true
- name: realm-secrets
  mountPath: {{ $v.identity.realmSecrets.mountPath }}
  readOnly: true
{{- end }}
{{- if eq .component "audit" }}
- name: audit-archive
  mountPath: {{ $v.audit.archive.mountPath }}
{{- end }}
{{- end }}

{{- define "vigie.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.config.extraCA.existingSecret }}
- name: extra-ca
  mountPath: /etc/vigie/ca
  readOnly: true
{{- end }}
{{- end }}

{{/* One NetworkPolicy peer from a selector block {namespaceSelector, podSelector}. */}}
{{- define "vigie.peer" -}}
- podSelector:
    {{- toYaml (default (dict) .podSelector) | nindent 4 }}
{{- with .namespaceSelector }}
  namespaceSelector:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end }}

{{/* NetworkPolicy ports from a list of port numbers. Call with (dict "ports" (list 53) "protocols" (list "UDP" "TCP")). */}}
{{- define "vigie.ports" -}}
{{- $protocols := default (list "TCP") .protocols }}
{{- range $port := .ports }}
{{- range $protocols }}
- protocol: {{ . }}
  port: {{ $port }}
{{- end }}
{{- end }}
{{- end }}

{{/* Selector of the PostgreSQL pods: the values, or the CloudNativePG cluster the chart renders. */}}
{{- define "vigie.postgresqlPeer" -}}
{{- $np := .Values.postgresql.networkPolicy }}
{{- if and .Values.cloudnativepg.enabled (not $np.podSelector) }}
{{- include "vigie.peer" (dict "podSelector" (dict "matchLabels" (dict "cnpg.io/cluster" (include "vigie.componentName" (dict "root" . "component" "db"))))) }}
{{- else }}
{{- include "vigie.peer" $np }}
{{- end }}
{{- end }}

{{/* Selector of the Keycloak pods: the values, or the Keycloak the operator runs for this release. */}}
{{- define "vigie.keycloakPeer" -}}
{{- $np := .Values.keycloak.networkPolicy }}
{{- if and .Values.keycloakOperator.enabled (not $np.podSelector) }}
{{- include "vigie.peer" (dict "podSelector" (dict "matchLabels" (dict "app" "keycloak" "app.kubernetes.io/instance" (include "vigie.componentName" (dict "root" . "component" "keycloak"))))) }}
{{- else }}
{{- include "vigie.peer" $np }}
{{- end }}
{{- end }}

{{/*
Egress rules of a workload. Call with (dict "root" $ "database" true "keycloak" false "extra" list).
Every rule names a peer inside the cluster: nothing leaves it unless extraEgress says so.
*/}}
{{- define "vigie.egressRules" -}}
{{- $v := .root.Values }}
{{- $np := $v.networkPolicy }}
- to:
    {{- include "vigie.peer" $np.dns | nindent 4 }}
  ports:
    {{- include "vigie.ports" (dict "ports" $np.dns.ports "protocols" (list "UDP" "TCP")) | nindent 4 }}
- to:
    {{- include "vigie.peer" $v.nats.networkPolicy | nindent 4 }}
  ports:
    {{- include "vigie.ports" (dict "ports" $v.nats.networkPolicy.ports) | nindent 4 }}
{{- if .database }}
- to:
    {{- include "vigie.postgresqlPeer" .root | nindent 4 }}
  ports:
    {{- include "vigie.ports" (dict "ports" $v.postgresql.networkPolicy.ports) | nindent 4 }}
{{- end }}
{{- if .keycloak }}
- to:
    {{- include "vigie.keycloakPeer" .root | nindent 4 }}
  ports:
    {{- include "vigie.ports" (dict "ports" $v.keycloak.networkPolicy.ports) | nindent 4 }}
{{- end }}
{{- if $v.config.otelExporterOtlpEndpoint }}
- to:
    {{- include "vigie.peer" $np.otelCollector | nindent 4 }}
  ports:
    {{- include "vigie.ports" (dict "ports" $np.otelCollector.ports) | nindent 4 }}
{{- end }}
{{- with $np.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end }}
