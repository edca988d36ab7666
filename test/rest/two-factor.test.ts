import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, stepAt } from '../../server/auth/totp.ts';
import { PasswordThrottle } from '../../server/services/accounts/password-throttle.ts';
import { TwoFactor } from '../../server/services/accounts/two-factor.ts';
import { invitePerson, PASSWORD, setUpOwner, signIn, type SignedIn, sessionTokenOf } from '../support/accounts.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/** Turns two-factor sign-in on for a person; answers the secret, the time step of the code it took, and the recovery codes. */
async function enrol(vigil: TestVigil, person: SignedIn): Promise<{ secret: string; step: number; recoveryCodes: string[] }> {
  const begun = await vigil.api('POST', '/api/account/two-factor', undefined, person.headers);
  expect(begun.status, JSON.stringify(begun.body)).toBe(200);
  const { secret, otpauthUrl } = begun.body;
  expect(otpauthUrl).toBe(`otpauth://totp/Vigil:${encodeURIComponent(person.user.email)}?secret=${secret}&issuer=Vigil&algorithm=SHA1&digits=6&period=30`);
  const step = stepAt(Date.now());
  const confirmed = await vigil.api('POST', '/api/account/two-factor/confirm', { code: codeAt(secret, step) }, person.headers);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return { secret, step, recoveryCodes: confirmed.body.recoveryCodes };
}

describe('two-factor sign-in over REST', () => {
  let vigil: TestVigil;
  let owner: SignedIn;
  beforeAll(async () => {
    vigil = await startTestVigil({ AUTH_FAILURE_LIMIT: '50' });
    owner = await setUpOwner(vigil);
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('turns on only with a code from the secret shown, and answers ten recovery codes once', async () => {
    const person = await invitePerson(vigil, owner, 'editor');
    const begun = await vigil.api('POST', '/api/account/two-factor', undefined, person.headers);
    const wrong = await vigil.api('POST', '/api/account/two-factor/confirm', { code: '000000' }, person.headers);
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ path: 'code', code: 'wrong_code' })]);
    expect((await vigil.api('GET', '/api/account', undefined, person.headers)).body).toMatchObject({ twoFactor: false, recoveryCodesLeft: 0 });
    const right = await vigil.api('POST', '/api/account/two-factor/confirm', { code: codeAt(begun.body.secret, stepAt(Date.now())) }, person.headers);
    expect(right.status).toBe(200);
    expect(right.body.recoveryCodes).toHaveLength(10);
    expect((await vigil.api('GET', '/api/account', undefined, person.headers)).body).toMatchObject({ twoFactor: true, recoveryCodesLeft: 10 });
    // The owner's list of people says who has it on (for the People page's reset).
    const people = (await vigil.api('GET', '/api/users', undefined, owner.headers)).body.items;
    expect(people.find((u: { id: string }) => u.id === person.user.id)).toMatchObject({ twoFactor: true });
    expect(people.find((u: { id: string }) => u.id === owner.user.id)).toMatchObject({ twoFactor: false });
    // Enrolling again needs turning it off first.
    expect((await vigil.api('POST', '/api/account/two-factor', undefined, person.headers)).body.code).toBe('two_factor_on');
  });

  it('asks for the code after a right password, takes each code once, and sets no cookie before', async () => {
    const person = await invitePerson(vigil, owner, 'viewer');
    const { secret, step } = await enrol(vigil, person);
    const email = person.user.email;

    const first = await vigil.api('POST', '/api/session', { email, password: PASSWORD });
    expect(first.status).toBe(401);
    expect(first.body.code).toBe('second_factor_required');
    expect(sessionTokenOf(first.headers)).toBeUndefined();

    const wrong = await vigil.api('POST', '/api/session', { email, password: PASSWORD, code: '123456' });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'invalid_second_factor']);
    expect(sessionTokenOf(wrong.headers)).toBeUndefined();

    // The code confirmed at enrolment is spent (even once a new 30-second step has begun); the next step's (one step of drift) is not.
    const spent = await vigil.api('POST', '/api/session', { email, password: PASSWORD, code: codeAt(secret, step) });
    expect(spent.body.code).toBe('invalid_second_factor');
    const next = codeAt(secret, step + 1);
    const ok = await vigil.api('POST', '/api/session', { email, password: PASSWORD, code: next });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(sessionTokenOf(ok.headers)).toBeTruthy();
    // Seen over a shoulder: the same code again is refused.
    expect((await vigil.api('POST', '/api/session', { email, password: PASSWORD, code: next })).body.code).toBe('invalid_second_factor');
    // A wrong password with a right-looking code is still just a wrong password.
    expect((await vigil.api('POST', '/api/session', { email, password: 'not the password', code: next })).body.code).toBe('invalid_credentials');
  });

  it('takes each recovery code once, in any case and with or without dashes', async () => {
    const person = await invitePerson(vigil, owner, 'viewer');
    const { recoveryCodes } = await enrol(vigil, person);
    const email = person.user.email;
    const [one, two] = recoveryCodes as [string, string];
    expect((await vigil.api('POST', '/api/session', { email, password: PASSWORD, recoveryCode: one.toUpperCase().replaceAll('-', '') })).status).toBe(200);
    expect((await vigil.api('POST', '/api/session', { email, password: PASSWORD, recoveryCode: one })).body.code).toBe('invalid_second_factor');
    expect((await vigil.api('POST', '/api/session', { email, password: PASSWORD, recoveryCode: two })).status).toBe(200);
    expect((await vigil.api('GET', '/api/account', undefined, person.headers)).body.recoveryCodesLeft).toBe(8);

    // New codes (with the password) void the old ones.
    const renewed = await vigil.api('POST', '/api/account/recovery-codes', { password: PASSWORD }, person.headers);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expect((await vigil.api('POST', '/api/session', { email, password: PASSWORD, recoveryCode: recoveryCodes[2] })).body.code).toBe('invalid_second_factor');
    expect((await vigil.api('POST', '/api/session', { email, password: PASSWORD, recoveryCode: renewed.body.recoveryCodes[0] })).status).toBe(200);
  });

  it('turns off with the password only; an owner can turn it off for someone who lost their phone', async () => {
    const person = await invitePerson(vigil, owner, 'editor');
    await enrol(vigil, person);
    const wrong = await vigil.api('POST', '/api/account/two-factor/disable', { password: 'guess guess guess' }, person.headers);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ path: 'password', code: 'wrong_password' })]);
    expect((await vigil.api('POST', '/api/account/two-factor/disable', { password: PASSWORD }, person.headers)).status).toBe(204);
    await signIn(vigil, person.user.email);

    const other = await invitePerson(vigil, owner, 'viewer');
    await enrol(vigil, other);
    // Only an owner may reset it, and not through the person's own session.
    expect((await vigil.api('DELETE', `/api/users/${other.user.id}/two-factor`, undefined, other.headers)).status).toBe(403);
    expect((await vigil.api('DELETE', `/api/users/${other.user.id}/two-factor`, undefined, owner.headers)).status).toBe(204);
    await signIn(vigil, other.user.email);
  });

  it('counts wrong codes like wrong passwords: past AUTH_FAILURE_LIMIT a minute, 429', async () => {
    const limited = await startTestVigil({ AUTH_FAILURE_LIMIT: '3' });
    try {
      const boss = await setUpOwner(limited);
      await enrol(limited, boss);
      const email = boss.user.email;
      // Asking for the code (no code sent) is the form's first step, not a failure: never throttled.
      for (let i = 0; i < 5; i++) expect((await limited.api('POST', '/api/session', { email, password: PASSWORD })).body.code).toBe('second_factor_required');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.api('POST', '/api/session', { email, password: PASSWORD, code: '000000' })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.dispose();
    }
  });

  it('counts a wrong password confirming a change like a wrong sign-in: a borrowed session cannot guess it', async () => {
    const limited = await startTestVigil({ AUTH_FAILURE_LIMIT: '3' });
    try {
      const boss = await setUpOwner(limited);
      await enrol(limited, boss);
      const tries: [string, string, Record<string, string>][] = [
        ['PATCH', '/api/account', { password: 'a new passphrase here', currentPassword: 'guess one' }],
        ['POST', '/api/account/two-factor/disable', { password: 'guess two' }],
        ['POST', '/api/account/recovery-codes', { password: 'guess three' }],
        ['PATCH', '/api/account', { password: 'a new passphrase here', currentPassword: 'guess four' }],
        ['POST', '/api/account/two-factor/disable', { password: PASSWORD }],
      ];
      const answers: (string | number)[] = [];
      for (const [method, path, body] of tries) {
        const answer = await limited.api(method, path, body, boss.headers);
        answers.push(answer.status === 400 ? answer.body.errors[0].code : answer.status);
      }
      // Three wrong ones, then the address waits: even the right password is refused for now.
      expect(answers).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 429, 429]);
      // The name alone asks for no password, and is not held up.
      expect((await limited.api('PATCH', '/api/account', { name: 'Still Me' }, boss.headers)).status).toBe(200);
      expect((await limited.api('GET', '/api/account', undefined, boss.headers)).body).toMatchObject({ twoFactor: true, name: 'Still Me' });
    } finally {
      await limited.dispose();
    }
  });
});

