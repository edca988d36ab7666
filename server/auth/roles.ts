/**
 * Who a caller is and what each route asks of them (docs/accounts.md#roles).
 * Roles: a viewer reads; an editor also changes endpoints, channels, status pages, maintenance and
 * incidents; an owner also manages people, keys of others, the audit log, export and import.
 */
export const ROLES = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a route asks: nothing, a person's own account, to read, to edit, or to manage (owner). */
export type Permission = 'public' | 'account' | 'read' | 'edit' | 'manage';

/** What a caller authenticated as: a signed-in person, their personal key, API_KEY, or this machine before set-up. */
export type PrincipalKind = 'session' | 'key' | 'api-key' | 'local';

export interface Principal {
  kind: PrincipalKind;
  /** The person acting (signed in, or by their key); null for API_KEY and this machine. */
  userId: string | null;
  /** How the audit log names the actor: the person's email, "API_KEY", "this machine". */
  name: string;
  role: Role;
  /** Whether writes are allowed at all (a read-only key, or this machine before set-up when API_KEY is set). */
  canWrite: boolean;
  /** Whether realtime connections are allowed (not to this machine's keyless callers when API_KEY is set: as before accounts). */
  realtime: boolean;
  /** With a session: its id (SHA-256 of the cookie) and the token every write must echo. */
  session?: { id: string; csrfToken: string };
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Whether a role is at least another (owner ≥ editor ≥ viewer). */
export const atLeast = (role: Role, least: Role) => RANK[role] >= RANK[least];

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isWrite = (method: string) => WRITES.has(method.toUpperCase());

/**
 * Why a principal may not do what a route asks, or null when it may. `principal` null: nobody
 * authenticated (the caller gets 401); a refusal here is a 403.
 */
export function refusalOf(principal: Principal, permission: Permission, method: string): string | null {
  if (permission === 'public') return null;
  if (isWrite(method) && !principal.canWrite)
    return principal.kind === 'local' ? 'This needs an API key: Authorization: Bearer <key>.' : 'This key may only read.';
  switch (permission) {
    case 'read':
      return null;
    case 'account':
      return principal.kind === 'session' ? null : 'This is about your own account: sign in to the dashboard (keys cannot manage accounts or keys).';
    case 'edit':
      return atLeast(principal.role, 'editor') ? null : `A ${principal.role} may not change this; an editor or the owner may.`;
    case 'manage':
      return atLeast(principal.role, 'owner') ? null : `Only an owner may do this; you are ${principal.role === 'editor' ? 'an editor' : 'a viewer'}.`;
  }
}
