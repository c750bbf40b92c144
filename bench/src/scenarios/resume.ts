import { Client } from 'pg';
import { directConversationId } from '@switchboard/protocol';
import type { ProtocolClient } from '../clients/protocolClient';
import { sleep } from '../platform/processes';
import type { System } from '../platform/systems';
import { usageOf, type BenchContext } from './context';
import type { RunOf } from './messaging';
import { now } from './openLoopPhase';

export interface ResumeTrial {
  /** From starting to connect until the socket was open and welcomed. */
  connectMs: number;
  /** From starting to connect until the last missed message arrived. */
  allDeliveredMs: number;
  /** From sending the sync until the last missed message arrived. */
  fromSyncMs: number;
  delivered: number;
  inOrder: boolean;
  duplicates: number;
}

export interface ResumeResult {
  messages: number;
  writeSeconds: number;
  trials: ResumeTrial[];
}

/**
 * S5: a reader is offline while a writer on the other gateway sends `messages` messages; once
 * they are projected, the reader reconnects and syncs from cursor 0. Timed from the start of the
 * reconnect to the arrival of the last missed message, which must come in order and once.
 */
export async function runResume(ctx: BenchContext, system: System, options: { messages: number; trials: number }): Promise<RunOf<ResumeResult>> {
  const platform = system.platform;
  if (!platform) throw new Error('the resume scenario runs against Switchboard only');
  const writerId = `${ctx.runTag}rw`;
  const readerId = `${ctx.runTag}rr`;
  const writer = (await system.connect(0, writerId)) as ProtocolClient;
  await writer.ready();
  const conversationId = directConversationId(writerId, readerId);

  const writeStarted = now();
  let acked = 0;
  let errors = 0;
  const codes: Record<string, number> = {};
  writer.onReply = (_id, ok, code) => {
    if (ok) acked++;
    else {
      errors++;
      codes[code ?? 'error'] = (codes[code ?? 'error'] ?? 0) + 1;
    }
  };
  const window = 500;
  let sent = 0;
  const deadline = now() + 120_000;
  while ((acked + errors < options.messages) && now() < deadline) {
    while (sent < options.messages && sent - acked - errors < window) {
      writer.sendDirect(readerId, `${sent}:0`, `w${sent}`);
      sent++;
    }
    await sleep(2);
  }
  if (errors > 0 || acked < options.messages) throw new Error(`resume setup: ${acked} of ${options.messages} sends acknowledged, ${errors} errors ${JSON.stringify(codes)}`);
  const writeSeconds = (now() - writeStarted) / 1000;
  await writer.close();

  const db = new Client({ connectionString: platform.databaseUrl });
  await db.connect();
  try {
    const until = now() + 60_000;
    for (;;) {
      const { rows } = await db.query<{ last_seq: string }>('SELECT last_seq FROM persister_conversations WHERE conversation_id = $1', [conversationId]);
      if (Number(rows[0]?.last_seq ?? 0) >= options.messages) break;
      if (now() > until) throw new Error('resume setup: the persister did not project the messages within 60 s');
      await sleep(100);
    }
  } finally {
    await db.end();
  }

  const from = ctx.sampler.mark();
  const trials: ResumeTrial[] = [];
  for (let t = 0; t < options.trials; t++) {
    const started = now();
    const reader = (await system.connect(1, readerId)) as ProtocolClient;
    const connected = now();
    let delivered = 0;
    let last = -1;
    let inOrder = true;
    let duplicates = 0;
    let lastAt = 0;
    const seen = new Uint8Array(options.messages);
    reader.onDelivery = (body) => {
      const index = Number(body.slice(0, body.indexOf(':')));
      if (seen[index]) duplicates++;
      else {
        seen[index] = 1;
        delivered++;
      }
      if (index <= last) inOrder = false;
      last = index;
      lastAt = now();
    };
    const syncAt = now();
    await reader.sync({ [conversationId]: 0 });
    const until = now() + 30_000;
    while (delivered < options.messages && now() < until) await sleep(5);
    trials.push({
      connectMs: connected - started,
      allDeliveredMs: (lastAt || now()) - started,
      fromSyncMs: (lastAt || now()) - syncAt,
      delivered,
      inOrder,
      duplicates,
    });
    ctx.log(`  S5 trial ${t + 1}: ${delivered}/${options.messages} in ${((lastAt || now()) - started).toFixed(0)} ms, in order: ${inOrder}`);
    await reader.close();
    await sleep(500);
  }
  const to = ctx.sampler.mark();
  return {
    system: system.id,
    label: system.label,
    result: { messages: options.messages, writeSeconds, trials },
    usage: usageOf(ctx, from, to, system.tracked().map((t) => t.name)),
  };
}
