/**
 * Remembers whether the last projection attempt reached the database, so readiness can name the
 * problem while the consumer retries a batch.
 */
export interface DatabaseHealth {
  succeeded(): void;
  failed(err: unknown): void;
  /** The last failure's message, until the next success. */
  problem(): string | undefined;
}

export function createDatabaseHealth(): DatabaseHealth {
  let problem: string | undefined;
  return {
    succeeded: () => void (problem = undefined),
    failed: (err) => void (problem = err instanceof Error ? err.message : String(err)),
    problem: () => problem,
  };
}
