/**
 * What judging an answer costs, by the assertions it carries: the CPU time of judgeObservation
 * alone (no network, no database), in this process.
 *
 *   npm run bench:assertions -- [--iterations=50000] [--runs=5]
 *
 * The answer is a small JSON health document with a JSON content type. Figures are medians of the
 * runs, in µs of CPU per judged check; compare with Vigil's whole CPU per check (bench:checks).
 */
import type { Assertion } from '../server/contract/types.ts';
import { judgeObservation, type CheckRules, type ProbeObservation } from '../server/domain/check-rules.ts';
import { optionsOrExit, parseFlags } from './support/options.ts';

const HELP_FILE = import.meta.url;

function parseOptions(argv: string[]): { iterations: number; runs: number } {
  const flags = parseFlags(argv, ['iterations', 'runs', 'help'], HELP_FILE);
  const whole = (key: string, fallback: number) => {
    const n = Number(flags.get(key) ?? fallback);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${key} must be a positive whole number`);
    return n;
  };
  return { iterations: whole('iterations', 50_000), runs: whole('runs', 5) };
}

const body = JSON.stringify({
  status: 'ok',
  version: '2.4.1',
  checks: [
    { name: 'db', ok: true },
    { name: 'cache', ok: true },
  ],
});
const answer: ProbeObservation = {
  kind: 'response',
  statusCode: 200,
  responseTime: 3,
  headers: { 'content-type': 'application/json' },
  body,
  bodyExcerpt: null,
  certificateDays: null,
};
const a = (fields: Partial<Assertion> & Pick<Assertion, 'source' | 'comparison'>): Assertion => ({ property: null, target: null, severity: 'DOWN', ...fields });
const CASES: [string, Assertion[]][] = [
  ['none (status codes and threshold only)', []],
  [
    '3: status, header contains, JSONPath equals (the bench:checks mix)',
    [
      a({ source: 'status', comparison: 'equals', target: 200 }),
      a({ source: 'header', property: 'content-type', comparison: 'contains', target: 'json' }),
      a({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' }),
    ],
  ],
  ['1: JSONPath filter', [a({ source: 'json', property: '$.checks[?@.ok == false].name', comparison: 'notExists' })]],
  ['1: body matches (RE2)', [a({ source: 'body', comparison: 'matches', target: '"status":"(ok|degraded)"' })]],
  ['1: body contains', [a({ source: 'body', comparison: 'contains', target: '"status":"ok"' })]],
];

const { iterations, runs } = optionsOrExit(parseOptions);
console.log(`| assertions | µs CPU per judged check (median of ${runs} runs of ${iterations.toLocaleString('en-US')}) |`);
console.log('| --- | ---: |');
for (const [name, assertions] of CASES) {
  const rules: CheckRules = { type: 'http', expectedStatusCodes: ['200-299'], degradedThresholdMs: 2000, certificateWarningDays: null, assertions };
  if (judgeObservation(answer, rules).status !== 'UP') throw new Error(`${name}: the answer should meet every assertion`);
  const perCheck: number[] = [];
  for (let run = 0; run < runs; run++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) judgeObservation(answer, rules);
    const used = process.cpuUsage(before);
    perCheck.push((used.user + used.system) / iterations);
  }
  perCheck.sort((x, y) => x - y);
  console.log(`| ${name} | ${perCheck[Math.floor(runs / 2)]!.toFixed(2)} |`);
}
