import { describe, expect, it } from 'vitest';
import { Reason } from './conditions.ts';
import {
  certificateAction,
  connectorEvents,
  connectorStatus,
  type Observations,
  renewalTime,
} from './status.ts';

const now = new Date('2026-06-01T00:00:00Z');
const certificate = {
  notBefore: '2026-05-01T00:00:00.000Z',
  notAfter: '2026-08-01T00:00:00.000Z',
  renewalTime: '2026-07-01T08:00:00.000Z',
  dnsNames: ['ldap-scim'],
  fingerprint: 'AA',
};
const healthy: Observations = {
  generation: 3,
  configProblem: null,
  directory: {
    ok: true,
    info: { namingContexts: ['dc=x'], supportedControls: [], supportedSASLMechanisms: [] },
    provisioned: { users: 5, groups: 2 },
  },
  listenerAvailable: true,
  certificate: { ...certificate, userSupplied: false },
};
const summary = (obs: Observations) =>
  Object.fromEntries(
    connectorStatus(undefined, obs, now).conditions.map((c) => [c.type, `${c.status}/${c.reason}`]),
  );

describe('connectorStatus', () => {
  it('is Ready when every condition holds', () => {
    expect(summary(healthy)).toEqual({
      CertificateReady: 'True/Issued',
      DirectoryReachable: 'True/BindSucceeded',
      ListenerAvailable: 'True/Available',
      MappingValid: 'True/Valid',
      Ready: 'True/Ready',
      Reconciling: 'False/Reconciled',
      Stalled: 'False/NotStalled',
    });
    expect(connectorStatus(undefined, healthy, now)).toMatchObject({
      observedGeneration: 3,
      provisioning: { users: 5, groups: 2 },
      directory: { state: 'Reachable' },
    });
  });

  it.each([
    {
      reason: 'an invalid mapping',
      obs: { ...healthy, configProblem: { reason: Reason.InvalidMapping, message: 'bad' } },
      type: 'MappingValid',
      expected: 'False/InvalidMapping',
    },
    {
      reason: 'a refused bind',
      obs: { ...healthy, directory: { ok: false as const, reason: Reason.BindFailed, message: 'no' } },
      type: 'DirectoryReachable',
      expected: 'False/BindFailed',
    },
    {
      reason: 'an expired certificate',
      obs: {
        ...healthy,
        certificate: { ...certificate, notAfter: '2026-05-31T00:00:00.000Z', userSupplied: false },
      },
      type: 'CertificateReady',
      expected: 'False/Expired',
    },
    {
      reason: "a user's certificate expiring within a week",
      obs: {
        ...healthy,
        certificate: { ...certificate, notAfter: '2026-06-05T00:00:00.000Z', userSupplied: true },
      },
      type: 'CertificateReady',
      expected: 'True/ExpiringSoon',
    },
  ])('reports $reason and is not Ready unless that condition is True', ({ obs, type, expected }) => {
    const conditions = summary(obs as Observations);
    expect(conditions[type]).toBe(expected);
    expect(conditions['Ready']).toBe(expected.startsWith('True') ? 'True/Ready' : 'False/NotReady');
  });

  it('keeps the last directory facts and counts while the directory is unreachable', () => {
    const before = connectorStatus(undefined, healthy, now);
    const after = connectorStatus(
      before,
      { ...healthy, directory: { ok: false, reason: Reason.Unreachable, message: 'down' } },
      now,
    );
    expect(after.directory).toEqual({ ...before.directory, state: 'Unreachable' });
    expect(after.provisioning).toEqual({ users: 5, groups: 2 });
  });
});