describe('two-factor codes against a controllable clock', () => {
  let vigil: TestVigil;
  let person: SignedIn;
  beforeAll(async () => {
    vigil = await startTestVigil();
    person = await setUpOwner(vigil);
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('accepts one 30-second step of drift either way, never a code twice, and none from further away', async () => {
    let now = Date.parse('2026-12-06T12:00:10Z');
    const twoFactor = new TwoFactor(vigil.database.db, new PasswordThrottle({ failureLimit: 10 }), () => now);
    const { secret } = await twoFactor.begin(person.user.id);
    const t0 = stepAt(now);
    await twoFactor.confirm(person.user.id, { code: codeAt(secret, t0) });
    const row = async () => (await vigil.database.db.query.users.findFirst({ where: (users, { eq }) => eq(users.id, person.user.id) }))!;
    const verify = async (code: string) =>
      twoFactor.verify(await row(), { code }).then(
        (how) => how,
        (error: { code: string }) => error.code,
      );

    expect(await verify(codeAt(secret, t0)), 'the enrolment code, again').toBe('invalid_second_factor');
    now += 30_000; // step t0 + 1
    expect(await verify(codeAt(secret, t0 + 3))).toBe('invalid_second_factor');
    expect(await verify(codeAt(secret, t0 + 2)), 'one step ahead (a fast phone)').toBe('code');
    expect(await verify(codeAt(secret, t0 + 1)), 'behind the last one taken').toBe('invalid_second_factor');
    now += 5 * 60_000; // 10 steps later: an old code is refused, the current one taken
    expect(await verify(codeAt(secret, t0 + 2))).toBe('invalid_second_factor');
    expect(await verify(codeAt(secret, stepAt(now) - 1)), 'one step behind (a slow phone)').toBe('code');
    expect(await verify(codeAt(secret, stepAt(now)))).toBe('code');
    expect(await verify(codeAt(secret, stepAt(now)))).toBe('invalid_second_factor');
  });
});
