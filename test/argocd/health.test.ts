import { describe, expect, it } from 'vitest';
import { Reason } from '../../controller/core/reconcile/conditions.ts';
import { connectorStatus, type Observations } from '../../controller/core/reconcile/status.ts';
import { argoCdHealth } from '../support/argocd.ts';

// Statuses exactly as the operator writes them (its own status function), judged by the Lua Argo CD runs.
const now = new Date('2026-06-01T00:00:00Z');
const certificate = {
  notBefore: '2026-05-01T00:00:00.000Z',
  notAfter: '2026-08-01T00:00:00.000Z',
  renewalTime: '2026-07-01T08:00:00.000Z',
  dnsNames: ['contoso-scim'],
  fingerprint: 'AA',
  userSupplied: false,
};
const healthy: Observations = {
  generation: 2,
  configProblem: null,
  directory: {
    ok: true,
    info: { namingContexts: ['dc=contoso,dc=lab'], supportedControls: [], supportedSASLMechanisms: [] },
    provisioned: { users: 3, groups: 1 },
  },
  listenerAvailable: true,
  certificate,
};
const connector = (obs: Observations | null, generation = 2) => ({
  apiVersion: 'scim-ldap.io/v1alpha1',
  kind: 'LdapConnector',
  metadata: { name: 'contoso', generation },
  ...(obs ? { status: connectorStatus(undefined, obs, now) } : {}),
});

/** Two replicas wanted, one updated: the old ones still serve. */
const rolling = { generation: 3, observedGeneration: 3, desired: 2, replicas: 3, updated: 1, available: 2 };

describe('Argo CD health of an LdapConnector', () => {
  it.each([
    {
      state: 'not yet reconciled',
      obj: connector(null),
      status: 'Progressing',
      message: /Waiting for the operator/,
    },
    {
      state: 'a newer generation than the status',
      obj: connector(healthy, 3),
      status: 'Progressing',
      message: /Waiting/,
    },
    {
      state: 'every condition True',
      obj: connector(healthy),
      status: 'Healthy',
      message: /^the SCIM endpoint is serving$/,
    },
    {
      state: 'a mapping that does not load',
      obj: connector({
        ...healthy,
        configProblem: {
          reason: Reason.InvalidMapping,
          message: 'AttributeMapping/users spec.mappings[2].source: unknown function',
        },
      }),
      status: 'Degraded',
      message: /^MappingValid: AttributeMapping\/users spec\.mappings\[2\]\.source/,
    },
    {
      state: 'an expired certificate',
      obj: connector({
        ...healthy,
        certificate: { ...certificate, notAfter: '2026-05-31T00:00:00.000Z', userSupplied: true },
      }),
      status: 'Degraded',
      message: /^CertificateReady: the certificate expired at 2026-05-31/,
    },
    {
      state: 'a directory that is down (it may come back)',
      obj: connector({
        ...healthy,
        directory: { ok: false, reason: Reason.Unreachable, message: 'connect ECONNREFUSED' },
      }),
      status: 'Progressing',
      message: /^not ready: DirectoryReachable$/,
    },
    {
      state: 'a Secret not created yet',
      obj: connector({
        ...healthy,
        configProblem: { reason: Reason.MissingSecret, message: 'Secret bind not found' },
      }),
      status: 'Progressing',
      message: /^not ready: MappingValid$/,
    },
    {
      state: 'a rollout under way while the old replicas serve',
      obj: connector({
        ...healthy,
        listenerRollout: rolling,
      }),
      status: 'Progressing',
      message: /^Reconciling: 1 of 2 listener replicas updated$/,
    },
    {
      state: 'a rollout past its deadline while the old replicas serve',
      obj: connector({
        ...healthy,
        listenerRollout: { ...rolling, deadlineExceeded: true },
      }),
      status: 'Degraded',
      message: /^Stalled: the listener Deployment made no progress within its deadline$/,
    },
    {
      state: 'a listener still starting',
      obj: connector({ ...healthy, listenerAvailable: false }),
      status: 'Progressing',
      message: /ListenerAvailable/,
    },
  ])('is $status for $state', async ({ obj, status, message }) => {
    const health = await argoCdHealth('LdapConnector', obj);
    expect(health.status).toBe(status);
    expect(health.message).toMatch(message);
  });
});

describe('Argo CD health of an AttributeMapping', () => {
  const WAITING = 'Waiting for the operator to reconcile this generation';
  const LOADS = { status: 'True', reason: 'Valid', message: 'the mapping loads' };
  const INVALID = {
    status: 'False',
    reason: 'InvalidMapping',
    message: 'spec.mappings[0].target: unknown attribute “uidNumber2”',
  };
  const NO_CONNECTOR = { status: 'False', reason: 'NoConnector', message: 'no LdapConnector named contoso' };
  const mapping = (valid: { status: string; reason: string; message: string } | null, generation = 1) => ({
    metadata: { name: 'users', generation },
    ...(valid
      ? {
          status: {
            observedGeneration: 1,
            conditions: [{ type: 'Valid', ...valid, lastTransitionTime: now.toISOString() }],
            mappings: 4,
          },
        }
      : {}),
  });
  it.each([
    { state: 'not yet reconciled', obj: mapping(null), status: 'Progressing', message: WAITING },
    { state: 'loading', obj: mapping(LOADS), status: 'Healthy', message: LOADS.message },
    { state: 'a newer generation', obj: mapping(LOADS, 2), status: 'Progressing', message: WAITING },
    { state: 'not loading', obj: mapping(INVALID), status: 'Degraded', message: INVALID.message },
    {
      state: 'no connector yet',
      obj: mapping(NO_CONNECTOR),
      status: 'Progressing',
      message: NO_CONNECTOR.message,
    },
  ])('is $status when $state', async ({ obj, status, message }) => {
    expect(await argoCdHealth('AttributeMapping', obj)).toEqual({ status, message });
  });
});
