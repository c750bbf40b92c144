import { readFileSync, writeFileSync } from 'node:fs';

const MARKER = '# switchboard local stack:';

/**
 * Puts a rule letting `user` connect over TCP from 127.0.0.1 without a password before every
 * other rule (pg_hba.conf is first match wins). Returns the text unchanged when the rule is
 * already there, so applying it twice changes nothing.
 */
export function withLocalTrust(hba: string, user: string): string {
  const rule = `host    all    ${user}    127.0.0.1/32    trust`;
  const normalise = (line: string): string => line.trim().split(/\s+/).join(' ');
  const lines = hba.split('\n');
  const firstRule = lines.findIndex((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (firstRule >= 0 && normalise(lines[firstRule] as string) === normalise(rule)) return hba;
  const insertAt = firstRule >= 0 ? firstRule : lines.length;
  lines.splice(insertAt, 0, `${MARKER} ${user} connects from this machine without a password`, rule);
  return lines.join('\n');
}

/** Applies withLocalTrust to a pg_hba.conf file; true if the file changed. */
export function ensureLocalTrust(path: string, user: string): boolean {
  const before = readFileSync(path, 'utf8');
  const after = withLocalTrust(before, user);
  if (after === before) return false;
  writeFileSync(path, after);
  return true;
}
