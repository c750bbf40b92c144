/** Whether a URL host names this machine, where the stack may start a server itself. */
export function isLocalHost(hostname: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(hostname.toLowerCase());
}
