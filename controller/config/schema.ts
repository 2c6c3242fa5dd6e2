import { celRule, has } from './cel.ts';

/**
 * THE schema of scim-ldap.io/v1alpha1. scripts/gen.ts writes the CRDs from it, config/validate.ts validates
 * resources and listener configuration with it at run time, and config/types.ts derives the TypeScript types
 * from it. Keep it inside what Kubernetes structural schemas accept: every node typed, no $ref.
 */
export const GROUP = 'scim-ldap.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

const secretKeyRef = (description: string, defaultKey: string) =>
  ({
    type: 'object',
    description,
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name of the Secret, in the resource namespace.' },
      key: { type: 'string', minLength: 1, default: defaultKey, description: 'Key within the Secret.' },
    },
  }) as const;

const LDAP_ATTRIBUTE = '^[A-Za-z][A-Za-z0-9-]*$';

export const ldapConnectorSpec = {
  type: 'object',
  description:
    'An LDAP directory that Entra provisions through a SCIM listener, and how users are written to it.',
  required: ['server', 'bind', 'baseDN', 'scim'],
  additionalProperties: false,
  'x-kubernetes-validations': [
    celRule(
      "self.bind.method != 'SaslExternal' || self.server.security != 'None'",
      'bind.method SaslExternal needs server.security LDAPS or StartTLS',
      (self) => {
        const spec = self as { bind: { method: string }; server: { security: string } };
        return spec.bind.method !== 'SaslExternal' || spec.server.security !== 'None';
      },
    ),
  ],
  properties: {
    server: {
      type: 'object',
      description: 'Where the directory listens.',
      required: ['host'],
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1, description: 'Host name or address of the LDAP server.' },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 636, description: 'LDAP port.' },
        security: {
          type: 'string',
          enum: ['LDAPS', 'StartTLS', 'None'],
          default: 'LDAPS',
          description: 'LDAPS (TLS from the start, recommended), StartTLS, or None (plain text, tests only).',
        },
        connectTimeoutSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 600,
          default: 180,
          description: 'How long to wait for a connection to the directory.',
        },
        caSecretRef: secretKeyRef('CA certificate (PEM) that signed the directory certificate.', 'ca.crt'),
      },
    },
    bind: {
      type: 'object',
      description: 'How the listener authenticates to the directory.',
      additionalProperties: false,
      'x-kubernetes-validations': [
        celRule(
          "self.method != 'Simple' || (has(self.dn) && has(self.passwordSecretRef))",
          'bind.method Simple needs dn and passwordSecretRef',
          (self) =>
            (self as { method: string }).method !== 'Simple' ||
            (has(self, 'dn') && has(self, 'passwordSecretRef')),
        ),
        celRule(
          "self.method != 'SaslExternal' || has(self.clientCertSecretRef)",
          'bind.method SaslExternal needs clientCertSecretRef',
          (self) =>
            (self as { method: string }).method !== 'SaslExternal' || has(self, 'clientCertSecretRef'),
        ),
      ],
      properties: {
        method: {
          type: 'string',
          enum: ['Simple', 'SaslExternal'],
          default: 'Simple',
          description: 'Simple (DN and password) or SaslExternal (TLS client certificate).',
        },
        dn: { type: 'string', minLength: 1, description: 'Bind DN, for Simple.' },
        passwordSecretRef: secretKeyRef('Bind password, for Simple.', 'password'),
        clientCertSecretRef: {
          type: 'object',
          description: 'A kubernetes.io/tls Secret with the client certificate, for SaslExternal.',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, description: 'Name of the Secret.' } },
        },
      },
    },
    baseDN: {
      type: 'string',
      minLength: 1,
      description: 'Base DN of the directory; every entry the listener writes must be within it.',
    },
    user: {
      type: 'object',
      description: 'How SCIM users become directory entries.',
      default: {},
      additionalProperties: false,
      properties: {
        objectClass: {
          type: 'string',
          pattern: LDAP_ATTRIBUTE,
          default: 'inetOrgPerson',
          description: 'Structural object class of user entries.',
        },
        auxiliaryObjectClasses: {
          type: 'array',
          items: { type: 'string', pattern: LDAP_ATTRIBUTE },
          maxItems: 32,
          default: ['posixAccount', 'shadowAccount'],
          description: 'Auxiliary object classes added to every user entry.',
        },
        anchor: {
          type: 'string',
          enum: ['entryUUID', '-dn-'],
          default: 'entryUUID',
          description: 'What the SCIM id is: the entryUUID (stable across renames) or the DN.',
        },
        attributes: {
          type: 'array',
          items: { type: 'string', pattern: LDAP_ATTRIBUTE },
          maxItems: 256,
          default: [
            'cn',
            'sn',
            'mail',
            'uid',
            'uidNumber',
            'gidNumber',
            'homeDirectory',
            'loginShell',
            'userPassword',
          ],
          description:
            'LDAP attributes the connector reads and writes; also exposed under the ECMA2Host extension.',
        },
      },
    },
    group: {
      type: 'object',
      description: 'How SCIM groups become directory entries.',
      default: {},
      additionalProperties: false,
      properties: {
        style: {
          type: 'string',
          enum: ['posixGroup', 'groupOfNames', 'rfc2307bis'],
          default: 'posixGroup',
          description:
            'posixGroup with memberUid (RFC 2307, the nis schema), groupOfNames with member DNs, or rfc2307bis (both on one entry; needs the rfc2307bis schema).',
        },
        container: {
          type: 'string',
          description: 'DN under which new groups are created; default ou=groups under the baseDN.',
        },
        gidNumber: {
          type: 'object',
          description: 'Range gidNumbers of new groups are allocated from, uniquely.',
          default: {},
          additionalProperties: false,
          properties: {
            min: {
              type: 'integer',
              minimum: 0,
              maximum: 4294967295,
              default: 10000,
              description: 'Lowest number.',
            },
            max: {
              type: 'integer',
              minimum: 0,
              maximum: 4294967295,
              default: 60000,
              description: 'Highest number.',
            },
          },
        },
      },
    },
    posix: {
      type: 'object',
      description: 'POSIX conventions.',
      default: {},
      additionalProperties: false,
      properties: {
        userPrivateGroups: {
          type: 'boolean',
          default: false,
          description:
            "Create, for each new user, a posixGroup named after the user with the user's gidNumber; removed with the user.",
        },
      },
    },
    passwordHash: {
      type: 'string',
      enum: ['CRYPT-SHA512', 'SSHA', 'SSHA512', 'None'],
      default: 'CRYPT-SHA512',
      description:
        'How userPassword is hashed before it is written. CRYPT-SHA512 ({CRYPT}$6$, 5,000 rounds) suits any password; SSHA512 and SSHA are one salted digest, only for generated values of at least 100 bits (a userPassword mapping of any other kind is refused); None lets the directory hash it.',
    },
    deprovisioning: {
      type: 'object',
      description: 'What happens when Entra disables or deletes a user.',
      default: {},
      additionalProperties: false,
      properties: {
        onDisable: {
          type: 'string',
          enum: ['Disable', 'Delete', 'Ignore'],
          default: 'Disable',
          description: 'What PATCH active=false does.',
        },
        onDelete: {
          type: 'string',
          enum: ['Delete', 'Disable'],
          default: 'Delete',
          description: 'What DELETE does.',
        },
        disable: {
          type: 'object',
          description: 'What Disable writes; re-enabling restores the previous values exactly.',
          default: {},
          additionalProperties: false,
          properties: {
            set: {
              type: 'object',
              description: 'Attributes and the values Disable sets.',
              additionalProperties: { type: 'string' },
              default: { shadowExpire: '1', loginShell: '/usr/sbin/nologin' },
            },
          },
        },
      },
    },
    scim: {
      type: 'object',
      description: 'The SCIM endpoint Entra calls.',
      required: ['tokenSecretRef'],
      additionalProperties: false,
      properties: {
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 8585, description: 'HTTPS port.' },
        replicas: {
          type: 'integer',
          minimum: 1,
          maximum: 20,
          default: 2,
          description:
            'Listener pods; with more than one, a PodDisruptionBudget keeps one available and the pods prefer different nodes.',
        },
        tokenSecretRef: secretKeyRef('Bearer token Entra sends (at least 12 characters).', 'token'),
        tls: {
          type: 'object',
          description: 'Serving certificate.',
          default: {},
          additionalProperties: false,
          properties: {
            secretName: {
              type: 'string',
              default: '',
              description:
                'A kubernetes.io/tls Secret; empty: the operator generates and renews a self-signed one.',
            },
          },
        },
      },
    },
  },
} as const;

