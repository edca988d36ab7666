import { query, type JsonValue } from 'jsonpath-rfc9535';
import type { Assertion, AssertionComparison, AssertionSource, FailedAssertion } from '../contract/types.ts';
import parseJsonPath from 'jsonpath-rfc9535/parser';
import { patternFound } from './linear-regex.ts';

/** What a check saw of an answer, as far as assertions look at it. */
export interface AnswerSeen {
  /** HTTP only. */
  statusCode: number | null;
  responseTime: number;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (at most the first MB), or null when it was not kept. */
  body: string | null;
  /** Whole days left before the server's certificate expires (negative: expired); null without TLS. */
  certificateDays: number | null;
  /** DNS only: the answer's response code (NOERROR, NXDOMAIN…). */
  dnsCode?: string | null;
}

const SYMBOLS: Partial<Record<AssertionComparison, string>> = { lessThan: '<', lessThanOrEqual: '≤', greaterThan: '>', greaterThanOrEqual: '≥' };
const UNITS: Partial<Record<AssertionSource, string>> = { responseTime: ' ms', certificateDays: ' days' };
/** Longest value a message quotes (the body excerpt shows more). */
const MAX_QUOTED = 120;

/** Whether the assertions need the body kept (the first KB is always kept, for the excerpt); a TCP check waits for a reply only then. */
export function needsBody(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => a.source === 'body' || a.source === 'json');
}

export function needsCertificate(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => a.source === 'certificateDays');
}

/** Whether a text (a TCP reply so far) meets a `contains` or `matches` assertion on the body. */
export function replyHolds(assertion: Assertion, reply: string): boolean {
  try {
    return judge(assertion, { value: reply }) === true;
  } catch {
    return false;
  }
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
    // Well-formed text only: what a target sent may hold lone surrogates, which jsonb refuses.
    const subject = wellFormed(subjectOf(assertion));
    const expected = wellFormed(expectationOf(assertion));
    const actual = wellFormed(outcome);
    failed.push({ index, severity: assertion.severity, subject, expected, actual, message: `${subject}: expected ${expected}, got ${actual}` });
  });
  return failed;
}

/**
 * What an assertion looks at: a value, or why there is none (`missing`: shown as what was got).
 * `absent`: there is nothing there (what notExists asks for), rather than nothing to look in (no
 * JSON, no body, no certificate), which fails every comparison.
 */
type Seen = { value: unknown } | { missing: string; absent: boolean };

function seenBy(assertion: Assertion, answer: AnswerSeen, parsedBody: () => { value: JsonValue } | null): Seen {
  switch (assertion.source) {
    case 'status':
      return answer.statusCode === null ? { missing: 'no status code', absent: false } : { value: answer.statusCode };
    case 'dnsCode':
      return (answer.dnsCode ?? null) === null ? { missing: 'no DNS answer', absent: false } : { value: answer.dnsCode };
    case 'responseTime':
      return { value: answer.responseTime };
    case 'certificateDays':
      return answer.certificateDays === null ? { missing: 'no certificate', absent: false } : { value: answer.certificateDays };
    case 'header': {
      const value = answer.headers[(assertion.property ?? '').toLowerCase()];
      if (value === undefined) return { missing: 'no such header', absent: true };
      return { value: Array.isArray(value) ? value.join(', ') : value };
    }
    case 'body':
      return answer.body === null ? { missing: 'no body', absent: false } : { value: answer.body };
    case 'json': {
      const parsed = parsedBody();
      if (!parsed) return { missing: 'not JSON', absent: false };
      const path = assertion.property ?? '$';
      const nodes = query(parsed.value, path);
      if (nodes.length === 0) return { missing: 'nothing', absent: true };
      // A path naming one place gives its value; any other gives the list of what it selects, even of one.
      return { value: isSingular(path) ? nodes[0] : nodes };
    }
  }
}

/** true when met; otherwise what was seen, as words. */
function judge(assertion: Assertion, seen: Seen): true | string {
  const { comparison, target } = assertion;
  if (comparison === 'exists') return 'missing' in seen ? seen.missing : true;
  if (comparison === 'notExists') return 'missing' in seen ? (seen.absent ? true : seen.missing) : shown(assertion, seen.value);
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
      met = patternFound(String(target), typeof value === 'string' ? value : JSON.stringify(value));
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

/**
 * Equal as JSON; a number also equals text spelling that number ("200" equals 200) and a boolean
 * its text ("true" equals true). Two texts are equal only as texts ("1.10" is not "1.1").
 */
function same(value: unknown, target: unknown): boolean {
  if (isScalar(value) && isScalar(target)) {
    if (value === null || target === null) return value === target;
    if (typeof value === 'number' || typeof target === 'number') {
      const a = numeric(value);
      const b = numeric(target);
      return a !== null && b !== null && a === b;
    }
    return String(value) === String(target);
  }
  return JSON.stringify(value) === JSON.stringify(target);
}

/** A list holds the target as an element; text holds it as a part; other values hold nothing. */
function contains(value: unknown, target: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => same(element, target));
  if (typeof value === 'string') return value.includes(String(target));
  return false;
}

/** Whether a JSONPath names one place ($.a, $['a'][0]: RFC 9535's singular query), remembered per path. */
const singular = new Map<string, boolean>();
function isSingular(path: string): boolean {
  let known = singular.get(path);
  if (known === undefined) {
    const ast = parseJsonPath(path) as { segments: { type: string; node: { type: string; selectors?: { type: string }[] } }[] };
    known = ast.segments.every(
      ({ type, node }) =>
        type === 'ChildSegment' &&
        (node.type === 'MemberNameShorthand' ||
          (node.type === 'BracketedSelection' && node.selectors?.length === 1 && ['NameSelector', 'IndexSelector'].includes(node.selectors[0]!.type))),
    );
    if (singular.size >= 5000) singular.clear();
    singular.set(path, known);
  }
  return known;
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
    case 'dnsCode':
      return 'DNS code';
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

/** At most MAX_QUOTED characters, never half of a surrogate pair (PostgreSQL's jsonb refuses a lone one). */
function clip(text: string): string {
  if (text.length <= MAX_QUOTED) return text;
  const end = /[\uD800-\uDBFF]/.test(text[MAX_QUOTED - 1]!) ? MAX_QUOTED - 1 : MAX_QUOTED;
  return `${text.slice(0, end)}…`;
}

/** `text` with each unpaired surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
