/**
 * A JSON reader for files migscope did not write (manifests, QMP replies, user uploads).
 *
 * It does not use JSON.parse, for three reasons that matter to a faithful port of QEMU's Python
 * tools: JavaScript objects reorder integer-like keys (Python dicts keep file order, and the
 * order of findings follows it), JSON.parse silently rounds big integers, and a recursive parse
 * of a 100k-deep `[[[[` overflows the stack. The parser below is a loop over an explicit stack
 * whose depth is checked when a container opens, before anything below it is built; objects are
 * Maps, so keys such as `__proto__` are plain data and never reach Object.prototype.
 *
 * Nothing here throws to the caller: every failure is an {@link InputError} value naming the
 * file and the JSON path where reading stopped.
 */

export type InputErrorCode =
  /** Not JSON at all, or JSON with a syntax error. */
  | 'JSON_SYNTAX'
  /** Containers nested deeper than the bound. */
  | 'JSON_TOO_DEEP'
  /** More text than the bound. */
  | 'JSON_TOO_LARGE'
  /** A value of the wrong JSON type (object where an array belongs, string for a number...). */
  | 'WRONG_TYPE'
  /** A required key is absent. */
  | 'MISSING_KEY'
  /** A number with a fraction or exponent where an integer belongs. */
  | 'NOT_AN_INTEGER'
  /** An integer JavaScript cannot hold exactly. */
  | 'NUMBER_OUT_OF_RANGE'
  /** A QMP reply carrying `error` instead of `return`. */
  | 'QMP_ERROR'
  /** The bytes could not be turned into text (I/O, gzip, UTF-8); set by callers that read files. */
  | 'UNREADABLE';

export interface InputError {
  readonly code: InputErrorCode;
  readonly file: string;
  /** `$` for the document, `$.a[3]["odd key"]` below it. */
  readonly jsonPath: string;
  readonly message: string;
  /** Character offset into the text, for syntax and size errors. */
  readonly offset?: number | undefined;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: InputError };

/** `error: <file>: <json path>: <message>`: the CLI's one stderr line, without `error: `. */
export function formatInputError(e: InputError): string {
  return `${e.file}: ${e.jsonPath}: ${e.message}`;
}

// ---------------------------------------------------------------------------------------------
// Values

export interface JsonObject {
  readonly kind: 'object';
  /** Insertion-ordered like a Python dict: a repeated key keeps its first position, last value. */
  readonly entries: ReadonlyMap<string, JsonValue>;
}
export interface JsonArray {
  readonly kind: 'array';
  readonly items: readonly JsonValue[];
}
export interface JsonString {
  readonly kind: 'string';
  readonly value: string;
}
export interface JsonNumber {
  readonly kind: 'number';
  /** The exact lexeme, so integers beyond 2^53 are not lost. */
  readonly text: string;
  /** Nearest double; exact only when `Number.isSafeInteger(value)` and `text` has no `.`/`e`. */
  readonly value: number;
}
export interface JsonBoolean {
  readonly kind: 'boolean';
  readonly value: boolean;
}
export interface JsonNull {
  readonly kind: 'null';
}
export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;
export type JsonKind = JsonValue['kind'];

export interface JsonLimits {
  /** Deepest allowed container nesting; the document's own object or array is depth 1. */
  readonly maxDepth: number;
  /** Longest accepted text, in UTF-16 code units. */
  readonly maxLength: number;
}

/**
 * Real manifests nest about 20 deep (vmsd structs inside structs); 256 leaves ample room and
 * keeps the recursive model builders far from any stack limit.
 */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 256, maxLength: 512 * 1024 * 1024 };

// ---------------------------------------------------------------------------------------------
// Paths

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function childPath(path: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  return IDENTIFIER.test(segment) ? `${path}.${segment}` : `${path}[${JSON.stringify(segment)}]`;
}

/** Long paths (hostile nesting) are cut in the middle so an error stays one readable line. */
function renderPath(segments: readonly PathSegment[]): string {
  const keep = 12;
  if (segments.length <= 2 * keep) return segments.reduce<string>(childPath, '$');
  const head = segments.slice(0, keep).reduce<string>(childPath, '$');
  const tail = segments.slice(-keep).reduce<string>(childPath, '');
  return `${head}…(${segments.length - 2 * keep} more)…${tail}`;
}

// ---------------------------------------------------------------------------------------------
// Parser

// Character codes the parser dispatches on.
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

interface ArrayFrame {
  readonly kind: 'array';
  readonly items: JsonValue[];
}
interface ObjectFrame {
  readonly kind: 'object';
  readonly entries: Map<string, JsonValue>;
  /** Key of the member being read; undefined while the key itself is read. */
  key: string | undefined;
}
type Frame = ArrayFrame | ObjectFrame;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const JSON_NULL: JsonNull = { kind: 'null' };
const JSON_TRUE: JsonBoolean = { kind: 'boolean', value: true };
const JSON_FALSE: JsonBoolean = { kind: 'boolean', value: false };