const exactlyOneSource = celRule(
  '[has(self.source), has(self.constant), has(self.expression), has(self.allocate)].filter(x, x).size() == 1',
  'exactly one of source, constant, expression or allocate must be set',
  (self) => ['source', 'constant', 'expression', 'allocate'].filter((key) => has(self, key)).length === 1,
);

export const attributeMappingSpec = {
  type: 'object',
  description:
    'How SCIM resources of one kind map to LDAP attributes of a connector, in Entra expression syntax.',
  required: ['connectorRef', 'object', 'mappings'],
  additionalProperties: false,
  properties: {
    connectorRef: {
      type: 'object',
      description: 'The LdapConnector this mapping belongs to.',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, description: 'Name of the LdapConnector.' } },
    },
    object: { type: 'string', enum: ['User', 'Group'], description: 'The SCIM resource type mapped.' },
    mappings: {
      type: 'array',
      minItems: 1,
      maxItems: 128,
      description: 'One entry per LDAP attribute written.',
      'x-kubernetes-validations': [
        celRule(
          'self.all(m, self.exists_one(n, n.target.lowerAscii() == m.target.lowerAscii()))',
          'each target may appear only once',
          (self) => {
            const targets = (self as { target: string }[]).map((m) => m.target.toLowerCase());
            return new Set(targets).size === targets.length;
          },
        ),
      ],
      items: {
        type: 'object',
        required: ['target'],
        additionalProperties: false,
        'x-kubernetes-validations': [exactlyOneSource],
        properties: {
          target: {
            type: 'string',
            pattern: '^(-dn-|[A-Za-z][A-Za-z0-9-]*)$',
            maxLength: 128,
            description: 'LDAP attribute written, or -dn- for the entry DN.',
          },
          source: {
            type: 'string',
            minLength: 1,
            maxLength: 512,
            description: 'SCIM attribute copied as is, e.g. name.familyName or emails[type eq "work"].value.',
          },
          constant: { type: 'string', maxLength: 4096, description: 'A fixed value.' },
          expression: {
            type: 'string',
            minLength: 1,
            maxLength: 4096,
            description:
              'An expression in the syntax of Entra attribute mappings, e.g. ToLower(Word([userName], 1, "@")).',
          },
          allocate: {
            type: 'object',
            description: 'Allocate a unique POSIX number in [min, max] when the entry is created.',
            required: ['min', 'max'],
            additionalProperties: false,
            'x-kubernetes-validations': [
              celRule('self.min <= self.max', 'allocate.min must not exceed allocate.max', (self) => {
                const range = self as { min: number; max: number };
                return range.min <= range.max;
              }),
            ],
            properties: {
              min: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Lowest number.' },
              max: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Highest number.' },
            },
          },
          apply: {
            type: 'string',
            enum: ['Always', 'OnCreate'],
            default: 'Always',
            description: 'Always (on create and update) or OnCreate (only when the entry is created).',
          },
          match: {
            type: 'integer',
            minimum: 1,
            maximum: 16,
            description:
              'Marks a matching attribute; 1 is tried first (Entra "Match objects using this attribute").',
          },
        },
      },
    },
  },
} as const;

