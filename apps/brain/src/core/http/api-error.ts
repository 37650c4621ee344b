import { HttpException } from '@nestjs/common';

/**
 * The /api/v2 error: a stable machine code plus a human message. Rendered as {statusCode, code, message}, plus
 * `details` when given (e.g. a scenario's `issues`, each with file, line and field).
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super({ ...details, statusCode: status, code, message }, status);
  }

  static notFound(code: string, message: string): ApiError {
    return new ApiError(404, code, message);
  }

  static conflict(code: string, message: string): ApiError {
    return new ApiError(409, code, message);
  }
}

/**
 * An Octopoda-face answer that is not a plain 200 JSON body: exact status plus a raw body (JSON value, text,
 * or nothing), because Octopoda's clients read these bodies byte for byte.
 */
export class V1Reply extends HttpException {
  constructor(
    status: number,
    readonly payload: unknown,
    readonly asText = false,
  ) {
    super('octopoda-v1 reply', status);
  }
}
