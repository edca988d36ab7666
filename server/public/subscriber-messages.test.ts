import { describe, expect, it } from 'vitest';
import type { PublicIncident, StatusPageLanguage, SubscriberNotice } from '../contract/status-pages.ts';
import { type NoticeMessageOptions, noticeText, renderConfirmationMail, renderNoticeMail } from './subscriber-messages.ts';

const LANGUAGES: StatusPageLanguage[] = ['en', 'ko'];
const EVIL = `"><script>alert('x')</script>`;
const ESCAPED = '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;';

function incident(over: Partial<PublicIncident> = {}): PublicIncident {
  return {
    id: 'inc-1',
    endpointId: 'ep-1',
    endpointName: 'API Server',
    startedAt: '2026-12-01T10:00:00.000Z',
    resolvedAt: null,
    updates: [{ id: 'u-1', state: 'identified', message: 'A bad deploy.\nRolling back.', createdAt: '2026-12-01T10:05:00.000Z' }],
    ...over,
  };
}

function started(over: Partial<PublicIncident> = {}): SubscriberNotice {
  return { kind: 'incident.started', incident: incident({ updates: [], ...over }), update: null, occurredAt: '2026-12-01T10:00:00.000Z' };
}

function updated(over: Partial<PublicIncident> = {}): SubscriberNotice {
  const i = incident(over);
  return { kind: 'incident.updated', incident: i, update: i.updates[0] ?? null, occurredAt: '2026-12-01T10:05:00.000Z' };
}

function resolved(over: Partial<PublicIncident> = {}): SubscriberNotice {
  return {
    kind: 'incident.resolved',
    incident: incident({ resolvedAt: '2026-12-01T10:12:00.000Z', ...over }),
    update: null,
    occurredAt: '2026-12-01T10:12:00.000Z',
  };
}

const NOTICES = { started, updated, resolved };

