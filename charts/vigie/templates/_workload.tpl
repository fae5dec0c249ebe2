{{/*
The objects every service has: Deployment, Service, ServiceAccount, PodDisruptionBudget,
HorizontalPodAutoscaler, NetworkPolicy and (optionally) ServiceMonitor. templates/<service>/*.yaml
call these with (dict "root" $ "component" "<service>").
*/}}

{{- define "vigie.deployment" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $v := $root.Values }}
{{- $svc := index $v.services $c }}
{{- if $svc.enabled }}
{{- $probes := default $v.probes $svc.probes }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
spec:
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "vigie.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "vigie.labels" . | nindent 8 }}
      {{- with $svc.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "vigie.componentName" . }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- include "vigie.imagePullSecrets" $root | nindent 6 }}
      securityContext:
        {{- include "vigie.podSecurityContext" $root | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.config.terminationGracePeriodSeconds }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      {{- if $v.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $v.topologySpread.topologyKeys }}
        - maxSkew: {{ $v.topologySpread.maxSkew }}
          topologyKey: {{ . | quote }}
          whenUnsatisfiable: {{ $v.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "vigie.selectorLabels" (dict "root" $root "component" $c) | nindent 14 }}
        {{- end }}
      {{- end }}
      {{- with (default $v.nodeSelector $svc.nodeSelector) }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (default $v.tolerations $svc.tolerations) }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (default $v.affinity $svc.affinity) }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $c }}
          image: {{ include "vigie.image" . | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args:
            {{- toYaml $svc.args | nindent 12 }}
          ports:
            {{- if eq $c "gateway" }}
            - name: http
              containerPort: {{ $svc.httpPort }}
              protocol: TCP
            {{- end }}
            - name: health
              containerPort: {{ $v.config.healthPort }}
              protocol: TCP
          env:
            {{- include "vigie.env" . | nindent 12 }}
          {{- range $kind := list "startup" "liveness" "readiness" }}
          {{- $p := index $probes $kind }}
          {{ $kind }}Probe:
            httpGet:
              path: {{ $p.path }}
              port: health
            periodSeconds: {{ $p.periodSeconds }}
            timeoutSeconds: {{ $p.timeoutSeconds }}
            failureThreshold: {{ $p.failureThreshold }}
          {{- end }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            {{- include "vigie.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "vigie.volumeMounts" $root | nindent 12 }}
            {{- include "vigie.componentVolumeMounts" . | nindent 12 }}
      volumes:
        {{- include "vigie.volumes" $root | nindent 8 }}
        {{- include "vigie.componentVolumes" . | nindent 8 }}
{{- end }}
{{- end }}

{{- define "vigie.service" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $svc := index $root.Values.services $c }}
{{- if $svc.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "vigie.selectorLabels" . | nindent 4 }}
  ports:
    {{- if eq $c "gateway" }}
    - name: http
      port: {{ $svc.httpPort }}
      targetPort: http
      protocol: TCP
    {{- end }}
    - name: health
      port: {{ $root.Values.config.healthPort }}
      targetPort: health
      protocol: TCP
{{- end }}
{{- end }}

{{- define "vigie.serviceAccount" -}}
{{- $root := .root }}
{{- $svc := index $root.Values.services .component }}
{{- if $svc.enabled }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
automountServiceAccountToken: false
{{- end }}
{{- end }}

{{- define "vigie.pdb" -}}
{{- $root := .root }}
{{- $svc := index $root.Values.services .component }}
{{- if and $svc.enabled $svc.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
spec:
  {{- if ne (toString $svc.pdb.minAvailable) "<nil>" }}
  minAvailable: {{ $svc.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $svc.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "vigie.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{- define "vigie.hpa" -}}
{{- $root := .root }}
{{- $svc := index $root.Values.services .component }}
{{- if and $svc.enabled $svc.autoscaling.enabled }}
{{- $a := $svc.autoscaling }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "vigie.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: {{ $a.scaleDownStabilizationSeconds }}
{{- end }}
{{- end }}

{{- define "vigie.networkPolicy" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $v := $root.Values }}
{{- $svc := index $v.services $c }}
{{- if and $svc.enabled $v.networkPolicy.enabled }}
{{- $np := $v.networkPolicy }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "vigie.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- if eq $c "gateway" }}
    - from:
        {{- include "vigie.peer" $np.ingressController | nindent 8 }}
      ports:
        - protocol: TCP
          port: {{ $svc.httpPort }}
    {{- if $v.tests.enabled }}
    - from:
        - podSelector:
            matchLabels:
              {{- include "vigie.selectorLabels" (dict "root" $root "component" "test") | nindent 14 }}
      ports:
        - protocol: TCP
          port: {{ $svc.httpPort }}
    {{- end }}
    {{- end }}
    {{- if $v.metrics.serviceMonitor.enabled }}
    - from:
        {{- include "vigie.peer" $np.prometheus | nindent 8 }}
      ports:
        - protocol: TCP
          port: {{ $v.config.healthPort }}
    {{- end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with $svc.networkPolicy.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  egress:
    {{- $database := has $c (splitList " " (include "vigie.databaseServices" $root)) }}
    {{- $keycloak := has $c (splitList " " (include "vigie.keycloakServices" $root)) }}
    {{- include "vigie.egressRules" (dict "root" $root "database" $database "keycloak" $keycloak "extra" $svc.networkPolicy.extraEgress) | nindent 4 }}
{{- end }}
{{- end }}

{{- define "vigie.serviceMonitor" -}}
{{- $root := .root }}
{{- $svc := index $root.Values.services .component }}
{{- $sm := $root.Values.metrics.serviceMonitor }}
{{- if and $svc.enabled $sm.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "vigie.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "vigie.labels" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "vigie.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: health
      path: /metrics
      interval: {{ $sm.interval }}
      scrapeTimeout: {{ $sm.scrapeTimeout }}
{{- end }}
{{- end }}
