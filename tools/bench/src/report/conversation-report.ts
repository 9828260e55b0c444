import type { ConversationResult, ConversationRun } from '../results';
import { median, summarize } from '../measure/stats';
import { formatMs, formatNumber, markdownTable, MISSING, PATH_SHORT_LABELS } from './format';

/** Turns whose start the report shows, when the conversation had them. */
const SHOWN_TURNS = [1, 10, 50];

/** Per path: the median over its runs of each figure, at turns 1, 10 and 50 of the conversation. */
export interface ConversationFigures {
  path: ConversationResult['path'];
  runs: number;
  /** turn → median `chat.send` → `turn.started`, ms. */
  turnStarted: Map<number, number | undefined>;
  firstToken: Map<number, number | undefined>;
  logEvents: Map<number, number | undefined>;
  /** Medians over runs of the p50 and p99 of new sessions' first turns (`chat.send` → `turn.started`). */
  firstTurnP50: number | undefined;
  firstTurnP99: number | undefined;
}

export function conversationFigures(result: ConversationResult): ConversationFigures {
  const at = (pick: (run: ConversationRun) => number[], turn: number) =>
    median(
      result.runs.flatMap((run) =>
        pick(run)[turn - 1] === undefined ? [] : [pick(run)[turn - 1] as number],
      ),
    );
  const turns = SHOWN_TURNS.filter((turn) => turn <= result.turns);
  const firstTurns = result.runs.map((run) => summarize(run.firstTurnStartedMs));
  return {
    path: result.path,
    runs: result.runs.length,
    turnStarted: new Map(turns.map((turn) => [turn, at((run) => run.turnStartedMs, turn)])),
    firstToken: new Map(turns.map((turn) => [turn, at((run) => run.firstTokenMs, turn)])),
    logEvents: new Map(turns.map((turn) => [turn, at((run) => run.logEvents, turn)])),
    firstTurnP50: median(firstTurns.filter((s) => s.count > 0).map((s) => s.p50)),
    firstTurnP99: median(firstTurns.filter((s) => s.count > 0).map((s) => s.p99)),
  };
}

/** The conversation section: turn start and first token against the conversation's length, per path. */
export function conversationTable(results: readonly ConversationResult[]): string {
  if (results.length === 0) return 'Not run.';
  const turns = SHOWN_TURNS.filter((turn) => results.some((result) => turn <= result.turns));
  const headers = [
    'Path',
    'Runs',
    ...turns.map((turn) => `Turn ${turn}: log events`),
    ...turns.map((turn) => `Turn ${turn}: → turn.started ms`),
    ...turns.map((turn) => `Turn ${turn}: → first token ms`),
    'New sessions, turn 1 → turn.started p50 / p99 ms',
  ];
  const rows = results.map((result) => {
    const figures = conversationFigures(result);
    return [
      PATH_SHORT_LABELS[result.path],
      formatNumber(figures.runs),
      ...turns.map((turn) => formatNumber(figures.logEvents.get(turn))),
      ...turns.map((turn) => formatMs(figures.turnStarted.get(turn))),
      ...turns.map((turn) => formatMs(figures.firstToken.get(turn))),
      figures.firstTurnP50 === undefined
        ? MISSING
        : `${formatMs(figures.firstTurnP50)} / ${formatMs(figures.firstTurnP99)}`,
    ];
  });
  return [
    'One conversation per run, its turns one after another on one gateway, each reply ' +
      `${formatNumber(results[0]?.replyTokens)} tokens at ${formatNumber(results[0]?.tokensPerSecond)} tok/s; ` +
      'times at the client from `chat.send`. Each figure is the median over the runs.',
    markdownTable(headers, rows),
  ].join('\n\n');
}
