import { Injectable } from '@nestjs/common';

/** Whether this node is shutting down; readiness reports down from the first moment. */
@Injectable()
export class DrainState {
  private drainingSince: number | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  start(): void {
    this.drainingSince ??= Date.now();
  }
}
