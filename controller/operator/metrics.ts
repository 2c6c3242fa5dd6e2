import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The operator's Prometheus metrics: reconciles, their duration and errors, queue depth, certificate expiry,
 * directory reachability and listener replicas per connector. */
export function createOperatorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    reconciles: new Counter({
      name: 'scim_ldap_operator_reconciles_total',
      help: 'Reconciles by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'scim_ldap_operator_reconcile_duration_seconds',
      help: 'Reconcile duration',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'scim_ldap_operator_queue_depth',
      help: 'Connectors queued or being reconciled',
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'scim_ldap_operator_certificate_expiry_timestamp_seconds',
      help: 'When each connector serving certificate expires',
      labelNames: ['namespace', 'connector'],
      registers: [registry],
    }),
    listenerReplicasAvailable: new Gauge({
      name: 'scim_ldap_operator_listener_replicas_available',
      help: "Available replicas of each connector's listener Deployment, as the operator's watch sees it",
      labelNames: ['namespace', 'connector'],
      registers: [registry],
    }),
    directoryEntries: new Gauge({
      name: 'scim_ldap_operator_directory_entries',
      help: "Users and groups of each connector's classes in its directory, at the operator's last check",
      labelNames: ['namespace', 'connector', 'object'],
      registers: [registry],
    }),
    directoryReachable: new Gauge({
      name: 'scim_ldap_operator_directory_reachable',
      help: "1 when the operator's last check bound to the connector's directory, else 0",
      labelNames: ['namespace', 'connector'],
      registers: [registry],
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;
