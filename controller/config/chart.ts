import { dump } from 'js-yaml';
import { crdFiles } from './crd.ts';

const CHART = 'charts/scim-ldap-operator';

const resources = { type: 'object', description: 'Kubernetes resource requests and limits.' } as const;
const labels = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** The chart's values, as a JSON Schema: `helm install` refuses values that do not fit. */
export const chartValuesSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    image: {
      type: 'object',
      additionalProperties: false,
      properties: {
        repository: { type: 'string', minLength: 1 },
        tag: { type: 'string', description: "Default: the chart's appVersion." },
        pullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
      },
    },
    replicaCount: { type: 'integer', minimum: 1 },
    namespaced: {
      type: 'boolean',
      description: 'Watch only the release namespace (a Role instead of a ClusterRole).',
    },
    crds: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, keep: { type: 'boolean' } },
    },
    serviceAccount: {
      type: 'object',
      additionalProperties: false,
      properties: { create: { type: 'boolean' }, name: { type: 'string' }, annotations: { type: 'object' } },
    },
    resyncSeconds: { type: 'integer', minimum: 5 },
    certificateDays: { type: 'number', exclusiveMinimum: 0 },
    resources,
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        serviceMonitor: {
          type: 'object',
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, interval: { type: 'string' }, labels },
        },
        prometheusRule: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            labels,
            runbookBaseUrl: { type: 'string', minLength: 1 },
          },
        },
        dashboard: {
          type: 'object',
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' } },
        },
      },
    },
    podDisruptionBudget: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, minAvailable: { type: ['integer', 'string'] } },
    },
    podAnnotations: { type: 'object' },
    nodeSelector: { type: 'object' },
    tolerations: { type: 'array' },
    affinity: { type: 'object' },
  },
} as const;

const KEEP = `  {{- if .Values.crds.keep }}
  annotations:
    helm.sh/resource-policy: keep
  {{- end }}
`;

/** The Argo CD health checks, by kind, as the argo-cd chart's values for argocd-cm. */
export function argoCdValues(healthScripts: Record<string, string>): string {
  const cm: Record<string, string> = {};
  for (const [kind, script] of Object.entries(healthScripts))
    cm[`resource.customizations.health.scim-ldap.io_${kind}`] = script;
  return `# Generated from the .lua files beside it: merge into the argo-cd chart's values.\n${dump({ configs: { cm } }, { lineWidth: -1 })}`;
}

/**
 * The chart's generated files: the CRDs as templates (behind crds.enabled), values.schema.json, and the Argo CD
 * health checks as argo-cd chart values.
 */
export function chartFiles(healthScripts: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, content] of Object.entries(crdFiles())) {
    const [header, ...rest] = content.split('\n');
    const body = rest.join('\n').replace(/^(metadata:\n {2}name: [^\n]+\n)/m, `$1${KEEP}`);
    files[`${CHART}/templates/crds/${path.split('/').pop()}`] =
      `${header}\n{{- if .Values.crds.enabled }}\n${body}{{- end }}\n`;
  }
  files[`${CHART}/argocd/argo-cd-values.yaml`] = argoCdValues(healthScripts);
  files[`${CHART}/values.schema.json`] = `${JSON.stringify(chartValuesSchema, null, 2)}\n`;
  return files;
}
