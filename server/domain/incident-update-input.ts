import { z } from 'zod';
import { INCIDENT_UPDATE_LIMITS as LIMITS, INCIDENT_UPDATE_STATES, type IncidentUpdateState } from '../contract/status-pages.ts';
import { parseWith } from './endpoint-input.ts';
import { NUL_MESSAGE, noNul } from './text-rules.ts';

const fields = {
  state: z.enum(INCIDENT_UPDATE_STATES, { error: `must be one of ${INCIDENT_UPDATE_STATES.join(', ')}` }),
  message: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(LIMITS.messageLength, `must be at most ${LIMITS.messageLength} characters`)
    .refine(noNul, NUL_MESSAGE),
};

const CreateSchema = z.strictObject(fields);
const PatchSchema = z.strictObject(fields).partial();

export const IncidentUpdateCreateSchema = CreateSchema;
export const IncidentUpdatePatchSchema = PatchSchema;

export function parseIncidentUpdateCreate(input: unknown): { state: IncidentUpdateState; message: string } {
  return parseWith(CreateSchema, input);
}

export function parseIncidentUpdatePatch(input: unknown): { state?: IncidentUpdateState; message?: string } {
  return parseWith(PatchSchema, input);
}
