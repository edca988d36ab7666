/**
 * Whether `error` says only that the client stopped sending its request: it disconnected in the
 * middle of the body, or Node cut a request that did not arrive within REQUEST_TIMEOUT_MS. Node
 * reports both as Error('aborted') with code ECONNRESET (and no syscall, unlike a socket error of
 * the database's). That is the client's doing: a 4xx, a debug line, and no sign that the
 * database is away.
 */
export function isClientAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return (code === 'ECONNRESET' && error.message === 'aborted' && syscall === undefined) || code === 'ERR_HTTP_REQUEST_TIMEOUT';
}

export const CLIENT_ABORT_DETAIL = 'The request was not received in full: the client closed the connection or sent it too slowly.';
