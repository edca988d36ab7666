/**
 * PostgreSQL settings of the embedded database, sized for a monitor rather than PostgreSQL's
 * defaults. PGlite touches its whole buffer pool at start and WebAssembly memory never shrinks, so
 * shared_buffers is resident for the life of the process: 128 MB by default, 16 MB here (the rows a
 * monitor reads again are the endpoints and the newest results; the OS page cache keeps the rest).
 * PGlite writes these into postgresql.conf at every open, so they apply to existing data dirs too.
 */
export const PGLITE_SETTINGS = ['shared_buffers = 16MB'];
