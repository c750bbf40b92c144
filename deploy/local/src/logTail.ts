import { readFileSync } from 'node:fs';

/** The last `lines` lines of a text, without a trailing empty line. */
export function lastLines(text: string, lines: number): string {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all.slice(-lines).join('\n');
}

/** The end of a log file, labelled with its path, for error messages; empty if the file is missing. */
export function logTail(path: string, lines = 40): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').slice(-262_144);
  } catch {
    return '';
  }
  const tail = lastLines(text, lines);
  return tail === '' ? '' : `--- last lines of ${path} ---\n${tail}`;
}
