import { App, SSLApp, type TemplatedApp } from 'uWebSockets.js';

/** Certificate and key of the gateway's own TLS listener (wss://, https://). */
export interface GatewayTls {
  certFile: string;
  keyFile: string;
}

/**
 * The uWebSockets.js app: plain, or terminating TLS itself when given a certificate and key.
 * uWS reads the files once, when the app is made; a renewed certificate takes effect when the
 * gateway restarts (docs/connections.md says how to roll it without losing messages).
 */
export function createApp(tls: GatewayTls | undefined): TemplatedApp {
  return tls ? SSLApp({ cert_file_name: tls.certFile, key_file_name: tls.keyFile }) : App();
}
