/** A short, escaped rendering of a value taken from a token, safe to put in a message or a log line. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
