import type { Sql } from 'postgres';

/** What a listener hears on its channel. */
export interface ChannelHandlers {
  onMessage(payload: string): void;
  /** Listening started (`resumed: false`) or started again after the connection dropped (`resumed: true`). */
  onListening?(resumed: boolean): void;
  /** The listening connection dropped; notifications sent until `onListening(true)` are not received. */
  onLost?(error: unknown): void;
}

/**
 * PostgreSQL LISTEN/NOTIFY on two dedicated connections, apart from the query pool: one that
 * listens, one that sends, so that what one instance sends keeps its order.
 */
export interface Notifications {
  /** LISTENs on `channel`; after a dropped connection it LISTENs again, retrying until PostgreSQL answers. */
  listen(channel: string, handlers: ChannelHandlers): Promise<void>;
  /**
   * Sends every payload on `channel` in one transaction: PostgreSQL delivers them together, in
   * this order. Each payload must stay under 8000 bytes.
   */
  notify(channel: string, payloads: readonly string[]): Promise<void>;
  /** UNLISTENs, and closes both connections (in-flight work gets `timeoutSeconds`). */
  close(timeoutSeconds?: number): Promise<void>;
}

export interface NotificationsOptions {
  /** Shown in pg_stat_activity, e.g. "vigil events <instance>" (" listen" or " notify" is added). */
  applicationName?: string;
  /** First delay before listening again after a failed attempt; doubles up to 5 s. */
  retryBaseMs?: number;
}

const quoted = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

/**
 * Opens the LISTEN/NOTIFY connections of `url` (lazily: nothing connects before the first use).
 * @example const n = await openNotifications(url); await n.listen('vigil_events', { onMessage: console.log });
 */
export async function openNotifications(url: string, options: NotificationsOptions = {}): Promise<Notifications> {
  const { default: postgres } = await import('postgres');
  const name = (suffix: string) => `${options.applicationName ?? 'vigil'} ${suffix}`.slice(0, 63);
  const channels = new Map<string, ChannelHandlers>();
  const retryBaseMs = options.retryBaseMs ?? 100;
  let closing = false;
  let relistening: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const listener: Sql = postgres(url, {
    max: 1,
    // A listening connection looks idle: it must never be closed for being idle or old.
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: name('listen') },
    // The option postgres.js's own sql.listen() is built on (untyped); sql.listen() itself is not
    // used because it gives up silently when PostgreSQL is still down as it tries to LISTEN again.
    ...({ onnotify: (channel: string, payload: string) => channels.get(channel)?.onMessage(payload) } as object),
    onclose: () => {
      if (closing || channels.size === 0 || relistening) return;
      for (const handlers of channels.values()) handlers.onLost?.(new Error('the LISTEN connection to PostgreSQL closed'));
      relistening = relisten().finally(() => (relistening = undefined));
    },
  });
  const sender: Sql = postgres(url, {
    max: 1,
    fetch_types: false,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: name('notify') },
  });

  const listenAll = async () => {
    for (const channel of channels.keys()) await listener.unsafe(`listen ${quoted(channel)}`);
  };

  // postgres.js opens a new connection for the next query; until LISTEN succeeds on it, nothing is heard.
  async function relisten(): Promise<void> {
    for (let delay = retryBaseMs; !closing; delay = Math.min(delay * 2, 5000)) {
      try {
        await listenAll();
        for (const handlers of channels.values()) handlers.onListening?.(true);
        return;
      } catch {
        await new Promise<void>((resolve) => (retryTimer = setTimeout(resolve, delay)));
      }
    }
  }

  return {
    async listen(channel, handlers) {
      channels.set(channel, handlers);
      await listener.unsafe(`listen ${quoted(channel)}`);
      handlers.onListening?.(false);
    },
    async notify(channel, payloads) {
      if (payloads.length === 1) {
        await sender`select pg_notify(${channel}, ${payloads[0]!})`;
        return;
      }
      // Pipelined in one transaction: one round trip's wait, delivered together and in order.
      await sender.begin((tx) => payloads.map((payload) => tx`select pg_notify(${channel}, ${payload})`));
    },
    async close(timeoutSeconds = 2) {
      if (closing) return;
      closing = true;
      clearTimeout(retryTimer);
      const channelNames = [...channels.keys()];
      channels.clear();
      // UNLISTEN is a courtesy (closing the connection ends listening too): never wait long for it.
      const unlisten = Promise.all(channelNames.map((channel) => listener.unsafe(`unlisten ${quoted(channel)}`).catch(() => {})));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([unlisten, new Promise((resolve) => (timer = setTimeout(resolve, timeoutSeconds * 1000)))]);
      clearTimeout(timer);
      await Promise.all([listener.end({ timeout: timeoutSeconds }), sender.end({ timeout: timeoutSeconds })]);
    },
  };
}
