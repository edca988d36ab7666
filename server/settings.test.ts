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

describe('OIDC_*', () => {
  const provider = { OIDC_CLIENT_ID: 'vigil', OIDC_CLIENT_SECRET: 's3cret' };

  it('takes an https issuer, or http on loopback only', () => {
    expect(loadSettings({ ...provider, OIDC_ISSUER: 'https://sso.example.com/realms/x' }).oidc).toMatchObject({
      clientId: 'vigil',
      name: 'Single sign-on',
      newUserRole: null,
    });
    expect(loadSettings({ ...provider, OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_NEW_USER_ROLE: 'viewer' }).oidc?.newUserRole).toBe('viewer');
    expect(() => loadSettings({ ...provider, OIDC_ISSUER: 'http://sso.example.com' })).toThrow(/OIDC_ISSUER: must be the provider's issuer URL, https:\/\//);
    expect(() => loadSettings({ ...provider, OIDC_ISSUER: 'https://sso.example.com', OIDC_NEW_USER_ROLE: 'owner' })).toThrow(
      /OIDC_NEW_USER_ROLE: must be viewer or editor/,
    );
  });

  it('needs all three of issuer, client id and secret, or none', () => {
    expect(loadSettings({}).oidc).toBeUndefined();
    expect(() => loadSettings({ OIDC_ISSUER: 'https://sso.example.com', OIDC_CLIENT_ID: 'vigil' })).toThrow(/set all three/);
  });
});