const condition = {
  type: 'object',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: { type: 'string', description: 'Condition type, e.g. Ready.' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    observedGeneration: { type: 'integer', minimum: 0 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    reason: { type: 'string', description: 'CamelCase reason for the last transition.' },
    message: { type: 'string', description: 'Human-readable details.' },
  },
} as const;

const conditionsSchema = {
  type: 'array',
  items: condition,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  description:
    'Standard conditions, each with the generation it describes; Ready summarises the others, Reconciling and Stalled are kstatus conditions.',
} as const;

const stringList = { type: 'array', items: { type: 'string' } } as const;

export const ldapConnectorStatus = {
  type: 'object',
  description: 'Observed state, written by the operator.',
  properties: {
    observedGeneration: { type: 'integer', minimum: 0, description: 'The generation this status describes.' },
    conditions: conditionsSchema,
    directory: {
      type: 'object',
      description: 'The directory as its Root DSE describes it, and whether the listener can bind to it.',
      properties: {
        state: { type: 'string', description: 'Reachable, or why not (BindFailed, Unreachable).' },
        vendorName: { type: 'string' },
        vendorVersion: { type: 'string' },
        namingContexts: stringList,
        supportedControls: stringList,
        supportedSASLMechanisms: stringList,
      },
    },
    certificate: {
      type: 'object',
      description: 'The serving certificate of the SCIM endpoint.',
      properties: {
        notBefore: { type: 'string' },
        notAfter: { type: 'string' },
        renewalTime: {
          type: 'string',
          description: 'When a generated certificate is renewed: two thirds into its lifetime.',
        },
        dnsNames: stringList,
        fingerprint: { type: 'string', description: 'SHA-256 fingerprint.' },
      },
    },
    provisioning: {
      type: 'object',
      description: 'What the listener has provisioned.',
      properties: {
        users: { type: 'integer', minimum: 0 },
        groups: { type: 'integer', minimum: 0 },
        lastExport: { type: 'string', description: 'Time of the last write to the directory.' },
      },
    },
  },
} as const;

export const attributeMappingStatus = {
  type: 'object',
  description: 'Observed state, written by the operator.',
  properties: {
    observedGeneration: { type: 'integer', minimum: 0, description: 'The generation this status describes.' },
    conditions: conditionsSchema,
    connector: { type: 'string', description: 'The LdapConnector this mapping attached to.' },
    mappings: { type: 'integer', minimum: 0, description: 'How many mappings the resource declares.' },
  },
} as const;
