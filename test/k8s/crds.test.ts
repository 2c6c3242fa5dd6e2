import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { connector, INVALID_RESOURCES, mapping } from '../../controller/config/resources.fixtures.ts';
import { validateResource } from '../../controller/config/validate.ts';
import { applyCrds, createTestNamespace, kubectl, testKubeConfig } from '../support/kube.ts';
import { repoRoot } from '../support/paths.ts';

const GROUP = { group: 'scim-ldap.io', version: 'v1alpha1' };
const plural = (kind: string) => (kind === 'LdapConnector' ? 'ldapconnectors' : 'attributemappings');

describe('generated CRDs on the kube-apiserver', () => {
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let namespace: string;

  beforeAll(async () => {
    kc = testKubeConfig();
    api = kc.makeApiClient(CustomObjectsApi);
    await applyCrds(`${repoRoot}/crds`, ['ldapconnectors.scim-ldap.io', 'attributemappings.scim-ldap.io']);
    namespace = await createTestNamespace(kc, 'crds');
  });

  it('accepts the contoso example', async () => {
    const out = await kubectl(
      'apply',
      '--dry-run=server',
      '-n',
      namespace,
      '-f',
      `${repoRoot}/examples/contoso/connector.yaml`,
      '-f',
      `${repoRoot}/examples/contoso/users.yaml`,
    );
    expect(out).toContain('ldapconnector.scim-ldap.io/ldap created (server dry run)');
    expect(out).toContain('attributemapping.scim-ldap.io/ldap-users created (server dry run)');
  });

  it('defaults a resource exactly as the runtime validation does', async () => {
    const body = connector({});
    const created = (await api.createNamespacedCustomObject({
      ...GROUP,
      plural: 'ldapconnectors',
      namespace,
      body,
    })) as { spec: unknown };
    expect(created.spec).toEqual(validateResource(connector({})).spec);
  });

  it.each(INVALID_RESOURCES)(
    'rejects $reason with the same message as the runtime validation',
    async ({ resource, message }) => {
      const body = structuredClone(resource);
      const error = await api
        .createNamespacedCustomObject({ ...GROUP, plural: plural(body.kind), namespace, body, dryRun: 'All' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException<unknown>).code).toBe(422);
      expect(String((error as ApiException<unknown>).body)).toContain(message);
    },
  );

  it('shows the mapping columns in kubectl get, by short name and category', async () => {
    await api.createNamespacedCustomObject({
      ...GROUP,
      plural: 'attributemappings',
      namespace,
      body: mapping([{ target: 'cn', source: 'displayName' }]),
    });
    const table = await kubectl('get', 'attrmap', '-n', namespace);
    const [header, row] = table
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    expect(header).toEqual(['NAME', 'CONNECTOR', 'OBJECT', 'MAPPINGS', 'VALID', 'AGE']);
    expect(row?.slice(0, 3)).toEqual(['users', 'ldap', 'User']);
    expect(await kubectl('get', 'scim-ldap', '-n', namespace, '-o', 'name')).toContain(
      'attributemapping.scim-ldap.io/users',
    );
  });

  it('documents fields for kubectl explain', async () => {
    const explained = await kubectl('explain', 'ldapconnectors.spec.bind.method');
    expect(explained).toContain('Simple (DN and password) or SaslExternal (TLS client certificate).');
  });
});
