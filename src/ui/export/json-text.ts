/**
 * JSON for export: the decoded model holds bigints (64-bit fields), which JSON.stringify
 * refuses; they are written as decimal strings so that no digit is lost.
 */
export function jsonText(data: unknown): string {
  return `${JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2) ?? 'null'}\n`;
}
