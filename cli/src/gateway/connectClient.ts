import { createClient, isSwitchboardError, type SwitchboardClient } from '@switchboard/client';
import { CliError, configError, failedError, unavailableError } from '../cli/cliError';
import type { CommandContext } from '../cli/command';
import { probeTcp } from '../net/probeTcp';
import { userToken } from './userToken';

const CONNECT_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 20_000;

/**
 * A connected and resumed @switchboard/client for `userId`. Once connected, the client reconnects
 * and resumes by itself. Until then the command gives up early: a gateway that does not accept TCP
 * connections, or whose first connection ends, is EX_UNAVAILABLE (69); a refused token (after the
 * client's own retries with fresh tokens) is a configuration error (78), since it means JWT_SECRET
 * is not the gateway's; and no command waits more than 20 s to get in.
 */
export async function connectClient(context: CommandContext, userId: string): Promise<SwitchboardClient> {
  const url = context.settings.gatewayUrl();
  const token = userToken(context.io.env, userId);
  const { hostname, port, protocol } = new URL(url);
  const reachable = await probeTcp(hostname, Number(port || (protocol === 'wss:' ? 443 : 80)));
  if (reachable !== true) throw unavailableError(`cannot reach the gateway at ${url}: ${reachable}`);

  const client = createClient({ url, token: () => token, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  const stops: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let lastProblem: string | undefined;
      stops.push(client.on('error', (error) => (lastProblem = `${error.code}: ${error.message}`)));
      stops.push(
        client.on('state', (change) => {
          if (change.state === 'closed' && change.error) reject(beforeReady(change.error, url));
          else if (change.delayMs !== undefined && change.closeCode !== 401) reject(firstAttemptFailed(url, change.closeCode));
        }),
      );
      // The client retries quietly while it has never connected; a command should not wait forever.
      timer = setTimeout(() => reject(unavailableError(`the gateway at ${url} did not let ${userId} in within ${READY_TIMEOUT_MS / 1000} s${lastProblem ? ` (${lastProblem})` : ''}`)), READY_TIMEOUT_MS);
      client.ready().then(resolve, (err: unknown) => reject(beforeReady(err, url)));
    });
  } catch (err) {
    await client.close();
    throw err;
  } finally {
    clearTimeout(timer);
    for (const stop of stops) stop();
  }
  return client;
}

/** Runs `work` with a connected client, closing it afterwards; the SDK's errors become the command's. */
export async function withClient<T>(context: CommandContext, userId: string, work: (client: SwitchboardClient) => Promise<T>): Promise<T> {
  const client = await connectClient(context, userId);
  try {
    return await work(client);
  } catch (err) {
    throw asCliError(err, context.settings.gatewayUrl());
  } finally {
    await client.close();
  }
}

function firstAttemptFailed(url: string, closeCode: number | undefined): CliError {
  const how = closeCode === undefined ? 'sent no welcome' : closeCode >= 1000 ? `closed the connection (${closeCode})` : `refused the connection (HTTP ${closeCode})`;
  return unavailableError(`the gateway at ${url} ${how}`);
}

/** A refused token before the first connection means this JWT_SECRET is not the gateway's. */
function beforeReady(err: unknown, url: string): unknown {
  if (isSwitchboardError(err) && err.code === 'unauthorized') {
    return configError(`the gateway at ${url} refused the token (${err.message}); it is signed with JWT_SECRET, which must be the gateway's`);
  }
  return asCliError(err, url);
}

/** An SDK error as the command reports it: unauthorized → 78, unavailable or timeout → 69, others → 1. */
export function asCliError(err: unknown, url: string): unknown {
  if (err instanceof CliError || !isSwitchboardError(err)) return err;
  const message = `${err.code}: ${err.message}`;
  if (err.code === 'unauthorized') return configError(`${message} (the gateway at ${url} must use the same JWT_SECRET)`);
  if (err.code === 'unavailable' || err.code === 'timeout') return unavailableError(message, err);
  return failedError(message);
}
