import { accessSync, constants } from 'node:fs';

/**
 * A field reads one environment variable and turns its text into a typed value,
 * or explains, in words an operator can act on, why the text is not acceptable.
 */
export interface Field<T> {
  readonly description: string;
  readonly defaultText: string | undefined;
  parse(raw: string | undefined): ParseResult<T>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = <T>(problem: string): ParseResult<T> => ({ ok: false, problem });

interface Common<T> {
  description: string;
  default?: T;
}

function withDefault<T>(
  opts: Common<T>,
  show: (value: T) => string,
  parseText: (text: string) => ParseResult<T>,
): Field<T> {
  return {
    description: opts.description,
    defaultText: opts.default === undefined ? undefined : show(opts.default),
    parse(raw) {
      if (raw === undefined || raw.trim() === '') {
        return opts.default === undefined ? bad('is required but not set') : ok(opts.default);
      }
      return parseText(raw.trim());
    },
  };
}

export function str(opts: Common<string> & { pattern?: RegExp; secret?: boolean }): Field<string> {
  return withDefault(opts, (v) => (opts.secret ? '(secret)' : v), (text) =>
    opts.pattern && !opts.pattern.test(text) ? bad(`must match ${String(opts.pattern)}, got "${text}"`) : ok(text),
  );
}

/** A string that may be left unset; unset reads as undefined. */
export function optionalStr(opts: { description: string; secret?: boolean }): Field<string | undefined> {
  return {
    description: opts.description,
    defaultText: undefined,
    parse: (raw) => ok(raw === undefined || raw.trim() === '' ? undefined : raw.trim()),
  };
}

export function int(opts: Common<number> & { min?: number; max?: number }): Field<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return withDefault(opts, String, (text) => {
    if (!/^-?\d+$/.test(text)) return bad(`must be a whole number, got "${text}"`);
    const value = Number(text);
    if (value < min || value > max) return bad(`must be between ${min} and ${max}, got ${value}`);
    return ok(value);
  });
}

export function port(opts: Common<number>): Field<number> {
  return int({ ...opts, min: 0, max: 65535 });
}

export function bool(opts: Common<boolean>): Field<boolean> {
  return withDefault(opts, String, (text) => {
    const lower = text.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return ok(true);
    if (['0', 'false', 'no', 'off'].includes(lower)) return ok(false);
    return bad(`must be true or false, got "${text}"`);
  });
}

export function oneOf<const T extends string>(opts: Common<T> & { values: readonly T[] }): Field<T> {
  return withDefault(opts, String, (text) =>
    (opts.values as readonly string[]).includes(text)
      ? ok(text as T)
      : bad(`must be one of ${opts.values.join(', ')}, got "${text}"`),
  );
}

/** A comma-separated list; every item must satisfy `item` when given. */
export function list(opts: Common<string[]> & { item?: RegExp; nonEmpty?: boolean }): Field<string[]> {
  return withDefault(opts, (v) => v.join(','), (text) => {
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (opts.nonEmpty && items.length === 0) return bad('must list at least one item');
    const wrong = opts.item ? items.filter((s) => !opts.item!.test(s)) : [];
    return wrong.length > 0 ? bad(`has items not matching ${String(opts.item)}: ${wrong.join(', ')}`) : ok(items);
  });
}

/** host:port pairs, as Kafka brokers are listed. */
export function hostPorts(opts: Common<string[]>): Field<string[]> {
  return list({ ...opts, nonEmpty: true, item: /^[A-Za-z0-9._\-[\]:]+:\d{1,5}$/ });
}

/** A path to a file the process can read (a certificate, a key, a secret), or unset. */
export function optionalFile(opts: { description: string }): Field<string | undefined> {
  return {
    description: opts.description,
    defaultText: undefined,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return ok(undefined);
      const path = raw.trim();
      try {
        accessSync(path, constants.R_OK);
        return ok(path);
      } catch (err) {
        return bad(`names a file this process cannot read: ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    },
  };
}

export function url(opts: Common<string> & { protocols: readonly string[] }): Field<string> {
  return withDefault(opts, redactUrl, (text) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return bad(`must be a URL, got "${redactUrl(text)}"`);
    }
    const protocol = parsed.protocol.replace(/:$/, '');
    return opts.protocols.includes(protocol)
      ? ok(text)
      : bad(`must use ${opts.protocols.join(' or ')}, got "${protocol}"`);
  });
}

function redactUrl(text: string): string {
  return text.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
