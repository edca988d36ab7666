import { COMPARISONS_OF, NUMERIC_SOURCES, ORDERING, SOURCES_OF_TYPE } from '../../../server/contract/assertion-rules.ts';
import { HTTP_TOKEN as HEADER_NAME } from '../../../server/contract/http-token.ts';
import { DNS_CODES, type Assertion, type AssertionComparison, type AssertionSource, type DnsCode, type MonitorType } from '../../../server/contract/types.ts';
import type { MessageKey } from '../i18n/index.ts';
import { t } from '../i18n/index.ts';

/**
 * The endpoint form's assertion rows: what each source allows, the typed text of a row, and the
 * checks made before sending, mirroring the API's (server/domain/assertion-input.ts, docs/assertions.md).
 */

const isOrdering = (c: AssertionComparison) => ORDERING.has(c);

const NUMBER = /^-?\d+(\.\d+)?$/;
/** What RE2, which runs the API's patterns, does not have: lookaround and backreferences. */
const NOT_IN_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

/** One assertion as typed in the form. `key` tells rows apart across removals; it is never sent. */
export interface AssertionDraft {
  key: number;
  source: AssertionSource;
  property: string;
  comparison: AssertionComparison;
  target: string;
  severity: Assertion['severity'];
}

/** The fields of a row that show their own error. */
export const DRAFT_FIELDS = ['source', 'property', 'comparison', 'target', 'severity'] as const;
export type DraftField = (typeof DRAFT_FIELDS)[number];

/** The id part of a row's field (`assertions-2-target`), and the key of its error; without `field`, the row's own. */
export const draftName = (index: number, field?: DraftField) => (field ? `assertions-${index}-${field}` : `assertions-${index}`);

/** What the target input takes: nothing (exists), a number, a JSON value or text (json equals), one of DNS_CODES, or text. */
export type TargetKind = 'none' | 'number' | 'json' | 'dnsCode' | 'text';

export function targetKind(d: Pick<AssertionDraft, 'source' | 'comparison'>): TargetKind {
  if (d.comparison === 'exists' || d.comparison === 'notExists') return 'none';
  if (d.source === 'dnsCode') return 'dnsCode';
  if (NUMERIC_SOURCES.has(d.source) || isOrdering(d.comparison)) return 'number';
  if (d.source === 'json' && (d.comparison === 'equals' || d.comparison === 'notEquals')) return 'json';
  return 'text';
}

/** Whether the source looks at something named: a header, or a place in the JSON body. */
export const hasProperty = (source: AssertionSource) => source === 'header' || source === 'json';

/** What an endpoint's checks can look at: its monitor type, and whether it talks TLS (an https URL, TCP with TLS, a TLS check). */
export interface AssertionScope {
  type: MonitorType;
  tls: boolean;
}

/** The sources a row may pick for this scope (SOURCES_OF_TYPE; the certificate only with TLS), in the form's order. */
export function sourcesFor(scope: AssertionScope): readonly AssertionSource[] {
  return SOURCES_OF_TYPE[scope.type].filter((s) => s !== 'certificateDays' || scope.tls);
}

/** The words of a source: the body is a TCP endpoint's reply and a DNS endpoint's records. */
export function sourceLabelKey(source: AssertionSource, type: MonitorType | undefined): MessageKey {
  if (source === 'body' && (type === 'tcp' || type === 'dns')) return `form.assertion.source.body.${type}`;
  return `form.assertion.source.${source}`;
}

let nextKey = 0;

/** A new row: for HTTP the status code equals 200 (else the check is DOWN); for the others the type's first source. */
export function newDraft(scope: AssertionScope = { type: 'http', tls: false }): AssertionDraft {
  if (scope.type === 'http') return { key: nextKey++, source: 'status', property: '', comparison: 'equals', target: '200', severity: 'DOWN' };
  const source = sourcesFor(scope)[0]!;
  const comparison = source === 'body' ? 'contains' : COMPARISONS_OF[source][0]!;
  return { key: nextKey++, source, property: '', comparison, target: source === 'dnsCode' ? 'NOERROR' : '', severity: 'DOWN' };
}

/** A stored assertion as the form shows it. A JSON text that would read back as another value is shown quoted. */
export function draftOf(a: Assertion): AssertionDraft {
  let target: string;
  if (a.target === null) target = targetKind(a) === 'json' ? 'null' : '';
  else if (typeof a.target === 'string' && targetKind(a) === 'json') target = jsonValueOf(a.target) === undefined ? a.target : JSON.stringify(a.target);
  else target = String(a.target);
  return { key: nextKey++, source: a.source, property: a.property ?? '', comparison: a.comparison, target, severity: a.severity };
}

