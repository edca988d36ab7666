/** A client asks for `events:batch` frames with `?batch=1` on its connection URL (Socket.io: `query: { batch: '1' }`). */
export function batchRequested(value: string | string[] | null | undefined): boolean {
  return value === '1' || value === 'true';
}

/**
 * Unsent data above which a batched client counts as behind: a few hundred batches of a busy
 * dashboard, far below the 8 MiB at which any client is disconnected.
 */
export const DEFAULT_BATCH_BEHIND_BYTES = 256 * 1024;
