/**
 * What the user typed into "go to": `0x1f`, `1f` (hex, because of the letter) or `31`
 * (decimal). Undefined for anything else.
 */
export function parseOffset(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  let value: number;
  if (/^0x[0-9a-f]+$/.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^[0-9]*[a-f][0-9a-f]*$/.test(t)) value = parseInt(t, 16);
  else if (/^[0-9]+$/.test(t)) value = Number(t);
  else return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}
