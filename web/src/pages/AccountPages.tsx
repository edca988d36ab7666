import { Match, Switch } from 'solid-js';
import AccountPage from './AccountPage.tsx';
import AuditLogPage from './AuditLogPage.tsx';
import KeysPage from './KeysPage.tsx';

/**
 * One's own account (/account) and API keys (/keys), and the owner's audit log (/audit-log): one
 * chunk, loaded when one of them is visited. Each as a lazy page of its own made the bundler split
 * the first view's code in two (over its budget, test/web-bundle.test.ts).
 */
export default function AccountPages(props: { path: string }) {
  return (
    <Switch>
      <Match when={props.path === '/account'}>
        <AccountPage />
      </Match>
      <Match when={props.path === '/keys'}>
        <KeysPage />
      </Match>
      <Match when={props.path === '/audit-log'}>
        <AuditLogPage />
      </Match>
    </Switch>
  );
}
