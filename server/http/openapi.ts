import { z } from 'zod';
import { ENDPOINT_STATUSES } from '../contract/types.ts';
import { CreateSchema, PatchSchema } from '../domain/endpoint-input.ts';
import { ImportDocumentSchema, MAX_IMPORT_ENTRIES } from '../domain/endpoint-transfer.ts';

type Json = Record<string, unknown>;

/** JSON Schema of a request schema, as clients must send it (the same zod schema validates requests). */
function inputSchema(schema: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Json = {}) => ({ type: [type, 'null'], ...extra });
const time = { type: 'string', format: 'date-time' };
const uuid = { type: 'string', format: 'uuid' };
const page = (item: string) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: ref(item) }, nextCursor: nullable('string') },
});
const json = (schema: Json, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: 'Problem', content: { 'application/problem+json': { schema: ref('Problem') } } }]),
  );
const query = (name: string, schema: Json, description: string) => ({ name, in: 'query', required: false, schema, description });
const idParam = { name: 'id', in: 'path', required: true, schema: uuid };
const limit = (max: number, dflt: number) => query('limit', { type: 'integer', minimum: 1, maximum: max, default: dflt }, 'Page size');
const cursor = query('cursor', { type: 'string' }, 'nextCursor of the previous page');
const keyed = [{ bearer: [] }];

