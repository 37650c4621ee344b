import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NameSource } from '../../core/auth/node-scope.decorator';
import { ApiError, V1Reply } from '../../core/http/api-error';
import { Audited } from '../audit/audit.decorator';
import { SessionRegistry } from '../sessions/session-registry';
import { parseSshLogin } from '../ssh/ssh.dto';
import { SshService } from '../ssh/ssh.service';
import { formField, singleQuery } from './v1.mappers';

/** Octopoda's ProxyMsg: Code 0 and Data on success, Code -1 and the reason otherwise. */
export interface V1ProxyMsg {
  Code: number;
  Msg: string;
  Data: string;
}

/** Octopoda's SSHInfo as `GET /ssh` answers it (password in clear, as octl needs it to log in). */
export interface V1SshInfo {
  Ip: string;
  Port: number;
  Username: string;
  Password: string;
}

const proxyMsg = (status: number, msg: string) => new V1Reply(status, { Code: -1, Msg: msg, Data: '' });
const NAME_IN_QUERY: NameSource = { in: 'query', field: 'name' };
const NAME_IN_FORM: NameSource = { in: 'body', field: 'name' };
const OUT_OF_SCOPE = (outside: string[]) =>
  proxyMsg(400, `node ${outside.join(', ')} is invalid or out of scope`);

/**
 * Octopoda's Fast SSH routes (reference spec §9): `POST /ssh` stores the login and maps a brain port to the node's
 * sshd, answering `ip:port`; `GET /ssh` gives octl what it logs in with; `DELETE /ssh` forgets both.
 */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1')
export class SshV1Controller {
  constructor(
    private readonly ssh: SshService,
    private readonly registry: SessionRegistry,
  ) {}

  @Get('ssh')
  @Audited() // a read that hands out a password
  @NodeScope({ kind: 'names', from: [NAME_IN_QUERY], refuse: () => new V1Reply(400, {}) })
  async info(@Query('name') query?: unknown): Promise<V1SshInfo> {
    const node = singleQuery(query);
    if (!node) throw new V1Reply(400, {});
    try {
      const login = await this.ssh.get(node);
      const [ip, port] = splitAddress(login.address);
      return { Ip: ip, Port: port, Username: login.username, Password: login.password ?? '' };
    } catch (error) {
      if (error instanceof ApiError) throw new V1Reply(404, {});
      throw error;
    }
  }

  @Post('ssh')
  @HttpCode(200)
  @NodeScope({ kind: 'names', from: [NAME_IN_FORM], refuse: OUT_OF_SCOPE })
  async register(@Body() form: unknown, @Req() request: AuthedRequest): Promise<V1ProxyMsg> {
    const [node, username, password] = ['name', 'username', 'password'].map((key) => formField(form, key));
    let login: { username: string; password?: string };
    try {
      if (!node) throw new Error('no name');
      login = parseSshLogin({ username, password: password || undefined });
    } catch {
      throw proxyMsg(400, 'invalid arguments');
    }
    if (!this.registry.get(node)) throw proxyMsg(404, `node ${node} is not ready`);
    try {
      const view = await this.ssh.create({ node, ...login, actor: request.caller?.actor ?? 'unknown' });
      return { Code: 0, Msg: 'OK', Data: view.address ?? '' };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.getStatus() === 409) throw proxyMsg(400, `service ${node} already exists`);
      throw proxyMsg(error.getStatus() === 404 ? 404 : 500, error.message);
    }
  }

  @Delete('ssh')
  @NodeScope({ kind: 'names', from: [NAME_IN_QUERY], refuse: OUT_OF_SCOPE })
  async unregister(@Query('name') query?: unknown): Promise<V1ProxyMsg> {
    const node = singleQuery(query);
    if (!node) throw proxyMsg(400, 'invalid arguments');
    await this.ssh.remove(node);
    return { Code: 0, Msg: 'OK', Data: '' };
  }
}

function splitAddress(address: string | null): [string, number] {
  const at = address?.lastIndexOf(':') ?? -1;
  return address && at > 0 ? [address.slice(0, at), Number(address.slice(at + 1))] : ['', 0];
}
