/** Counts of a fuzz run: cases per input class and per answer, and the slowest answer of each class. */
export class FuzzTally {
  private readonly byClass = new Map<
    string,
    { cases: number; answers: Map<string, number>; slowestMs: number }
  >();

  record(inputClass: string, answer: string, elapsedMs: number): void {
    let entry = this.byClass.get(inputClass);
    if (!entry) {
      entry = { cases: 0, answers: new Map(), slowestMs: 0 };
      this.byClass.set(inputClass, entry);
    }
    entry.cases += 1;
    entry.answers.set(answer, (entry.answers.get(answer) ?? 0) + 1);
    entry.slowestMs = Math.max(entry.slowestMs, elapsedMs);
  }

  get total(): number {
    let total = 0;
    for (const entry of this.byClass.values()) total += entry.cases;
    return total;
  }

  /** How many cases of any class got `answer`. */
  count(answer: string): number {
    let count = 0;
    for (const entry of this.byClass.values()) count += entry.answers.get(answer) ?? 0;
    return count;
  }

  /** Counts of one class, by answer. */
  answersOf(inputClass: string): Record<string, number> {
    return Object.fromEntries(this.byClass.get(inputClass)?.answers ?? []);
  }

  /** One line per class: `class  cases  slowest  answer=count …`, for the test output. */
  format(): string {
    const lines = [...this.byClass].map(([name, entry]) => {
      const answers = [...entry.answers]
        .sort((a, b) => b[1] - a[1])
        .map(([answer, count]) => `${answer}=${count}`)
        .join(' ');
      return `  ${name.padEnd(14)} ${String(entry.cases).padStart(6)} cases  slowest ${String(Math.round(entry.slowestMs)).padStart(5)} ms  ${answers}`;
    });
    return [`fuzz: ${this.total} cases`, ...lines].join('\n');
  }
}

/** Runs `count` cases, `concurrency` at a time. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  runCase: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await runCase(next++);
    }),
  );
}
