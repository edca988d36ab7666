import { For, Show } from 'solid-js';
import type { CertificateSummary } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime } from '../lib/format.ts';
import { Fact } from './Fact.tsx';

const DAY_MS = 86_400_000;

/** Whole days from now until `iso` (negative once past), as the server counts a certificate's. */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.floor((Date.parse(iso) - now) / DAY_MS);
}

/** "12 days left" or "expired 3 days ago". */
export function daysLeftText(days: number): string {
  return days < 0 ? t('ep.expired', { count: -days }) : t('ep.daysLeft', { count: days });
}

/** The certificate a TLS check was shown: whom it is for, who issued it, the names it covers, and when it is valid. */
export function CertificateFacts(props: { certificate: CertificateSummary | null }) {
  return (
    <Show when={props.certificate} fallback={<p class="muted">{t('ep.certificate.none')}</p>}>
      {(c) => (
        <dl class="facts certificate" data-testid="certificate">
          <Fact label={t('cert.subject')}>{c().subject}</Fact>
          <Fact label={t('cert.issuer')}>{c().issuer}</Fact>
          <Fact label={t('cert.validFrom')}>{formatDateTime(c().validFrom)}</Fact>
          <Fact label={t('cert.validTo')}>
            {formatDateTime(c().validTo)} <span class="muted">({daysLeftText(c().daysLeft)})</span>
          </Fact>
          <div class="fact-wide">
            <dt>{t('cert.names')}</dt>
            <dd>
              <Show when={c().names.length > 0} fallback="—">
                <ul class="cert-names">
                  <For each={c().names}>{(name) => <li>{name}</li>}</For>
                </ul>
              </Show>
            </dd>
          </div>
        </dl>
      )}
    </Show>
  );
}
