import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { type StatusPageRow, type StatusPageSubscriberRow, statusPageSubscribers } from '../../../db/schema/index.ts';
import {
  type StatusPageLanguage,
  type StatusPageSubscriber,
  SUBSCRIBER_KINDS,
  type SubscriberKind,
  type SubscriberWebhookBody,
  SUBSCRIPTION_LIMITS as LIMITS,
} from '../../contract/status-pages.ts';
import { DomainError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import { type SubscribeInput, parseSubscribeInput } from '../../domain/subscription-input.ts';
import type { ProviderAnswer, SendContext } from '../../notifications/provider.ts';
import { sendHttp } from '../../notifications/providers/http-answer.ts';
import type { MailToSend } from '../../notifications/smtp.ts';
import { renderConfirmationMail } from '../../public/subscriber-messages.ts';
import type { SmtpServer } from '../../settings.ts';
import type { TargetPolicy } from '../../security/target-policy.ts';
import type { ServiceContext } from '../context.ts';
import { afterCursor, pageOf } from '../pagination.ts';
import { findStatusPage } from './read.ts';

/** Called before a subscription sends anything (a mail, a challenge): throws SubscribeError('too_many_requests') to refuse. */
export type BeforeSend = () => void;

/** What subscribing, confirming and sending to subscribers need. */
export interface SubscriptionDeps {
  db: Database;
  /** PUBLIC_URL without its final slash ('' when not set). */
  publicUrl: string;
  smtp: SmtpServer | undefined;
  /** Hands a mail to SMTP_URL's server. */
  sendMail(mail: MailToSend): Promise<ProviderAnswer>;
  /** POSTs to visitors' webhooks: public addresses only (TargetPolicy.forVisitors), at connect time too. */
  webhook: SendContext;
  /** The same policy, to refuse a URL before any request. */
  visitorTargets: TargetPolicy;
}

/** Why a visitor's subscription was not taken: the code the page words (SubscribeErrorCode), an HTTP status, and a detail. */
export class SubscribeError extends DomainError {
  constructor(
    readonly reason: 'subscriptions_off' | 'page_full' | 'mail_unavailable' | 'webhook_not_confirmed' | 'blocked_target' | 'too_many_requests',
    readonly status: 400 | 404 | 409 | 429 | 503,
    message: string,
    readonly detail?: string,
  ) {
    super(message, reason, detail === undefined ? {} : { detail });
    this.name = 'SubscribeError';
  }
}

export type SubscribeOutcome = { kind: 'email-sent'; email: string } | { kind: 'webhook-subscribed'; url: string; unsubscribeUrl: string };

/** The ways a page offers now (email needs SMTP_URL). */
export function offeredKinds(page: StatusPageRow, smtp: SmtpServer | undefined): SubscriberKind[] {
  return SUBSCRIBER_KINDS.filter((kind) => (kind === 'email' ? page.subscribeEmail && smtp !== undefined : page.subscribeWebhook));
}

/** Where a subscriber's links point: the page's custom domain when it subscribed there, else PUBLIC_URL (or the origin it used) + /status/<slug>. */
export function subscriberLinks(page: StatusPageRow, subscriber: Pick<StatusPageSubscriberRow, 'origin' | 'token'>, publicUrl: string) {
  let onDomain = false;
  try {
    onDomain = page.customDomain !== null && new URL(subscriber.origin).hostname === page.customDomain;
  } catch {
    // A stored origin is always a URL; PUBLIC_URL is used otherwise.
  }
  const base = onDomain ? subscriber.origin : `${publicUrl || subscriber.origin}/status/${page.slug}`;
  const token = encodeURIComponent(subscriber.token);
  return {
    pageUrl: onDomain ? `${base}/` : base,
    manageUrl: `${base}/subscription?token=${token}`,
    unsubscribeUrl: `${base}/unsubscribe?token=${token}`,
  };
}

const newToken = () => randomBytes(24).toString('base64url');

/**
 * A visitor asks to follow a page. Email: a pending subscriber and a mail with a link to confirm
 * (double opt-in; the answer is the same whether the address was known, and one mail per address
 * per SUBSCRIPTION_LIMITS.confirmationEveryMinutes at most). Webhook: the URL (public addresses
 * only) must echo a challenge at once; then it is subscribed.
 */
export async function subscribe(
  deps: SubscriptionDeps,
  page: StatusPageRow,
  body: Record<string, unknown>,
  visitor: { origin: string; language: StatusPageLanguage },
  beforeSend: BeforeSend = () => undefined,
): Promise<SubscribeOutcome> {
  const input = parseSubscribeInput(body);
  if (!offeredKinds(page, deps.smtp).includes(input.kind)) {
    throw new SubscribeError('subscriptions_off', 404, `This page does not offer subscriptions by ${input.kind}`);
  }
  return input.kind === 'email' ? subscribeByEmail(deps, page, input, visitor, beforeSend) : subscribeByWebhook(deps, page, input, visitor, beforeSend);
}

async function subscribeByEmail(
  deps: SubscriptionDeps,
  page: StatusPageRow,
  input: SubscribeInput,
  visitor: { origin: string; language: StatusPageLanguage },
  beforeSend: BeforeSend,
): Promise<SubscribeOutcome> {
  const now = new Date();
  let row = await findByTarget(deps.db, page.id, input);
  const recently = row?.confirmationSentAt && now.getTime() - row.confirmationSentAt.getTime() < LIMITS.confirmationEveryMinutes * 60_000;
  if (recently) return { kind: 'email-sent', email: input.target };
  beforeSend();
  if (!row) {
    await assertRoom(deps.db, page.id);
    row = await insertOrFind(deps.db, {
      id: randomUUID(),
      pageId: page.id,
      kind: 'email',
      target: input.target,
      language: visitor.language,
      token: newToken(),
      secret: null,
      accessKey: accessKeyOf(page),
      origin: visitor.origin,
      createdAt: now,
    });
  }
  const links = subscriberLinks(page, row, deps.publicUrl);
  const content = renderConfirmationMail({
    language: row.language as StatusPageLanguage,
    pageTitle: page.title,
    pageUrl: links.pageUrl,
    manageUrl: links.manageUrl,
    alreadyConfirmed: row.confirmedAt !== null,
  });
  const answer = await deps.sendMail({
    from: deps.smtp?.from ?? '',
    to: [row.target],
    ...content,
    messageId: `<confirm-${randomUUID()}@vigil>`,
    headers: { 'X-Vigil-Event': 'subscription.confirm' },
  });
  if (!answer.ok) {
    throw new SubscribeError('mail_unavailable', 503, 'The confirmation mail could not be sent now; try again in a few minutes', answer.answer);
  }
  await deps.db
    .update(statusPageSubscribers)
    .set({ confirmationSentAt: now, accessKey: accessKeyOf(page) })
    .where(eq(statusPageSubscribers.id, row.id));
  return { kind: 'email-sent', email: input.target };
}

async function subscribeByWebhook(
  deps: SubscriptionDeps,
  page: StatusPageRow,
  input: SubscribeInput,
  visitor: { origin: string; language: StatusPageLanguage },
  beforeSend: BeforeSend,
): Promise<SubscribeOutcome> {
  const decision = deps.visitorTargets.decideUrl(input.target);
  if (!decision.allowed) {
    throw new SubscribeError(
      'blocked_target',
      400,
      `The webhook URL targets ${decision.target} (${decision.reason})`,
      `${decision.target}: ${decision.reason}`,
    );
  }
  beforeSend();
  const existing = await findByTarget(deps.db, page.id, input);
  if (!existing) await assertRoom(deps.db, page.id);
  // A new token and secret each time: the receiver's answer to this challenge is its consent.
  const token = newToken();
  const secret = newToken();
  const links = subscriberLinks(page, { origin: visitor.origin, token }, deps.publicUrl);
  const challenge = randomBytes(18).toString('base64url');
  const message: SubscriberWebhookBody = {
    type: 'subscription.confirm',
    page: { slug: page.slug, title: page.title, url: links.pageUrl },
    notice: null,
    challenge,
    secret,
    text: `Answer with the challenge to receive the incidents of ${page.title}.`,
    unsubscribeUrl: links.unsubscribeUrl,
    sentAt: new Date().toISOString(),
  };
  const reply = await postSigned(deps.webhook, input.target, message, secret, `confirm-${randomUUID()}`);
  const echoed = reply.status !== null && reply.status >= 200 && reply.status < 300 && echoes(reply.text, reply.json, challenge);
  if (!echoed) {
    // A name that resolved to a refused address: said without the address (a visitor must not learn
    // what internal names resolve to); any other failure to connect, without the system's words.
    if (reply.status === null && reply.permanent) {
      throw new SubscribeError('blocked_target', 400, 'The webhook URL does not lead to a public address', 'not a public address');
    }
    const detail =
      reply.status === null
        ? reply.error?.startsWith('timed out')
          ? reply.error
          : 'no answer (the address could not be reached)'
        : reply.status < 200 || reply.status >= 300
          ? `the URL answered ${reply.status}`
          : 'the answer did not hold the challenge';
    throw new SubscribeError('webhook_not_confirmed', 400, `The webhook did not confirm: ${detail}`, detail);
  }
  const now = new Date();
  const values = { token, secret, accessKey: accessKeyOf(page), origin: visitor.origin, language: visitor.language, confirmedAt: now, failedDeliveries: 0 };
  if (existing) {
    await deps.db.update(statusPageSubscribers).set(values).where(eq(statusPageSubscribers.id, existing.id));
  } else {
    const row = await insertOrFind(deps.db, { id: randomUUID(), pageId: page.id, kind: 'webhook', target: input.target, createdAt: now, ...values });
    if (row.token !== token) await deps.db.update(statusPageSubscribers).set(values).where(eq(statusPageSubscribers.id, row.id));
  }
  return { kind: 'webhook-subscribed', url: input.target, unsubscribeUrl: links.unsubscribeUrl };
}

/** What a subscriber's access is tied to: a password page's password hash (null on a public page). */
function accessKeyOf(page: StatusPageRow): string | null {
  return page.visibility === 'password' ? page.passwordHash : null;
}

/** Whether the page may still tell this subscriber anything: public, or the password it subscribed under. */
export function mayTell(page: StatusPageRow, subscriber: Pick<StatusPageSubscriberRow, 'accessKey'>): boolean {
  return page.visibility === 'public' || (page.passwordHash !== null && subscriber.accessKey === page.passwordHash);
}

/** The receiver's 2xx body is the challenge, or JSON holding it as `challenge`. */
function echoes(text: string, json: unknown, challenge: string): boolean {
  if (text.trim() === challenge) return true;
  return typeof json === 'object' && json !== null && (json as { challenge?: unknown }).challenge === challenge;
}

/** POSTs a body to a subscriber's webhook, signed with its secret (X-Vigil-Signature: sha256=<hex HMAC of the body>). */
export function postSigned(context: SendContext, url: string, body: SubscriberWebhookBody, secret: string, delivery: string) {
  const text = JSON.stringify(body);
  return sendHttp(context, {
    url,
    body: text,
    headers: {
      'content-type': 'application/json',
      'x-vigil-event': body.type,
      'x-vigil-delivery': delivery,
      'x-vigil-signature': `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`,
    },
  });
}

async function findByTarget(db: Database, pageId: string, input: SubscribeInput): Promise<StatusPageSubscriberRow | undefined> {
  const [row] = await db
    .select()
    .from(statusPageSubscribers)
    .where(and(eq(statusPageSubscribers.pageId, pageId), eq(statusPageSubscribers.kind, input.kind), eq(statusPageSubscribers.target, input.target)));
  return row;
}

/** Two visitors subscribing the same address at once: the unique index keeps one, both go on with it. */
async function insertOrFind(db: Database, values: typeof statusPageSubscribers.$inferInsert): Promise<StatusPageSubscriberRow> {
  const [row] = await db.insert(statusPageSubscribers).values(values).onConflictDoNothing().returning();
  if (row) return row;
  const found = await findByTarget(db, values.pageId, { kind: values.kind as SubscriberKind, target: values.target });
  if (!found) throw new Error('subscriber vanished while being written');
  return found;
}

async function assertRoom(db: Database, pageId: string): Promise<void> {
  const [row] = await db.select({ n: count() }).from(statusPageSubscribers).where(eq(statusPageSubscribers.pageId, pageId));
  if ((row?.n ?? 0) >= LIMITS.perPage) throw new SubscribeError('page_full', 409, `This page has ${LIMITS.perPage} subscribers, its most`);
}

/** The subscriber a link's token names on this page; a pending one past SUBSCRIPTION_LIMITS.pendingHours is gone. */
export async function subscriberByToken(db: Database, page: StatusPageRow, token: string | undefined): Promise<StatusPageSubscriberRow | undefined> {
  if (!token || token.length > 100) return undefined;
  const [row] = await db
    .select()
    .from(statusPageSubscribers)
    .where(and(eq(statusPageSubscribers.pageId, page.id), eq(statusPageSubscribers.token, token)));
  if (row && row.confirmedAt === null && Date.now() - row.createdAt.getTime() > LIMITS.pendingHours * 3_600_000) return undefined;
  return row;
}

/** Confirms the token's subscriber (again is fine); undefined: no such link. */
export async function confirmSubscriber(db: Database, page: StatusPageRow, token: string | undefined): Promise<StatusPageSubscriberRow | undefined> {
  const row = await subscriberByToken(db, page, token);
  if (!row || row.confirmedAt !== null) return row;
  const [updated] = await db.update(statusPageSubscribers).set({ confirmedAt: new Date() }).where(eq(statusPageSubscribers.id, row.id)).returning();
  return updated;
}

/** Forgets the token's subscriber (its deliveries go with it); undefined: no such link. */
export async function unsubscribe(db: Database, page: StatusPageRow, token: string | undefined): Promise<StatusPageSubscriberRow | undefined> {
  const row = await subscriberByToken(db, page, token);
  if (row) await db.delete(statusPageSubscribers).where(eq(statusPageSubscribers.id, row.id));
  return row;
}

export function toSubscriber(row: StatusPageSubscriberRow): StatusPageSubscriber {
  return {
    id: row.id,
    pageId: row.pageId,
    kind: row.kind as SubscriberKind,
    target: row.target,
    language: row.language as StatusPageLanguage,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    lastDeliveredAt: row.lastDeliveredAt?.toISOString() ?? null,
    failedDeliveries: row.failedDeliveries,
  };
}

type Ctx = Pick<ServiceContext, 'db' | 'statusPages'>;

/** A page's subscribers, newest first; `cursor` is the last one's id. */
export async function listSubscribers(
  ctx: Ctx,
  pageId: string,
  query: Record<string, string | undefined>,
): Promise<{ items: StatusPageSubscriber[]; nextCursor: string | null }> {
  const page = findStatusPage(ctx, pageId);
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ValidationError([{ path: 'limit', message: 'must be an integer from 1 to 500', code: 'invalid', params: {} }]);
  }
  const kind = query.kind;
  if (kind !== undefined && !SUBSCRIBER_KINDS.includes(kind as SubscriberKind)) {
    throw new ValidationError([{ path: 'kind', message: `must be one of ${SUBSCRIBER_KINDS.join(', ')}`, code: 'invalid_choice', params: {} }]);
  }
  const conditions: (SQL | undefined)[] = [eq(statusPageSubscribers.pageId, page.id)];
  if (kind) conditions.push(eq(statusPageSubscribers.kind, kind));
  if (query.cursor !== undefined) conditions.push(afterCursor(query.cursor, 'desc', { at: statusPageSubscribers.createdAt, id: statusPageSubscribers.id }));
  const rows = await ctx.db
    .select()
    .from(statusPageSubscribers)
    .where(and(...conditions))
    .orderBy(desc(statusPageSubscribers.createdAt), desc(statusPageSubscribers.id))
    .limit(limit + 1);
  return pageOf(rows, limit, (row) => ({ at: row.createdAt, id: row.id }), toSubscriber);
}

export async function deleteSubscriber(ctx: Ctx, pageId: string, subscriberId: string): Promise<void> {
  const page = findStatusPage(ctx, pageId);
  if (!UUID_PATTERN.test(subscriberId)) throw new ValidationError([{ path: 'subscriberId', message: 'must be a UUID', code: 'invalid_uuid' }]);
  const deleted = await ctx.db
    .delete(statusPageSubscribers)
    .where(and(eq(statusPageSubscribers.pageId, page.id), eq(statusPageSubscribers.id, subscriberId.toLowerCase())))
    .returning({ id: statusPageSubscribers.id });
  if (deleted.length === 0) throw new NotFoundError('Subscriber', subscriberId);
}
