import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { startLocale } from './i18n/index.ts';
import { startRouter } from './lib/router.ts';
import { startTabStatus } from './lib/tab-status.ts';
import { startTheme } from './lib/theme.ts';
import { enqueueLiveEvent } from './services/live-events.ts';
import { socketService } from './services/socket.service.ts';
import { startAuth } from './stores/auth.store.ts';
import { startEndpointsStore } from './stores/endpoints.store.ts';
import { startSession } from './stores/session.store.ts';
import { startSubscriptions } from './stores/subscription.store.ts';
import { startEventToasts } from './stores/toast.store.ts';
import { startUptime24h } from './stores/uptime24h.store.ts';
import './styles.css';

// The page starts here, in this order; no module does anything when it is imported.
// What the page shows in: its language, its theme, its route.
startLocale();
startTheme();
startRouter();
// The key, before the first request and the connection's handshake use it.
startAuth();
// Who listens to live events and sessions, before the first can arrive.
startUptime24h();
startEndpointsStore();
startSubscriptions();
startEventToasts();
// Who this page is (GET /api/session); once the dashboard shows, the tab's counts and the
// connection (a page that only signs in or sets up opens neither), then the page.
startSession(() => {
  startTabStatus();
  socketService.start(enqueueLiveEvent);
});
render(() => <App />, document.getElementById('app')!);
