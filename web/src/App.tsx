import { Match, Show, Switch, createMemo, lazy } from 'solid-js';
import { Toaster } from 'solid-sonner';
import { ConnectionBanner } from './components/ConnectionStatus.tsx';
import { DatabaseBanner } from './components/DatabaseBanner.tsx';
import { Header } from './components/Header.tsx';
import { KeyDialog } from './components/KeyDialog.tsx';
import { matchPath, pathname } from './lib/router.ts';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { EndpointListPage } from './pages/EndpointListPage.tsx';
import { IncidentsPage } from './pages/IncidentsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { keyRequest } from './stores/auth.store.ts';
import { MAX_TOASTS, TOAST_DURATION_MS } from './stores/toast.store.ts';

// Pages that are not the first view load their code when visited (the chart library with them).
const EndpointPage = lazy(() => import('./pages/EndpointPage.tsx'));
const EndpointFormPage = lazy(() => import('./pages/EndpointFormPage.tsx'));

export function App() {
  const endpointId = createMemo(() => {
    const params = matchPath('/endpoints/:id', pathname());
    return params && params.id !== 'new' ? params.id : null;
  });
  const editId = createMemo(() => matchPath('/endpoints/:id/edit', pathname())?.id ?? null);

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
        </Switch>
      </main>
      {/* Below the header, so the connection status stays visible; expanded, so all five are readable. */}
      <Toaster
        position="top-right"
        offset={{ top: '4rem', right: '1rem' }}
        mobileOffset={{ top: '9rem' }}
        duration={TOAST_DURATION_MS}
        visibleToasts={MAX_TOASTS}
        expand
        richColors
        closeButton
      />
      <Show when={keyRequest()}>{(reason) => <KeyDialog reason={reason()} />}</Show>
    </>
  );
}
