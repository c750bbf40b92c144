{{- define "switchboard.labels" -}}
app.kubernetes.io/part-of: switchboard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "switchboard.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{- define "switchboard.secretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-secrets" .Release.Name) }}
{{- end -}}

{{- define "switchboard.podSecurity" -}}
securityContext: { runAsNonRoot: true, runAsUser: 1000 }
{{- end -}}

{{- define "switchboard.containerSecurity" -}}
securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
{{- end -}}

{{- define "switchboard.commonEnv" -}}
- { name: SWITCHBOARD_NAMESPACE, value: {{ .Values.namespace | quote }} }
- { name: KAFKA_BROKERS, value: {{ .Values.kafkaBrokers | quote }} }
- { name: LOG_LEVEL, value: {{ .Values.logLevel | quote }} }
{{- end -}}

{{- define "switchboard.probes" -}}
readinessProbe: { httpGet: { path: /readyz, port: http }, periodSeconds: 5, failureThreshold: 2 }
livenessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 10, failureThreshold: 6 }
{{- end -}}
