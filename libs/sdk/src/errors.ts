/**
 * Every failure the SDK reports. `status` is the HTTP status (0 when no answer came back); `code` is the brain's
 * stable snake_case code, or one of the SDK's own: `unreachable`, `timeout`, `bad_response`,
 * `name_server_unreachable`, `name_server_error`, `brain_not_registered`, `bad_config`.
 */
export class OctopodApiError extends Error {
  override readonly name = 'OctopodApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.details = options?.details ?? {};
  }

  /** The error body's other fields (e.g. `issues` of an invalid scenario: `[{file, line, field, message}]`). */
  readonly details: Record<string, unknown>;
}

/** Splits `"ip:port"` (or `"[v6]:port"`), as the name server and the configs write addresses. */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^[\]]+?)\]?:(\d{1,5})$/.exec(address.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new OctopodApiError(0, 'bad_config', `not an "ip:port" address: ${JSON.stringify(address)}`);
  }
  return { host: match[1], port };
}
