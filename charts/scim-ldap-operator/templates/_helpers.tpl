{{- define "scim-ldap-operator.fullname" -}}
{{- printf "%s" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "scim-ldap-operator.serviceAccountName" -}}
{{- default (include "scim-ldap-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "scim-ldap-operator.labels" -}}
app.kubernetes.io/name: scim-ldap-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "scim-ldap-operator.selector" -}}
app.kubernetes.io/name: scim-ldap-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "scim-ldap-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
