import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import {
  type ConnectorSchema,
  resourceTypes,
  schemas,
  serviceProviderConfig,
} from '../../core/scim/discovery.ts';
import { errorBody, MethodNotAllowed, notFound, ScimError } from '../../core/scim/errors.ts';
import { keepsAttribute, listResponse, projectAttributes } from '../../core/scim/list.ts';
import { withLocation } from '../../core/scim/meta.ts';
import { type ListQuery as Query, searchQuery } from '../../core/scim/search.ts';
import type { GroupService } from '../../listener/groups.ts';
import type { UserService } from '../../listener/users.ts';
import type { Logger } from '../../log.ts';
import { listGroups, listUsers, searchAll } from './lists.ts';
import { holdToPublished } from './published.ts';

/** One connector as the HTTP layer sees it. */
export interface ConnectorEndpoint {
  name: string;
  /** The bearer token Entra must send; compared in constant time. */
  token: string;
  users: UserService;
  groups: GroupService;
  /** What /Schemas describes: the mappings' use of SCIM attributes, the directory's subschema. */
  discovery: () => Promise<ConnectorSchema>;
}

export interface AppOptions {
  /** Looked up per request, so a configuration reload takes effect without restarting the server. */
  connectors: () => readonly ConnectorEndpoint[];
  logger: Logger;
  /** Request metrics; they are served on a port of their own (metrics-server.ts), not here. */
  metrics: {
    observe(route: string, method: string, status: number, seconds: number): void;
  };
  /** True when every connector can bind to its directory. */
  ready: () => Promise<boolean>;
  /** Largest request body accepted, in bytes (larger: 413 tooLarge). */
  bodyLimit?: number;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: string; key: string } | undefined;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const SCIM_JSON = 'application/scim+json';

function tokenMatches(sent: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function sendError(reply: FastifyReply, error: ScimError): FastifyReply {
  if (error.status === 503) reply.header('Retry-After', '10');
  if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  if (error instanceof MethodNotAllowed) reply.header('Allow', error.allow.join(', '));
  return reply.code(error.status).type(SCIM_JSON).send(errorBody(error));
}

function asScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError({ status: 413, scimType: 'tooLarge' }, 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(
        { status: 400, scimType: 'invalidSyntax' },
        'send application/scim+json or application/json',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ScimError({ status: 400, scimType: 'invalidSyntax' }, 'the request body is not valid JSON');
    default:
      if (fastifyError.statusCode === 400)
        return new ScimError(
          { status: 400, scimType: 'invalidSyntax' },
          fastifyError.message ?? 'bad request',
        );
      return undefined;
  }
}

/** 201 with the new resource, and its meta.location as the Location header (RFC 7644 §3.3). */
function sendCreated(reply: FastifyReply, created: Record<string, unknown>) {
  const location = (created['meta'] as { location?: string } | undefined)?.location;
  return (location ? reply.header('Location', location) : reply).code(201).send(created);
}
type IdParams = { id: string };

type Resolve = (request: FastifyRequest) => ConnectorEndpoint | undefined;

const DISCOVERY_METHODS = ['GET', 'HEAD'];
const OTHER_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Discovery endpoints are read-only: any other method is 405 with an Allow header, not a 404. */
function readOnly(scope: FastifyInstance, url: string): void {
  scope.route({
    method: [...OTHER_METHODS],
    url,
    handler: async (request) => {
      throw new MethodNotAllowed(request.method, DISCOVERY_METHODS);
    },
  });
}

const unauthorized = () => new ScimError({ status: 401 }, 'a valid bearer token is required');

/**
 * `unknown` answers a request no connector serves. Under a connector name it is the same 401 a wrong token
 * gets, so that names cannot be probed without the token.
 */
function registerConnector(
  app: FastifyInstance,
  prefix: string,
  resolve: Resolve,
  unknown: (request: FastifyRequest) => ScimError,
): void {
  // The ECMA2Host path serves the pseudo-attributes (-dn-, export_password, …) too.
  const ecma2host = prefix !== '/scim';
  const endpoints = new WeakMap<FastifyRequest, ConnectorEndpoint>();

  app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request) => {
        const endpoint = resolve(request);
        const header = request.headers.authorization ?? '';
        const match = /^Bearer\s+(.+)$/i.exec(header);
        // Compared even without a connector, so that an unknown name takes as long to refuse as a known one.
        const valid = tokenMatches(match?.[1] ?? '', endpoint?.token ?? '') && match !== null;
        if (!endpoint) throw unknown(request);
        if (!valid) throw unauthorized();
        endpoints.set(request, endpoint);
      });
      // Set by the hook above for every request that reaches a handler.
      const of = (request: FastifyRequest) => endpoints.get(request) as ConnectorEndpoint;
      // The connector's root as this request addressed it: /ecma2host_<name>/scim or /scim.
      const root = (request: FastifyRequest) =>
        prefix.replace(':tenant', String((request.params as { tenant?: string }).tenant ?? ''));
      const user = (request: FastifyRequest, r: Record<string, unknown>) =>
        withLocation(r, root(request), 'Users');
      const group = (request: FastifyRequest, r: Record<string, unknown>) =>
        withLocation(r, root(request), 'Groups');

      /** A read-only discovery document at each of `urls`. */
      const document = (
        urls: readonly string[],
        read: (request: FastifyRequest) => Promise<Record<string, unknown>>,
      ) => {
        for (const url of urls) {
          scope.get(url, read);
          readOnly(scope, url);
        }
      };
      /** A read-only discovery collection: its ListResponse at `url`, a member by id below it. */
      const collection = (
        url: string,
        what: string,
        all: (request: FastifyRequest) => Promise<Record<string, unknown>[]>,
      ) => {
        scope.get(url, async (request) => {
          const members = await all(request);
          return listResponse(members, members.length, 1);
        });
        scope.get<{ Params: IdParams }>(`${url}/:id`, async (request) => {
          const found = (await all(request)).find((r) => r['id'] === request.params.id);
          if (!found) throw notFound(`no ${what} ${request.params.id}`);
          return found;
        });
        readOnly(scope, url);
        readOnly(scope, `${url}/:id`);
      };

      // Microsoft's SCIM reference collection asks at the non-standard /serviceConfiguration.
      document(['/ServiceProviderConfig', '/serviceConfiguration'], async (request) =>
        serviceProviderConfig(await of(request).discovery()),
      );
      collection('/ResourceTypes', 'resource type', async (request) =>
        resourceTypes(await of(request).discovery()),
      );
      holdToPublished(scope, (request) => of(request).discovery(), ecma2host);
      collection('/Schemas', 'schema', async (request) =>
        schemas(await of(request).discovery(), { ecma2host }),
      );

      scope.get<{ Querystring: Query }>('/Users', async (request) =>
        listUsers(of(request), request.query, root(request)),
      );
      scope.post('/Users/.search', async (request) =>
        listUsers(of(request), searchQuery(bodyObject(request)), root(request)),
      );
      scope.get<{ Params: IdParams; Querystring: Query }>('/Users/:id', async (request) =>
        projectAttributes(user(request, await of(request).users.get(request.params.id)), request.query),
      );
      scope.post<{ Body: Record<string, unknown> }>('/Users', async (request, reply) =>
        sendCreated(reply, user(request, await of(request).users.create(bodyObject(request)))),
      );
      scope.put<{ Params: IdParams }>('/Users/:id', async (request) =>
        user(request, await of(request).users.replace(request.params.id, bodyObject(request))),
      );
      // RFC 7644 §3.5.2: 204 without a body, unless the client asks for attributes back.
      scope.patch<{ Params: IdParams; Querystring: Query }>('/Users/:id', async (request, reply) => {
        const updated = await of(request).users.patch(request.params.id, bodyObject(request));
        const wantsBody =
          request.query['attributes'] !== undefined || request.query['excludedAttributes'] !== undefined;
        return updated && wantsBody
          ? projectAttributes(user(request, updated), request.query)
          : reply.code(204).send();
      });
      scope.delete<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
        await of(request).users.remove(request.params.id);
        return reply.code(204).send();
      });

      scope.get<{ Querystring: Query }>('/Groups', async (request) =>
        listGroups(of(request), request.query, root(request)),
      );
      scope.post('/Groups/.search', async (request) =>
        listGroups(of(request), searchQuery(bodyObject(request)), root(request)),
      );
      scope.post('/.search', async (request) =>
        searchAll(of(request), searchQuery(bodyObject(request)), root(request)),
      );
      scope.get<{ Params: IdParams; Querystring: Query }>('/Groups/:id', async (request) =>
        projectAttributes(
          group(
            request,
            await of(request).groups.get(request.params.id, keepsAttribute(request.query, 'members')),
          ),
          request.query,
        ),
      );
      scope.post('/Groups', async (request, reply) =>
        sendCreated(reply, group(request, await of(request).groups.create(bodyObject(request)))),
      );
      scope.put<{ Params: IdParams }>('/Groups/:id', async (request) =>
        group(request, await of(request).groups.replace(request.params.id, bodyObject(request))),
      );
      scope.patch<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
        await of(request).groups.patch(request.params.id, bodyObject(request));
        return reply.code(204).send();
      });
      scope.delete<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
        await of(request).groups.remove(request.params.id);
        return reply.code(204).send();
      });
    },
    { prefix },
  );
}

