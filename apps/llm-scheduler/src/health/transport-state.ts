import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';

/** The request transport's last reported status, for readiness (main.ts connects it to RocketMQServer). */
@Injectable()
export class TransportState implements OnApplicationShutdown {
  status = 'not started';
  private subscription: Subscription | undefined;

  follow(status$: Observable<string>): void {
    this.subscription = status$.subscribe((status) => (this.status = status));
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