/** Parses `text` as one strict RFC 8259 JSON document. */
export function parseJson(
  text: string,
  file: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Result<JsonValue> {
  if (text.length > limits.maxLength) {
    return fail(file, '$', 'JSON_TOO_LARGE', `text is ${text.length} characters, more than the limit of ${limits.maxLength}`, 0);
  }
  return new Parser(text, file, limits).run();
}

function fail(file: string, jsonPath: string, code: InputErrorCode, message: string, offset?: number): Result<never> {
  return { ok: false, error: { code, file, jsonPath, message, offset } };
}

class Parser {
  private pos = 0;
  private readonly stack: Frame[] = [];
  /** Why the last string failed to read, for a precise message. */
  private stringFault: string | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly limits: JsonLimits,
  ) {}

  run(): Result<JsonValue> {
    const { text } = this;
    // Each turn either opens a container (and loops to read its first member) or produces a
    // finished value that is handed to the enclosing container, closing containers as needed.
    for (;;) {
      this.skipSpace();
      if (this.pos >= text.length) return this.syntax('unexpected end of input, expected a value');
      const c = text.charCodeAt(this.pos);
      let value: JsonValue;
      if (c === LBRACE || c === LBRACKET) {
        if (this.stack.length >= this.limits.maxDepth) {
          return this.error('JSON_TOO_DEEP', `nesting deeper than ${this.limits.maxDepth} levels`);
        }
        this.pos++;
        this.skipSpace();
        if (c === LBRACKET) {
          if (text.charCodeAt(this.pos) !== RBRACKET) {
            this.stack.push({ kind: 'array', items: [] });
            continue;
          }
          this.pos++;
          value = { kind: 'array', items: [] };
        } else {
          if (text.charCodeAt(this.pos) !== RBRACE) {
            const frame: ObjectFrame = { kind: 'object', entries: new Map(), key: undefined };
            this.stack.push(frame);
            const key = this.readKey();
            if (key === undefined) return this.syntax(this.stringFault ?? 'expected a string key');
            frame.key = key;
            continue;
          }
          this.pos++;
          value = { kind: 'object', entries: new Map() };
        }
      } else {
        const scalar = this.readScalar(c);
        if (scalar === undefined) {
          return this.syntax(this.stringFault ?? `unexpected ${describe(text, this.pos)}, expected a value`);
        }
        value = scalar;
      }

      // Hand `value` upwards; a closing bracket completes the container, which is handed on.
      for (;;) {
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) {
          this.skipSpace();
          if (this.pos < text.length) return this.syntax(`unexpected ${describe(text, this.pos)} after the document`);
          return { ok: true, value };
        }
        if (top.kind === 'array') top.items.push(value);
        else top.entries.set(top.key ?? '', value);
        this.skipSpace();
        const next = text.charCodeAt(this.pos);
        if (next === COMMA) {
          this.pos++;
          if (top.kind === 'object') {
            top.key = undefined;
            const key = this.readKey();
            if (key === undefined) return this.syntax(this.stringFault ?? 'expected a string key after ","');
            top.key = key;
          }
          break;
        }
        const closer = top.kind === 'array' ? RBRACKET : RBRACE;
        if (next !== closer) {
          const want = top.kind === 'array' ? '"," or "]"' : '"," or "}"';
          // The member is complete; the fault belongs to the container.
          return this.error('JSON_SYNTAX', `unexpected ${describe(text, this.pos)}, expected ${want}`, true);
        }
        this.pos++;
        this.stack.pop();
        value = top.kind === 'array' ? { kind: 'array', items: top.items } : { kind: 'object', entries: top.entries };
      }
    }
  }

  /** Reads `"key" :` and leaves the position at the value. */
  private readKey(): string | undefined {
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== QUOTE) return undefined;
    const key = this.readString();
    if (key === undefined) return undefined;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== COLON) return undefined;
    this.pos++;
    return key;
  }

  private readScalar(c: number): JsonValue | undefined {
    const { text } = this;
    if (c === QUOTE) {
      const value = this.readString();
      return value === undefined ? undefined : { kind: 'string', value };
    }
    if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = this.pos;
      const m = NUMBER.exec(text);
      if (m === null) return undefined;
      this.pos += m[0].length;
      return { kind: 'number', text: m[0], value: Number(m[0]) };
    }
    if (text.startsWith('true', this.pos)) {
      this.pos += 4;
      return JSON_TRUE;
    }
    if (text.startsWith('false', this.pos)) {
      this.pos += 5;
      return JSON_FALSE;
    }
    if (text.startsWith('null', this.pos)) {
      this.pos += 4;
      return JSON_NULL;
    }
    return undefined;
  }

  /** At an opening quote; returns undefined (position at the fault) on a malformed string. */
  private readString(): string | undefined {
    const { text } = this;
    let i = this.pos + 1;
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= text.length) {
        this.pos = i;
        this.stringFault = 'unterminated string';
        return undefined;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        out += text.slice(runStart, i);
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = i;
        this.stringFault = `unescaped ${describe(text, i)} in a string`;
        return undefined;
      }
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      out += text.slice(runStart, i);
      const e = text[i + 1];
      const simple = e === undefined ? undefined : ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        this.pos = i;
        this.stringFault = `invalid escape ${JSON.stringify(text.slice(i, i + 2))} in a string`;
        return undefined;
      }
      runStart = i;
    }
  }

  private skipSpace(): void {
    const { text } = this;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== NEWLINE && c !== RETURN && c !== TAB) break;
      i++;
    }
    this.pos = i;
  }

  /** Path of the member being read, or with `atContainer` of the innermost open container. */
  private currentPath(atContainer: boolean): string {
    const segments: PathSegment[] = [];
    const last = this.stack.length - 1;
    this.stack.forEach((frame, depth) => {
      if (atContainer && depth === last) return;
      if (frame.kind === 'array') segments.push(frame.items.length);
      else if (frame.key !== undefined) segments.push(frame.key);
    });
    return renderPath(segments);
  }

  private syntax(message: string): Result<never> {
    return this.error('JSON_SYNTAX', message);
  }

  private error(code: InputErrorCode, message: string, atContainer = false): Result<never> {
    const { line, column } = lineAndColumn(this.text, this.pos);
    return fail(this.file, this.currentPath(atContainer), code, `${message} (line ${line}, column ${column})`, this.pos);
  }
}

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'end of input';
  const ch = text.codePointAt(pos) ?? 0;
  return ch >= 0x20 && ch < 0x7f ? `"${String.fromCodePoint(ch)}"` : `character U+${ch.toString(16).toUpperCase().padStart(4, '0')}`;
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

