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
