import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type StatusPageRow, statusPages } from '../../../db/schema/index.ts';
import { STATUS_PAGE_LIMITS, type StatusPage, type StatusPageDefinition } from '../../contract/status-pages.ts';
import { SECRET_MARKER } from '../../contract/types.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import { assertPageCoherent, parseStatusPageCreate, parseStatusPagePatch } from '../../domain/status-page-input.ts';
import type { ServiceContext } from '../context.ts';
import { parentsOfEndpoints } from '../endpoints/known-endpoints.ts';
import { findStatusPage, toStatusPage } from './read.ts';

type Ctx = Pick<ServiceContext, 'db' | 'bus' | 'registry' | 'statusPages' | 'publicUrl' | 'smtp'>;

export async function createStatusPage(ctx: Ctx, input: unknown): Promise<StatusPage> {
  const definition = parseStatusPageCreate(input);
  if (definition.password === SECRET_MARKER) throw markerWithoutPassword();
  assertPageCoherent(definition, definition.password !== null);
  assertMailPossible(ctx, definition, false);
  if (ctx.statusPages.size >= STATUS_PAGE_LIMITS.pages) {
    throw new ValidationError([
      {
        path: '',
        message: `at most ${STATUS_PAGE_LIMITS.pages} status pages: delete some first`,
        code: 'too_many_pages',
        params: { max: STATUS_PAGE_LIMITS.pages },
      },
    ]);
  }
  await assertSectionEndpoints(ctx, definition);
  assertUnique(ctx, definition, null);
  const now = new Date();
  const values = { id: randomUUID(), ...(await columnsOf(definition, null)), createdAt: now, updatedAt: now };
  const [row] = await insertOrConflict(() => ctx.db.insert(statusPages).values(values).returning());
  ctx.statusPages.put(row!);
  const page = toStatusPage(row!, ctx.publicUrl);
  ctx.bus.emit('status-page:created', page);
  return page;
}

export async function updateStatusPage(ctx: Ctx, id: string, input: unknown): Promise<StatusPage> {
  const current = findStatusPage(ctx, id);
  const patch = parseStatusPagePatch(input);
  const stored = definitionOf(current);
  const merged: StatusPageDefinition = { ...stored, ...patch, subscriptions: { ...stored.subscriptions, ...patch.subscriptions } };
  const keepPassword = merged.password === SECRET_MARKER;
  if (keepPassword && current.passwordHash === null) throw markerWithoutPassword();
  assertPageCoherent(merged, merged.password !== null);
  assertMailPossible(ctx, merged, stored.subscriptions.email);
  await assertSectionEndpoints(ctx, merged);
  assertUnique(ctx, merged, current.id);
  const values = { ...(await columnsOf(merged, keepPassword ? current.passwordHash : null)), updatedAt: new Date() };
  const [row] = await insertOrConflict(() => ctx.db.update(statusPages).set(values).where(eq(statusPages.id, current.id)).returning());
  if (!row) throw new ValidationError([{ path: 'id', message: 'was deleted meanwhile', code: 'not_found' }]);
  ctx.statusPages.put(row);
  const page = toStatusPage(row, ctx.publicUrl);
  ctx.bus.emit('status-page:updated', page);
  return page;
}

export async function deleteStatusPage(ctx: Ctx, id: string): Promise<void> {
  const current = findStatusPage(ctx, id);
  await ctx.db.delete(statusPages).where(eq(statusPages.id, current.id));
  ctx.statusPages.remove(current.id);
  ctx.bus.emit('status-page:deleted', { statusPageId: current.id });
}

/** The definition as stored, the password as the marker when one is stored. */
function definitionOf(row: StatusPageRow): StatusPageDefinition {
  const { id: _id, url: _url, createdAt: _c, updatedAt: _u, ...definition } = toStatusPage(row, '');
  return definition;
}

async function columnsOf(definition: StatusPageDefinition, keptHash: string | null) {
  const { password, subscriptions, ...rest } = definition;
  const passwordHash = keptHash ?? (password === null ? null : await hashPassword(password));
  return { ...rest, passwordHash, subscribeEmail: subscriptions.email, subscribeWebhook: subscriptions.webhook };
}

/** Subscriptions by email are turned on only where mail can go out (a page keeps them if SMTP_URL goes away later). */
function assertMailPossible(ctx: Pick<Ctx, 'smtp'>, definition: StatusPageDefinition, wasOn: boolean): void {
  if (!definition.subscriptions.email || wasOn || ctx.smtp) return;
  throw new ValidationError([
    { path: 'subscriptions.email', message: 'needs a mail server: set SMTP_URL and SMTP_FROM, then restart Vigil', code: 'smtp_not_configured' },
  ]);
}

async function assertSectionEndpoints(ctx: Ctx, definition: Pick<StatusPageDefinition, 'sections'>): Promise<void> {
  // One look for every section's ids (the registry, then the database for any it does not hold).
  const known = await parentsOfEndpoints(
    ctx.db,
    ctx.registry,
    definition.sections.flatMap((section) => section.endpointIds),
  );
  const errors = definition.sections.flatMap((section, s) =>
    section.endpointIds.flatMap((id, i) =>
      known.has(id) ? [] : [{ path: `sections.${s}.endpointIds.${i}`, message: `is not an endpoint (${id})`, code: 'unknown_endpoint', params: { id } }],
    ),
  );
  if (errors.length > 0) throw new ValidationError(errors);
}

/** Slugs and custom domains are each one page's; said before the database's unique index would. */
function assertUnique(ctx: Pick<ServiceContext, 'statusPages'>, definition: StatusPageDefinition, ownId: string | null): void {
  const bySlug = ctx.statusPages.findBySlug(definition.slug);
  if (bySlug && bySlug.id !== ownId)
    throw new ConflictError(`The slug "${definition.slug}" is taken by another status page`, 'slug_taken', { slug: definition.slug });
  const byDomain = definition.customDomain ? ctx.statusPages.findByDomain(definition.customDomain) : undefined;
  if (byDomain && byDomain.id !== ownId) {
    throw new ConflictError(`The domain "${definition.customDomain}" is taken by another status page`, 'domain_taken', {
      domain: definition.customDomain ?? '',
    });
  }
}

/** Two instances creating the same slug at once: the unique index decides, answered as 409. */
async function insertOrConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code === '23505') {
      throw new ConflictError('The slug or custom domain is taken by another status page', 'slug_taken');
    }
    throw error;
  }
}

function markerWithoutPassword(): ValidationError {
  return new ValidationError([{ path: 'password', message: `"${SECRET_MARKER}" keeps a stored password, and none is stored`, code: 'no_stored_secret' }]);
}
