/**
 * The one way a secret is blanked out of text, wherever text may leave the process: log lines
 * and vendor answers that echo a request. Secrets shorter than 4 characters are left alone: they
 * would blank out ordinary words and numbers, and no real credential is that short.
 */
export const REDACTED = '[redacted]';

export function redactText(text: string, secrets: readonly string[]): string {
  return secrets.reduce((acc, secret) => (secret.length >= 4 ? acc.split(secret).join(REDACTED) : acc), text);
}

/** Every string of a JSON-safe value, redacted. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The values of a request body held under keys that name secrets (each vendor says which), to redact from what comes back. */
export function secretsIn(value: unknown, secretKey: RegExp): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (secretKey.test(key) && v.length >= 4) out.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(value, '');
  return out;
}
