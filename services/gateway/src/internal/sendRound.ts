/** Something that holds frames written during a round and writes them out when it ends. */
export interface RoundMember {
  /** Writes out what was held during the round. */
  flushRound(): void;
}

/**
 * A round of sends: while one is open, frames written to a session wait in it, and when the round
 * ends each session writes its frames together, corked, in one socket write. The deliveries
 * consumer opens one per fetched batch, so a session that gets several events of a batch costs
 * one system call for all of them rather than one each; the busier the gateway, the more a batch
 * holds. The round is synchronous (opened and closed in one turn), so it adds no latency and
 * nothing else can write in between: the order of every session's frames is kept.
 */
export class SendRound {
  private open = false;
  private members: RoundMember[] = [];
  private afterwards: (() => void)[] = [];

  isOpen(): boolean {
    return this.open;
  }

  /** Runs `work` in a round (or in the round already open), then flushes every member that joined. */
  run(work: () => void): void {
    if (this.open) return work();
    this.open = true;
    try {
      work();
    } finally {
      this.open = false;
      const members = this.members;
      const afterwards = this.afterwards;
      this.members = [];
      this.afterwards = [];
      for (const member of members) member.flushRound();
      for (const fn of afterwards) fn();
    }
  }

  /** Calls `fn` once what the open round holds is written out; at once when no round is open. */
  afterWrite(fn: () => void): void {
    if (this.open) this.afterwards.push(fn);
    else fn();
  }

  /** A member with frames held: flushed when the round ends. */
  join(member: RoundMember): void {
    this.members.push(member);
  }
}
