import { For, Show, lazy } from 'solid-js';
import { t } from '../i18n/index.ts';
import { pathname } from '../lib/router.ts';
import { apiKey, askForKey, keyRequired } from '../stores/auth.store.ts';
import { can, user } from '../stores/session.store.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { LanguageSelect } from './LanguageSelect.tsx';
import { MenuButton, menuOpen } from './MenuButton.tsx';
import { ThemeSwitch } from './ThemeSwitch.tsx';

// Only for someone signed in: its code and words load then.
const AccountMenu = lazy(() => import('./AccountMenu.tsx'));

const NAV = [
  { href: '/', key: 'nav.dashboard', active: (p: string) => p === '/' },
  { href: '/endpoints', key: 'nav.endpoints', active: (p: string) => p.startsWith('/endpoints') && p !== '/endpoints/new' },
  { href: '/incidents', key: 'nav.incidents', active: (p: string) => p.startsWith('/incidents') },
  { href: '/maintenance', key: 'nav.maintenance', active: (p: string) => p.startsWith('/maintenance') },
  { href: '/notifications', key: 'nav.notifications', active: (p: string) => p.startsWith('/notifications') },
  { href: '/status-pages', key: 'nav.statusPages', active: (p: string) => p.startsWith('/status-pages') },
  { href: '/reports', key: 'nav.reports', active: (p: string) => p.startsWith('/reports') },
] as const;

export function Header() {
  return (
    <header class="header" data-menu={menuOpen() ? 'open' : 'closed'}>
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <a class="brand" href="/">
        Vigil
      </a>
      <MenuButton controls="header-nav header-tools" />
      <nav id="header-nav" aria-label="Vigil">
        <For each={NAV}>
          {(item) => (
            <a href={item.href} aria-current={item.active(pathname()) ? 'page' : undefined}>
              {t(item.key)}
            </a>
          )}
        </For>
        {/* Swagger UI is the server's page, not a route of this app: a full navigation. */}
        <a href="/api/docs" data-external>
          {t('nav.apiDocs')}
        </a>
        <Show when={can('edit')}>
          <a class="button primary" href="/endpoints/new" aria-keyshortcuts="n">
            + {t('nav.add')}
          </a>
        </Show>
      </nav>
      <div id="header-tools" class="header-end">
        <ConnectionStatus />
        {/* A signed-in person needs no key; one saved before can still be forgotten here. */}
        <Show when={apiKey() || (keyRequired() && !user())}>
          <button type="button" class="key-button" data-key-saved={apiKey() ? 'true' : 'false'} onClick={() => void askForKey('user')}>
            {t('key.button')}
            <Show when={apiKey()}>
              <span aria-hidden="true"> ✓</span>
              <span class="sr-only"> ({t('key.button.saved')})</span>
            </Show>
          </button>
        </Show>
        <ThemeSwitch />
        <LanguageSelect />
        <Show when={user()}>
          <AccountMenu />
        </Show>
      </div>
    </header>
  );
}
