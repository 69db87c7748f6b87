{{- define "gantry.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gantry.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gantry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "gantry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component (api, worker, migrate): (dict "root" $ "component" "api") */}}
{{- define "gantry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gantry.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "gantry.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The chart's own Secret: URLs, admin token, accounts and pipeline secrets given as values. */}}
{{- define "gantry.secretName" -}}
{{- include "gantry.fullname" . -}}
{{- end -}}

{{- define "gantry.redisEnabled" -}}
{{- if or .Values.redis.existingSecret .Values.redis.url -}}true{{- end -}}
{{- end -}}

{{- define "gantry.accountsEnabled" -}}
{{- if or .Values.accounts.existingSecret .Values.accounts.content -}}true{{- end -}}
{{- end -}}

{{/* DATABASE_URL, from the operator's Secret or the chart's. */}}
{{- define "gantry.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .Values.postgresql.existingSecret }}
      name: {{ .Values.postgresql.existingSecret }}
      key: {{ .Values.postgresql.existingSecretKey }}
      {{- else }}
      name: {{ include "gantry.secretName" . }}
      key: DATABASE_URL
      {{- end }}
{{- end -}}

{{/* The environment every Gantry process (API and workers) runs with. */}}
{{- define "gantry.env" -}}
{{ include "gantry.databaseEnv" . }}
{{- if include "gantry.redisEnabled" . }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      {{- if .Values.redis.existingSecret }}
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
      {{- else }}
      name: {{ include "gantry.secretName" . }}
      key: REDIS_URL
      {{- end }}
{{- end }}
- name: GANTRY_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      {{- if .Values.adminToken.existingSecret }}
      name: {{ .Values.adminToken.existingSecret }}
      key: {{ .Values.adminToken.existingSecretKey }}
      {{- else }}
      name: {{ include "gantry.secretName" . }}
      key: GANTRY_ADMIN_TOKEN
      {{- end }}
{{- if .Values.secrets }}
- name: GANTRY_SECRETS
  valueFrom:
    secretKeyRef:
      name: {{ include "gantry.secretName" . }}
      key: GANTRY_SECRETS
{{- end }}
{{- /* Pods are reached through their IP (Service, probes): every interface, which Gantry allows only with authentication on. */}}
- name: HOST
  value: "0.0.0.0"
- name: GANTRY_AUTH
  value: "on"
{{- if include "gantry.accountsEnabled" . }}
- name: GANTRY_ACCOUNTS_FILE
  value: /etc/gantry/accounts/accounts.yaml
{{- end }}
{{- if .Values.config }}
- name: GANTRY_CONFIG_FILE
  value: /etc/gantry/config/config.yaml
{{- end }}
{{- with .Values.drift }}
{{- if not (kindIs "invalid" .intervalSec) }}
- name: GANTRY_DRIFT_INTERVAL_SEC
  value: {{ .intervalSec | toString | quote }}
{{- end }}
{{- with .watches }}
- name: GANTRY_DRIFT_WATCHES
  value: {{ toJson . | quote }}
{{- end }}
{{- with .notifications }}
- name: GANTRY_DRIFT_NOTIFICATIONS
  value: {{ toJson . | quote }}
{{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "gantry.envFrom" -}}
{{- if or .Values.secretsExistingSecret .Values.extraEnvFrom }}
envFrom:
  {{- if .Values.secretsExistingSecret }}
  - secretRef:
      name: {{ .Values.secretsExistingSecret }}
  {{- end }}
  {{- with .Values.extraEnvFrom }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "gantry.volumeMounts" -}}
volumeMounts:
  # GANTRY_DATA_DIR (/data): the local provider's files; nothing durable, as PostgreSQL is external.
  - name: data
    mountPath: /data
  {{- if include "gantry.accountsEnabled" . }}
  - name: accounts
    mountPath: /etc/gantry/accounts
    readOnly: true
  {{- end }}
  {{- if .Values.config }}
  - name: config
    mountPath: /etc/gantry/config
    readOnly: true
  {{- end }}
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "gantry.volumes" -}}
volumes:
  - name: data
    emptyDir: {}
  {{- if include "gantry.accountsEnabled" . }}
  - name: accounts
    secret:
      {{- if .Values.accounts.existingSecret }}
      secretName: {{ .Values.accounts.existingSecret }}
      items:
        - key: {{ .Values.accounts.existingSecretKey }}
          path: accounts.yaml
      {{- else }}
      secretName: {{ include "gantry.secretName" . }}
      items:
        - key: accounts.yaml
          path: accounts.yaml
      {{- end }}
  {{- end }}
  {{- if .Values.config }}
  - name: config
    configMap:
      name: {{ include "gantry.fullname" . }}
  {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Pod annotations: the scrape target, and checksums so a changed Secret or ConfigMap rolls the pods. */}}
{{- define "gantry.podAnnotations" -}}
{{- $root := .root -}}
{{- if $root.Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}
