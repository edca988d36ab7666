import { Show, createSignal, onCleanup } from 'solid-js';
import { pathname } from '../lib/router.ts';
import InvitePage from './InvitePage.tsx';
import ResetPasswordPage from './ResetPasswordPage.tsx';

/**
 * The pages a link opens, signed in or not: an invite (/invite#token=…) and a password reset
 * (/reset-password#token=…). One chunk: a lazy page of its own would add its loader to the first
 * view's code (test/web-bundle.test.ts), and both use the same form and words. Another link pasted
 * into the address bar changes only the fragment: the page starts again with its token.
 */
export default function LinkPages() {
  // Every change counts, the same link again too (a page may have taken the token out of the address).
  const [fragment, setFragment] = createSignal(window.location.hash, { equals: false });
  const follow = () => setFragment(window.location.hash);
  window.addEventListener('hashchange', follow);
  onCleanup(() => window.removeEventListener('hashchange', follow));
  return (
    <Show when={[fragment()]} keyed>
      {(_fragment) => (
        <Show when={pathname() === '/reset-password'} fallback={<InvitePage />}>
          <ResetPasswordPage />
        </Show>
      )}
    </Show>
  );
}
