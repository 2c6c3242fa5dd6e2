import { ApiException, AuthenticationV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { testDataPath } from '../support/paths.ts';

const widgets = { group: 'test.scim-ldap.io', version: 'v1alpha1', plural: 'widgets' };

function widget(name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'test.scim-ldap.io/v1alpha1', kind: 'Widget', metadata: { name }, spec };
}

/** The same cluster, authenticated only by a bearer token. */
function asBearer(admin: KubeConfig, token: string): KubeConfig {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'bearer', token }],
    contexts: [{ name: 'bearer', cluster: cluster.name, user: 'bearer' }],
    currentContext: 'bearer',
  });
  return kc;
}

describe('test kube-apiserver + etcd', () => {
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let namespace: string;

  beforeAll(async () => {
    kc = testKubeConfig();
    api = kc.makeApiClient(CustomObjectsApi);
    await applyCrds(testDataPath('crds', 'widgets.yaml'), ['widgets.test.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'smoke');
  });

  it('stores a custom resource, applies schema defaults, and reads it back with client-node', async () => {
    await api.createNamespacedCustomObject({
      ...widgets,
      namespace,
      body: widget('small', { minReplicas: 1, maxReplicas: 3 }),
    });
    const read = (await api.getNamespacedCustomObject({ ...widgets, namespace, name: 'small' })) as {
      spec: Record<string, unknown>;
    };
    expect(read.spec).toEqual({ minReplicas: 1, maxReplicas: 3, mode: 'Safe' });
  });

  it('rejects a resource that breaks the CEL rule, with the rule message', async () => {
    const creating = api.createNamespacedCustomObject({
      ...widgets,
      namespace,
      body: widget('inverted', { minReplicas: 5, maxReplicas: 2 }),
    });
    const error = await creating.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<string>).code).toBe(422);
    expect(String((error as ApiException<string>).body)).toContain('minReplicas must not exceed maxReplicas');
  });

  it('shows printer columns in kubectl get, by short name too', async () => {
    await api.createNamespacedCustomObject({
      ...widgets,
      namespace,
      body: widget('fast', { minReplicas: 2, maxReplicas: 4, mode: 'Fast' }),
    });
    const table = await kubectl('get', 'wdg', 'fast', '-n', namespace);
    const [header, row] = table
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    expect(header).toEqual(['NAME', 'MIN', 'MAX', 'MODE']);
    expect(row).toEqual(['fast', '2', '4', 'Fast']);
  });

  it('authorizes with RBAC: an unprivileged user is denied what the admin may do', async () => {
    const asAdmin = await kubectl('auth', 'can-i', 'create', 'widgets.test.scim-ldap.io', '-n', namespace);
    expect(asAdmin.trim()).toBe('yes');
    const asNobody = kubectl(
      'auth',
      'can-i',
      'create',
      'widgets.test.scim-ldap.io',
      '-n',
      namespace,
      '--as=nobody',
    );
    await expect(asNobody).rejects.toThrow(/failed: no\n/);
  });

  it('issues service-account tokens signed with the test key pair', async () => {
    await kubectl('create', 'serviceaccount', 'robot', '-n', namespace);
    const token = (await kubectl('create', 'token', 'robot', '-n', namespace)).trim();
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
    };
    expect(payload.sub).toBe(`system:serviceaccount:${namespace}:robot`);
    const review = await asBearer(kc, token)
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${namespace}:robot`);
  });
});
