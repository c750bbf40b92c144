import type { Platform } from './platform';
import { sleep, waitUntil } from './waiting';

export interface ReadinessSample {
  service: string;
  at: number;
  ready: boolean;
  reason?: string;
}

/** Polls every service's /readyz in the background and keeps what each answered. */
export interface ReadinessWatch {
  readonly samples: ReadinessSample[];
  /** Samples of one service taken since `from` (epoch ms). */
  of(service: string, from?: number): ReadinessSample[];
  stop(): Promise<void>;
}

export async function readiness(port: number): Promise<{ ready: boolean; reason?: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json().catch(() => ({}))) as { ready?: boolean; reason?: string };
    return { ready: res.ok, ...(body.reason ? { reason: body.reason } : {}) };
  } catch (err) {
    return { ready: false, reason: `no answer: ${(err as Error).message}` };
  }
}

export function watchReadiness(platform: Platform, intervalMs = 250): ReadinessWatch {
  const samples: ReadinessSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(
        [...platform.services.values()].map(async (s) => {
          samples.push({ service: s.name, at: Date.now(), ...(await readiness(s.httpPort)) });
        }),
      );
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    of: (service, from = 0) => samples.filter((s) => s.service === service && s.at >= from),
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Waits until every service of the platform answers /readyz with 200. */
export async function waitAllReady(platform: Platform, timeoutMs = 60_000): Promise<void> {
  for (const service of platform.services.values()) {
    let last = '';
    await waitUntil(`${service.name} is ready again`, timeoutMs, async () => {
      const state = await readiness(service.httpPort);
      last = state.reason ?? '';
      return state.ready;
    }).catch((err: Error) => {
      throw new Error(`${err.message} (last reason: ${last})\n${service.output.slice(-20).join('')}`);
    });
  }
}
