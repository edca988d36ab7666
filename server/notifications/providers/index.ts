import type { ChannelType } from '../../contract/notifications.ts';
import type { Provider } from '../provider.ts';
import { discord } from './discord.ts';
import { email } from './email.ts';
import { googleChat } from './google-chat.ts';
import { gotify } from './gotify.ts';
import { ntfy } from './ntfy.ts';
import { opsgenie } from './opsgenie.ts';
import { pagerduty } from './pagerduty.ts';
import { slack } from './slack.ts';
import { teams } from './teams.ts';
import { telegram } from './telegram.ts';
import { webhook } from './webhook.ts';

/** Every channel type's provider. Email loads nodemailer only when it first sends. */
export const PROVIDERS: Record<ChannelType, Provider> = {
  webhook,
  slack,
  discord,
  telegram,
  teams,
  'google-chat': googleChat,
  ntfy,
  gotify,
  pagerduty,
  opsgenie,
  email,
};
