import { Inject, Injectable } from '@nestjs/common';
import { BRAIN_VERSION } from '../../core/brain-version';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { advertisedAddress, type BrainConfig } from '../../core/config/brain-config';

/** Name, version and API address of this brain, once it listens. */
@Injectable()
export class BrainInfoService {
  private apiPort: number;

  constructor(@Inject(BRAIN_CONFIG) private readonly config: BrainConfig) {
    this.apiPort = config.octlFace.port;
  }

  setApiPort(port: number): void {
    this.apiPort = port;
  }

  get info(): { name: string; version: string; addr: string } {
    return {
      name: this.config.name,
      version: BRAIN_VERSION,
      addr: advertisedAddress(this.config.octlFace, this.apiPort),
    };
  }
}
