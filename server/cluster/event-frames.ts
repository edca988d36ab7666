/**
 * How events travel between instances as NOTIFY payloads, as pure functions.
 *
 * A frame is one payload: a JSON header line, a newline, then the body.
 * - whole frame: header `{ o, b, s }`, body `[[name, data], …]` (many events, JSON);
 * - chunk frame: header `{ o, b, s, m, i, n }`, body: piece `i` of `n` of the JSON of one event
 *   too large for a frame (`[[name, data]]`), `m` being the message id (the first chunk's `s`).
 * `o` is the sending instance, `b` that process's boot id, `s` its frame sequence number: the
 * receiver ignores repeats, counts gaps, and puts chunks back together. The body is never
 * escaped a second time, and pieces are cut between UTF-8 characters.
 */

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well below. */
export const DEFAULT_FRAME_LIMIT_BYTES = 7500;

export interface Sender {
  /** The instance id. */
  o: string;
  /** This process's boot id: two processes with one instance id still tell each other apart. */
  b: string;
}

export interface FrameHeader extends Sender {
  s: number;
  m?: number;
  i?: number;
  n?: number;
}

export interface Frame {
  header: FrameHeader;
  body: string;
}

export interface Packed {
  /** The NOTIFY payloads, in sending order. */
  frames: string[];
  /** Events too large for one frame, cut into chunks. */
  chunkedEvents: number;
}

/**
 * Packs serialised events (`JSON.stringify([name, data])` each, in order) into frames of at
 * most `limitBytes` UTF-8 bytes each; `nextSeq` numbers the frames.
 * @example packFrames(['["endpoint:deleted",{"endpointId":"…"}]'], { o: 'a', b: 'x' }, () => ++seq).frames
 */
export function packFrames(events: readonly string[], sender: Sender, nextSeq: () => number, limitBytes = DEFAULT_FRAME_LIMIT_BYTES): Packed {
  const budget = limitBytes - headerReserve(sender);
  if (budget < 64) throw new RangeError(`frame limit ${limitBytes} leaves no room after the header`);
  const frames: string[] = [];
  let chunkedEvents = 0;
  let batch: string[] = [];
  let batchBytes = 2; // the brackets
  const flush = () => {
    if (batch.length === 0) return;
    frames.push(`${JSON.stringify({ ...sender, s: nextSeq() })}\n[${batch.join(',')}]`);
    batch = [];
    batchBytes = 2;
  };
  for (const event of events) {
    const bytes = Buffer.byteLength(event);
    if (bytes + 2 > budget) {
      flush();
      chunkedEvents++;
      frames.push(...chunkFrames(`[${event}]`, sender, nextSeq, budget));
      continue;
    }
    if (batchBytes + bytes + (batch.length > 0 ? 1 : 0) > budget) flush();
    batchBytes += bytes + (batch.length > 0 ? 1 : 0);
    batch.push(event);
  }
  flush();
  return { frames, chunkedEvents };
}

/** Bytes kept for the header line whatever its numbers (so that packing never needs a second pass). */
function headerReserve(sender: Sender): number {
  const widest = { ...sender, s: Number.MAX_SAFE_INTEGER, m: Number.MAX_SAFE_INTEGER, i: Number.MAX_SAFE_INTEGER, n: Number.MAX_SAFE_INTEGER };
  return Buffer.byteLength(JSON.stringify(widest)) + 1;
}

function chunkFrames(body: string, sender: Sender, nextSeq: () => number, budget: number): string[] {
  const bytes = Buffer.from(body);
  const pieces: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(start + budget, bytes.length);
    // Never cut inside a UTF-8 character: back up to the byte that starts one.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    pieces.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  let m = 0;
  return pieces.map((piece, i) => {
    const s = nextSeq();
    if (i === 0) m = s;
    return `${JSON.stringify({ ...sender, s, m, i, n: pieces.length })}\n${piece}`;
  });
}

