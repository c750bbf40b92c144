/** Who a verified token speaks for. */
export interface Principal {
  /** The token's `sub`. */
  readonly userId: string;
  /** When the token stops being valid, in epoch milliseconds (from `exp`). */
  readonly expiresAt: number;
  /** Every claim of the token, as signed. */
  readonly claims: Readonly<Record<string, unknown>>;
}
