import { query, type JsonValue } from 'jsonpath-rfc9535';
import type { Assertion, AssertionComparison, AssertionSource, FailedAssertion } from '../contract/types.ts';
import { compiledPattern } from './linear-regex.ts';

/** What a check saw of an answer, as far as assertions look at it. */
export interface AnswerSeen {
  statusCode: number;
  responseTime: number;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (at most the first MB), or null when it was not kept. */
  body: string | null;
  /** Whole days left before the server's certificate expires (negative: expired); null without TLS. */
  certificateDays: number | null;
}

const SYMBOLS: Partial<Record<AssertionComparison, string>> = { lessThan: '<', lessThanOrEqual: '≤', greaterThan: '>', greaterThanOrEqual: '≥' };
const UNITS: Partial<Record<AssertionSource, string>> = { responseTime: ' ms', certificateDays: ' days' };
/** Longest value a message quotes (the body excerpt shows more). */
const MAX_QUOTED = 120;

/** Whether the assertions need the body kept (the first KB is always kept, for the excerpt). */
export function needsBody(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => a.source === 'body' || a.source === 'json');
}

export function needsCertificate(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => a.source === 'certificateDays');
}

/** The assertions the answer does not meet, in order. */
export function failedAssertions(assertions: readonly Assertion[], answer: AnswerSeen): FailedAssertion[] {
  const failed: FailedAssertion[] = [];
  let json: { value: JsonValue } | null | undefined;
  const parsedBody = (): { value: JsonValue } | null => {
    if (json === undefined) {
      try {
        json = answer.body === null ? null : { value: JSON.parse(answer.body) as JsonValue };
      } catch {
        json = null;
      }
    }
    return json;
  };
  assertions.forEach((assertion, index) => {
    let outcome: true | string;
    try {
      outcome = judge(assertion, seenBy(assertion, answer, parsedBody));
    } catch (error) {
      // Whatever the answer holds, the check gets a result: a value no comparison could judge fails.
      outcome = `a value it could not judge (${clip((error as Error).message)})`;
    }
    if (outcome === true) return;
    const subject = subjectOf(assertion);
    const expected = expectationOf(assertion);
    failed.push({ index, severity: assertion.severity, subject, expected, actual: outcome, message: `${subject}: expected ${expected}, got ${outcome}` });
  });
  return failed;
}

/** What an assertion looks at: a value, or why there is none (`missing`: shown as what was got). */
type Seen = { value: unknown } | { missing: string };

function seenBy(assertion: Assertion, answer: AnswerSeen, parsedBody: () => { value: JsonValue } | null): Seen {
  switch (assertion.source) {
    case 'status':
      return { value: answer.statusCode };
    case 'responseTime':
      return { value: answer.responseTime };
    case 'certificateDays':
      return answer.certificateDays === null ? { missing: 'no certificate' } : { value: answer.certificateDays };
    case 'header': {
      const value = answer.headers[(assertion.property ?? '').toLowerCase()];
      if (value === undefined) return { missing: 'no such header' };
      return { value: Array.isArray(value) ? value.join(', ') : value };
    }
    case 'body':
      return answer.body === null ? { missing: 'no body' } : { value: answer.body };
    case 'json': {
      const parsed = parsedBody();
      if (!parsed) return { missing: 'not JSON' };
      const nodes = query(parsed.value, assertion.property ?? '$');
      if (nodes.length === 0) return { missing: 'nothing' };
      return { value: nodes.length === 1 ? nodes[0] : nodes };
    }
  }
}

/** true when met; otherwise what was seen, as words. */
function judge(assertion: Assertion, seen: Seen): true | string {
  const { comparison, target } = assertion;
  if (comparison === 'exists') return 'missing' in seen ? seen.missing : true;
  if (comparison === 'notExists') return 'missing' in seen ? true : shown(assertion, seen.value);
  if ('missing' in seen) return seen.missing;
  const value = seen.value;
  const textual = assertion.source === 'body';
  let met: boolean;
  switch (comparison) {
    case 'equals':
      met = same(value, target);
      break;
    case 'notEquals':
      met = !same(value, target);
      break;
    case 'contains':
    case 'notContains': {
      const found = contains(value, target);
      met = comparison === 'contains' ? found : !found;
      if (!met && textual) return found ? 'a match' : 'no match';
      break;
    }
    case 'matches': {
      met = compiledPattern(String(target)).test(typeof value === 'string' ? value : JSON.stringify(value));
      if (!met && textual) return 'no match';
      break;
    }
    default: {
      const a = numeric(value);
      const b = numeric(target);
      if (a === null || b === null) return shown(assertion, value);
      met = comparison === 'lessThan' ? a < b : comparison === 'lessThanOrEqual' ? a <= b : comparison === 'greaterThan' ? a > b : a >= b;
    }
  }
  return met ? true : shown(assertion, value);
}

/** Equal as JSON, or as text when one side is a scalar ("200" equals 200, "true" equals true). */
function same(value: unknown, target: unknown): boolean {
  if (isScalar(value) && isScalar(target)) {
    if (value === null || target === null) return value === target;
    const a = numeric(value);
    const b = numeric(target);
    if (a !== null && b !== null) return a === b;
    return String(value) === String(target);
  }
  return JSON.stringify(value) === JSON.stringify(target);
}

/** A list holds the target as an element; text holds it as a part; other values hold nothing. */
function contains(value: unknown, target: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => same(element, target));
  if (typeof value === 'string') return value.includes(String(target));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).includes(String(target));
  return false;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** A number, or text that is exactly one ("42", " 3.5 "); null otherwise. */
function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

export function subjectOf(assertion: Pick<Assertion, 'source' | 'property'>): string {
  switch (assertion.source) {
    case 'status':
      return 'status code';
    case 'header':
      return `header ${(assertion.property ?? '').toLowerCase()}`;
    case 'body':
      return 'body';
    case 'json':
      return assertion.property ?? '$';
    case 'responseTime':
      return 'response time';
    case 'certificateDays':
      return 'certificate';
  }
}

export function expectationOf(assertion: Pick<Assertion, 'source' | 'comparison' | 'target'>): string {
  const { comparison, target } = assertion;
  const unit = UNITS[assertion.source] ?? '';
  const quoted = quote(target);
  switch (comparison) {
    case 'equals':
      return `${quoted}${unit}`;
    case 'notEquals':
      return `not ${quoted}${unit}`;
    case 'contains':
      return `to contain ${quoted}`;
    case 'notContains':
      return `not to contain ${quoted}`;
    case 'matches':
      return `to match /${clip(String(target))}/`;
    case 'exists':
      return 'to exist';
    case 'notExists':
      return 'not to exist';
    default:
      return `${SYMBOLS[comparison]} ${target}${unit}`;
  }
}

/** What was seen, as a message quotes it: JSON for texts and structures, with the source's unit for numbers. */
function shown(assertion: Assertion, value: unknown): string {
  const unit = UNITS[assertion.source] ?? '';
  if (typeof value === 'number' && unit) return `${value}${unit}`;
  return quote(value);
}

function quote(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value));
}

function clip(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}
