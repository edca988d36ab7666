/**
 * An HTTP token (RFC 9110): what a header name, or a WebSocket subprotocol, may be. One copy for
 * the API's checks and the dashboard's form.
 */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
