import { Injectable, Logger } from '@nestjs/common';
import { nodeNameSchema } from '@octopod/protocol';
import { JoinTokenFormatError, newJoinToken, parseJoinToken, readCsr } from '@octopod/pki';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JoinToken } from '../../generated/prisma/client';
import { ApiError } from '../../core/http/api-error';
import { NodesRepository } from '../nodes/nodes.repository';
import { BRAIN_NODE } from '../nodes/node-state';
import { EnrolmentRepository } from './enrolment.repository';
import { RevocationService } from './revocation.service';
import { SigningCa } from './signing-ca';

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface CreatedJoinToken {
  token: string;
  id: string;
  name: string | null;
  expiresAt: Date;
  caFingerprint: string;
}

export interface EnrolRequest {
  token: string;
  name: string;
  csr: string;
}

export interface Enrolment {
  name: string;
  certificate: string;
  caCertificate: string;
  serial: string;
  expiresAt: Date;
}

const bad = (code: string, message: string) => new ApiError(400, code, message);
const NEW_TOKEN_HINT = "create a new one with 'octl node token create'";

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A valid node name, or the reason it is not. */
export function nodeNameProblem(name: string): string | undefined {
  if (name === BRAIN_NODE) return `"${BRAIN_NODE}" is the brain's own name and cannot be used by a node`;
  const parsed = nodeNameSchema.safeParse(name);
  return parsed.success
    ? undefined
    : `bad node name "${name}": ${parsed.error.issues[0]?.message ?? 'invalid'}`;
}

function checkUnused(token: JoinToken): void {
  if (token.usedAt) {
    throw ApiError.conflict(
      'join_token_used',
      `join token ${token.id} was already used by node "${token.usedBy}" at ${token.usedAt.toISOString()}; a join token works once; ${NEW_TOKEN_HINT}`,
    );
  }
  if (token.expiresAt.getTime() <= Date.now()) {
    throw new ApiError(
      401,
      'join_token_expired',
      `join token ${token.id} expired at ${token.expiresAt.toISOString()}; ${NEW_TOKEN_HINT}`,
    );
  }
}

function checkBinding(token: JoinToken, name: string): void {
  if (token.nodeName !== null && token.nodeName !== name) {
    throw new ApiError(
      403,
      'join_token_wrong_name',
      `join token ${token.id} is for node "${token.nodeName}", not "${name}"`,
    );
  }
}

/** Join tokens and enrolment: a node with a valid token gets a `node` certificate for its name, once. */
@Injectable()
export class EnrolmentService {
  private readonly logger = new Logger('enrolment');

  constructor(
    private readonly repository: EnrolmentRepository,
    private readonly nodes: NodesRepository,
    private readonly revocations: RevocationService,
    private readonly ca: SigningCa,
  ) {}

  async createToken(
    options: { ttlSeconds?: number; name?: string },
    actor: string,
  ): Promise<CreatedJoinToken> {
    this.ca.requireEnabled();
    const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
      throw bad(
        'bad_ttl',
        `ttlSeconds must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS} (7 days)`,
      );
    }
    const name = options.name ?? null;
    const problem = name === null ? undefined : nodeNameProblem(name);
    if (problem) throw bad('bad_node_name', problem);
    const fresh = newJoinToken(this.ca.fingerprint);
    const row = await this.repository.createToken({
      id: fresh.id,
      tokenHash: hashSecret(fresh.secret),
      nodeName: name,
      createdBy: actor,
      expiresAt: new Date(Date.now() + ttl * 1000),
    });
    this.logger.log({ id: row.id, node: name, by: actor, expiresAt: row.expiresAt }, 'join token created');
    return {
      token: fresh.token,
      id: row.id,
      name,
      expiresAt: row.expiresAt,
      caFingerprint: fresh.caFingerprint,
    };
  }

  listTokens(): Promise<JoinToken[]> {
    return this.repository.listUsableTokens(new Date());
  }

  async enrol(request: EnrolRequest): Promise<Enrolment> {
    this.ca.requireEnabled();
    const { name } = request;
    const token = await this.checkToken(request.token);
    checkUnused(token);
    const problem = nodeNameProblem(name);
    if (problem) throw bad(name === BRAIN_NODE ? 'reserved_name' : 'bad_node_name', problem);
    checkBinding(token, name);
    let requested: string;
    try {
      requested = readCsr(request.csr).commonName;
    } catch (error) {
      throw bad('bad_csr', `csr: ${(error as Error).message}`);
    }
    if (requested !== name) {
      throw bad('csr_name_mismatch', `the CSR asks for CN "${requested}", but the node enrols as "${name}"`);
    }
    await this.checkNameFree(token, name);
    const signed = this.ca.signNode(request.csr, name);
    const claimed = await this.repository.claimTokenAndRecord(token.id, {
      serial: signed.summary.serial,
      node: name,
      fingerprint: signed.summary.fingerprint,
      issuedAt: signed.signedAt,
      expiresAt: signed.summary.notAfter,
    });
    if (!claimed) {
      // Lost a race with another enrolment (or expired meanwhile): say which, from the row as it is now.
      checkUnused((await this.repository.findToken(token.id)) ?? token);
      throw ApiError.conflict('join_token_used', `join token ${token.id} was just used; ${NEW_TOKEN_HINT}`);
    }
    await this.revocations.issued(name, signed.summary.serial, signed.signedAt);
    this.logger.log({ node: name, token: token.id, serial: signed.summary.serial }, 'node enrolled');
    return {
      name,
      certificate: signed.certPem,
      caCertificate: this.ca.certPem,
      serial: signed.summary.serial,
      expiresAt: signed.summary.notAfter,
    };
  }

  /** Parses the token and finds its row; refuses malformed, foreign and unknown tokens. */
  private async checkToken(text: string): Promise<JoinToken> {
    let parts;
    try {
      parts = parseJoinToken(text);
    } catch (error) {
      if (error instanceof JoinTokenFormatError) throw bad('bad_join_token', error.message);
      throw error;
    }
    if (parts.caFingerprint !== this.ca.fingerprint) {
      throw new ApiError(
        401,
        'join_token_other_ca',
        `this join token pins CA ${parts.caFingerprint.slice(0, 16)}…, but this brain's CA is ${this.ca.fingerprint.slice(0, 16)}…: it was made by another brain`,
      );
    }
    const row = await this.repository.findToken(parts.id);
    if (!row || !sameHash(row.tokenHash, hashSecret(parts.secret))) {
      throw new ApiError(
        401,
        'join_token_unknown',
        `unknown join token (mistyped or never made here); ${NEW_TOKEN_HINT}`,
      );
    }
    return row;
  }

  /** An unbound token must not let its holder take over a node that exists: that needs a token made for the name. */
  private async checkNameFree(token: JoinToken, name: string): Promise<void> {
    if (token.nodeName === null && !this.revocations.isRevoked(name) && (await this.nodes.find(name))) {
      throw ApiError.conflict(
        'node_name_taken',
        `node "${name}" already exists; to re-enrol it use a token made for it ('octl node token create --name ${name}'), or revoke it first`,
      );
    }
  }
}
