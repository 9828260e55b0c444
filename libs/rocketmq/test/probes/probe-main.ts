/** Runs a probe's body and exits with 0, or prints the error and exits with 1. */
export function runProbe(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
