import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { ApiError } from '../../core/http/api-error';
import { Audited } from '../audit/audit.decorator';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { ScopeService } from '../scope/scope.service';
import { SessionRegistry } from '../sessions/session-registry';
import {
  parseSshLogin,
  SshLoginDto,
  SshLoginList,
  SshLoginRequest,
  SshTunnelTicketDto,
  toSshLoginDto,
} from './ssh.dto';
import { SshService } from './ssh.service';
import { TUNNEL_PATH } from './tunnel-upgrade';
import { TunnelTickets } from './tunnel-tickets';

const byName: NodeScopeSpec = { kind: 'names', from: [{ in: 'param', field: 'name' }] };
const actorOf = (request: AuthedRequest) => request.caller?.actor ?? 'unknown';

@ApiTags('ssh')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2')
export class SshController {
  constructor(
    private readonly ssh: SshService,
    private readonly scope: ScopeService,
    private readonly tickets: TunnelTickets,
    private readonly registry: SessionRegistry,
  ) {}

  @Get('ssh')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({
    operationId: 'listSshLogins',
    summary: 'Nodes with ssh login info in scope (no passwords)',
  })
  @ApiOkResponse({ type: SshLoginList })
  async list(@Req() request: AuthedRequest): Promise<SshLoginList> {
    const members = await this.scope.membersOf(scopeOf(request));
    const logins = await this.ssh.list((node) => !members || members.has(node));
    return { logins: logins.map(toSshLoginDto) };
  }

  @Put('nodes/:name/ssh')
  @NodeScope(byName)
  @ApiOperation({
    operationId: 'setSshLogin',
    summary: "Store a node's ssh login (password encrypted) and map a brain port to its sshd",
  })
  @ApiOkResponse({ type: SshLoginDto })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_request' })
  @ApiResponse({ status: 503, type: ApiErrorDto, description: 'no_free_port' })
  async put(
    @Param('name') node: string,
    @Body() body: SshLoginRequest,
    @Req() request: AuthedRequest,
  ): Promise<SshLoginDto> {
    const login = parseSshLogin(body);
    return toSshLoginDto(await this.ssh.put({ node, ...login, actor: actorOf(request) }));
  }

  @Get('nodes/:name/ssh')
  @Audited() // a read that hands out a password
  @NodeScope(byName)
  @ApiOperation({
    operationId: 'getSshLogin',
    summary: "A node's ssh login, with its password (for ssh login)",
  })
  @ApiOkResponse({ type: SshLoginDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'no_ssh_login' })
  async get(@Param('name') node: string): Promise<SshLoginDto> {
    return toSshLoginDto(await this.ssh.get(node));
  }

  @Delete('nodes/:name/ssh')
  @NodeScope(byName)
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteSshLogin', summary: "Forget a node's ssh login and close its port" })
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'no_ssh_login' })
  async remove(@Param('name') node: string): Promise<void> {
    if (!(await this.ssh.remove(node)))
      throw ApiError.notFound('no_ssh_login', `node ${node} has no ssh login info`);
  }

  @Post('nodes/:name/ssh/tunnel')
  @NodeScope(byName)
  @HttpCode(201)
  @ApiOperation({
    operationId: 'openSshTunnel',
    summary: "A one-time ticket for a WebSocket relayed to the node's sshd (octl ssh proxy)",
  })
  @ApiResponse({ status: 201, type: SshTunnelTicketDto })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'node_offline' })
  tunnel(@Param('name') node: string, @Req() request: AuthedRequest): SshTunnelTicketDto {
    if (!this.registry.get(node)) throw new ApiError(409, 'node_offline', `node ${node} is not connected`);
    const { ticket, expiresAt } = this.tickets.issue(node, actorOf(request));
    return { node, ticket, path: `${TUNNEL_PATH}${ticket}`, expiresAt: expiresAt.toISOString() };
  }
}