function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ScimError({ status: 400, scimType: 'invalidSyntax' }, 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * The SCIM listener's HTTP application (no socket: callers `listen`, tests may `inject`). Each connector is
 * served at /ecma2host_<name>/scim, the tenant URL ECMA2Host users know, and at /scim when it is the only one.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    ...(options.https ? { https: { ...options.https, minVersion: 'TLSv1.2' as const } } : {}),
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Our onResponse hook logs one line per request, without URLs (filters carry user names).
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    // A URL that does not decode (a stray %ff) fails before routing: still a SCIM Error for the client.
    frameworkErrors: (_error, _request, reply) =>
      sendError(
        reply,
        new ScimError(
          { status: 400, scimType: 'invalidSyntax' },
          'the request URL is not validly percent-encoded',
        ),
      ),
  });
  // Entra sends application/scim+json, other clients application/json; a DELETE may carry the type and no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser([SCIM_JSON, 'application/json'], { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        new ScimError({ status: 400, scimType: 'invalidSyntax' }, 'the request body is not valid JSON'),
        undefined,
      );
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('application/json')) reply.type(SCIM_JSON);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.observe(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const scim = asScimError(error);
    if (scim) {
      if (scim.status >= 500)
        request.log.warn({ status: scim.status, detail: scim.message }, 'request failed');
      return sendError(reply, scim);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, new ScimError({ status: 500 }, 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, notFound(`no route for ${request.method} ${request.url.split('?')[0]}`)),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await options.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'directory unreachable' });
  });

  registerConnector(
    app,
    '/:tenant/scim',
    (request) => {
      const tenant = String((request.params as { tenant?: string }).tenant ?? '');
      return options.connectors().find((c) => `ecma2host_${c.name}`.toLowerCase() === tenant.toLowerCase());
    },
    unauthorized,
  );
  // /scim names no connector, so saying that it serves none (several are configured) gives nothing away.
  registerConnector(
    app,
    '/scim',
    () => (options.connectors().length === 1 ? options.connectors()[0] : undefined),
    (request) => notFound(`no connector serves ${request.url.split('?')[0]}`),
  );
  return app;
}
