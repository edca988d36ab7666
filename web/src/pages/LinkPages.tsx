import { Show } from 'solid-js';
import { pathname } from '../lib/router.ts';
import InvitePage from './InvitePage.tsx';
import ResetPasswordPage from './ResetPasswordPage.tsx';

/**
 * The pages a link opens, signed in or not: an invite (/invite#token=…) and a password reset
 * (/reset-password#token=…). One chunk: a lazy page of its own would add its loader to the first
 * view's code (test/web-bundle.test.ts), and both use the same form and words.
 */
export default function LinkPages() {
  return (
    <Show when={pathname() === '/reset-password'} fallback={<InvitePage />}>
      <ResetPasswordPage />
    </Show>
  );
}
