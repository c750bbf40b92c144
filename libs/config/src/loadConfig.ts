import type { Field } from './fields';

export type Spec = Record<string, Field<unknown>>;
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every variable named in the spec and reports all problems at once, each naming its
 * variable, so an operator fixes a deployment in one pass rather than one restart per mistake.
 */
export function loadConfig<S extends Spec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, field] of Object.entries(spec)) {
    const result = field.parse(env[name]);
    if (result.ok) values[name] = result.value;
    else problems.push(`${name} ${result.problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}

/** Exit status for a configuration error, from sysexits.h (EX_CONFIG). */
export const EXIT_CONFIG = 78;

/** Loads the configuration of a process, or prints what is wrong and exits with EXIT_CONFIG. */
export function loadConfigOrExit<S extends Spec>(service: string, spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  try {
    return loadConfig(spec, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/** Runs a check of settings that may throw ConfigError (connectionSecurity.ts); on one, prints it and exits with EXIT_CONFIG. */
export function checkedOrExit<T>(service: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/**
 * Exits with EXIT_CONFIG when a dependency refused this process for good (its credentials or its
 * certificate, see credentialProblem), printing every refusal; returns otherwise.
 */
export async function exitIfRefused(service: string, checks: readonly Promise<string | undefined>[]): Promise<void> {
  const problems = (await Promise.all(checks)).filter((p): p is string => p !== undefined);
  if (problems.length === 0) return;
  process.stderr.write(`${service}: ${problems.join('\n  ')}\n`);
  process.exit(EXIT_CONFIG);
}

/** The rows of the configuration table in the README: variable, default, meaning. */
export function describeSpec(spec: Spec): { name: string; default: string; description: string }[] {
  return Object.entries(spec).map(([name, field]) => ({
    name,
    default: field.defaultText ?? '(required)',
    description: field.description,
  }));
}
