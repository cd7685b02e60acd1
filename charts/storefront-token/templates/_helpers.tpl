{{/* The chart name, overridable. */}}
{{- define "storefront-token.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release-qualified name: the release name alone when it already names the chart. */}}
{{- define "storefront-token.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "storefront-token.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The operator's name: Deployment, ClusterRole, Service prefix (storefront-token-operator for the default release). */}}
{{- define "storefront-token.operatorName" -}}
{{- printf "%s-operator" (include "storefront-token.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The operator's ServiceAccount. */}}
{{- define "storefront-token.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "storefront-token.operatorName" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/* The API server's user name for the operator's ServiceAccount: what the admission policies match. */}}
{{- define "storefront-token.serviceAccountUser" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "storefront-token.serviceAccountName" .) }}
{{- end }}

{{/* The leader-election Lease, in the release namespace. */}}
{{- define "storefront-token.leaseName" -}}
{{- .Values.leaderElection.leaseName | default (include "storefront-token.operatorName" .) }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "storefront-token.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "storefront-token.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storefront-token
{{- end }}

{{/* Labels that select the operator's Pods (immutable once installed). */}}
{{- define "storefront-token.selectorLabels" -}}
app.kubernetes.io/name: {{ include "storefront-token.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The image reference: repository, then @digest or :tag (default appVersion). */}}
{{- define "storefront-token.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Whether the operator watches ClusterPlatformConnections ("true" or ""):
clusterConnections, or when it is unset, on in cluster mode and off in
namespaced mode (so a namespaced operator lists and watches nothing
cluster-wide and needs no ClusterRole at all).
*/}}
{{- define "storefront-token.clusterConnections" -}}
{{- if kindIs "invalid" .Values.clusterConnections }}
{{- if not .Values.watchNamespaces }}true{{ end }}
{{- else if .Values.clusterConnections }}true
{{- end }}
{{- end }}

{{/* Refuses values the operator cannot honour. */}}
{{- define "storefront-token.validate" -}}
{{- if and (not .Values.leaderElection.enabled) (gt (int .Values.replicas) 1) }}
{{- fail "leaderElection.enabled=false needs replicas=1: without a Lease every replica would reconcile every token" }}
{{- end }}
{{- if lt (int .Values.replicas) 1 }}
{{- fail "replicas must be at least 1" }}
{{- end }}
{{- if ne (len .Values.watchNamespaces) (len (uniq .Values.watchNamespaces)) }}
{{- fail "watchNamespaces lists a namespace twice" }}
{{- end }}
{{- range .Values.watchNamespaces }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" .) }}
{{- fail (printf "watchNamespaces: %q is not a namespace name" .) }}
{{- end }}
{{- end }}
{{- if not (has .Values.logLevel (list "debug" "info" "warn" "error")) }}
{{- fail (printf "logLevel must be debug, info, warn or error, not %q" .Values.logLevel) }}
{{- end }}
{{- end }}
