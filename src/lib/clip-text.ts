/**
 * Text shown to a person, bounded: a value from a hostile or damaged file can be a megabyte on
 * one line. The full text stays in the model (and in JSON output); only what is printed or
 * rendered inline is clipped, saying how much was left out.
 */
export const SHOWN_CHARACTERS = 500;

export function clipText(text: string, max = SHOWN_CHARACTERS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${(text.length - max).toLocaleString('en-US')} more characters)`;
}
