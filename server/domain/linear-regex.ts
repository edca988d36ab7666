import { RE2JS } from 're2js';

/**
 * Regular expressions that users write (assertions) run on RE2JS, a JavaScript port of RE2 whose
 * matching time grows linearly with the text: a JavaScript RegExp can backtrack for hours on a
 * hostile pattern and a body of a megabyte, and would stop every check of the process meanwhile.
 * RE2 has no lookaround and no backreferences; a pattern using them is refused when it is saved.
 * (Plain JavaScript objects: the garbage collector frees what the cache lets go.)
 */

/** Compiled patterns, reused across checks (compiling costs about 0.07 ms). */
const compiled = new Map<string, RE2JS>();
const MAX_COMPILED = 2000;

/** The compiled pattern; throws RE2JS's syntax error when RE2 refuses it. */
export function compiledPattern(source: string): RE2JS {
  const hit = compiled.get(source);
  if (hit) {
    compiled.delete(source);
    compiled.set(source, hit);
    return hit;
  }
  const pattern = RE2JS.compile(source);
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, pattern);
  return pattern;
}

/** Whether the pattern matches somewhere in `text`. */
export function patternFound(source: string, text: string): boolean {
  return compiledPattern(source).matcher(text).find();
}

/** Why RE2 refuses a pattern, or null when it compiles. */
export function patternProblem(source: string): string | null {
  try {
    compiledPattern(source);
    return null;
  } catch (error) {
    // "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" → "invalid or unsupported Perl syntax: `(?=`"
    return (error as Error).message.replace(/^error parsing regexp: /, '');
  }
}
