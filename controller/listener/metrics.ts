import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Directory } from '../adapters/ldap/directory.ts';
import type { UserEvent } from './users.ts';

/** The listener's Prometheus metrics: requests by route and status, LDAP operations and latency, user events,
 * allocation headroom. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'scim_ldap_http_requests_total',
    help: 'SCIM and health requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'scim_ldap_http_request_duration_seconds',
    help: 'Request latency',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const ldapOperations = new Counter({
    name: 'scim_ldap_ldap_operations_total',
    help: 'LDAP operations by connector, operation and outcome',
    labelNames: ['connector', 'operation', 'outcome'],
    registers: [registry],
  });
  const ldapSeconds = new Histogram({
    name: 'scim_ldap_ldap_operation_duration_seconds',
    help: 'LDAP operation latency',
    labelNames: ['connector', 'operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const groups = new Counter({
    name: 'scim_ldap_groups_total',
    help: 'Groups created and deleted, by connector',
    labelNames: ['connector', 'event'],
    registers: [registry],
  });
  const users = new Counter({
    name: 'scim_ldap_users_total',
    help: 'Users created, updated, disabled, enabled and deleted, by connector',
    labelNames: ['connector', 'event'],
    registers: [registry],
  });

  const reloadFailures = new Counter({
    name: 'scim_ldap_listener_config_reload_failures_total',
    help: 'Configuration changes rejected, by reason; the last good configuration stays in use',
    labelNames: ['reason'],
    registers: [registry],
  });
  const lastLoad = new Gauge({
    name: 'scim_ldap_listener_config_last_success_timestamp_seconds',
    help: 'When the configuration in use was loaded (at start or by the last successful reload), Unix time',
    registers: [registry],
  });
  const exportMarkFailures = new Counter({
    name: 'scim_ldap_export_mark_failures_total',
    help: 'Failed writes of the last-export time to the directory, by connector',
    labelNames: ['connector'],
    registers: [registry],
  });

  const allocationRemaining = new Gauge({
    name: 'scim_ldap_allocation_remaining',
    help: 'POSIX numbers left above the counter of each allocation range, by connector, attribute and range',
    labelNames: ['connector', 'attribute', 'range'],
    registers: [registry],
  });
  const allocationSize = new Gauge({
    name: 'scim_ldap_allocation_range_size',
    help: 'Numbers in each allocation range, by connector, attribute and range',
    labelNames: ['connector', 'attribute', 'range'],
    registers: [registry],
  });

  return {
    registry,
    /** The allocator's report of a range's headroom, as both gauges (the size makes a ratio possible in PromQL). */
    allocationRemaining:
      (connector: string) =>
      (attribute: string, min: number, max: number, remaining: number): void => {
        const labels = { connector, attribute, range: `${min}-${max}` };
        allocationRemaining.set(labels, remaining);
        allocationSize.set(labels, max - min + 1);
      },
    configLoaded: () => lastLoad.setToCurrentTime(),
    reloadFailed: (reason: string) => reloadFailures.inc({ reason }),
    exportMarkFailed: (connector: string) => exportMarkFailures.inc({ connector }),
    observe(route: string, method: string, status: number, seconds: number): void {
      requests.inc({ route, method, status: String(status) });
      requestSeconds.observe({ route, method }, seconds);
    },
    userEvent: (connector: string) => (event: UserEvent) => users.inc({ connector, event: event.kind }),
    groupEvent: (connector: string) => (event: UserEvent) => groups.inc({ connector, event: event.kind }),
    /** The same directory, counting and timing each operation. */
    instrument(connector: string, directory: Directory): Directory {
      const timed =
        <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          const end = ldapSeconds.startTimer({ connector, operation });
          try {
            const result = await fn(...args);
            ldapOperations.inc({ connector, operation, outcome: 'success' });
            return result;
          } catch (error) {
            ldapOperations.inc({ connector, operation, outcome: 'error' });
            throw error;
          } finally {
            end();
          }
        };
      return {
        search: timed('search', directory.search),
        add: timed('add', directory.add),
        modify: timed('modify', directory.modify),
        del: timed('delete', directory.del),
        rename: timed('rename', directory.rename),
        increment: timed('increment', directory.increment),
        ping: timed('ping', directory.ping),
        close: directory.close,
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
