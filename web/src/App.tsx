import { Match, Show, Switch, createMemo, lazy } from 'solid-js';
import { ConnectionBanner } from './components/ConnectionStatus.tsx';
import { DatabaseBanner } from './components/DatabaseBanner.tsx';
import { Header } from './components/Header.tsx';
import { KeyDialog } from './components/KeyDialog.tsx';
import { Toasts } from './components/Toasts.tsx';
import { useKeyboardShortcuts } from './lib/keyboard.ts';
import { matchPath, pathname } from './lib/router.ts';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { EndpointListPage } from './pages/EndpointListPage.tsx';
import { IncidentsPage } from './pages/IncidentsPage.tsx';
import { Allowed, NotFoundPage } from './pages/NotFoundPage.tsx';
import { keyRequest } from './stores/auth.store.ts';
import { can, gate, user } from './stores/session.store.ts';

// Pages that are not the first view load their code when visited (the chart library with them).
const EndpointPage = lazy(() => import('./pages/EndpointPage.tsx'));
const EndpointFormPage = lazy(() => import('./pages/EndpointFormPage.tsx'));
const IncidentPage = lazy(() => import('./pages/IncidentPage.tsx'));
const MaintenancePage = lazy(() => import('./pages/MaintenancePage.tsx'));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage.tsx'));
const StatusPagesPage = lazy(() => import('./pages/StatusPagesPage.tsx'));
const ReportsPage = lazy(() => import('./pages/ReportsPage.tsx'));
const PeoplePage = lazy(() => import('./pages/PeoplePage.tsx'));
const SessionsPage = lazy(() => import('./pages/SessionsPage.tsx'));
// One's own account and API keys, and the owner's audit log: one chunk (pages/AccountPages.tsx says why).
const AccountPages = lazy(() => import('./pages/AccountPages.tsx'));
// Before the dashboard: set-up, sign-in, a link's page (an invite, a password reset: one chunk); their words and forms load with them.
const SetupPage = lazy(() => import('./pages/SetupPage.tsx'));
const SignInPage = lazy(() => import('./pages/SignInPage.tsx'));
const LinkPages = lazy(() => import('./pages/LinkPages.tsx'));

export function App() {
  return (
    <>
      <Switch>
        <Match when={gate() === 'app'}>
          <Dashboard />
        </Match>
        <Match when={gate() === 'setup'}>
          <SetupPage />
        </Match>
        <Match when={gate() === 'sign-in'}>
          <SignInPage />
        </Match>
        <Match when={gate() === 'link'}>
          <LinkPages />
        </Match>
      </Switch>
      <Toasts />
      <Show when={keyRequest()}>{(reason) => <KeyDialog reason={reason()} />}</Show>
    </>
  );
}

function Dashboard() {
  const endpointId = createMemo(() => {
    const params = matchPath('/endpoints/:id', pathname());
    return params && params.id !== 'new' ? params.id : null;
  });
  const editId = createMemo(() => matchPath('/endpoints/:id/edit', pathname())?.id ?? null);
  const incidentId = createMemo(() => matchPath('/incidents/:id', pathname())?.id ?? null);
  useKeyboardShortcuts();

  return (
    <>
      <Header />
      <ConnectionBanner />
      <DatabaseBanner />
      <main id="main" tabIndex={-1}>
        <Switch fallback={<NotFoundPage />}>
          <Match when={pathname() === '/'}>
            <DashboardPage />
          </Match>
          <Match when={pathname() === '/endpoints' || pathname() === '/endpoints/'}>
            <EndpointListPage />
          </Match>
          <Match when={pathname() === '/endpoints/new'}>
            <Allowed when={can('edit')} ability="edit">
              <EndpointFormPage />
            </Allowed>
          </Match>
          <Match when={editId()}>
            <Show when={editId()} keyed>
              {(id) => (
                <Allowed when={can('edit')} ability="edit">
                  <EndpointFormPage id={id} />
                </Allowed>
              )}
            </Show>
          </Match>
          <Match when={endpointId()}>
            <Show when={endpointId()} keyed>
              {(id) => <EndpointPage id={id} />}
            </Show>
          </Match>
          <Match when={pathname() === '/incidents'}>
            <IncidentsPage />
          </Match>
          <Match when={/^\/maintenance(\/|$)/.test(pathname())}>
            <MaintenancePage path={pathname()} />
          </Match>
          <Match when={/^\/notifications(\/|$)/.test(pathname())}>
            <NotificationsPage path={pathname()} />
          </Match>
          <Match when={/^\/status-pages(\/|$)/.test(pathname())}>
            <StatusPagesPage path={pathname()} />
          </Match>
          <Match when={pathname() === '/reports' || pathname() === '/reports/'}>
            <ReportsPage />
          </Match>
          <Match when={incidentId()}>
            <Show when={incidentId()} keyed>
              {(id) => <IncidentPage id={id} />}
            </Show>
          </Match>
          <Match when={pathname() === '/people'}>
            <Allowed when={can('manage')} ability="manage">
              <PeoplePage />
            </Allowed>
          </Match>
          <Match when={pathname() === '/audit-log'}>
            <Allowed when={can('manage')} ability="manage">
              <AccountPages path="/audit-log" />
            </Allowed>
          </Match>
          {/* A person's own sessions, account and keys: API_KEY and this machine have none. */}
          <Match when={pathname() === '/sessions' && user()}>
            <SessionsPage />
          </Match>
          <Match when={(pathname() === '/account' || pathname() === '/keys') && user()}>
            <AccountPages path={pathname()} />
          </Match>
        </Switch>
      </main>
    </>
  );
}
