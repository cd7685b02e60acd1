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

{{/* The Lease name (one per watched namespace in namespaced mode gets a suffix). */}}
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
The operator instances as JSON {"items": [...]}: one for every namespace in
cluster mode, or one per watched namespace, because the operator takes a
single --watch-namespace. Each has its Deployment name, Lease and namespace.
*/}}
{{- define "storefront-token.instances" -}}
{{- $op := include "storefront-token.operatorName" . }}
{{- $lease := include "storefront-token.leaseName" . }}
{{- $items := list }}
{{- if .Values.watchNamespaces }}
{{- if ne (len .Values.watchNamespaces) (len (uniq .Values.watchNamespaces)) }}
{{- fail "watchNamespaces lists a namespace twice" }}
{{- end }}
{{- range .Values.watchNamespaces }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" .) }}
{{- fail (printf "watchNamespaces: %q is not a namespace name" .) }}
{{- end }}
{{- $items = append $items (dict "name" (printf "%s-%s" $op . | trunc 63 | trimSuffix "-") "lease" (printf "%s-%s" $lease . | trunc 63 | trimSuffix "-") "watch" .) }}
{{- end }}
{{- else }}
{{- $items = append $items (dict "name" $op "lease" $lease "watch" "") }}
{{- end }}
{{- dict "items" $items | toJson }}
{{- end }}

{{/* Refuses values the operator cannot honour. */}}
{{- define "storefront-token.validate" -}}
{{- if and (not .Values.leaderElection.enabled) (gt (int .Values.replicas) 1) }}
{{- fail "leaderElection.enabled=false needs replicas=1: without a Lease every replica would reconcile every token" }}
{{- end }}
{{- if lt (int .Values.replicas) 1 }}
{{- fail "replicas must be at least 1" }}
{{- end }}
{{- if not (has .Values.logLevel (list "debug" "info" "warn" "error")) }}
{{- fail (printf "logLevel must be debug, info, warn or error, not %q" .Values.logLevel) }}
{{- end }}
{{- end }}
