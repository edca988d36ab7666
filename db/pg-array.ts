/**
 * A PostgreSQL array literal ('{"a",NULL,"b"}'), bound as ONE text parameter and cast in the
 * statement (`${pgArray(ids)}::uuid[]`): one parameter however many values (a statement takes at
 * most 65,535), and drizzle's postgres.js driver does not serialise JavaScript arrays.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
