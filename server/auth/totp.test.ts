import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, codeAt, matchingStep, newRecoveryCodes, otpauthUrl, recoveryHash, stepAt } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 secret is ASCII "12345678901234567890"; the RFC lists 8 digits,
// authenticator apps show the last 6.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));
const RFC_VECTORS: [seconds: number, code8: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('gives the codes of the RFC test vectors', () => {
    for (const [seconds, code8] of RFC_VECTORS) expect(codeAt(RFC_SECRET, stepAt(seconds * 1000))).toBe(code8.slice(2));
  });

  it('round-trips base32 (RFC 4648)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
    expect(() => base32Decode('MZ1')).toThrow();
  });

  it('accepts the code of the current step and of one step either side, each once', () => {
    const now = 1_765_000_000_000;
    const step = stepAt(now);
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step), now, null)).toBe(step);
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step - 1), now, null)).toBe(step - 1);
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step + 1), now, null)).toBe(step + 1);
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step - 2), now, null)).toBeNull();
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step + 2), now, null)).toBeNull();
    // Used once: the same step (and any before it) is refused afterwards.
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step), now, step)).toBeNull();
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step - 1), now, step)).toBeNull();
    expect(matchingStep(RFC_SECRET, codeAt(RFC_SECRET, step + 1), now, step)).toBe(step + 1);
    expect(matchingStep(RFC_SECRET, '12345', now, null)).toBeNull();
    expect(matchingStep(RFC_SECRET, 'abcdef', now, null)).toBeNull();
    expect(matchingStep(RFC_SECRET, ` ${codeAt(RFC_SECRET, step).slice(0, 3)} ${codeAt(RFC_SECRET, step).slice(3)} `, now, null)).toBe(step);
  });

  it('names the account and issuer in the otpauth URL', () => {
    expect(otpauthUrl('ABC', 'ann@example.com')).toBe('otpauth://totp/Vigil:ann%40example.com?secret=ABC&issuer=Vigil&algorithm=SHA1&digits=6&period=30');
  });

  it('makes ten distinct recovery codes whose hashes ignore case and dashes', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(recoveryHash(codes[0]!.toUpperCase().replaceAll('-', ' '))).toBe(hashes[0]);
  });
});
