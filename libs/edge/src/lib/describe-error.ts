/** The message of anything that was thrown, for logs and refusals. */
export function toMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A stack (or message) for logs, from anything that was thrown. */
export function toStack(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  // Nest's RpcException and validation errors can be plain objects: show their fields, not [object Object].
  if (typeof error === 'object' && error !== null) {
    try {
      return JSON.stringify(error).slice(0, 2000);
    } catch {
      return Object.prototype.toString.call(error);
    }
  }
  return String(error);
}
