import { Inject, Injectable } from '@nestjs/common';
import { ADMISSION_SETTINGS, type AdmissionSettings } from './admission-settings';

/** A place among this node's connected sessions; give it back once when the connection ends. */
export type CapacityRelease = () => void;

/** The cap on connected sessions per node: beyond it a client is told `unavailable` and goes elsewhere. */
@Injectable()
export class NodeCapacity {
  private inUse = 0;

  constructor(@Inject(ADMISSION_SETTINGS) private readonly settings: AdmissionSettings) {}

  get used(): number {
    return this.inUse;
  }

  /** A place, or undefined when the node is full. */
  tryReserve(): CapacityRelease | undefined {
    if (this.inUse >= this.settings.maxSessionsPerNode) return undefined;
    this.inUse += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= 1;
    };
  }
}
