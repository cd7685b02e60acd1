{{/*
The rules for reconciling the tokens of the namespaces a role covers: the
ClusterRole in cluster mode, one Role per watched namespace in namespaced mode.
*/}}
{{- define "storefront-token.tokenRules" -}}
- apiGroups: ["sftoken.dev"]
  # The tokens themselves; patch only adds and removes the operator's finalizer.
  resources: ["storefronttokens"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["sftoken.dev"]
  # Ready, Issuing, Synced, current/previous/history.
  resources: ["storefronttokens/status"]
  verbs: ["get", "patch"]
- apiGroups: ["sftoken.dev"]
  # Owner references with blockOwnerDeletion need update on the owner's finalizers subresource.
  resources: ["storefronttokens/finalizers"]
  verbs: ["update"]
- apiGroups: ["sftoken.dev"]
  # Resolving a token's connection.
  resources: ["platformconnections"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["sftoken.dev"]
  # The sftoken.dev/in-use finalizer while tokens use a connection; the admission
  # policy refuses any other change, so the spec stays read-only.
  resources: ["platformconnections"]
  verbs: ["patch"]
- apiGroups: ["sftoken.dev"]
  # The Ready condition on connections; the spec stays read-only.
  resources: ["platformconnections/status"]
  verbs: ["get", "patch"]
- apiGroups: [""]
  # Destination and state Secrets (label-selected watch; writes narrowed to
  # labelled Secrets by the admission policy) and credentials Secrets (watched
  # by name; only the in-use finalizer may change).
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  # Issued, Rotated, Revoked, … on the token; patch folds a repeat into
  # the Event already written (count, lastTimestamp).
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["apps"]
  # spec.rolloutRestartTargets: each target is read by name (rollout status) and
  # restarted by patching its pod template's annotations; never listed or watched.
  resources: ["deployments", "statefulsets", "daemonsets"]
  verbs: ["get", "patch"]
- apiGroups: [""]
  # Whether a token's namespace is being deleted, asked only before a step
  # that would write into it (no reissue or republish into a dying namespace).
  resources: ["namespaces"]
  verbs: ["get"]
{{- end }}
