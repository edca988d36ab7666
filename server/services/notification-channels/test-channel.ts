import type { ChannelTestResult } from '../../contract/notifications.ts';
import type { ServiceContext } from '../context.ts';
import { findChannel } from './read.ts';

/** Sends a test message now (a disabled channel too) and answers with what the provider said. */
export async function testChannel(ctx: ServiceContext, id: string): Promise<ChannelTestResult> {
  const held = findChannel(ctx, id);
  const answer = await ctx.dispatcher.test(held);
  return { ok: answer.ok, statusCode: answer.statusCode, answer: answer.answer, latencyMs: answer.latencyMs };
}
