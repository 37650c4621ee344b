import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { ScopeModule } from '../scope/scope.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MappedPorts } from './mapped-ports';
import { NodeTunnels } from './node-tunnels.service';
import { ProxyliteFace } from './proxylite-face';
import { SshBus } from './ssh-bus';
import { SshController } from './ssh.controller';
import { SshLoginsRepository } from './ssh-logins.repository';
import { SshService } from './ssh.service';
import { TunnelTickets } from './tunnel-tickets';
import { TunnelUpgrade } from './tunnel-upgrade';

/** SSH to nodes behind NAT: tunnels over their links, mapped brain ports, Octopoda's proxylite face. */
@Module({
  imports: [SessionsModule, NodesModule, ScopeModule],
  controllers: [SshController],
  providers: [
    SshLoginsRepository,
    SshService,
    SshBus,
    NodeTunnels,
    MappedPorts,
    ProxyliteFace,
    TunnelTickets,
    TunnelUpgrade,
  ],
  exports: [SshService, ProxyliteFace, TunnelUpgrade],
})
export class SshModule {}
