import parseJsonPath from 'jsonpath-rfc9535/parser';
import { z } from 'zod';
import { ENDPOINT_LIMITS as LIMITS } from '../contract/endpoint-limits.ts';
import { HTTP_TOKEN as HEADER_NAME } from '../contract/http-token.ts';
import { ASSERTION_COMPARISONS, ASSERTION_SOURCES, DNS_CODES, type Assertion } from '../contract/types.ts';
import { COMPARISONS_OF, NUMERIC_SOURCES, ORDERING, PRESENCE } from '../contract/assertion-rules.ts';
import { countedFirst } from './bounded-input.ts';
import { patternProblem } from './linear-regex.ts';
import { coded } from './zod-issues.ts';

/** JSONPath functions that run a regular expression on the JavaScript engine (which can backtrack for hours). */
const REGEX_FUNCTIONS = new Set(['match', 'search']);

const noNul = (v: string) => !v.includes('\0');

const assertion = z
  .strictObject({
    source: z.enum(ASSERTION_SOURCES, { error: `must be one of ${ASSERTION_SOURCES.join(', ')}` }),
    property: z
      .string()
      .max(LIMITS.assertionPropertyLength, `must be at most ${LIMITS.assertionPropertyLength} characters`)
      .refine(noNul, coded('must not contain NUL characters', 'nul_character'))
      .nullable()
      .default(null),
    comparison: z.enum(ASSERTION_COMPARISONS, { error: `must be one of ${ASSERTION_COMPARISONS.join(', ')}` }),
    target: z
      .union(
        [
          z
            .string()
            .max(LIMITS.assertionTargetLength, `must be at most ${LIMITS.assertionTargetLength} characters`)
            .refine(noNul, coded('must not contain NUL characters', 'nul_character')),
          z.number().refine(Number.isFinite, 'must be a finite number'),
          z.boolean(),
          z.null(),
        ],
        { error: 'must be a string, a number, true, false or null' },
      )
      .default(null),
    severity: z.enum(['DOWN', 'DEGRADED'], { error: 'must be DOWN or DEGRADED' }).default('DOWN'),
  })
  .superRefine((a, ctx) => {
    for (const problem of assertionProblems(a)) ctx.addIssue({ code: 'custom', path: [problem.path], ...coded(problem.message, problem.code, problem.params) });
  });

/** An endpoint's `assertions`, counted before they are parsed. */
export const assertionsField = countedFirst(
  z.array(assertion).max(LIMITS.assertions, `at most ${LIMITS.assertions} assertions`),
  'items',
  LIMITS.assertions,
  `at most ${LIMITS.assertions} assertions`,
);

interface Problem {
  path: keyof Assertion;
  message: string;
  code: string;
  params?: Record<string, string | number>;
}

/** What does not fit together in one assertion (each field being valid on its own). */
function assertionProblems(a: Assertion): Problem[] {
  const allowed = COMPARISONS_OF[a.source];
  if (!allowed.includes(a.comparison)) {
    return [
      {
        path: 'comparison',
        message: `must be one of ${allowed.join(', ')} for source ${a.source}`,
        code: 'comparison_not_allowed',
        params: { source: a.source, allowed: allowed.join(', ') },
      },
    ];
  }
  const problems: Problem[] = [];
  const property = propertyProblem(a);
  if (property) problems.push(property);
  const target = targetProblem(a);
  if (target) problems.push(target);
  return problems;
}

function propertyProblem(a: Assertion): Problem | null {
  if (a.source === 'header') {
    if (a.property === null || a.property === '') return { path: 'property', message: 'must name the header', code: 'property_required' };
    if (!HEADER_NAME.test(a.property)) return { path: 'property', message: 'is not a valid header name', code: 'invalid_header_name' };
    return null;
  }
  if (a.source === 'json') {
    if (a.property === null || a.property === '')
      return { path: 'property', message: 'must be a JSONPath expression such as $.status', code: 'property_required' };
    const detail = jsonPathProblem(a.property);
    return detail ? { path: 'property', message: `is not a JSONPath expression (RFC 9535): ${detail}`, code: 'invalid_json_path', params: { detail } } : null;
  }
  if (a.property !== null)
    return { path: 'property', message: `must be null for source ${a.source}`, code: 'property_not_allowed', params: { source: a.source } };
  return null;
}

function targetProblem(a: Assertion): Problem | null {
  const { comparison, target } = a;
  if (PRESENCE.has(comparison)) {
    return target === null ? null : { path: 'target', message: `must be null for ${comparison}`, code: 'target_not_allowed', params: { comparison } };
  }
  if (ORDERING.has(comparison) || NUMERIC_SOURCES.has(a.source)) {
    return typeof target === 'number'
      ? null
      : { path: 'target', message: `must be a number for ${comparison}`, code: 'target_not_number', params: { comparison } };
  }
  if ((comparison === 'contains' || comparison === 'notContains' || comparison === 'matches') && target === '') {
    return { path: 'target', message: `must not be empty: every value would ${comparison === 'notContains' ? 'fail' : 'pass'}`, code: 'empty' };
  }
  if (comparison === 'matches') {
    if (typeof target !== 'string') return { path: 'target', message: 'must be a regular expression (a string)', code: 'target_not_string' };
    const detail = patternProblem(target);
    return detail
      ? {
          path: 'target',
          message: `is not a regular expression RE2 accepts (no lookaround, no backreferences): ${detail}`,
          code: 'invalid_pattern',
          params: { detail },
        }
      : null;
  }
  if (a.source === 'dnsCode') {
    return typeof target === 'string' && (DNS_CODES as readonly string[]).includes(target)
      ? null
      : { path: 'target', message: `must be one of ${DNS_CODES.join(', ')}`, code: 'invalid_dns_code', params: { allowed: DNS_CODES.join(', ') } };
  }
  // equals, notEquals, contains, notContains: JSON values may be compared with any JSON scalar.
  if (a.source === 'json') return null;
  if (typeof target === 'string') return null;
  if (a.source === 'header' && typeof target === 'number' && (comparison === 'equals' || comparison === 'notEquals')) return null;
  return { path: 'target', message: `must be a string for source ${a.source}`, code: 'target_not_string' };
}

/** Why an expression is not one we run, or null. */
function jsonPathProblem(expression: string): string | null {
  let ast: unknown;
  try {
    ast = parseJsonPath(expression);
  } catch (error) {
    return (error as Error).message;
  }
  const used = functionsIn(ast).filter((name) => REGEX_FUNCTIONS.has(name));
  return used.length > 0 ? `${used[0]}() is not allowed here: select the value and use the matches comparison` : null;
}

function functionsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const child of node) functionsIn(child, found);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'FunctionExpr' && typeof record.name === 'string') found.push(record.name);
    for (const value of Object.values(record)) functionsIn(value, found);
  }
  return found;
}
