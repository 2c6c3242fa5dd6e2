import { type Logger, pino } from 'pino';

/**
 * Paths redacted from every log line, in one place: credentials, and the bodies of SCIM requests (which carry
 * personal data and passwords). Logs carry attribute names, never values.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  'password',
  'bindPassword',
  'userPassword',
  '*.password',
  '*.userPassword',
  '*.token',
  'body',
  'req.body',
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'scim-ldap' },
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
