import { type Condition, ConditionType, type Desired, Reason, setCondition } from './conditions.ts';

export interface MappingStatus {
  observedGeneration: number;
  conditions: Condition[];
  connector?: string;
  mappings: number;
}

export interface MappingObservations {
  name: string;
  generation: number;
  /** spec.connectorRef.name. */
  connectorRef: string | undefined;
  /** The LdapConnector it attached to; undefined when none of that name exists. */
  connector: string | undefined;
  /** The connector's configuration problems, one a line, each naming its resource, or null. */
  problem: string | null;
  mappings: number;
}

/**
 * An AttributeMapping's status: Valid (its own problems, or the connector's verdict), Ready, and kstatus's
 * Stalled, True while it does not load (only a change to it can fix that). A missing connector is waited for.
 */
export function mappingStatus(
  previous: { conditions?: Condition[] } | undefined,
  obs: MappingObservations,
  now: Date,
): MappingStatus {
  const own = obs.problem
    ?.split('\n')
    .filter((line) => line.includes(`AttributeMapping/${obs.name} `))
    .join('\n')
    .trim();
  const valid: Desired =
    obs.connector === undefined
      ? {
          type: ConditionType.Valid,
          status: 'False',
          reason: Reason.NoConnector,
          message: `no LdapConnector named ${obs.connectorRef}`,
        }
      : own
        ? { type: ConditionType.Valid, status: 'False', reason: Reason.InvalidMapping, message: own }
        : { type: ConditionType.Valid, status: 'True', reason: Reason.Valid, message: 'the mapping loads' };
  const desired: Desired[] = [
    valid,
    valid.status === 'True'
      ? { type: ConditionType.Ready, status: 'True', reason: Reason.Ready, message: valid.message }
      : { type: ConditionType.Ready, status: 'False', reason: valid.reason, message: valid.message },
    valid.reason === Reason.InvalidMapping
      ? { type: ConditionType.Stalled, status: 'True', reason: valid.reason, message: valid.message }
      : {
          type: ConditionType.Stalled,
          status: 'False',
          reason: Reason.NotStalled,
          message: 'nothing waits for a change by the user',
        },
  ];
  let conditions = previous?.conditions ?? [];
  for (const d of desired) conditions = setCondition(conditions, d, now, obs.generation);
  return {
    observedGeneration: obs.generation,
    conditions,
    ...(obs.connector ? { connector: obs.connector } : {}),
    mappings: obs.mappings,
  };
}
