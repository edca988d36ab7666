import type { StatusPageRow } from '../../../db/schema/index.ts';
import type { StatusPage } from '../../contract/status-pages.ts';
import { SECRET_MARKER } from '../../contract/types.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import type { ServiceContext } from '../context.ts';

export function assertStatusPageId(id: string): void {
  if (!UUID_PATTERN.test(id)) throw new ValidationError([{ path: 'id', message: 'must be a UUID', code: 'invalid_uuid' }]);
}

export function findStatusPage(ctx: Pick<ServiceContext, 'statusPages'>, id: string): StatusPageRow {
  assertStatusPageId(id);
  const row = ctx.statusPages.get(id.toLowerCase());
  if (!row) throw new NotFoundError('Status page', id);
  return row;
}

/** A page as every read and event shows it: the password as SECRET_MARKER. */
export function toStatusPage(row: StatusPageRow, publicUrl: string): StatusPage {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    logoUrl: row.logoUrl,
    sections: row.sections.map(({ name, endpointIds, tag }) => ({ name, endpointIds, tag })),
    visibility: row.visibility as StatusPage['visibility'],
    password: row.passwordHash === null ? null : SECRET_MARKER,
    customDomain: row.customDomain,
    footer: row.footer,
    showResponseTimes: row.showResponseTimes,
    defaultLanguage: row.defaultLanguage as StatusPage['defaultLanguage'],
    subscriptions: { email: row.subscribeEmail, webhook: row.subscribeWebhook },
    url: `${publicUrl}/status/${row.slug}`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function getStatusPage(ctx: Pick<ServiceContext, 'statusPages' | 'publicUrl'>, id: string): StatusPage {
  return toStatusPage(findStatusPage(ctx, id), ctx.publicUrl);
}

/** Every page, oldest first (they are few: at most STATUS_PAGE_LIMITS.pages). */
export function listStatusPages(ctx: Pick<ServiceContext, 'statusPages' | 'publicUrl'>): { items: StatusPage[]; nextCursor: null } {
  const items = ctx.statusPages
    .all()
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .map((row) => toStatusPage(row, ctx.publicUrl));
  return { items, nextCursor: null };
}