/** The row moved to another source: its comparison kept when allowed there, else the source's first. */
export function withSource(d: AssertionDraft, source: AssertionSource): Partial<AssertionDraft> {
  const allowed = COMPARISONS_OF[source];
  return withComparison({ ...d, source }, allowed.includes(d.comparison) ? d.comparison : allowed[0]!);
}

/**
 * The row with another comparison; a target that is no number is cleared when a number is now needed
 * (a number input cannot show it), and one that is no DNS code becomes NOERROR when a code is.
 */
export function withComparison(d: AssertionDraft, comparison: AssertionComparison): Partial<AssertionDraft> {
  const kind = targetKind({ source: d.source, comparison });
  if (kind === 'dnsCode') return { source: d.source, comparison, target: isDnsCode(d.target) ? d.target : 'NOERROR' };
  return { source: d.source, comparison, target: kind === 'number' && !NUMBER.test(d.target.trim()) ? '' : d.target };
}

const isDnsCode = (text: string): text is DnsCode => (DNS_CODES as readonly string[]).includes(text);

/** A JSON scalar the text spells (`"ok"`, `42`, `true`, `null`); an object or list as itself; undefined when it is no JSON. */
function jsonValueOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The rows as the API takes them, or the errors by field name (`assertions-1-property`).
 * @example toAssertions([{ source: 'json', property: '$.status', comparison: 'equals', target: 'ok', … }], { type: 'http', tls: true }) // target "ok"
 */
export function toAssertions(drafts: readonly AssertionDraft[], scope: AssertionScope): { assertions: Assertion[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const assertions = drafts.map((d, index): Assertion => {
    const fail = (field: DraftField, message: string) => {
      errors[draftName(index, field)] ??= message;
    };
    if (!SOURCES_OF_TYPE[scope.type].includes(d.source)) fail('source', t('form.err.sourceNotForType', { type: t(`type.${scope.type}`) }));
    else if (d.source === 'certificateDays' && !scope.tls) fail('source', t(scope.type === 'http' ? 'form.err.certificateHttps' : 'form.err.certificateTls'));
    let property: string | null = null;
    if (hasProperty(d.source)) {
      property = d.property.trim();
      if (!property) fail('property', t('form.err.required'));
      else if (d.source === 'header' && !HEADER_NAME.test(property)) fail('property', t('form.err.headerName'));
      else if (d.source === 'json' && !property.startsWith('$')) fail('property', t('form.err.jsonPath'));
    }
    const kind = targetKind(d);
    let target: Assertion['target'] = null;
    const text = d.target.trim();
    if (kind === 'number') {
      const whole = d.source === 'status';
      if (text === '') fail('target', t('form.err.required'));
      else if (!(whole ? /^\d+$/ : NUMBER).test(text)) fail('target', t(whole ? 'form.err.integer' : 'form.err.number'));
      else target = Number(text);
    } else if (kind === 'dnsCode') {
      if (isDnsCode(text)) target = text;
      else fail('target', t('form.err.required'));
    } else if (kind === 'json') {
      const value = jsonValueOf(text);
      // Plain text (not JSON at all, or nothing) is a string, as typed.
      if (value === undefined) target = d.target;
      else if (value !== null && typeof value === 'object') fail('target', t('form.err.jsonScalar'));
      else target = value as Assertion['target'];
    } else if (kind === 'text') {
      target = d.target;
      // Every text contains "" (and matches an empty pattern): the API refuses it as meaningless.
      if (d.target === '' && (d.comparison === 'contains' || d.comparison === 'notContains' || d.comparison === 'matches'))
        fail('target', t('form.err.required'));
      else if (d.comparison === 'matches') {
        const problem = patternProblem(d.target);
        if (problem) fail('target', problem);
      }
    }
    return { source: d.source, property, comparison: d.comparison, target, severity: d.severity };
  });
  return { assertions, errors };
}

/** Why the pattern cannot run (as the API runs it: Unicode, without lookaround and backreferences), or null. */
function patternProblem(source: string): string | null {
  if (NOT_IN_RE2.test(source)) return t('form.err.regexUnsupported');
  try {
    new RegExp(source, 'u');
    return null;
  } catch (error) {
    return t('form.err.regex', { detail: (error as Error).message.replace(/^Invalid regular expression: \/[\s\S]*\/u: /, '') });
  }
}
