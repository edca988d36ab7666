import type { EndpointStatus } from '../../contract/types.ts';
import type { ServiceContext } from '../context.ts';
import { getUptime } from '../checks/uptime.ts';
import type { PublicPageCache } from './public-cache.ts';
import { pageEndpointIds, statusOf } from './public-page.ts';

export const BADGE_PERIODS = ['24h', '7d', '30d', '90d'] as const;
type Period = (typeof BADGE_PERIODS)[number];

export interface BadgeFigures {
  name: string;
  status: EndpointStatus;
  period: Period;
  uptime: number | null;
  /** Over 24 h (or the period up to 30 d), ms. */
  avgResponseTime: number | null;
}

export interface BadgeSource {
  /** What an endpoint's badges show, or null when no public page shows it (then its badge says nothing, not even that it exists). */
  figures(endpointId: string, period: string): Promise<BadgeFigures | null>;
}

/** Figures are read again at most this often (a badge is fetched by every reader of a README). */
const FIGURES_TTL_MS = 60_000;
/** Which endpoints the public pages show, worked out again at most this often. */
const SHOWN_TTL_MS = 2_000;

/**
 * Badges show only endpoints on a public status page (a password page's endpoints stay unseen),
 * and only what such a page shows: name, status, uptime, response time.
 */
export function badgeSource(ctx: Pick<ServiceContext, 'db' | 'registry' | 'board' | 'statusPages'>, cache: PublicPageCache, now = Date.now): BadgeSource {
  let shown: { at: number; ids: Map<string, string[]> } | undefined;
  type Figures = Pick<BadgeFigures, 'period' | 'uptime' | 'avgResponseTime'>;
  interface Held {
    at: number;
    value: Promise<Figures>;
    /** The last figures read. */
    settled?: Figures;
  }
  const figures = new Map<string, Held>();
  /** Endpoint id → the public pages showing it. */
  const publicPagesOf = (endpointId: string): string[] => {
    if (!shown || now() - shown.at > SHOWN_TTL_MS) {
      const ids = new Map<string, string[]>();
      for (const page of ctx.statusPages.all()) {
        if (page.visibility !== 'public') continue;
        for (const id of pageEndpointIds(ctx, page)) ids.set(id, [...(ids.get(id) ?? []), page.id]);
      }
      shown = { at: now(), ids };
    }
    return shown.ids.get(endpointId) ?? [];
  };
  return {
    async figures(endpointId, requested) {
      const pageIds = publicPagesOf(endpointId);
      const endpoint = ctx.registry.get(endpointId);
      if (pageIds.length === 0 || !endpoint) return null;
      const period: Period = (BADGE_PERIODS as readonly string[]).includes(requested) ? (requested as Period) : '24h';
      const key = `${endpointId} ${period}`;
      let held = figures.get(key);
      const last = held?.settled;
      if (!held || now() - held.at > FIGURES_TTL_MS) {
        const value = (async (): Promise<BadgeFigures> => {
          const uptime = await getUptime(ctx, endpointId);
          if (period === '90d') {
            const page = ctx.statusPages.get(pageIds[0]!);
            const snapshot = page ? await cache.get(page) : undefined;
            const shownThere = snapshot?.page.sections.flatMap((s) => s.endpoints).find((e) => e.id === endpointId);
            return {
              name: endpoint.definition.name,
              status: 'PENDING',
              period,
              uptime: shownThere?.uptime90d ?? null,
              avgResponseTime: uptime['30d'].avgResponseTime,
            };
          }
          return { name: endpoint.definition.name, status: 'PENDING', period, uptime: uptime[period].uptime, avgResponseTime: uptime[period].avgResponseTime };
        })();
        const fresh: Held = { at: now(), value, settled: last };
        held = fresh;
        figures.set(key, fresh);
        value.then(
          (got) => {
            fresh.settled = got;
          },
          () => {
            // Tried again in a few seconds, the last figures shown meanwhile.
            fresh.at = now() - FIGURES_TTL_MS + 5000;
          },
        );
        if (figures.size > 10_000) figures.delete(figures.keys().next().value as string);
      }
      // The status is always the live one (from memory); the figures may be a minute old, or the
      // last ones known while the database is away.
      const current = held;
      const shown = current.settled ?? (await current.value.catch(() => ({ period, uptime: null, avgResponseTime: null })));
      return { ...shown, name: endpoint.definition.name, status: statusOf(ctx, endpoint) };
    },
  };
}
