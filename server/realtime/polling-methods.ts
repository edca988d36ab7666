import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An engine.io middleware: Socket.io's polling transport takes GET (receive) and POST (send);
 * engine.io answers any other method on a live session with a bare 500. A client's wrong method
 * is a 405 here instead.
 */
export function refuseOtherPollingMethods(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
  if (req.method === 'GET' || req.method === 'POST' || req.headers.upgrade) {
    next();
    return;
  }
  const body = JSON.stringify({
    type: 'about:blank',
    title: 'Method Not Allowed',
    status: 405,
    detail: `Socket.io polling takes GET and POST, not ${req.method}.`,
  });
  res.writeHead(405, { 'content-type': 'application/problem+json', allow: 'GET, POST', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
