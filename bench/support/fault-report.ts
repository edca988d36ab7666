/** The fault bench's verdicts: one row per thing checked, printed as one Markdown table. */

export interface Verdict {
  scenario: string;
  database: string;
  expected: string;
  happened: string;
  /** Results that were committed (or answered) and are not stored; null when not measured. */
  lost: number | null;
  /** Endpoints with more than one open incident; null when not measured. */
  doubleOpen: number | null;
  /** null: skipped (the reason is in `happened`). */
  pass: boolean | null;
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function verdictTable(verdicts: Verdict[]): string {
  const lines = [
    '| scenario | database | expected | happened | lost results | double open incidents | verdict |',
    '| --- | --- | --- | --- | ---: | ---: | --- |',
  ];
  for (const v of verdicts) {
    const verdict = v.pass === null ? 'SKIP' : v.pass ? 'PASS' : 'FAIL';
    lines.push(
      `| ${escapeCell(v.scenario)} | ${v.database} | ${escapeCell(v.expected)} | ${escapeCell(v.happened)} | ${v.lost ?? '–'} | ${v.doubleOpen ?? '–'} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

/** Milliseconds as seconds with one decimal, or a dash. */
export const secs = (ms: number | null | undefined) => (ms === null || ms === undefined || !Number.isFinite(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);
