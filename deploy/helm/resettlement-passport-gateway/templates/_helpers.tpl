{{/* Names and labels, after `helm create`: one place, so every selector matches every label. */}}

{{- define "gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gateway.fullname" -}}
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

{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: resettlement-passport
{{- end }}

{{- define "gateway.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The plain settings as a YAML map: the ConfigMap's data, and the migration job's env before it exists. */}}
{{- define "gateway.configData" -}}
HOST: "0.0.0.0"
PORT: {{ .Values.containerPort | quote }}
SHUTDOWN_GRACE_SECONDS: {{ .Values.shutdown.appGraceSeconds | quote }}
GIT_REF: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
{{- range $name, $value := .Values.config }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Secrets, one secretKeyRef per setting, from the Secret created outside the chart. */}}
{{- define "gateway.secretEnv" -}}
{{- range .Values.secret.keys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.secret.existingSecret }}
      key: {{ . }}
{{- end }}
{{- end }}

{{/* The image runs as uid 2000 (deploy/Dockerfile); nothing extra is granted. */}}
{{- define "gateway.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 2000
runAsGroup: 2000
fsGroup: 2000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "gateway.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Pods wanted at the least: the PDB is pointless (and blocks drains) below two. */}}
{{- define "gateway.minPods" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/* "true" when the app serves /metrics (METRICS_ENABLED defaults to true in the app too). */}}
{{- define "gateway.metricsEnabled" -}}
{{- if hasKey .Values.config "METRICS_ENABLED" }}{{ index .Values.config "METRICS_ENABLED" | toString | lower }}{{ else }}true{{ end }}
{{- end }}