/** The OpenAPI 3.1 document of the REST API; request bodies come from the validating schemas. */
export function buildOpenApi(): Json {
  const endpointInput = inputSchema(CreateSchema);
  const endpointProperties = (endpointInput.properties ?? {}) as Json;
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil', version: '0.1.0', description: 'Self-hosted API health monitor.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Needed on writes when API_KEY is set.' } },
      schemas: {
        EndpointInput: endpointInput,
        EndpointPatch: inputSchema(PatchSchema),
        Endpoint: {
          type: 'object',
          properties: {
            id: uuid,
            ...endpointProperties,
            status: { enum: [...ENDPOINT_STATUSES] },
            lastCheckedAt: nullable('string', { format: 'date-time' }),
            lastResponseTime: nullable('integer'),
            lastStatusCode: nullable('integer'),
            lastErrorMessage: nullable('string'),
            consecutiveFailures: { type: 'integer' },
            createdAt: time,
            updatedAt: time,
          },
        },
        Check: {
          type: 'object',
          properties: {
            id: uuid,
            endpointId: uuid,
            status: { enum: ['UP', 'DEGRADED', 'DOWN'] },
            responseTime: { type: 'integer' },
            statusCode: nullable('integer'),
            errorMessage: nullable('string'),
            checkedAt: time,
          },
        },
        Incident: {
          type: 'object',
          properties: {
            id: uuid,
            endpointId: uuid,
            endpointName: { type: 'string' },
            startedAt: time,
            resolvedAt: nullable('string', { format: 'date-time' }),
            failureCount: { type: 'integer' },
            errorMessage: nullable('string'),
          },
        },
        RecentCheck: {
          type: 'object',
          required: ['status', 'responseTime', 'checkedAt'],
          properties: { status: { enum: ['UP', 'DEGRADED', 'DOWN'] }, responseTime: { type: 'integer' }, checkedAt: time },
        },
        RecentChecks: {
          type: 'object',
          required: ['items'],
          properties: {
            items: {
              type: 'object',
              description: 'Every endpoint id → its newest checks, newest first ([] before its first check)',
              propertyNames: uuid,
              additionalProperties: { type: 'array', items: ref('RecentCheck') },
            },
          },
        },
        UptimeWindow: {
          type: 'object',
          properties: { uptime: nullable('number'), checks: { type: 'integer' }, avgResponseTime: nullable('integer') },
        },
        Uptime: { type: 'object', properties: { '24h': ref('UptimeWindow'), '7d': ref('UptimeWindow'), '30d': ref('UptimeWindow') } },
        Summary: {
          type: 'object',
          properties: Object.fromEntries(['total', 'up', 'down', 'degraded', 'pending', 'paused', 'openIncidents'].map((k) => [k, { type: 'integer' }])),
        },
        EndpointsFile: {
          type: 'object',
          description: 'Every endpoint definition, in creation order (GET /api/export)',
          required: ['vigil', 'version', 'exportedAt', 'endpoints'],
          properties: {
            vigil: { const: 'endpoints' },
            version: { const: 1 },
            exportedAt: time,
            endpoints: {
              type: 'array',
              items: { type: 'object', required: ['id', ...Object.keys(endpointProperties)], properties: { id: uuid, ...endpointProperties } },
            },
          },
        },
        ImportFile: {
          ...inputSchema(ImportDocumentSchema),
          description: `An export file; per entry, id and every field but name and url are optional; at most ${MAX_IMPORT_ENTRIES} entries`,
        },
        ImportResult: {
          type: 'object',
          required: ['mode', 'dryRun', 'created', 'updated', 'unchanged', 'deleted', 'items'],
          properties: {
            mode: { enum: ['merge', 'replace'] },
            dryRun: { type: 'boolean' },
            ...Object.fromEntries(['created', 'updated', 'unchanged', 'deleted'].map((k) => [k, { type: 'integer' }])),
            items: {
              type: 'array',
              description: 'Entry by entry in file order, deletions last; id is null for an entry without one that a dry run would create',
              items: {
                type: 'object',
                required: ['id', 'name', 'action'],
                properties: { id: nullable('string', { format: 'uuid' }), name: { type: 'string' }, action: { enum: ['created', 'updated', 'unchanged', 'deleted'] } },
              },
            },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths: {
      '/api/endpoints': {
        get: {
          summary: 'List endpoints (creation order)',
          parameters: [
            query('status', { type: 'string' }, `Comma list of ${ENDPOINT_STATUSES.join(', ')}`),
            query('tag', { type: 'string' }, 'Only endpoints with this tag'),
            query('q', { type: 'string' }, 'Search in name and URL'),
            query('paused', { type: 'boolean' }, 'Only paused (true) or active (false) endpoints'),
            limit(500, 50),
            cursor,
          ],
          responses: { '200': json(page('Endpoint')), ...problems(400) },
        },
        post: {
          summary: 'Register an endpoint (checked at once)',
          security: keyed,
          requestBody: { required: true, content: { 'application/json': { schema: ref('EndpointInput') } } },
          responses: { '201': json(ref('Endpoint'), 'Created'), ...problems(400, 401, 413) },
        },
      },
      '/api/endpoints/{id}': {
        parameters: [idParam],
        get: { summary: 'One endpoint', responses: { '200': json(ref('Endpoint')), ...problems(400, 404) } },
        patch: {
          summary: 'Partial update; the schedule follows at once',
          security: keyed,
          requestBody: { required: true, content: { 'application/json': { schema: ref('EndpointPatch') } } },
          responses: { '200': json(ref('Endpoint')), ...problems(400, 401, 404, 413) },
        },
        delete: { summary: 'Delete with its checks and incidents', security: keyed, responses: { '204': { description: 'Deleted' }, ...problems(400, 401, 404) } },
      },
      '/api/endpoints/{id}/check': {
        parameters: [idParam],
        post: { summary: 'Run one check now', security: keyed, responses: { '200': json(ref('Check')), ...problems(400, 401, 404) } },
      },
      '/api/endpoints/{id}/pause': {
        parameters: [idParam],
        post: { summary: 'Stop checking', security: keyed, responses: { '200': json(ref('Endpoint')), ...problems(400, 401, 404) } },
      },
      '/api/endpoints/{id}/resume': {
        parameters: [idParam],
        post: { summary: 'Check now, then on the interval', security: keyed, responses: { '200': json(ref('Endpoint')), ...problems(400, 401, 404) } },
      },
      '/api/endpoints/{id}/checks': {
        parameters: [idParam],
        get: {
          summary: 'Checks, newest first',
          parameters: [query('from', time, 'From this time (inclusive)'), query('to', time, 'Up to this time (inclusive)'), limit(1000, 100), cursor],
          responses: { '200': json(page('Check')), ...problems(400, 404) },
        },
      },
      '/api/endpoints/{id}/uptime': {
        parameters: [idParam],
        get: { summary: 'Uptime over 24 h, 7 d and 30 d', responses: { '200': json(ref('Uptime')), ...problems(400, 404) } },
      },
      '/api/checks/recent': {
        get: {
          summary: "Every endpoint's newest checks, newest first (the dashboard's strips)",
          parameters: [query('perEndpoint', { type: 'integer', minimum: 1, maximum: 100, default: 20 }, 'Checks per endpoint')],
          responses: { '200': json(ref('RecentChecks')), ...problems(400) },
        },
      },
      '/api/incidents': {
        get: {
          summary: 'Incidents, newest first',
          parameters: [query('status', { enum: ['open', 'resolved'] }, 'Open or resolved only'), query('endpointId', uuid, "One endpoint's"), limit(500, 50), cursor],
          responses: { '200': json(page('Incident')), ...problems(400) },
        },
      },
      '/api/summary': { get: { summary: 'Counts per status', responses: { '200': json(ref('Summary')) } } },
      '/api/export': {
        get: {
          summary: 'Every endpoint definition as one file (Content-Disposition: attachment)',
          responses: { '200': json(ref('EndpointsFile')) },
        },
      },
      '/api/import': {
        post: {
          summary: 'Create or update endpoints from an export file, all or nothing; matched by id, else by unique name',
          security: keyed,
          parameters: [
            query('mode', { enum: ['merge', 'replace'], default: 'merge' }, 'replace also deletes the endpoints the file does not hold'),
            query('dryRun', { type: 'boolean', default: false }, 'Answer what would be done, change nothing'),
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ImportFile') } } },
          responses: { '200': json(ref('ImportResult')), ...problems(400, 401, 409, 413) },
        },
      },
      '/api/events': {
        get: {
          summary: 'Server-Sent Events (all endpoints, or ?endpointId=)',
          parameters: [query('endpointId', uuid, 'Only this endpoint'), query('token', { type: 'string' }, 'API key, when API_KEY is set')],
          responses: { '200': { description: 'event: <name> / data: <json>', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...problems(400, 401, 404) },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }) } } },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': json({ type: 'object', properties: { status: { const: 'ok' } } }) } } },
      '/readyz': { get: { summary: 'Readiness: the database answers', responses: { '200': json({ type: 'object' }), ...problems(503) } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    },
  };
}
