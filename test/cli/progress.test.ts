import { describe, expect, it } from 'vitest';
import { readChunks } from '../../src/data/chunks.js';
import { cliContext } from '../../src/cli/main.js';
import { metered, progressMeter } from '../../src/cli/progress.js';

/** A fake terminal (or pipe) on stderr, a quiet flag, and a clock the test moves. */
function setup(isTTY = true, quiet = false) {
  let written = '';
  const io = {
    stdout: { write: () => true },
    stderr: { isTTY, write: (t: string) => (written += t) },
  };
  const context = cliContext(io, false, quiet);
  let now = 0;
  return {
    context,
    clock: () => now,
    at: (ms: number) => {
      now = ms;
    },
    out: () => written,
  };
}

const CLEAR = '\r\x1b[K';

describe('progressMeter', () => {
  it('rewrites one line at most every 0.5 s once the step has lasted 1 s, with the share and the time left', () => {
    const t = setup();
    const meter = progressMeter(t.context, 'reading a.csv', { bytes: 1000 }, { clock: t.clock });
    t.at(200);
    meter.rows(100, 100);
    t.at(900);
    meter.rows(450, 450);
    expect(t.out()).toBe(''); // under 1 s: nothing
    t.at(1000);
    meter.rows(500, 500); // 50% in 1 s: 1 s left
    expect(t.out()).toBe('\rclusterlens: reading a.csv: 500 rows, 50%, about 1 s left');
    t.at(1400);
    meter.rows(700, 700); // 0.4 s after the last line: not shown
    t.at(1500);
    meter.rows(750, 750); // 75% in 1.5 s: 0.5 s left, shown as 1 s
    t.at(4000);
    meter.rows(1000, 1000);
    t.at(4250);
    meter.done();
    expect(t.out()).toBe(
      '\rclusterlens: reading a.csv: 500 rows, 50%, about 1 s left' +
        `${CLEAR}clusterlens: reading a.csv: 750 rows, 75%, about 1 s left` +
        `${CLEAR}clusterlens: reading a.csv: 1,000 rows, 100%` +
        `${CLEAR}clusterlens: reading a.csv: 1,000 rows in 4.3 s\n`,
    );
  });

  it('passes: i of n, the share of all of them, rows counted over the passes; rows of a total', () => {
    const t = setup();
    const meter = progressMeter(t.context, 'pass', { rows: 200 }, { clock: t.clock });
    meter.pass(1, 2);
    t.at(1000);
    meter.rows(200);
    meter.pass(2, 2);
    t.at(3000);
    meter.rows(100); // 1.5 of 2 passes in 3 s: 1 s left
    meter.done();
    expect(t.out()).toBe(
      '\rclusterlens: pass: 200 rows, pass 1 of 2, 50%, about 1 s left' +
        `${CLEAR}clusterlens: pass: 300 rows, pass 2 of 2, 75%, about 1 s left` +
        `${CLEAR}clusterlens: pass: 300 rows in 2 passes in 3.0 s\n`,
    );
  });

  it('no total: rows only; minutes and hours for a long time left', () => {
    const t = setup();
    const meter = progressMeter(t.context, 'reading the query', undefined, { clock: t.clock });
    t.at(2000);
    meter.rows(1234567);
    expect(t.out()).toBe('\rclusterlens: reading the query: 1,234,567 rows');
    const u = setup();
    const slow = progressMeter(u.context, 'x', { rows: 1000 }, { clock: u.clock });
    u.at(60000);
    slow.rows(10); // 1% in 60 s: 99 min left
    u.at(70000);
    slow.rows(999); // 99.9% in 70 s: 0.07 s left, shown as 1 s
    expect(u.out()).toBe(
      `\rclusterlens: x: 10 rows, 1%, about 1 h 39 min left${CLEAR}clusterlens: x: 999 rows, 99%, about 1 s left`,
    );
  });

  it('a quick step shows nothing, not even its last line; nothing off a terminal or with --quiet', () => {
    const quick = setup();
    const meter = progressMeter(quick.context, 'x', undefined, { clock: quick.clock });
    quick.at(900);
    meter.rows(10);
    meter.done();
    expect(quick.out()).toBe('');
    for (const t of [setup(false), setup(true, true)]) {
      const m = progressMeter(t.context, 'x', undefined, { clock: t.clock });
      t.at(5000);
      m.rows(10);
      m.done();
      expect(t.out()).toBe('');
    }
  });

  it('a message or a warning after an open line takes it over', () => {
    const t = setup();
    const meter = progressMeter(t.context, 'x', undefined, { clock: t.clock });
    t.at(1000);
    meter.rows(5);
    t.context.progress('next step');
    t.context.progress('and another');
    expect(t.out()).toBe(
      `\rclusterlens: x: 5 rows${CLEAR}clusterlens: next step\nclusterlens: and another\n`,
    );
  });

  it('metered(table) counts the rows and bytes of each chunk, over again() passes', async () => {
    const calls: [number, number | undefined][] = [];
    const passes: number[] = [];
    const meter = {
      pass: (i: number) => passes.push(i),
      rows: (r: number, b?: number) => calls.push([r, b]),
      done: () => undefined,
    };
    const table = metered(
      await readChunks('datasets/iris.csv', { label: 'species', chunkRows: 64 }),
      meter,
    );
    expect(table.labelColumn).toBe('species');
    expect(table.total?.bytes).toBeGreaterThan(0);
    for await (const _ of table) {
      // read
    }
    expect(calls.map((c) => c[0])).toEqual([64, 128, 150]);
    expect(calls[2]![1]).toBe(table.total!.bytes);
    for await (const _ of await table.again()) {
      // read
    }
    expect(passes).toEqual([2]);
    // the caller's pass(i, n) and metered's pass(i) together: pass 2 of 3, rows over the passes
    const t = setup();
    const m = progressMeter(t.context, 'x', undefined, { clock: t.clock });
    const table2 = metered(await readChunks('datasets/iris.csv', { label: 'species' }), m);
    m.pass(1, 3);
    for await (const _ of table2) {
      // read
    }
    m.pass(2, 3);
    const second = await table2.again();
    t.at(2000);
    for await (const _ of second) {
      // read
    }
    expect(t.out()).toBe('\rclusterlens: x: 300 rows, pass 2 of 3');
    expect(calls.map((c) => c[0])).toEqual([64, 128, 150, 64, 128, 150]);
  });
});