describe('certificate renewal', () => {
  it('renews two thirds into the lifetime', () => {
    expect(
      renewalTime(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-04T00:00:00Z')).toISOString(),
    ).toBe('2026-01-03T00:00:00.000Z');
    expect(certificateAction(undefined, now)).toBe('issue');
    expect(certificateAction(certificate, now)).toBe('keep');
    expect(certificateAction(certificate, new Date('2026-07-02T00:00:00Z'))).toBe('renew');
  });
});

describe('connectorEvents', () => {
  const first = connectorStatus(undefined, healthy, now);
  it('records the first setup and an issued certificate', () => {
    expect(connectorEvents(undefined, first, true).map((e) => e.reason)).toEqual(['Created', 'Issued']);
  });
  it('records a directory lost, as a warning, and found again', () => {
    const lost = connectorStatus(
      first,
      { ...healthy, directory: { ok: false, reason: Reason.Unreachable, message: 'cannot reach ldap://x' } },
      now,
    );
    expect(connectorEvents(first, lost, false)).toEqual([
      { type: 'Warning', reason: 'DirectoryUnreachable', message: 'cannot reach ldap://x' },
    ]);
    expect(connectorEvents(lost, connectorStatus(lost, healthy, now), false).map((e) => e.reason)).toEqual([
      'DirectoryReachable',
    ]);
  });
  it('records nothing when nothing changed', () => {
    expect(connectorEvents(first, connectorStatus(first, healthy, now), false)).toEqual([]);
  });
});

describe('ListenerAvailable', () => {
  const message = (obs: Observations) =>
    connectorStatus(undefined, obs, now).conditions.find((c) => c.type === 'ListenerAvailable')?.message;
  it.each([
    {
      reason: 'every replica',
      replicas: { available: 2, desired: 2 },
      expected: '2 of 2 listener replicas available',
    },
    {
      reason: 'some replicas',
      replicas: { available: 1, desired: 2 },
      expected: '1 of 2 listener replicas available',
    },
    { reason: 'no count known', replicas: undefined, expected: 'the listener Deployment is available' },
  ])('says how many replicas serve: $reason', ({ replicas, expected }) => {
    expect(message({ ...healthy, listenerReplicas: replicas })).toBe(expected);
  });
});

describe('kstatus conditions', () => {
  const done = { generation: 2, observedGeneration: 2, desired: 2, replicas: 2, updated: 2, available: 2 };
  const progress = (obs: Partial<Observations>) => {
    const all = summary({ ...healthy, listenerRollout: done, ...obs } as Observations);
    return { Reconciling: all['Reconciling'], Stalled: all['Stalled'], Ready: all['Ready'] };
  };
  it.each([
    {
      reason: 'a finished rollout',
      obs: {},
      expected: ['False/Reconciled', 'False/NotStalled', 'True/Ready'],
    },
    {
      reason: 'a new spec the deployment controller has not seen',
      obs: { listenerRollout: { ...done, generation: 3 } },
      expected: ['True/Progressing', 'False/NotStalled', 'True/Ready'],
    },
    {
      reason: 'old replicas still serving',
      obs: { listenerRollout: { ...done, replicas: 3, updated: 2 } },
      expected: ['True/Progressing', 'False/NotStalled', 'True/Ready'],
    },
    {
      reason: 'a listener not yet available',
      obs: { listenerAvailable: false, listenerRollout: { ...done, available: 0 } },
      expected: ['True/Progressing', 'False/NotStalled', 'False/NotReady'],
    },
    {
      reason: 'an invalid mapping',
      obs: { configProblem: { reason: Reason.InvalidMapping, message: 'bad' } },
      expected: ['False/Reconciled', 'True/InvalidMapping', 'False/NotReady'],
    },
    {
      reason: 'a rollout past its deadline, while the old replicas serve',
      obs: { listenerRollout: { ...done, updated: 1, deadlineExceeded: true } },
      expected: ['False/Reconciled', 'True/ProgressDeadlineExceeded', 'True/Ready'],
    },
    {
      reason: 'a missing Secret, while the listener rolls out',
      obs: {
        configProblem: { reason: Reason.MissingSecret, message: 'missing Secret bind' },
        listenerRollout: { ...done, updated: 1 },
      },
      expected: ['False/Reconciled', 'True/MissingSecret', 'False/NotReady'],
    },
    {
      reason: 'a refused bind',
      obs: { directory: { ok: false as const, reason: Reason.BindFailed, message: 'no' } },
      expected: ['False/Reconciled', 'True/BindFailed', 'False/NotReady'],
    },
    {
      reason: 'an unreachable directory (retried)',
      obs: { directory: { ok: false as const, reason: Reason.Unreachable, message: 'down' } },
      expected: ['False/Reconciled', 'False/NotStalled', 'False/NotReady'],
    },
    {
      reason: "an expired certificate of the user's",
      obs: { certificate: { ...certificate, notAfter: '2026-05-31T00:00:00.000Z', userSupplied: true } },
      expected: ['False/Reconciled', 'True/Expired', 'False/NotReady'],
    },
    {
      reason: 'a generated certificate not issued yet',
      obs: { certificate: undefined },
      expected: ['True/Progressing', 'False/NotStalled', 'False/NotReady'],
    },
  ])('Reconciling, Stalled and Ready for $reason', ({ obs, expected }) => {
    expect(Object.values(progress(obs))).toEqual(expected);
  });

  it('says what Stalled waits for, and stamps every condition with the generation', () => {
    const status = connectorStatus(
      undefined,
      { ...healthy, configProblem: { reason: Reason.InvalidMapping, message: 'bad' } },
      now,
    );
    expect(status.conditions.find((c) => c.type === 'Stalled')?.message).toBe('MappingValid: bad');
    expect(status.conditions.every((c) => c.observedGeneration === 3)).toBe(true);
  });
});
