import { RE2 } from 're2-wasm';

/**
 * Regular expressions that users write (assertions) run on RE2, whose matching time grows
 * linearly with the text: a JavaScript RegExp can backtrack for hours on a hostile pattern and
 * a body of a megabyte, and would stop every check of the process meanwhile. RE2 has no
 * lookaround and no backreferences; a pattern using them is refused when it is saved.
 */

/** Compiled patterns, reused across checks (compiling costs about 0.3 ms). */
const compiled = new Map<string, RE2>();
const MAX_COMPILED = 2000;

/** The compiled pattern (Unicode; thrown SyntaxError when RE2 refuses it). */
export function compiledPattern(source: string): RE2 {
  const hit = compiled.get(source);
  if (hit) {
    compiled.delete(source);
    compiled.set(source, hit);
    return hit;
  }
  const pattern = new RE2(source, 'u');
  if (compiled.size >= MAX_COMPILED) {
    const [oldest] = compiled.entries();
    compiled.delete(oldest![0]);
    // The compiled program lives in WebAssembly memory, which no garbage collector frees.
    (oldest![1] as unknown as { wrapper: { delete(): void } }).wrapper.delete();
  }
  compiled.set(source, pattern);
  return pattern;
}

/** Why RE2 refuses a pattern, or null when it compiles. */
export function patternProblem(source: string): string | null {
  try {
    compiledPattern(source);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    // "Invalid regular expression: /(?=a)/u: invalid perl operator: (?=" → "invalid perl operator: (?="
    return message.replace(/^Invalid regular expression: \/[\s\S]*\/u: /, '');
  }
}