/** Reads one payload; null when it is not a frame of ours (another program on the channel). */
export function parseFrame(payload: string): Frame | null {
  const newline = payload.indexOf('\n');
  if (newline < 0) return null;
  let header: unknown;
  try {
    header = JSON.parse(payload.slice(0, newline));
  } catch {
    return null;
  }
  if (!isHeader(header)) return null;
  return { header, body: payload.slice(newline + 1) };
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isHeader(h: unknown): h is FrameHeader {
  if (typeof h !== 'object' || h === null) return false;
  const { o, b, s, m, i, n } = h as Record<string, unknown>;
  if (typeof o !== 'string' || typeof b !== 'string' || !isCount(s)) return false;
  if (m === undefined && i === undefined && n === undefined) return true;
  return isCount(m) && isCount(i) && isCount(n) && (i as number) < (n as number);
}

export interface ReassemblyStats {
  /** Frames seen twice (a publish retried after an unclear failure): ignored. */
  duplicates: number;
  /** Frames known lost: holes in a sender's sequence (e.g. while this instance was not listening). */
  missed: number;
  /** Chunked messages given up because a piece never came. */
  incomplete: number;
}

interface SenderState {
  lastSeq: number;
  lastSeenAt: number;
  partial: { m: number; n: number; pieces: string[] } | undefined;
  /** The message given up last: its remaining pieces are ignored without counting it again. */
  abandoned: number | undefined;
}

const FORGET_SENDER_AFTER_MS = 10 * 60_000;

/**
 * Turns frames, in the order they arrived, back into event-array bodies (JSON text of
 * `[[name, data], …]`): whole frames at once, chunks once the last piece is in.
 */
export class Reassembler {
  readonly stats: ReassemblyStats = { duplicates: 0, missed: 0, incomplete: 0 };
  private readonly senders = new Map<string, SenderState>();
  private lastPruneAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The complete body this frame finishes, or null (a chunk awaiting others, a repeat, an orphan piece). */
  accept(frame: Frame): string | null {
    const { header, body } = frame;
    const key = `${header.o}\n${header.b}`;
    const now = this.now();
    this.prune(now);
    let state = this.senders.get(key);
    if (!state) this.senders.set(key, (state = { lastSeq: header.s - 1, lastSeenAt: now, partial: undefined, abandoned: undefined }));
    state.lastSeenAt = now;
    if (header.s <= state.lastSeq) {
      this.stats.duplicates++;
      return null;
    }
    if (header.s > state.lastSeq + 1) {
      this.stats.missed += header.s - state.lastSeq - 1;
      this.abandon(state);
    }
    state.lastSeq = header.s;

    if (header.m === undefined) {
      this.abandon(state);
      return body;
    }
    if (header.i === 0) {
      this.abandon(state);
      state.partial = { m: header.m, n: header.n!, pieces: [body] };
    } else if (state.partial && state.partial.m === header.m && state.partial.pieces.length === header.i) {
      state.partial.pieces.push(body);
    } else {
      // A piece of a message given up, or whose beginning was never heard (we started listening mid-message).
      this.abandon(state);
      if (state.abandoned !== header.m) this.stats.incomplete++;
      state.abandoned = header.m;
      return null;
    }
    if (state.partial.pieces.length < state.partial.n) return null;
    const whole = state.partial.pieces.join('');
    state.partial = undefined;
    return whole;
  }

  private abandon(state: SenderState): void {
    if (!state.partial) return;
    state.abandoned = state.partial.m;
    state.partial = undefined;
    this.stats.incomplete++;
  }

  private prune(now: number): void {
    if (now - this.lastPruneAt < 60_000) return;
    this.lastPruneAt = now;
    for (const [key, state] of this.senders) {
      if (now - state.lastSeenAt > FORGET_SENDER_AFTER_MS) {
        this.abandon(state);
        this.senders.delete(key);
      }
    }
  }
}
