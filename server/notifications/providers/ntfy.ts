import type { Notice } from '../../contract/notifications.ts';
import type { OutgoingMessage, Provider } from '../provider.ts';
import { plainTextOf, renderMessage, type Severity } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

/** ntfy shows a tag that names an emoji before the title: the same emoji the title would start with. */
const EVENT_TAGS: Record<Notice['event'], string> = {
  down: 'x',
  degraded: 'warning',
  recovered: 'white_check_mark',
  'incident-started': 'rotating_light',
  'incident-resolved': 'sparkles',
  'certificate-expiring': 'lock',
  'push-missed': 'alarm_clock',
  reminder: 'repeat',
};

const PRIORITIES: Record<Severity, number> = { critical: 5, warning: 4, resolved: 3, info: 3 };

/** A message longer than 4096 bytes becomes an attachment in ntfy: stay under. */
const MESSAGE_BYTES = 3900;

function tagOf(message: OutgoingMessage, severity: Severity): string {
  if (message.test) return 'bell';
  if (message.notices.length === 1) return EVENT_TAGS[message.notices[0]!.event];
  return severity === 'resolved' ? 'white_check_mark' : 'rotating_light';
}

/** Cuts text to a number of UTF-8 bytes without splitting a character. */
export function clipBytes(value: string, max: number): string {
  if (Buffer.byteLength(value) <= max) return value;
  let out = '';
  let size = 0;
  for (const char of value) {
    const bytes = Buffer.byteLength(char);
    if (size + bytes > max - 3) break;
    out += char;
    size += bytes;
  }
  return `${out}…`;
}

/**
 * ntfy: published as JSON to the server's root (`{ topic, title, message, … }`), which carries
 * a Korean title as it is, where an HTTP header could only hold Latin-1.
 */
export const ntfy: Provider = {
  type: 'ntfy',
  minIntervalMs: 0,
  threads: false,
  async send(message, config, context) {
    const server = httpUrl(text(config, 'serverUrl', 'https://ntfy.sh'));
    const topic = text(config, 'topic');
    const token = text(config, 'token');
    if (!server) return configError('ntfy: serverUrl is not an http(s) URL');
    if (!topic) return configError('ntfy: topic is required');
    const r = renderMessage(message);
    // The tag's emoji stands first already: the title's own is dropped.
    const title = r.title.replace(/^\p{Extended_Pictographic}\uFE0F?\s*/u, '');
    const body = {
      topic,
      title,
      message: clipBytes(plainTextOf(r, message.language, false), MESSAGE_BYTES),
      priority: PRIORITIES[r.severity],
      tags: [tagOf(message, r.severity), 'vigil'],
      ...(r.link ? { click: r.link } : {}),
    };
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    // The root of the server: its path kept when ntfy runs under a prefix.
    const url = new URL(server.href.endsWith('/') ? server.href : `${server.href}/`);
    const reply = await sendHttp(context, { url, headers, body });
    return answerFrom(reply, { secrets: [token] });
  },
};
