import type { z } from 'zod';
import { displayTextProblem } from './display-text.ts';
import { coded } from './zod-issues.ts';

/** PostgreSQL text cannot hold NUL; refusing it in validation makes it a 400 rather than a database error. */
export const noNul = (v: string) => !v.includes('\0');
export const NUL_MESSAGE = coded('must not contain NUL characters', 'nul_character');

/** Names and tags are displayed: no control or bidirectional-override characters (NUL included). */
export const displayable = (value: string, ctx: z.RefinementCtx) => {
  const error = displayTextProblem(value);
  if (error) ctx.addIssue({ code: 'custom', ...coded(error.message, 'control_character', error.params) });
};
