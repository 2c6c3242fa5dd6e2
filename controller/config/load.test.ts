import { describe, expect, it } from 'vitest';
import { parseDocuments, skippedNote, sortManifests } from './load.ts';

const CONNECTOR = 'apiVersion: scim-ldap.io/v1alpha1\nkind: LdapConnector\nmetadata: {name: ldap}\n';
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata: {name: ldap-bind}\n';

describe('sortManifests', () => {
  const sort = (files: Record<string, string>, secrets: boolean) => {
    const docs = parseDocuments(Object.entries(files).map(([name, text]) => ({ name, text })));
    const sorted = sortManifests(docs, { secrets });
    return {
      resources: sorted.resources.map((d) => d.where),
      secrets: sorted.secrets.map((d) => d.where),
      skipped: sorted.skipped,
    };
  };

  it.each([
    {
      reason: 'our kinds are read, whatever their version, so that a wrong one is reported',
      files: { 'a.yaml': `${CONNECTOR}---\napiVersion: scim-ldap.io/v9\nkind: Other\n` },
      secrets: true,
      want: { resources: ['a.yaml (document 1)', 'a.yaml (document 2)'], secrets: [], skipped: [] },
    },
    {
      reason: 'Secrets are read by a command that uses them',
      files: { 'a.yaml': SECRET },
      secrets: true,
      want: { resources: [], secrets: ['a.yaml'], skipped: [] },
    },
    {
      reason: 'Secrets are skipped by a command that does not use them',
      files: { 'a.yaml': SECRET },
      secrets: false,
      want: { resources: [], secrets: [], skipped: ['Secret/ldap-bind'] },
    },
    {
      reason: 'other Kubernetes kinds are skipped by kind and name',
      files: {
        'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: contoso}\n',
        'sealed.yaml': 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: ldap-bind}\n',
        'ext.yaml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: token}\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n',
      },
      secrets: true,
      want: {
        resources: [],
        secrets: [],
        skipped: ['Namespace/contoso', 'SealedSecret/ldap-bind', 'ExternalSecret/token', 'ConfigMap/notes'],
      },
    },
    {
      reason: "Kustomize's kustomization.yaml is skipped, with or without apiVersion and kind",
      files: {
        'kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
        'sub/kustomization.yml': 'resources: [b.yaml]\n',
      },
      secrets: true,
      want: { resources: [], secrets: [], skipped: ['Kustomization', 'Kustomization'] },
    },
    {
      reason: 'a document without apiVersion or kind stays with ours, to be reported',
      files: { 'a.yaml': 'kind: LdapConnector\nmetadata: {name: ldap}\n', 'b.yaml': '- a list\n' },
      secrets: true,
      want: { resources: ['a.yaml', 'b.yaml'], secrets: [], skipped: [] },
    },
  ])('$reason', ({ files, secrets, want }) => {
    expect(sort(files, secrets)).toEqual(want);
  });
});

describe('skippedNote', () => {
  it.each([
    { skipped: [], want: '' },
    {
      skipped: ['Kustomization'],
      want: 'scim-ldap preview: skipped 1 manifest this command does not use: Kustomization\n',
    },
    {
      skipped: ['Namespace/contoso', 'Kustomization', 'SealedSecret/ldap-bind'],
      want: 'scim-ldap preview: skipped 3 manifests this command does not use: Namespace/contoso, Kustomization, SealedSecret/ldap-bind\n',
    },
  ])('names $skipped.length skipped manifests on one line', ({ skipped, want }) => {
    expect(skippedNote('preview', skipped)).toBe(want);
  });
});
