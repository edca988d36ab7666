import { Hono } from 'hono';
import type { Accounts } from '../../services/accounts/accounts.ts';
import type { TwoFactor } from '../../services/accounts/two-factor.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import { readJson } from '../read-json.ts';
import { clientAddressOf } from '../remote-address.ts';

/**
 * The signed-in person's own account: name and password, two-factor sign-in and recovery codes
 * (docs/accounts.md#two-factor-sign-in); and an owner's reset of someone's two-factor sign-in.
 */
export function ownAccountRoutes(options: { accounts: Accounts; twoFactor: TwoFactor }) {
  const { accounts, twoFactor } = options;
  const me = (c: { get: (key: 'principal') => { userId: string | null } | null }) => c.get('principal')!.userId!;
  return new Hono()
    .get('/account', async (c) => c.json(await accounts.own(me(c))))
    .patch('/account', async (c) => c.json(await accounts.updateOwn(me(c), await readJson(c), { session: c.get('session')?.id, address: clientAddressOf(c) })))
    .post('/account/two-factor', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await twoFactor.begin(me(c)));
    })
    .post('/account/two-factor/confirm', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await twoFactor.confirm(me(c), await readJson(c)));
    })
    .post('/account/two-factor/disable', async (c) => {
      await twoFactor.disable(me(c), await readJson(c), clientAddressOf(c));
      return c.body(null, 204);
    })
    .post('/account/recovery-codes', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await twoFactor.renewRecoveryCodes(me(c), await readJson(c), clientAddressOf(c)));
    })
    .delete('/users/:id/two-factor', async (c) => {
      const id = c.req.param('id');
      if (!UUID_PATTERN.test(id)) throw new NotFoundError('User', id.slice(0, 100));
      await twoFactor.reset(id);
      return c.body(null, 204);
    });
}
