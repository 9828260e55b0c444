import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { benchResultsFixture } from './results.fixture';
import { publishToDocs, REPORT_END_MARKER, REPORT_START_MARKER, writeReport } from './write-report';

const CHARTS = ['latency-vs-load.svg', 'memory-ramp.svg', 'resume-histogram.svg', 'throughput-vs-load.svg'];

describe('write-report', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bench-report-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('writeReport', () => {
    it('writes the results, the report and its charts side by side', async () => {
      const results = benchResultsFixture();
      const outDir = path.join(dir, 'run-1');

      await writeReport(results, outDir);

      expect((await readdir(outDir)).sort()).toEqual([...CHARTS, 'report.md', 'results.json'].sort());
      expect(JSON.parse(await readFile(path.join(outDir, 'results.json'), 'utf8'))).toEqual(results);
      expect(await readFile(path.join(outDir, 'report.md'), 'utf8')).toContain('(./latency-vs-load.svg)');
      expect(await readFile(path.join(outDir, 'memory-ramp.svg'), 'utf8')).toMatch(/^<svg xmlns=/);
    });
  });

  describe('publishToDocs', () => {
    const docsFile = () => path.join(dir, 'docs', 'benchmarks.md');
    const chartsDir = () => path.join(dir, 'docs', 'benchmarks');

    it('creates the file, with a marked section, when there is none', async () => {
      await publishToDocs(benchResultsFixture(), docsFile(), chartsDir());
      const doc = await readFile(docsFile(), 'utf8');

      expect(doc.startsWith(`# Benchmarks\n\n${REPORT_START_MARKER}\n`)).toBe(true);
      expect(doc.endsWith(`${REPORT_END_MARKER}\n`)).toBe(true);
      expect((await readdir(chartsDir())).sort()).toEqual(CHARTS);
    });

    describe('with an existing file', () => {
      beforeEach(async () => {
        await mkdir(path.dirname(docsFile()), { recursive: true });
      });

      it('replaces only the text between the markers', async () => {
        const before = '# Benchmarks\n\nHow we measure, written by hand.\n\n';
        const after = '\n\n## Discussion\n\nAlso by hand.\n';
        await writeFile(
          docsFile(),
          `${before}${REPORT_START_MARKER}\nold numbers\n${REPORT_END_MARKER}${after}`,
        );

        await publishToDocs(benchResultsFixture(), docsFile(), chartsDir());
        const doc = await readFile(docsFile(), 'utf8');

        expect(doc.startsWith(`${before}${REPORT_START_MARKER}\n\n## Results`)).toBe(true);
        expect(doc.endsWith(`${REPORT_END_MARKER}${after}`)).toBe(true);
        expect(doc).not.toContain('old numbers');
        expect(doc).toContain('](benchmarks/latency-vs-load.svg)');
        expect((await readdir(chartsDir())).sort()).toEqual(CHARTS);
      });

      it('appends a marked section to a file without markers and replaces it on the next run', async () => {
        const handWritten = '# Benchmarks\n\nNotes.\n';
        await writeFile(docsFile(), handWritten);

        await publishToDocs(benchResultsFixture(), docsFile(), chartsDir());
        const first = await readFile(docsFile(), 'utf8');
        await publishToDocs(benchResultsFixture(), docsFile(), chartsDir());

        expect(first.startsWith(`${handWritten}\n${REPORT_START_MARKER}`)).toBe(true);
        expect(await readFile(docsFile(), 'utf8')).toBe(first);
        expect(first.split(REPORT_START_MARKER)).toHaveLength(2);
      });

      it('refuses a file with only one marker and leaves it alone', async () => {
        const halfMarked = `# Benchmarks\n\n${REPORT_START_MARKER}\nnumbers and then prose\n`;
        await writeFile(docsFile(), halfMarked);

        await expect(publishToDocs(benchResultsFixture(), docsFile(), chartsDir())).rejects.toThrow(
          `expected ${REPORT_START_MARKER} followed by ${REPORT_END_MARKER}`,
        );
        expect(await readFile(docsFile(), 'utf8')).toBe(halfMarked);
        expect(await readdir(path.dirname(docsFile()))).toEqual(['benchmarks.md']);
      });
    });
  });
});
