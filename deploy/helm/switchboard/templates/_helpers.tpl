{{- define "switchboard.labels" -}}
app.kubernetes.io/part-of: switchboard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* Labels that select one component's pods: (dict "root" $ "component" "gateway") */}}
{{- define "switchboard.selector" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "switchboard.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}

{{- define "switchboard.secretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-secrets" .Release.Name) }}
{{- end -}}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ .Values.serviceAccount.name | default .Release.Name }}
{{- else -}}
{{ .Values.serviceAccount.name | default "default" }}
{{- end -}}
{{- end -}}

{{/*
One value sets every grace period: each service stops within shutdownGraceSeconds of SIGTERM
(SHUTDOWN_GRACE_MS), and its pod gets that plus its preStop pause plus this margin before
SIGKILL, so a shutdown that runs out its grace still exits (status 1) before it is killed.
*/}}
{{- define "switchboard.killMarginSeconds" -}}10{{- end -}}

{{/* terminationGracePeriodSeconds of a pod: (dict "root" $ "preStopSeconds" N) */}}
{{- define "switchboard.terminationGracePeriodSeconds" -}}
{{ add .root.Values.shutdownGraceSeconds .preStopSeconds (include "switchboard.killMarginSeconds" .root) }}
{{- end -}}

{{/* Pod Security "restricted": the image runs as the node user (1000). */}}
{{- define "switchboard.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "switchboard.containerSecurityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities: { drop: [ALL] }
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{/* The root filesystem is read-only; /tmp is the one writable place. */}}
{{- define "switchboard.volumes" -}}
volumes:
  - { name: tmp, emptyDir: { sizeLimit: 64Mi } }
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "switchboard.volumeMounts" -}}
volumeMounts:
  - { name: tmp, mountPath: /tmp }
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "switchboard.extraEnv" -}}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "switchboard.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
Node selection for one pod: the component's own scheduling values over the chart-wide ones.
(dict "root" $ "component" "gateway" "values" .Values.gateway); Jobs pass no values.
*/}}
{{- define "switchboard.scheduling" -}}
{{- $own := dict -}}
{{- if .values }}{{ $own = .values.scheduling | default dict }}{{ end -}}
{{- $scheduling := merge (deepCopy $own) (deepCopy .root.Values.scheduling) -}}
{{- with $scheduling.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $scheduling.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $scheduling.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $scheduling.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .values }}
{{- $selector := include "switchboard.selector" . | fromYaml }}
topologySpreadConstraints:
{{- if .values.topologySpreadConstraints }}
{{- range .values.topologySpreadConstraints }}
  - {{ toYaml (merge (deepCopy .) (dict "labelSelector" (dict "matchLabels" $selector))) | nindent 4 | trim }}
{{- end }}
{{- else }}
  - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: {{ toJson $selector }} } }
  - { maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: {{ toJson $selector }} } }
{{- end }}
{{- end }}
{{- end -}}

{{/* Settings every service reads, for its ConfigMap. */}}
{{- define "switchboard.commonConfig" -}}
SWITCHBOARD_NAMESPACE: {{ .Values.namespace | quote }}
KAFKA_BROKERS: {{ .Values.kafkaBrokers | quote }}
LOG_LEVEL: {{ .Values.logLevel | quote }}
SHUTDOWN_GRACE_MS: {{ mul .Values.shutdownGraceSeconds 1000 | quote }}
{{- end -}}

{{/* A service's extra settings (its env value), after the chart's own. */}}
{{- define "switchboard.extraConfig" -}}
{{- range $name, $value := . }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/*
Restarts a Deployment's pods when its settings or the secrets it reads change.
(dict "root" $ "config" <rendered ConfigMap data> "secretKeys" (list "JWT_SECRET"))
A Secret that the chart does not manage is read from the cluster (empty under helm template).
*/}}
{{- define "switchboard.checksums" -}}
checksum/config: {{ .config | sha256sum }}
{{- if .secretKeys }}
{{- $root := .root }}
{{- $data := dict }}
{{- if $root.Values.secrets.existingSecret }}
{{- $data = (lookup "v1" "Secret" $root.Release.Namespace $root.Values.secrets.existingSecret | default dict).data | default dict }}
{{- else }}
{{- $data = dict "JWT_SECRET" $root.Values.secrets.jwtSecret "DATABASE_URL" $root.Values.secrets.databaseUrl }}
{{- end }}
{{- $used := dict }}
{{- range .secretKeys }}{{ $_ := set $used . (index $data . | default "") }}{{ end }}
checksum/secret: {{ $used | toJson | sha256sum }}
{{- end }}
{{- end -}}

{{/* Probes on the service's http port; the start-up probe gives slow starts (a long catch-up) 5 minutes. */}}
{{- define "switchboard.probes" -}}
startupProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 5, failureThreshold: 60 }
readinessProbe: { httpGet: { path: /readyz, port: http }, periodSeconds: 5, failureThreshold: 2 }
livenessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 10, failureThreshold: 6 }
{{- end -}}

{{/*
The router's rollout. Routers with different block sizes (ROUTER_PARTITIONS_PER_TRANSACTION)
cannot share the consumer group (the broker refuses the newcomer), so a change of block size
stops every router before the new ones start (Recreate); any other change rolls. "auto" reads
the block size of the running Deployment (empty under helm template, where nothing rolls).
*/}}
{{- define "switchboard.routerStrategy" -}}
{{- $mode := .Values.router.updateStrategy -}}
{{- if eq $mode "auto" -}}
{{- $previous := "" -}}
{{- $running := lookup "apps/v1" "Deployment" .Release.Namespace (printf "%s-router" .Release.Name) -}}
{{- if $running -}}
{{- $previous = index ($running.metadata.annotations | default dict) "switchboard.io/partitions-per-transaction" | default "" -}}
{{- if not $previous -}}
{{- $previous = "12" -}}
{{- range $running.spec.template.spec.containers -}}
{{- range .env | default list -}}
{{- if eq .name "ROUTER_PARTITIONS_PER_TRANSACTION" }}{{ $previous = .value | default "12" }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $previous (ne (toString $previous) (toString .Values.router.partitionsPerTransaction)) -}}
Recreate
{{- else -}}
RollingUpdate
{{- end -}}
{{- else -}}
{{ $mode }}
{{- end -}}
{{- end -}}
