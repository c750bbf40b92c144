import { readFileSync } from 'node:fs';
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
  /** The same resume at size: many conversations, many more messages. */
  large?: LargeResumeResult;
}

export interface LargeResumeTrial {
  /** From sending the sync until the last missed message arrived. */
  fromSyncMs: number;
  /** From sending the sync until its ok (sent once every missed event was pushed). */
  syncAnsweredMs: number;
  delivered: number;
  /** Every conversation's messages arrived in their order. */
  inOrder: boolean;
  duplicates: number;
  /** RSS of the reader's gateway and of the persister just before the sync, and their highest during the replay. */
  gatewayRssBeforeMiB: number;
  gatewayRssPeakMiB: number;
  persisterRssBeforeMiB: number;
  persisterRssPeakMiB: number;
}

export interface LargeResumeResult {
  messages: number;
  conversations: number;
  writeSeconds: number;
  trials: LargeResumeTrial[];
}

export interface ResumeOptions {
  messages: number;
  trials: number;
  large?: { messages: number; conversations: number; trials: number };
}

/**
 * S5: a reader is offline while a writer on the other gateway sends `messages` messages; once
 * they are projected, the reader reconnects and syncs from cursor 0. Timed from the start of the
 * reconnect to the arrival of the last missed message, which must come in order and once.
 */
export async function runResume(ctx: BenchContext, system: System, options: ResumeOptions): Promise<RunOf<ResumeResult>> {
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
  const large = options.large && (await runLargeResume(ctx, system, options.large));
  const to = ctx.sampler.mark();
  return {
    system: system.id,
    label: system.label,
    result: { messages: options.messages, writeSeconds, trials, ...(large ? { large } : {}) },
    usage: usageOf(ctx, from, to, system.tracked().map((t) => t.name)),
  };
}

/**
 * S5 at size: a reader is in `conversations` groups of one writer, and is offline while the writer
 * sends `messages` messages round-robin into them; once they are projected, the reader reconnects
 * and syncs with no cursors. Timed from the sync to the last missed message; every conversation's
 * messages must arrive in order and once. The RSS of the reader's gateway and of the persister is
 * read every 10 ms meanwhile.
 */
async function runLargeResume(
  ctx: BenchContext,
  system: System,
  options: { messages: number; conversations: number; trials: number },
): Promise<LargeResumeResult> {
  const platform = system.platform;
  if (!platform) throw new Error('the resume scenario runs against Switchboard only');
  const writerId = `${ctx.runTag}lw`;
  const readerId = `${ctx.runTag}lr`;
  const perConversation = Math.ceil(options.messages / options.conversations);
  const writer = (await system.connect(0, writerId)) as ProtocolClient;
  await writer.ready();
  const groups: string[] = [];
  for (let c = 0; c < options.conversations; c++) groups.push(await writer.createGroup(`resume ${c}`, [readerId]));

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
  let sent = 0;
  const deadline = now() + 300_000;
  while (acked + errors < options.messages && now() < deadline) {
    while (sent < options.messages && sent - acked - errors < 1_000) {
      const c = sent % options.conversations;
      writer.sendToConversation(groups[c]!, `${Math.floor(sent / options.conversations)}:${c}`, `l${sent}`);
      sent++;
    }
    await sleep(2);
  }
  if (errors > 0 || acked < options.messages) throw new Error(`large resume setup: ${acked} of ${options.messages} sends acknowledged, ${errors} errors ${JSON.stringify(codes)}`);
  const writeSeconds = (now() - writeStarted) / 1000;
  await writer.close();
  ctx.log(`  S5 at size: ${options.messages} messages in ${options.conversations} groups written in ${writeSeconds.toFixed(1)} s`);

  const db = new Client({ connectionString: platform.databaseUrl });
  await db.connect();
  try {
    const until = now() + 120_000;
    for (;;) {
      const { rows } = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM persister_events WHERE conversation_id = ANY($1) AND kind = 'message'",
        [groups],
      );
      if (Number(rows[0]?.n ?? 0) >= options.messages) break;
      if (now() > until) throw new Error('large resume setup: the persister did not project the messages within 120 s');
      await sleep(100);
    }
  } finally {
    await db.end();
  }

  const gatewayPid = platform.processes.get('gateway2')?.pid;
  const persisterPid = platform.processes.get('persister')?.pid;
  const trials: LargeResumeTrial[] = [];
  for (let t = 0; t < options.trials; t++) {
    const reader = (await system.connect(1, readerId)) as ProtocolClient;
    let delivered = 0;
    let duplicates = 0;
    let inOrder = true;
    let lastAt = 0;
    const seen = new Uint8Array(perConversation * options.conversations);
    const lastOf = new Int32Array(options.conversations).fill(-1);
    reader.onDelivery = (body) => {
      const colon = body.indexOf(':');
      const k = Number(body.slice(0, colon));
      const c = Number(body.slice(colon + 1));
      const index = c * perConversation + k;
      if (seen[index]) duplicates++;
      else {
        seen[index] = 1;
        delivered++;
      }
      if (k <= (lastOf[c] ?? -1)) inOrder = false;
      lastOf[c] = k;
      lastAt = now();
    };
    const gatewayRss = rssWatch(gatewayPid);
    const persisterRss = rssWatch(persisterPid);
    const syncAt = now();
    let answeredAt = 0;
    await reader.sync({}, 60_000).then(() => (answeredAt = now()));
    const until = now() + 30_000;
    while (delivered < options.messages && now() < until) await sleep(5);
    const gateway = gatewayRss.stop();
    const persister = persisterRss.stop();
    trials.push({
      fromSyncMs: (lastAt || now()) - syncAt,
      syncAnsweredMs: answeredAt - syncAt,
      delivered,
      inOrder,
      duplicates,
      gatewayRssBeforeMiB: gateway.beforeMiB,
      gatewayRssPeakMiB: gateway.peakMiB,
      persisterRssBeforeMiB: persister.beforeMiB,
      persisterRssPeakMiB: persister.peakMiB,
    });
    ctx.log(
      `  S5 at size, trial ${t + 1}: ${delivered}/${options.messages} in ${((lastAt || now()) - syncAt).toFixed(0)} ms, in order: ${inOrder}, ` +
        `duplicates: ${duplicates}, sync ok after ${(answeredAt - syncAt).toFixed(0)} ms, RSS gateway ${gateway.beforeMiB.toFixed(0)} → ${gateway.peakMiB.toFixed(0)} MiB, ` +
        `persister ${persister.beforeMiB.toFixed(0)} → ${persister.peakMiB.toFixed(0)} MiB`,
    );
    await reader.close();
    await sleep(1_000);
  }
  return { messages: options.messages, conversations: options.conversations, writeSeconds, trials };
}

/** Reads a process's RSS now and every 10 ms until stopped; the first reading and the highest, in MiB. */
function rssWatch(pid: number | undefined): { stop(): { beforeMiB: number; peakMiB: number } } {
  const read = () => {
    if (pid === undefined) return 0;
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  };
  const before = read();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, read())), 10);
  return {
    stop() {
      clearInterval(timer);
      return { beforeMiB: before, peakMiB: Math.max(peak, read()) };
    },
  };
}
