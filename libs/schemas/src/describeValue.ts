/** A short rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'bigint') return `${value}n`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
