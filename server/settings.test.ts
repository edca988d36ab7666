import { describe, expect, it } from 'vitest';
import { loadSettings, parseSmtpUrl, SettingsError } from './settings.ts';

describe('SMTP_URL and SMTP_FROM', () => {
  it.each([
    ['smtp://mail.example.com', { host: 'mail.example.com', port: 587, security: 'starttls', username: '', password: '' }],
    ['smtps://a%40b:p%3Ass@mail.example.com', { host: 'mail.example.com', port: 465, security: 'tls', username: 'a@b', password: 'p:ss' }],
    ['smtp://relay:25?security=none', { host: 'relay', port: 25, security: 'none', username: '', password: '' }],
    ['smtp://[::1]:2525', { host: '::1', port: 2525, security: 'starttls', username: '', password: '' }],
  ])('reads %s', (url, expected) => {
    expect(parseSmtpUrl(url)).toEqual(expected);
  });

  it.each([
    ['mail.example.com', 'must be a URL'],
    ['https://mail.example.com', 'must start with smtp://'],
    ['smtps://mail.example.com?security=none', 'the only option is ?security=none, with smtp://'],
    ['smtp://mail.example.com?tls=off', 'the only option'],
    ['smtp://mail.example.com/inbox', 'must have no path'],
  ])('refuses %s', (url, message) => {
    expect(parseSmtpUrl(url)).toContain(message);
  });

  it('needs SMTP_FROM with SMTP_URL, and never repeats the password in an error', () => {
    expect(() => loadSettings({ SMTP_URL: 'smtp://u:hunter2@mail.example.com' })).toThrow(SettingsError);
    expect(() => loadSettings({ SMTP_URL: 'smtp://u:hunter2@mail.example.com' })).toThrow(/SMTP_FROM: is required with SMTP_URL/);
    try {
      loadSettings({ SMTP_URL: 'ftp://u:hunter2@mail.example.com', SMTP_FROM: 'x@y.z' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('SMTP_URL');
      expect(String(error)).not.toContain('hunter2');
    }
    expect(loadSettings({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'Status <s@example.com>' }).smtp).toMatchObject({
      host: 'mail.example.com',
      from: 'Status <s@example.com>',
    });
    expect(loadSettings({}).smtp).toBeUndefined();
  });
});
