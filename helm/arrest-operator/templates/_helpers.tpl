{{/* Chart name, truncated to 63 characters. */}}
{{- define "arrest-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "arrest-operator.fullname" -}}
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

{{- define "arrest-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "arrest-operator.labels" -}}
helm.sh/chart: {{ include "arrest-operator.chart" . }}
{{ include "arrest-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: arrest
{{- end }}

{{/* Labels selecting the operator pods. */}}
{{- define "arrest-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arrest-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "arrest-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "arrest-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag or repository@digest; the tag defaults to the appVersion. */}}
{{- define "arrest-operator.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}
{{- end }}

{{- define "arrest-operator.operatorImage" -}}
{{- include "arrest-operator.image" (dict "image" .Values.image "appVersion" .Chart.AppVersion) }}
{{- end }}

{{- define "arrest-operator.trainerImage" -}}
{{- include "arrest-operator.image" (dict "image" .Values.trainer.image "appVersion" .Chart.AppVersion) }}
{{- end }}

{{- define "arrest-operator.exampleNamespace" -}}
{{- default .Release.Namespace .Values.example.namespace }}
{{- end }}

{{/*
Checks across values that the JSON schema cannot express; each failure says what to change.
*/}}
{{- define "arrest-operator.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled=true: replicas without leader election would all run the same trainings" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled .Values.metrics.podMonitor.enabled }}
{{- fail "enable at most one of metrics.serviceMonitor and metrics.podMonitor: both would scrape the operator twice" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled=true (a ServiceMonitor selects the metrics Service)" }}
{{- end }}
{{- if eq (int .Values.metrics.port) (int .Values.healthPort) }}
{{- fail "metrics.port and healthPort must differ" }}
{{- end }}
{{- if and .Values.example.enabled .Values.watchNamespaces }}
{{- if not (has (include "arrest-operator.exampleNamespace" .) .Values.watchNamespaces) }}
{{- fail (printf "example.namespace %q is not watched: add it to watchNamespaces %v or choose one of them" (include "arrest-operator.exampleNamespace" .) .Values.watchNamespaces) }}
{{- end }}
{{- end }}
{{- range .Values.policy.allowedImages }}
{{- if and (hasPrefix "sha256:" .) (not (regexMatch "^sha256:[a-f0-9]{64}$" .)) }}
{{- fail (printf "policy.allowedImages: %q is not a digest: sha256: followed by 64 lower-case hex digits" .) }}
{{- end }}
{{- end }}
{{- end }}
