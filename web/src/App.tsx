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
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { keyRequest } from './stores/auth.store.ts';

// Pages that are not the first view load their code when visited (the chart library with them).
const EndpointPage = lazy(() => import('./pages/EndpointPage.tsx'));
const EndpointFormPage = lazy(() => import('./pages/EndpointFormPage.tsx'));
const IncidentPage = lazy(() => import('./pages/IncidentPage.tsx'));
const MaintenancePage = lazy(() => import('./pages/MaintenancePage.tsx'));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage.tsx'));
const StatusPagesPage = lazy(() => import('./pages/StatusPagesPage.tsx'));
const ReportsPage = lazy(() => import('./pages/ReportsPage.tsx'));

export function App() {
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
            <EndpointFormPage />
          </Match>
          <Match when={editId()}>
            <Show when={editId()} keyed>
              {(id) => <EndpointFormPage id={id} />}
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
        </Switch>
      </main>
      <Toasts />
      <Show when={keyRequest()}>{(reason) => <KeyDialog reason={reason()} />}</Show>
    </>
  );
}
