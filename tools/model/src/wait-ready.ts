/** Polls `url` until it answers 2xx; rejects when `gone` settles first (the process exited) or on timeout. */
export async function waitUntilAnswers(
  url: string,
  timeoutMs: number,
  gone?: Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void gone?.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited before ${url} answered`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
