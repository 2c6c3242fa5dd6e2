import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, clusterUp, eventually, type TestCluster } from '../support/cluster.ts';
import { type Nslcd, startNslcd } from '../support/nslcd.ts';
import { repoRoot } from '../support/paths.ts';
import { CLUSTER_NODE_IP } from '../support/pki.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';

// The product as a platform team runs it: the image built from the Dockerfile, the chart installed with helm on
// a real node (kubelet, containerd, kube-proxy), examples/contoso applied, and Entra's traffic through the
// listener's Service, down to a Linux login.
const IMAGE = 'scim-ldap-operator:dev';
// docs/quickstart.md's namespace and commands, in the order it gives them.
const NS = 'scim-ldap';
const RELEASE = 'scim-ldap';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FIRST_TOKEN = 'first-token-0123456789abcdef';
const SECOND_TOKEN = 'second-token-0123456789abcdef';
const CONTOSO = join(repoRoot, 'examples', 'contoso');
const TIMEOUT = 20 * 60_000;

interface Reply {
  status: number;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[] };
}

describe('the product on a real single-node cluster, from helm install to a Linux login', () => {
  let cluster: TestCluster;
  let slapd: Slapd;
  let directory: Client;
  let nslcd: Nslcd | undefined;
  let service: { ip: string; port: number; ca: string; servername: string };
  let token = FIRST_TOKEN;

  /** One SCIM request to the listener's Service (ClusterIP, routed by kube-proxy), trusting its certificate. */
  // To the Service unless a pod's address is given.
  const scim = (method: string, path: string, body?: unknown, bearer = token, host = service.ip) =>
    new Promise<Reply>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host,
          port: service.port,
          servername: service.servername,
          ca: service.ca,
          method,
          path: `/ecma2host_ldap/scim${path}`,
          headers: {
            authorization: `Bearer ${bearer}`,
            ...(payload ? { 'content-type': 'application/scim+json' } : {}),
          },
          timeout: 15_000,
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(payload);
    });

  const entry = async (uid: string) => {
    const { searchEntries } = await directory.search(slapd.baseDN, {
      filter: `(uid=${uid})`,
      attributes: ['*'],
    });
    return searchEntries;
  };
  // As docs/quickstart.md creates them.
  const createSecret = (name: string, ...args: string[]) =>
    cluster.kubectl('-n', NS, 'create', 'secret', 'generic', name, ...args);
  const connectorStatus = async () => (await cluster.get('-n', NS, 'ldapconnector', 'ldap')).status ?? {};
  const condition = (status: { conditions?: { type: string; status: string }[] }, type: string) =>
    status.conditions?.find((c) => c.type === type)?.status;
  const listenerPods = async () =>
    (await cluster.get('-n', NS, 'pods', '-l', 'app.kubernetes.io/name=scim-ldap-listener')).items as {
      metadata: { name: string; deletionTimestamp?: string };
      status: { podIP?: string; containerStatuses?: { ready: boolean; restartCount: number }[] };
    }[];
  const readyPods = async () =>
    (await listenerPods()).filter(
      (p) => !p.metadata.deletionTimestamp && p.status.containerStatuses?.[0]?.ready,
    );

  // Entra's order for a user: the matching lookup, then the create when nothing matched.
  const provision = async (name: string) => {
    const filter = encodeURIComponent(`userName eq "${name}@contoso.lab"`);
    const found = await scim('GET', `/Users?filter=${filter}`);
    if (found.status === 200 && (found.body['totalResults'] as number) > 0) return found.body.Resources?.[0];
    const created = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `${name}@contoso.lab`,
      displayName: name,
      name: { familyName: name },
      active: true,
    });
    if (created.status !== 201)
      throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body;
  };

  beforeAll(async () => {
    cluster = await clusterUp();
    await buildImage(IMAGE);
    slapd = await startSlapd({
      baseDN: 'dc=contoso,dc=lab',
      seed: [join(CONTOSO, 'directory.ldif')],
      listenAddress: CLUSTER_NODE_IP,
    });
    directory = new Client({ url: slapd.ldapUrl });
    await directory.bind(slapd.adminDN, slapd.adminPassword);
    // Pod Security admission enforces `restricted` here, so every pod of the product is admitted under it.
    await cluster.kubectlStdin(
      dump({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: NS,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      }),
      'apply',
      '-f',
      '-',
    );
  }, TIMEOUT);

  afterAll(async () => {
    await nslcd?.stop();
    await directory?.unbind().catch(() => undefined);
    await cluster?.kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
    await slapd?.stop();
  });

  it(
    'helm install rolls out the operator: two replicas, one holds the Lease',
    async () => {
      const chart = join(repoRoot, 'charts', 'scim-ldap-operator');
      await cluster.helm(
        ...['install', RELEASE, chart, '--namespace', NS, '--set', 'image.tag=dev'],
        ...['--set', 'image.pullPolicy=Never', '--wait', '--timeout', '5m'],
      );
      await cluster.kubectl('-n', NS, 'rollout', 'status', `deployment/${RELEASE}`, '--timeout=120s');
      const deployment = await cluster.get('-n', NS, 'deployment', RELEASE);
      expect(deployment.status.readyReplicas).toBe(2);
      const pods = (
        await cluster.get('-n', NS, 'pods', '-l', `app.kubernetes.io/instance=${RELEASE}`)
      ).items.map((p: { metadata: { name: string } }) => p.metadata.name);
      const holder = await eventually('a leader', async () => {
        const lease = await cluster.get('-n', NS, 'lease', 'scim-ldap-operator');
        return lease.spec.holderIdentity as string | undefined;
      });
      // The holder's identity is its pod's host name and process id.
      expect(pods.some((pod: string) => holder.startsWith(`${pod}-`))).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'kubectl apply of examples/contoso starts a listener that passes its readiness probe',
    async () => {
      const connector = load(await readFile(join(CONTOSO, 'connector.yaml'), 'utf8')) as {
        spec: { server: Record<string, unknown> };
      };
      // The example names its directory by host name; here it is the test slapd on the node's address.
      connector.spec.server = { ...connector.spec.server, host: CLUSTER_NODE_IP, port: slapd.tlsPort };
      await createSecret('ldap-bind', `--from-literal=password=${slapd.adminPassword}`);
      await createSecret('ldap-ca', `--from-file=ca.crt=${slapd.caCertPath}`);
      await createSecret('ldap-scim-token', `--from-literal=token=${FIRST_TOKEN}`);
      await cluster.kubectlStdin(dump(connector), '-n', NS, 'apply', '-f', '-');
      await cluster.kubectl('-n', NS, 'apply', '-f', join(CONTOSO, 'users.yaml'));

      await eventually(
        'the listener pods ready',
        async () => ((await readyPods()).length >= 1 ? true : undefined),
        300_000,
      );
      const table = await eventually(
        'kubectl get ldapconnectors shows READY True',
        async () => {
          const out = await cluster.kubectl('-n', NS, 'get', 'ldapconnectors');
          return /\bTrue\b/.test(out.split('\n')[1] ?? '') ? out : undefined;
        },
        180_000,
      );
      const [header = '', row = ''] = table.split('\n');
      const column = (name: string) => row.slice(header.indexOf(name)).split(/\s{2,}/)[0];
      expect(column('READY')).toBe('True');
      expect(column('DIRECTORY')).toBe('Reachable');
      expect(column('CERT EXPIRES')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(await cluster.kubectl('-n', NS, 'describe', 'ldapconnector', 'ldap')).toMatch(
        /Events:\s*\n\s+Type/,
      );

      const svc = await cluster.get('-n', NS, 'service', 'ldap-scim');
      const tls = await cluster.get('-n', NS, 'secret', 'ldap-scim-tls');
      const cert = Buffer.from(tls.data['tls.crt'], 'base64').toString();
      expect(new X509Certificate(cert).subjectAltName).toContain(`DNS:ldap-scim.${NS}.svc`);
      service = {
        ip: svc.spec.clusterIP,
        port: svc.spec.ports[0].port,
        ca: cert,
        servername: `ldap-scim.${NS}.svc`,
      };
    },
    TIMEOUT,
  );

  it(
    'serves Entra through the Service: probe, lookup and create, PATCH, disable, enable, group, delete',
    async () => {
      // Test Connection: a lookup of a value no user has. kube-proxy routes the Service a moment after its
      // endpoints turn ready (until then it refuses connections), and Entra retries a refused probe.
      const probe = await eventually('the Service routing to a listener', () =>
        scim('GET', `/Users?filter=${encodeURIComponent('userName eq "entra-probe-1b2c"')}`),
      );
      expect(probe).toMatchObject({ status: 200, body: { totalResults: 0 } });
      expect((await scim('GET', '/Users', undefined, 'wrong-token')).status).toBe(401);

      const ann = await provision('ann');
      expect(await entry('ann')).toMatchObject([{ dn: 'uid=ann,dc=contoso,dc=lab', cn: 'ann', uid: 'ann' }]);
      const patched = await scim('PATCH', `/Users/${ann?.['id']}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Replace', path: 'displayName', value: 'Ann Example' }],
      });
      expect(patched.status).toBe(204);
      expect((await entry('ann'))[0]?.['cn']).toBe('Ann Example');

      const active = (value: boolean) =>
        scim('PATCH', `/Users/${ann?.['id']}`, {
          schemas: [PATCH],
          Operations: [{ op: 'Replace', path: 'active', value }],
        });
      expect((await active(false)).status).toBe(204);
      expect((await entry('ann'))[0]).toMatchObject({ shadowExpire: '1', loginShell: '/usr/sbin/nologin' });
      expect((await active(true)).status).toBe(204);
      expect((await entry('ann'))[0]?.['loginShell']).toBe('/bin/bash');

      const bob = await provision('bob');
      const group = await scim('POST', '/Groups', { displayName: 'linux-admins' });
      expect(group.status).toBe(201);
      const added = await scim('PATCH', `/Groups/${group.body['id']}`, {
        schemas: [PATCH],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: ann?.['id'] }, { value: bob?.['id'] }] }],
      });
      expect(added.status).toBe(204);
      const { searchEntries } = await directory.search(slapd.baseDN, {
        filter: '(cn=linux-admins)',
        attributes: ['memberUid'],
      });
      expect([searchEntries[0]?.['memberUid']].flat().sort()).toEqual(['ann', 'bob']);

      expect((await scim('DELETE', `/Users/${bob?.['id']}`)).status).toBe(204);
      expect(await entry('bob')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'a provisioned user logs in on a Linux host through nslcd',
    async () => {
      // Entra cannot send a password; an administrator sets the first one, as the tutorial's hosts expect.
      await directory.modify('uid=ann,dc=contoso,dc=lab', [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'userPassword', values: ['Ann-Passw0rd!'] }),
        }),
      ]);
      nslcd = await startNslcd({
        uri: slapd.ldapUrl,
        base: slapd.baseDN,
        bindDN: slapd.adminDN,
        bindPW: slapd.adminPassword,
      });
      expect(await nslcd.getent('passwd', 'ann')).toMatch(
        /^ann:\*?x?:\d+:10000:Ann Example:\/home\/ann:\/bin\/bash$/,
      );
      expect(await nslcd.login('ann', 'Ann-Passw0rd!')).toBe(true);
      expect(await nslcd.login('ann', 'wrong')).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'a rotated token is taken by the running pods without a restart, and the old one refused',
    async () => {
      const restarts = async () =>
        (await listenerPods()).map((p) => [p.metadata.name, p.status.containerStatuses?.[0]?.restartCount]);
      const before = await restarts();
      const rotated = await createSecret(
        'ldap-scim-token',
        `--from-literal=token=${SECOND_TOKEN}`,
        '--dry-run=client',
        '-o',
        'yaml',
      );
      await cluster.kubectlStdin(rotated, '-n', NS, 'apply', '-f', '-');
      // Each pod on its own address: the kubelet updates their mounted Secrets one after another.
      for (const pod of await listenerPods()) {
        const ip = pod.status.podIP as string;
        await eventually(`${pod.metadata.name} accepting the new token`, async () =>
          (await scim('GET', '/Users?count=1', undefined, SECOND_TOKEN, ip)).status === 200
            ? true
            : undefined,
        );
        expect((await scim('GET', '/Users?count=1', undefined, FIRST_TOKEN, ip)).status).toBe(401);
      }
      token = SECOND_TOKEN;
      const after = await restarts();
      expect(after).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'a listener pod killed during a burst of creates loses and duplicates no user; the status shows the recovery',
    async () => {
      const names = Array.from({ length: 40 }, (_, i) => `burst${i}`);
      let killed = false;
      const queue = [...names];
      const worker = async () => {
        for (let name = queue.shift(); name; name = queue.shift()) {
          if (!killed && queue.length < 30) {
            killed = true;
            const [victim] = await readyPods();
            if (victim)
              await cluster.kubectl(
                '-n',
                NS,
                'delete',
                'pod',
                victim.metadata.name,
                '--grace-period=0',
                '--force',
              );
          }
          // Entra retries a request that failed or got no answer, starting again with the lookup.
          await eventually(
            `user ${name} provisioned`,
            async () => ((await provision(name)) ? true : undefined),
            120_000,
          );
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      for (const name of names) expect(await entry(name)).toHaveLength(1);
      const { searchEntries } = await directory.search(slapd.baseDN, {
        filter: '(uid=burst*)',
        attributes: ['uidNumber'],
      });
      expect(new Set(searchEntries.map((e) => e['uidNumber'])).size).toBe(names.length);
      // Two replicas: the Service answered throughout; the status follows the Deployment back to both.
      await eventually('both listener replicas available again', async () => {
        const status = await connectorStatus();
        const available = status.conditions?.find((c: { type: string }) => c.type === 'ListenerAvailable');
        return available?.message === '2 of 2 listener replicas available' ? true : undefined;
      });
      expect(condition(await connectorStatus(), 'Ready')).toBe('True');
    },
    TIMEOUT,
  );

  it(
    'deleting the LdapConnector lets the garbage collector remove its children; helm uninstall the operator',
    async () => {
      await cluster.kubectl('-n', NS, 'delete', 'ldapconnector', 'ldap');
      await eventually('the children gone', async () => {
        const left = await cluster.kubectl(
          '-n',
          NS,
          'get',
          'deployments,services,configmaps,secrets',
          '-l',
          'app.kubernetes.io/managed-by=scim-ldap-operator',
          '-o',
          'name',
        );
        return left.trim() === '' ? true : undefined;
      });
      await cluster.helm('uninstall', RELEASE, '--namespace', NS, '--wait');
      expect(await cluster.kubectl('-n', NS, 'get', 'deployments', '-o', 'name')).toBe('');
      // The chart keeps its CRDs on uninstall (crds.keep), so the resources teams applied survive a reinstall.
      expect(await cluster.kubectl('get', 'crd', 'ldapconnectors.scim-ldap.io', '-o', 'name')).toContain(
        'ldapconnectors',
      );
    },
    TIMEOUT,
  );
});
