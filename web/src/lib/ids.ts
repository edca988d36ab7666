/** The shape of every id Vigil hands out (UUIDs; the server's UUID_PATTERN in server/domain/ids.ts). */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can name anything at all: a malformed one is not found without asking the server. */
export const isUuid = (id: string) => UUID_PATTERN.test(id);