// ---------------------------------------------------------------------------------------------
// Shape reading: typed access to a parsed document, failing with the path of the offending value

/** Carries an InputError out of nested readers; {@link readShape} turns it back into a value. */
class ShapeFailure {
  constructor(readonly error: InputError) {}
}

const KIND_NAMES: Readonly<Record<JsonKind, string>> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

/**
 * Typed accessors over a parsed document for one file. Each method names the JSON path of what
 * it reads; a mismatch aborts the whole read with that path.
 */
export class ShapeReader {
  constructor(readonly file: string) {}

  fail(code: InputErrorCode, jsonPath: string, message: string): never {
    throw new ShapeFailure({ code, file: this.file, jsonPath, message });
  }

  object(value: JsonValue, path: string): JsonObject {
    return value.kind === 'object' ? value : this.wrongType(value, 'an object', path);
  }

  array(value: JsonValue, path: string): readonly JsonValue[] {
    return value.kind === 'array' ? value.items : this.wrongType(value, 'an array', path);
  }

  string(value: JsonValue, path: string): string {
    return value.kind === 'string' ? value.value : this.wrongType(value, 'a string', path);
  }

  boolean(value: JsonValue, path: string): boolean {
    return value.kind === 'boolean' ? value.value : this.wrongType(value, 'a boolean', path);
  }

  /** An integer written without fraction or exponent that a double holds exactly. */
  integer(value: JsonValue, path: string): number {
    if (value.kind !== 'number') return this.wrongType(value, 'an integer', path);
    if (/[.eE]/.test(value.text)) this.fail('NOT_AN_INTEGER', path, `expected an integer, got ${value.text}`);
    if (!Number.isSafeInteger(value.value)) {
      this.fail('NUMBER_OUT_OF_RANGE', path, `integer ${value.text} is outside ±${Number.MAX_SAFE_INTEGER}`);
    }
    // Normalises -0 the way Python's int() does.
    return value.value === 0 ? 0 : value.value;
  }

  member(obj: JsonObject, key: string, path: string): JsonValue {
    const value = obj.entries.get(key);
    if (value === undefined) this.fail('MISSING_KEY', path, `missing key ${JSON.stringify(key)}`);
    return value;
  }

  optionalMember(obj: JsonObject, key: string): JsonValue | undefined {
    return obj.entries.get(key);
  }

  /** Reads `obj[key]` with `read` when the key is present. */
  optional<T>(obj: JsonObject, key: string, path: string, read: (value: JsonValue, path: string) => T): T | undefined {
    const value = obj.entries.get(key);
    return value === undefined ? undefined : read(value, childPath(path, key));
  }

  private wrongType(value: JsonValue, expected: string, path: string): never {
    return this.fail('WRONG_TYPE', path, `expected ${expected}, got ${KIND_NAMES[value.kind]}`);
  }
}

/** Runs a shape reader and returns its result or the first mismatch as a value. */
export function readShape<T>(file: string, read: (reader: ShapeReader) => T): Result<T> {
  try {
    return { ok: true, value: read(new ShapeReader(file)) };
  } catch (e) {
    if (e instanceof ShapeFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** Parses and reads in one step. */
export function parseJsonShape<T>(
  text: string,
  file: string,
  read: (reader: ShapeReader, root: JsonValue) => T,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Result<T> {
  const parsed = parseJson(text, file, limits);
  if (!parsed.ok) return parsed;
  return readShape(file, (reader) => read(reader, parsed.value));
}