const OPTIONS: NoticeMessageOptions = {
  language: 'en',
  pageTitle: 'Acme status',
  pageUrl: 'https://status.acme.example/status/acme',
  unsubscribeUrl: 'https://status.acme.example/status/acme/manage?token=t0k',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

describe('noticeText', () => {
  it('says what happened on one line, in English and Korean', () => {
    expect(noticeText(started(), 'en')).toBe('API Server: incident started');
    expect(noticeText(started(), 'ko')).toBe('API Server: 장애 발생');
    expect(noticeText(updated(), 'en')).toBe('API Server: Identified — A bad deploy. Rolling back.');
    expect(noticeText(updated(), 'ko')).toBe('API Server: 원인 파악 — A bad deploy. Rolling back.');
    expect(noticeText(resolved(), 'en')).toBe('API Server: resolved after 12 min');
    expect(noticeText(resolved(), 'ko')).toBe('API Server: 12분 만에 해결');
    expect(noticeText(resolved({ resolvedAt: '2026-12-02T11:30:00.000Z' }), 'en')).toBe('API Server: resolved after 1 d 1 h');
  });

  it('keeps the first 200 characters of a message, never half a character', () => {
    const long = `${'가'.repeat(199)}😀${'x'.repeat(50)}`;
    const text = noticeText(updated({ updates: [{ id: 'u', state: 'monitoring', message: long, createdAt: '2026-12-01T10:05:00Z' }] }), 'en');
    expect(text).toBe(`API Server: Monitoring — ${'가'.repeat(199)}😀…`);
    const short = noticeText(updated({ updates: [{ id: 'u', state: 'resolved', message: '  ', createdAt: '2026-12-01T10:05:00Z' }] }), 'en');
    expect(short).toBe('API Server: Resolved');
  });

  it('does without what it is not given', () => {
    // A resolved notice of an incident not marked resolved yet: up to the notice's time.
    expect(noticeText({ ...resolved(), incident: incident({ resolvedAt: null }) }, 'en')).toBe('API Server: resolved after 12 min');
    expect(noticeText(resolved({ startedAt: 'not a time' }), 'en')).toBe('API Server: resolved');
    expect(noticeText(resolved({ startedAt: 'not a time' }), 'ko')).toBe('API Server: 해결됨');
    // An update notice without its update: the incident's latest, else just "updated".
    expect(noticeText({ ...updated(), update: null }, 'en')).toBe('API Server: Identified — A bad deploy. Rolling back.');
    expect(noticeText({ ...updated({ updates: [] }), update: null }, 'en')).toBe('API Server: incident updated');
    expect(noticeText({ ...updated({ updates: [] }), update: null }, 'ko')).toBe('API Server: 장애 업데이트');
  });

  it('holds no line break or control character, whatever the names hold', () => {
    const hostile = started({ endpointName: 'API\r\nBcc: victim@example.com\u2028\u0007Server' });
    for (const language of LANGUAGES) {
      for (const notice of [hostile, updated({ endpointName: 'a\nb', updates: [{ id: 'u', state: 'identified', message: 'l1\r\nl2\tl3', createdAt: '' }] })]) {
        expect(noticeText(notice, language)).not.toMatch(CONTROL);
      }
    }
    expect(noticeText(hostile, 'en')).toBe('API Bcc: victim@example.com Server: incident started');
  });
});

describe('renderNoticeMail', () => {
  it('writes every kind in both languages: subject, text and HTML, with the page and the way out', () => {
    for (const [kind, make] of Object.entries(NOTICES)) {
      for (const language of LANGUAGES) {
        const notice = make();
        const mail = renderNoticeMail(notice, { ...OPTIONS, language });
        expect(mail.subject, kind).toBe(`[Acme status] ${noticeText(notice, language)}`);
        expect(mail.text).toContain(`${language === 'en' ? 'Unsubscribe' : '구독 해지'}: ${OPTIONS.unsubscribeUrl}`);
        expect(mail.text).toContain(OPTIONS.pageUrl);
        expect(mail.text).toContain('2026-12-01 10:00 UTC');
        expect(mail.html).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${language}">`));
        expect(mail.html).toContain(`<a href="${OPTIONS.unsubscribeUrl}" style="color:#1d4ed8">${OPTIONS.unsubscribeUrl}</a>`);
        expect(mail.html).toContain(`<a href="${OPTIONS.pageUrl}"`);
        // Nothing fetched from elsewhere, nothing run.
        expect(mail.html).not.toMatch(/<img|<script|<link|<style|url\(/i);
      }
    }
  });

  it('says what happened and when, in the words of the page', () => {
    const start = renderNoticeMail(started(), OPTIONS);
    expect(start.text.split('\n')[0]).toBe('An incident started on API Server.');
    expect(start.text).toContain('Started 2026-12-01 10:00 UTC');
    expect(start.html).toContain('An incident started on API Server.');
    expect(renderNoticeMail(started(), { ...OPTIONS, language: 'ko' }).text.split('\n')[0]).toBe('API Server에 장애가 발생했습니다.');

    const end = renderNoticeMail(resolved(), OPTIONS);
    expect(end.text).toContain('The incident on API Server is resolved.');
    expect(end.text).toContain('Resolved 2026-12-01 10:12 UTC · lasted 12 min');
    const endKo = renderNoticeMail(resolved(), { ...OPTIONS, language: 'ko' });
    expect(endKo.text).toContain('API Server 장애가 해결되었습니다.');
    expect(endKo.text).toContain('해결 2026-12-01 10:12 UTC · 12분 지속');
    expect(endKo.subject).toBe('[Acme status] API Server: 12분 만에 해결');
  });

  it("gives an update's message whole, its line breaks kept", () => {
    const mail = renderNoticeMail(updated(), OPTIONS);
    expect(mail.text).toContain('The incident on API Server has a new update: Identified.');
    expect(mail.text).toContain('Identified · 2026-12-01 10:05 UTC\nA bad deploy.\nRolling back.');
    expect(mail.html).toContain('A bad deploy.<br>Rolling back.');
    const long = 'word '.repeat(400).trim();
    const full = renderNoticeMail(updated({ updates: [{ id: 'u', state: 'monitoring', message: `${long}\r\nEnd.`, createdAt: '2026-12-01T10:30:00Z' }] }), {
      ...OPTIONS,
      language: 'ko',
    });
    expect(full.text).toContain(`모니터링 중 · 2026-12-01 10:30 UTC\n${long}\nEnd.`);
    expect(full.text).not.toContain('\r');
    expect(full.html).toContain(`${long}<br>End.`);
    expect(full.subject.length).toBeLessThan(260);
  });

  it('keeps the subject on one line and escapes the HTML, whatever the page and its endpoints are called', () => {
    const hostileName = `API\r\nBcc: victim@example.com\r\n\r\n${EVIL}`;
    for (const [kind, make] of Object.entries(NOTICES)) {
      for (const language of LANGUAGES) {
        const notice = make({
          endpointName: hostileName,
          updates: [{ id: 'u', state: 'identified', message: `${EVIL}\n<b>bold</b>`, createdAt: '2026-12-01T10:05:00Z' }],
        });
        const mail = renderNoticeMail(notice, {
          language,
          pageTitle: `Acme\r\n${EVIL}\u0000`,
          pageUrl: 'https://status.acme.example/status/a"b',
          unsubscribeUrl: 'https://status.acme.example/u?token=a"><script>',
        });
        expect(mail.subject, kind).not.toMatch(CONTROL);
        expect(mail.subject.startsWith(`[Acme ${EVIL}] API Bcc: victim@example.com ${EVIL}: `)).toBe(true);
        expect(mail.html).not.toContain('<script');
        expect(mail.html).not.toContain('<b>bold</b>');
        expect(mail.html).toContain(ESCAPED);
        expect(mail.html).toContain('href="https://status.acme.example/status/a&quot;b"');
        expect(mail.html).toContain('href="https://status.acme.example/u?token=a&quot;&gt;&lt;script&gt;"');
        expect(mail.html).not.toContain('\u0000');
        expect(mail.html).not.toContain('\r');
        expect(mail.text).not.toContain('\u0000');
      }
    }
  });

  it('links only http(s) addresses', () => {
    const mail = renderNoticeMail(started(), { ...OPTIONS, pageUrl: 'javascript:alert(1)', unsubscribeUrl: 'data:text/html,x' });
    expect(mail.html).not.toContain('href=');
    expect(mail.html).toContain('Unsubscribe: data:text/html,x');
  });
});

describe('renderConfirmationMail', () => {
  const base = {
    pageTitle: 'Acme status',
    pageUrl: 'https://status.acme.example/status/acme',
    manageUrl: 'https://status.acme.example/status/acme/manage?token=t0k&x=1',
  };

  it('asks to confirm, with the link to the page that does it, in both languages', () => {
    const en = renderConfirmationMail({ ...base, language: 'en', alreadyConfirmed: false });
    expect(en.subject).toBe('Confirm your subscription to Acme status');
    expect(en.text).toContain(
      'To confirm, open this link and press “Confirm subscription” (valid 48 hours):\n\nhttps://status.acme.example/status/acme/manage?token=t0k&x=1',
    );
    expect(en.text).toContain('If you did not ask for this, ignore this mail.');
    expect(en.html).toContain('<a href="https://status.acme.example/status/acme/manage?token=t0k&amp;x=1" style="display:inline-block;');
    expect(en.html).toContain('>Confirm subscription</a>');
    expect(en.html).toContain('If you did not ask for this, ignore this mail.');
    expect(en.html).toContain('<a href="https://status.acme.example/status/acme"');

    const ko = renderConfirmationMail({ ...base, language: 'ko', alreadyConfirmed: false });
    expect(ko.subject).toBe('Acme status 구독을 확인해 주세요');
    expect(ko.text).toContain('‘구독 확인’ 버튼을 누르면 구독이 시작됩니다(48시간 동안 유효).');
    expect(ko.text).toContain('요청하지 않으셨다면 이 메일을 무시하세요.');
    expect(ko.html).toContain('<html lang="ko">');
    expect(ko.html).toContain('>구독 확인</a>');
  });

  it('says when the address is subscribed already, with the link to manage or unsubscribe', () => {
    const en = renderConfirmationMail({ ...base, language: 'en', alreadyConfirmed: true });
    expect(en.subject).toBe('You are already subscribed to Acme status');
    expect(en.text).toContain('You are already subscribed to incident notices of Acme status. To manage or unsubscribe, open this link:');
    expect(en.text).toContain(base.manageUrl);
    expect(en.text).toContain('If you did not ask for this, ignore this mail.');
    expect(en.html).toContain('>Manage subscription</a>');
    const ko = renderConfirmationMail({ ...base, language: 'ko', alreadyConfirmed: true });
    expect(ko.subject).toBe('Acme status: 이미 구독 중입니다');
    expect(ko.text).toContain('구독을 관리하거나 해지하려면');
    expect(ko.html).toContain('>구독 관리</a>');
  });

  it('keeps the subject on one line and escapes the HTML', () => {
    for (const language of LANGUAGES) {
      for (const alreadyConfirmed of [false, true]) {
        const mail = renderConfirmationMail({
          language,
          alreadyConfirmed,
          pageTitle: `Acme\r\nBcc: x@example.com\n${EVIL}`,
          pageUrl: 'https://status.acme.example/"',
          manageUrl: `https://status.acme.example/m?token=${EVIL}`,
        });
        expect(mail.subject).not.toMatch(CONTROL);
        expect(mail.subject).toContain(`Acme Bcc: x@example.com ${EVIL}`);
        expect(mail.html).not.toContain('<script');
        expect(mail.html).toContain(ESCAPED);
        expect(mail.html).toContain('href="https://status.acme.example/&quot;"');
      }
    }
  });
});
