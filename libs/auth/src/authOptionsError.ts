/** Options that cannot make a safe verifier or token; lists every problem at once. */
export class AuthOptionsError extends Error {
  constructor(
    readonly problems: readonly string[],
    subject = 'token verifier options',
  ) {
    super(`invalid ${subject}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'AuthOptionsError';
  }
}
