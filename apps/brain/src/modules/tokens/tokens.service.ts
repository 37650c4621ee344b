import { Injectable, Logger } from '@nestjs/common';
import type { ApiToken } from '../../generated/prisma/client';
import { ApiError } from '../../core/http/api-error';
import { displayPath, isSameOrSubPath, normalizePath } from '../workgroup/workgroup-path';
import { WorkgroupService } from '../workgroup/workgroup.service';
import { hashToken, looksLikeToken, newToken, newTokenId, tokenTtlSeconds } from './api-token';
import { LoginLimiter } from './login-limiter';
import { TokensRepository } from './tokens.repository';

/** A token is looked up again after this long, so a revocation by another API process shows within it. */
const CACHE_MAX = 10_000;
/** `lastUsedAt` is written at most this often per token. */
const TOUCH_EVERY_MS = 60_000;
const NAME_PATTERN = /^[^\p{Cc}]{1,64}$/u;

export interface LoginInput {
  path: string;
  password: string;
  name?: string;
  ttlSeconds?: number;
}

/** A refused login attempt while the source is throttled: the answer carries `Retry-After`. */
export class LoginThrottled extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too_many_attempts',
      `too many failed logins to this workgroup from your address: try again in ${retryAfterSeconds} s`,
    );
  }
}

/** A known token that is no longer accepted; the audit trail names it. */
export class TokenRefused extends ApiError {
  constructor(
    code: 'token_revoked' | 'token_expired',
    message: string,
    readonly token: Pick<ApiToken, 'id' | 'name' | 'path'>,
  ) {
    super(401, code, message);
  }
}

const bad = (message: string) => new ApiError(400, 'bad_login', message);

/** Checks the shape of a login body; the password is checked by the service. */
export function parseLogin(body: unknown): LoginInput {
  if (!body || typeof body !== 'object')
    throw bad('body must be {"path", "password", "name"?, "ttlSeconds"?}');
  const { path, password, name, ttlSeconds } = body as Record<string, unknown>;
  if (typeof path !== 'string') throw bad('path must be a workgroup path such as "/" or "/lab"');
  if (typeof password !== 'string') throw bad('password must be a string');
  if (name !== undefined && (typeof name !== 'string' || !NAME_PATTERN.test(name)))
    throw bad('name must be 1 to 64 printable characters');
  const ttl = tokenTtlSeconds(ttlSeconds);
  if (typeof ttl === 'string') throw bad(ttl);
  return { path: normalizePath(path), password, name: name as string | undefined, ttlSeconds: ttl };
}

/**
 * API tokens: a workgroup's password buys a token bound to that workgroup, valid until it expires or is revoked.
 * Only a sha256 of each token is stored. Every request reads its token (one indexed lookup), so a revocation or an
 * expiry takes effect at once on every brain instance.
 */
@Injectable()
export class TokensService {
  private readonly logger = new Logger('tokens');
  private readonly limiter = new LoginLimiter();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly tokens: TokensRepository,
    private readonly workgroups: WorkgroupService,
  ) {}

  /** `source` is the caller's address: failures are throttled per address and path. */
  async login(input: LoginInput, source: string): Promise<{ token: string; record: ApiToken }> {
    const key = `${source}\0${input.path}`;
    const waitMs = this.limiter.retryAfterMs(key);
    if (waitMs > 0) throw new LoginThrottled(Math.ceil(waitMs / 1000));
    // A group whose password was never granted has an empty one: checkPassword refuses it like a wrong one.
    if (!(await this.workgroups.checkPassword(input.path, input.password))) {
      this.limiter.recordFailure(key);
      throw new ApiError(401, 'bad_credentials', 'wrong workgroup path or password');
    }
    this.limiter.recordSuccess(key);
    const { token, hash } = newToken();
    const record = await this.tokens.create({
      id: newTokenId(),
      name: input.name ?? 'login',
      tokenHash: hash,
      path: input.path,
      createdBy: `login from ${source}`,
      expiresAt: new Date(Date.now() + (input.ttlSeconds as number) * 1000),
    });
    return { token, record };
  }

  /** The token a bearer secret names, or a 401 that says why it is not accepted. */
  async authenticate(secret: string): Promise<ApiToken> {
    if (!looksLikeToken(secret)) {
      throw new ApiError(
        401,
        'token_unknown',
        'not an Octopod API token (they start with opt_): log in first',
      );
    }
    const hash = hashToken(secret);
    const token = await this.lookup(hash);
    if (!token) throw new ApiError(401, 'token_unknown', 'unknown API token: log in again');
    const now = Date.now();
    if (token.revokedAt) {
      throw new TokenRefused(
        'token_revoked',
        `API token "${token.name}" (${token.id}) was revoked at ${token.revokedAt.toISOString()}: log in again`,
        token,
      );
    }
    if (token.expiresAt.getTime() <= now) {
      throw new TokenRefused(
        'token_expired',
        `API token "${token.name}" (${token.id}) expired at ${token.expiresAt.toISOString()}: log in again`,
        token,
      );
    }
    this.touch(token, now);
    return token;
  }

  /** Tokens of the caller's workgroup and every group below it. */
  list(rootPath: string): Promise<ApiToken[]> {
    return this.tokens.listUnder(rootPath);
  }

  /** Revokes a token of the caller's workgroup or below; others do not exist for the caller. */
  async revoke(id: string, rootPath: string): Promise<ApiToken> {
    const found = await this.tokens.findById(id);
    if (!found || !isSameOrSubPath(found.path, rootPath)) {
      throw ApiError.notFound('token_not_found', `no token ${id} in ${displayPath(rootPath)} or below`);
    }
    const revoked = (await this.tokens.revoke(id, new Date())) ?? found;
    this.touchedAt.delete(id);
    return revoked;
  }

  private lookup(hash: string): Promise<ApiToken | null> {
    return this.tokens.findByHash(hash);
  }

  /** Records use at most once a minute per token, without holding up the request. */
  private touch(token: ApiToken, now: number): void {
    const last = this.touchedAt.get(token.id) ?? token.lastUsedAt?.getTime() ?? 0;
    if (now - last < TOUCH_EVERY_MS) return;
    if (this.touchedAt.size >= CACHE_MAX) this.touchedAt.clear();
    this.touchedAt.set(token.id, now);
    this.tokens.touch(token.id, new Date(now)).catch((error: Error) => {
      this.logger.warn(`cannot record the use of token ${token.id}: ${error.message}`);
    });
  }
}
