/**
 * Names and tags are shown to people (dashboard, notifications, logs), so they must read as what
 * they are: no control characters (C0, DEL, C1: NUL, line breaks, terminal escapes) and no
 * bidirectional embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069), which can make
 * "abc.txt" display as "txt.cba" ("Trojan Source"). The left-to-right and right-to-left marks
 * (U+200E, U+200F, U+061C) stay allowed: they only nudge neutral characters, cannot reorder
 * letters, and right-to-left writers use them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export const DISPLAY_TEXT_RULE = 'must not contain control or bidirectional-override characters';

/**
 * Why `text` is not fit to be displayed, naming the first offending character and its position
 * (1-based, in characters as people count them), or null when it is fine.
 * @example displayTextError('ab\u202Ec') // 'must not contain control or bidirectional-override characters (U+202E at 3)'
 */
export function displayTextError(text: string): string | null {
  return displayTextProblem(text)?.message ?? null;
}

/** The same, with the character ("U+202E") and its position as parameters of the message. */
export function displayTextProblem(text: string): { message: string; params: { char: string; position: number } } | null {
  const match = FORBIDDEN.exec(text);
  if (!match) return null;
  const position = [...text.slice(0, match.index)].length + 1;
  const char = `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return { message: `${DISPLAY_TEXT_RULE} (${char} at ${position})`, params: { char, position } };
}
