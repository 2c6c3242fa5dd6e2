import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConnectorSchema } from '../../core/scim/discovery.ts';
import {
  asPublished,
  carriesUsers,
  ecmaValuesIn,
  pseudoAttributesIn,
  shapeProblem,
} from '../../core/scim/ecma2host.ts';
import { invalidSyntax, invalidValue } from '../../core/scim/errors.ts';

/**
 * Requests and responses of one connector path hold to what its /Schemas publishes: directory values in their
 * published shape both ways, and the ECMA2Host pseudo-attributes only on the ECMA2Host path (`ecma2host`).
 */
export function holdToPublished(
  scope: FastifyInstance,
  discovery: (request: FastifyRequest) => Promise<ConnectorSchema>,
  ecma2host: boolean,
): void {
  scope.addHook('preValidation', async (request) => {
    if (ecmaValuesIn(request.body).length === 0) return;
    const [pseudo] = ecma2host ? [] : pseudoAttributesIn(request.body);
    if (pseudo)
      throw invalidSyntax(
        `${pseudo} is no attribute at this path; the ECMA2Host pseudo-attributes are served at /ecma2host_<connector>/scim`,
      );
    const problem = shapeProblem(request.body, (await discovery(request)).directory);
    if (problem) throw invalidValue(problem);
  });
  scope.addHook('preSerialization', async (request, _reply, payload) =>
    carriesUsers(payload) ? asPublished(payload, (await discovery(request)).directory, ecma2host) : payload,
  );
}
