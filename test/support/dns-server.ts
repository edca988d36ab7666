/**
 * A DNS server on 127.0.0.1 (UDP) answering fixed records, for DNS endpoints' tests: enough of
 * RFC 1035 to answer one question with A, AAAA, CNAME, NS, PTR, MX, TXT and SRV records, or with
 * a response code. Names it does not know get NXDOMAIN; `silent` names get no answer at all.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export type FixedRecord =
  | { type: 'A' | 'AAAA' | 'CNAME' | 'NS' | 'PTR'; value: string }
  | { type: 'MX'; priority: number; exchange: string }
  | { type: 'TXT'; value: string }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string };

export interface DnsZone {
  /** Records by lower-case name. */
  records: Record<string, FixedRecord[]>;
  /** Names answered with this response code (2 SERVFAIL, 5 REFUSED…) and no records. */
  codes?: Record<string, number>;
  /** Names never answered (a resolver times out). */
  silent?: string[];
  /** The records of every name the zone does not list (instead of NXDOMAIN). */
  fallback?: FixedRecord[];
}

export interface DnsServer {
  port: number;
  /** The questions received, as `name type` (`example.test MX`). */
  questions: string[];
  close(): Promise<void>;
}

const TYPE_CODES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, CAA: 257 };
const TYPE_NAMES = Object.fromEntries(Object.entries(TYPE_CODES).map(([name, code]) => [code, name]));

/** `onQuestion`: told each question (`name`, `A`) instead of keeping it in `questions` (for long runs). */
export async function startDnsServer(zone: DnsZone, onQuestion?: (name: string, type: string) => void): Promise<DnsServer> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (query, peer) => {
    const question = readQuestion(query);
    if (!question) return;
    const typeName = TYPE_NAMES[question.type] ?? String(question.type);
    if (onQuestion) onQuestion(question.name, typeName);
    else questions.push(`${question.name} ${typeName}`);
    const name = question.name.toLowerCase();
    if (zone.silent?.includes(name)) return;
    const known = zone.records[name] ?? zone.fallback;
    const code = zone.codes?.[name] ?? (known ? 0 : 3);
    const answers = (known ?? []).filter((r) => TYPE_CODES[r.type] === question.type);
    socket.send(answer(query, question.end, code, answers), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: (socket.address() as AddressInfo).port,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } | null {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const length = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  at += 1;
  if (at + 4 > query.length) return null;
  return { name: labels.join('.'), type: query.readUInt16BE(at), end: at + 4 };
}

/** The response: the query's id and question, QR and RA set, RD copied, then the answers (the name as a pointer to the question's). */
function answer(query: Buffer, questionEnd: number, code: number, records: FixedRecord[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | code, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const parts = [header, query.subarray(12, questionEnd)];
  for (const record of records) {
    const data = rdata(record);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0);
    fixed.writeUInt16BE(TYPE_CODES[record.type]!, 2);
    fixed.writeUInt16BE(1, 4);
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(data.length, 10);
    parts.push(fixed, data);
  }
  return Buffer.concat(parts);
}

function rdata(record: FixedRecord): Buffer {
  switch (record.type) {
    case 'A':
      return Buffer.from(record.value.split('.').map(Number));
    case 'AAAA': {
      const [head = '', tail = ''] = record.value.split('::');
      const h = head ? head.split(':') : [];
      const t = tail ? tail.split(':') : [];
      const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
      const out = Buffer.alloc(16);
      groups.forEach((g, i) => {
        out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
      });
      return out;
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return encodeName(record.value);
    case 'MX': {
      const preference = Buffer.alloc(2);
      preference.writeUInt16BE(record.priority);
      return Buffer.concat([preference, encodeName(record.exchange)]);
    }
    case 'TXT': {
      const text = Buffer.from(record.value);
      return Buffer.concat([Buffer.from([text.length]), text]);
    }
    case 'SRV': {
      const numbers = Buffer.alloc(6);
      numbers.writeUInt16BE(record.priority, 0);
      numbers.writeUInt16BE(record.weight, 2);
      numbers.writeUInt16BE(record.port, 4);
      return Buffer.concat([numbers, encodeName(record.target)]);
    }
  }
}

function encodeName(name: string): Buffer {
  const parts = name
    .split('.')
    .filter(Boolean)
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}
