import { describe, expect, it } from 'vitest';
import { connector } from '../../config/resources.fixtures.ts';
import type { LdapConnector } from '../../config/types.ts';
import { validateResource } from '../../config/validate.ts';
import { type KubeObject, renderChildren } from './children.ts';

type Port = { name: string; containerPort?: number; port?: number; targetPort?: string };

function listenerChildren(scimPort: number) {
  const resource = validateResource(
    connector({ scim: { tokenSecretRef: { name: 'token' }, port: scimPort } }),
  );
  const [, deployment, service] = renderChildren(resource as LdapConnector, [], 'image') as [
    KubeObject,
    KubeObject,
    KubeObject,
  ];
  const container = (
    deployment['spec'] as { template: { spec: { containers: { args: string[]; ports: Port[] }[] } } }
  ).template.spec.containers[0];
  return { container, servicePorts: (service['spec'] as { ports: Port[] }).ports };
}

describe('the listener Deployment and Service', () => {
  it.each([
    { reason: 'the default SCIM port', scim: 8585, metrics: 9090 },
    { reason: 'a SCIM port on the metrics port, which moves aside', scim: 9090, metrics: 9091 },
  ])('serve metrics on a port of their own, named metrics, with $reason', ({ scim, metrics }) => {
    const { container, servicePorts } = listenerChildren(scim);
    expect(container?.args.slice(-4)).toEqual(['--port', String(scim), '--metrics-port', String(metrics)]);
    expect(container?.ports).toEqual([
      { name: 'scim', containerPort: scim, protocol: 'TCP' },
      { name: 'metrics', containerPort: metrics, protocol: 'TCP' },
    ]);
    expect(servicePorts).toEqual([
      { name: 'scim', port: scim, targetPort: 'scim', protocol: 'TCP' },
      { name: 'metrics', port: metrics, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });
});

function rendered(scim: Record<string, unknown> = {}) {
  const resource = validateResource(
    connector({ scim: { tokenSecretRef: { name: 'token' }, ...scim } }),
  ) as LdapConnector;
  const children = renderChildren(resource, [], 'image');
  const of = (kind: string) => children.find((c) => c.kind === kind) as KubeObject;
  return { children, of };
}

describe('the listener children', () => {
  it.each([
    { reason: 'two by default', scim: {}, replicas: 2 },
    { reason: 'as many as spec.scim.replicas says', scim: { replicas: 3 }, replicas: 3 },
  ])(
    'run $reason replicas, preferring different nodes, under a budget of one disruption',
    ({ scim, replicas }) => {
      const { of } = rendered(scim);
      const spec = of('Deployment')['spec'] as {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: { spec: { affinity: { podAntiAffinity: Record<string, unknown> } } };
      };
      expect(spec.replicas).toBe(replicas);
      expect(Object.keys(spec.template.spec.affinity.podAntiAffinity)).toEqual([
        'preferredDuringSchedulingIgnoredDuringExecution',
      ]);
      expect(of('PodDisruptionBudget')['spec']).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: spec.selector.matchLabels },
      });
    },
  );

  it.each([
    { reason: 'the one the operator generates', tls: {}, secret: 'ldap-scim-tls' },
    { reason: "the user's own", tls: { secretName: 'corporate-tls' }, secret: 'corporate-tls' },
  ])('give the listener the mounted serving certificate: $reason', ({ tls, secret }) => {
    const { of } = rendered({ tls });
    const data = of('ConfigMap')['data'] as Record<string, string>;
    expect(data['connector.yaml']).toContain(`secretName: ${secret}`);
  });
});
