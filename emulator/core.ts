import { type HsmUsage, summarizeUsage } from "./domain/usage";
import { Store } from "./persistence/store";
import { AccessService } from "./services/access-service";
import { Clock } from "./services/clock";
import { HsmService } from "./services/hsm-service";
import { KeyService } from "./services/key-service";
import { Sweeper } from "./services/sweeper";

export interface CoreOptions {
  /** Folder for the database; undefined keeps everything in memory. */
  location?: string;
  provisioningDelayMs: number;
}

/** The emulator without HTTP: storage, clock, sweeper and the two planes' services, wired together. */
export class EmulatorCore {
  readonly clock: Clock;
  readonly sweeper: Sweeper;
  readonly hsms: HsmService;
  readonly keys: KeyService;
  readonly access: AccessService;

  constructor(readonly store: Store, options: CoreOptions) {
    this.clock = new Clock(store.meta);
    this.sweeper = new Sweeper(store);
    this.hsms = new HsmService(store, this.clock, this.sweeper, options.provisioningDelayMs);
    this.keys = new KeyService(store, this.hsms);
    this.access = new AccessService(store, this.clock);
  }

  static open(options: CoreOptions): EmulatorCore {
    return new EmulatorCore(Store.open(options.location !== undefined ? { location: options.location } : {}), options);
  }

  sweep(): void {
    this.sweeper.sweep(this.clock.now());
  }

  /** Moves time forward and purges what expired before returning, as the clock contract promises. */
  advanceClock(ms: number): number {
    this.clock.advance(ms);
    const now = this.clock.now();
    this.sweeper.sweep(now);
    return now;
  }

  usage(): HsmUsage[] {
    const now = this.clock.now();
    this.sweeper.sweep(now);
    return summarizeUsage(this.store.usage.all(), now);
  }

  close(): void {
    this.store.close();
  }
}
