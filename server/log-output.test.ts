import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logOutput } from './log-output.ts';

/** A reader that takes the first chunk and then stalls until `release()`. */
function stalledReader() {
  const received: string[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      received.push(String(chunk));
      pending.push(callback);
    },
  });
  return {
    stream,
    received,
    release: () => {
      for (const cb of pending.splice(0)) cb();
    },
  };
}

describe('log output', () => {
  it('buffers up to its bound for a stalled reader, then drops and counts lines, and says so once the reader is back', async () => {
    const reader = stalledReader();
    const output = logOutput(reader.stream, 1000);
    for (let i = 0; i < 100; i++) output.write(`${JSON.stringify({ i })}${' '.repeat(90)}\n`);
    expect(output.dropped).toBeGreaterThan(80);
    expect(output.dropped).toBeLessThan(95);
    // Every callback released: the reader catches up, the next line is preceded by the count.
    while (reader.stream.writableLength > 0) {
      reader.release();
      await new Promise((r) => setImmediate(r));
    }
    output.write('{"after":true}\n');
    reader.release();
    await new Promise((r) => setImmediate(r));
    const tail = reader.received.slice(-2);
    expect(JSON.parse(tail[0]!)).toMatchObject({ level: 'warn', dropped: output.dropped });
    expect(tail[1]).toBe('{"after":true}\n');
  });

  it('flush() waits for the reader, but not longer than asked', async () => {
    const reader = stalledReader();
    const output = logOutput(reader.stream);
    output.write('a\n');
    output.write('b\n');
    const started = Date.now();
    await output.flush(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const flushed = output.flush(5000);
    reader.release();
    await new Promise((r) => setImmediate(r));
    reader.release();
    await flushed;
    expect(reader.received).toEqual(['a\n', 'b\n']);
  });

  it('goes quiet, without throwing, once the reader is gone', async () => {
    const stream = new PassThrough();
    const output = logOutput(stream);
    stream.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await new Promise((r) => setImmediate(r));
    expect(() => output.write('after\n')).not.toThrow();
    await output.flush(5000);
  });
});
