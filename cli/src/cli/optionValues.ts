import { usageError } from './cliError';
import type { OptionValues } from './parseCommandArgs';

/** The last value of a string option (a repeated option keeps the last one, as most tools do). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.length === 0 ? undefined : String(value[value.length - 1]);
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw usageError(`missing --${name}`);
  return value;
}

export function booleanOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** Every value of an option declared with `multiple: true`. */
export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

/** A whole number within bounds, from an option's text. */
export function integerOption(values: OptionValues, name: string, bounds: { min: number; max?: number }): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  return parseInteger(text, `--${name}`, bounds);
}

export function parseInteger(text: string, what: string, bounds: { min: number; max?: number }): number {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(text)) throw usageError(`${what} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < bounds.min || value > max) {
    throw usageError(`${what} must be ${bounds.max === undefined ? `at least ${bounds.min}` : `between ${bounds.min} and ${max}`}, got ${text}`);
  }
  return value;
}
