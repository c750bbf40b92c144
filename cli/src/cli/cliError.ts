import { EXIT_CONFIG, EXIT_FAILED, EXIT_NO_INPUT, EXIT_UNAVAILABLE, EXIT_USAGE } from './exitCodes';

/** A failure the command reports in one line, with the exit status that classifies it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_USAGE);
export const configError = (message: string): CliError => new CliError(message, EXIT_CONFIG);
export const unavailableError = (message: string, cause?: unknown): CliError => new CliError(message, EXIT_UNAVAILABLE, { cause });
export const noInputError = (message: string): CliError => new CliError(message, EXIT_NO_INPUT);
export const failedError = (message: string): CliError => new CliError(message, EXIT_FAILED);

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
