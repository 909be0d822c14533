/**
 * What is left of a vmdesc trailer cut short (a stream copied or written only in part): the
 * device entries that are whole in the JSON prefix. The entries are in stream order and each
 * is complete or absent, so those that are whole describe their sections exactly; the others'
 * sections are found by their footers (and decoded with a manifest where one is given).
 *
 * One pass over the text, linear in its length: a scanner that knows strings, escapes and
 * nesting, and hands each whole element of the top-level `devices` array to JSON.parse.
 */
import type { VmdescDevice, VmdescJson } from '../model.ts';

export interface SalvagedVmdesc {
  readonly json: VmdescJson;
  /** How many device entries the prefix holds whole. */
  readonly devices: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

export function salvageVmdesc(text: string): SalvagedVmdesc | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let lastKey: string | undefined;
  let lastString: string | undefined;
  let pageSize: number | undefined;
  let inDevices = false;
  let deviceStart = -1;
  const devices: VmdescDevice[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        lastString = text.slice(stringStart + 1, i);
      }
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        stringStart = i;
        break;
      case COLON:
        // A key of the top-level object: its value follows.
        if (depth === 1 && lastString !== undefined) {
          lastKey = lastString;
          if (lastKey === 'page_size') pageSize = leadingNumber(text, i + 1);
        }
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (depth === 1 && c === OPEN_BRACKET && lastKey === 'devices') inDevices = true;
        if (inDevices && depth === 2 && c === OPEN_BRACE) deviceStart = i;
        depth++;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        depth--;
        if (inDevices && depth === 2 && c === CLOSE_BRACE && deviceStart >= 0) {
          const entry = parseEntry(text.slice(deviceStart, i + 1));
          if (entry !== undefined) devices.push(entry);
          deviceStart = -1;
        }
        if (inDevices && depth === 1) inDevices = false;
        break;
      default:
        break;
    }
  }
  if (pageSize === undefined || devices.length === 0) return undefined;
  return { json: { page_size: pageSize, devices }, devices: devices.length };
}

function leadingNumber(text: string, from: number): number | undefined {
  const m = /^\s*(\d{1,12})/.exec(text.slice(from, from + 16));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function parseEntry(slice: string): VmdescDevice | undefined {
  try {
    const v: unknown = JSON.parse(slice);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as VmdescDevice) : undefined;
  } catch {
    return undefined;
  }
}
