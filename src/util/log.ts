/**
 * One swappable logger for warnings: legal but suspicious input (a constant column, fewer
 * distinct points than k). Fatal problems throw instead (see errors.ts). Below the warnings, a
 * debug level for what changes no result (a kernel that runs in JavaScript for want of memory,
 * wasm/runtime.ts): silent unless the logger has a `debug` method.
 *
 * The default logger writes `clusterlens: warning: ...` to stderr. Tests swap it for a collector
 * and assert on the count; the CLI swaps it to honour `--quiet`, and prints the options a
 * warning names as its flags (the `text` argument; src/util/message.ts).
 */
import { type MessageLike, type MessageText, toMessageText } from './message.js';

export interface Logger {
  /** `message` is the text as the library words it; `text` keeps its option mentions. */
  warn(message: string, text?: MessageText): void;
  /** Debug messages; loggers without this method drop them. */
  debug?(message: string): void;
}

const stderrLogger: Logger = {
  warn(message) {
    process.stderr.write(`clusterlens: warning: ${message}\n`);
  },
};

let current: Logger = stderrLogger;

/** Replace the logger; returns the previous one so it can be restored. */
export function setLogger(logger: Logger): Logger {
  const previous = current;
  current = logger;
  return previous;
}

/** The logger that `warn` writes to now. */
export function getLogger(): Logger {
  return current;
}

/** Report a warning through the current logger. */
export function warn(message: MessageLike): void {
  const text = toMessageText(message);
  current.warn(text.render(), text);
}

/** Report a debug message through the current logger (dropped if it has no `debug`). */
export function debug(message: string): void {
  current.debug?.(message);
}

/** A logger that keeps the messages, for tests and for results that carry their warnings. */
export function collectingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    warn(message) {
      messages.push(message);
    },
  };
}

/** Run `fn` with warnings collected instead of printed; returns its value and the warnings. */
export function withCollectedWarnings<T>(fn: () => T): { value: T; warnings: string[] } {
  const logger = collectingLogger();
  const previous = setLogger(logger);
  try {
    return { value: fn(), warnings: logger.messages };
  } finally {
    setLogger(previous);
  }
}
