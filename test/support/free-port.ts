import net from 'node:net';

/**
 * A port nobody listens on at the moment, on 127.0.0.1: to start Vigil (or PostgreSQL, or a bench's
 * child) on it, stop it, and start it again on the same one. The one copy, for tests, benches and scripts.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
