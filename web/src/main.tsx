import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { startTabStatus } from './lib/tab-status.ts';
import { enqueueLiveEvent } from './services/live-events.ts';
import { socketService } from './services/socket.service.ts';
import { startEventToasts } from './stores/toast.store.ts';
import './stores/subscription.store.ts';
import './styles.css';

startEventToasts();
startTabStatus();
socketService.start(enqueueLiveEvent);
render(() => <App />, document.getElementById('app')!);
