/**
 * The command line of every subcommand, read one way: `--name value`, `--name=value`, flags,
 * `-h`/`--help`, and positional arguments (`-` is a positional: standard input). Commands
 * then interpret the values; the spelling rules and their error messages live only here.
 */

/** An option's spec: a flag (`{}`), or one that takes a value described by `needs` ("a file"). */
export interface OptionSpec {
  readonly needs?: string;
  /** Other spellings, e.g. `-s` for `--src`; the canonical name is what commands see. */
  readonly aliases?: readonly string[];
}

export interface Argument {
  /** The canonical option name, or null for a positional argument. */
  readonly name: string | null;
  /** The option's value ('' for a flag), or the positional argument itself. */
  readonly value: string;
}

/** The arguments in order, `'help'`, or a usage error message. */
export function readArguments(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): Argument[] | 'help' | string {
  const byName = new Map<string, [string, OptionSpec]>();
  for (const [name, spec] of Object.entries(options)) {
    byName.set(name, [name, spec]);
    for (const alias of spec.aliases ?? []) byName.set(alias, [name, spec]);
  }
  const out: Argument[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (!arg.startsWith('-') || arg === '-') {
      out.push({ name: null, value: arg });
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const written = eq === -1 ? arg : arg.slice(0, eq);
    const known = byName.get(written);
    if (known === undefined) return `unknown option '${arg}'`;
    const [name, spec] = known;
    if (spec.needs === undefined) {
      if (eq !== -1) return `${written} takes no value`;
      out.push({ name, value: '' });
      continue;
    }
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') return `${written} needs ${spec.needs}`;
    out.push({ name, value });
  }
  return out;
}
