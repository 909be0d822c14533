/**
 * The analysis names a missing destination input by its CLI option (`give --dest-sample`),
 * which is what `migscope explain` users type. In the Explain view the same input is a field
 * of the Destination panel: this rewrites the option names of a note into what to do there
 * ("pick a destination sample"). Pure, and linear in the text (one pass per pattern).
 */

export interface UiInput {
  /** The field's label in the Destination panel. */
  readonly field: string;
  /** What to do, as a verb phrase that can replace "give --dest-...". */
  readonly give: string;
}

export const UI_INPUT = {
  '--dest-manifest': { field: 'Manifest', give: "pick the destination's manifest" },
  '--dest-machines': { field: 'Machine list', give: "pick the destination's machine list" },
  '--dest-cmdline': { field: 'Command line', give: "pick the destination's command line" },
  '--dest-device-help': { field: 'Device defaults', give: "pick the destination's -device NAME,help output as Device defaults" },
  '--dest-machine': { field: '-machine', give: "type the destination's -machine" },
  '--dest-version': { field: 'QEMU release', give: "type the destination's QEMU release" },
  '--dest-sample': { field: 'Destination sample', give: 'pick a destination sample' },
  '--dest-log': { field: 'load log', give: "drop the destination's log" },
} as const satisfies Readonly<Record<string, UiInput>>;

type CliOption = keyof typeof UI_INPUT;

const OPTION = '--dest-[a-z]+(?:-[a-z]+)*';
/** "give --dest-a", "Give --dest-a, --dest-b", "give --dest-a or --dest-b". */
const GIVE = new RegExp(`\\b([Gg])ive (${OPTION}(?:(?:, | and | or |, and |, or )${OPTION})*)`, 'g');
/** "(--dest-a)" after what it is: "Give the destination release (--dest-version)". */
const PAREN = new RegExp(`\\((${OPTION})\\)`, 'g');
const BARE = new RegExp(OPTION, 'g');

function known(option: string): UiInput | undefined {
  return Object.hasOwn(UI_INPUT, option) ? UI_INPUT[option as CliOption] : undefined;
}

function joinWords(words: readonly string[], last: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${last} ${words.at(-1) ?? ''}`;
}

/** A note's text with the CLI's option names turned into the Destination panel's terms. */
export function inUiTerms(text: string): string {
  if (!text.includes('--dest-')) return text;
  let out = text.replace(GIVE, (whole, g: string, list: string) => {
    const options = list.match(BARE) ?? [];
    const inputs = options.map(known);
    if (inputs.some((i) => i === undefined)) return whole;
    const phrase = joinWords(
      inputs.map((i) => (i as UiInput).give),
      / or /.test(list) ? 'or' : 'and',
    );
    return g === 'G' ? phrase.charAt(0).toUpperCase() + phrase.slice(1) : phrase;
  });
  out = out.replace(PAREN, (whole, option: string) => {
    const input = known(option);
    return input !== undefined ? `(${input.field}, in the Destination panel)` : whole;
  });
  return out.replace(BARE, (option) => {
    const input = known(option);
    return input !== undefined ? `the Destination panel's ${input.field}` : option;
  });
}
