/**
 * A JSON client of one Vigil for the benches: any answer but `expect` (200) throws with its body.
 * @example const api = apiOf(vigil.base); const endpoint = await api<Endpoint>('POST', '/api/endpoints', input, 201);
 */
export function apiOf(base: string) {
  return async <T>(method: string, path: string, body?: unknown, expect = 200): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
}
