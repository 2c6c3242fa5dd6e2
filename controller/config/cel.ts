/**
 * A cross-field rule, written once: the CRD carries its CEL text (checked by the API server), and runtime
 * validation runs its TypeScript twin on the same schema node (CEL cannot run in Node).
 */
export interface CelRule {
  rule: string;
  message: string;
}

type Check = (self: unknown) => boolean;

const checks = new Map<string, Check>();

export function celRule<const R extends string, const M extends string>(
  rule: R,
  message: M,
  check: Check,
): { rule: R; message: M } {
  checks.set(rule, check);
  return { rule, message };
}

/** The TypeScript twin of a CEL rule declared with celRule. */
export function checkFor(rule: string): Check {
  const check = checks.get(rule);
  if (!check) throw new Error(`CEL rule without a runtime check: ${rule}`);
  return check;
}

export function has(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[key] !== undefined;
}
