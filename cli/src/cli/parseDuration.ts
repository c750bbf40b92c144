import { usageError } from './cliError';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `15m`, `1h`, `7d` as whole seconds; a plain number means seconds. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw usageError(`${what} must be a duration like 90s, 15m, 1h or 7d, got "${text}"`);
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) throw usageError(`${what} must be longer than zero, got "${text}"`);
  return seconds;
}
