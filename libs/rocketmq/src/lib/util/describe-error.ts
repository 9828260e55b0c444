/** A stack (or message) for logs, from anything that was thrown. */
export function toStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export function toMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
