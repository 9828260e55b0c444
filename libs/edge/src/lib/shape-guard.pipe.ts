import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { checkShape, type ShapeLimits } from '@litesession/chat-protocol';

/**
 * Refuses a payload that is not a plain JSON object within `limits` (see checkShape) with a
 * BadRequestException, before class-transformer or a validator walks it. Never throws anything else.
 */
@Injectable()
export class ShapeGuardPipe implements PipeTransform<unknown, unknown> {
  constructor(private readonly limits: ShapeLimits) {}

  transform(value: unknown): unknown {
    const verdict = checkShape(value, this.limits);
    if (!verdict.ok) throw new BadRequestException(verdict.problem);
    return value;
  }
}
