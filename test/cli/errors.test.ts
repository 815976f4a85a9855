/**
 * The CLI's classification of failures that come from outside the code: whatever command raises
 * a file-system error or a failed allocation, the run ends with exit status 1 and one line that
 * says what happened, where, and what to do; a bug is still exit 2. The errors are made by
 * really failing operations (a write to /dev/full, a typed array past 2^32 elements).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

/** A command `fail <what>` that fails the way it is told to, with an --out flag. */
const failing = async () => ({
  register(program: Command) {
    program
      .command('fail <what>')
      .option('--out <file>')
      .action((what: string) => {
        if (what === 'full') writeFileSync('/dev/full', 'labels\n');
        if (what === 'cap') new Float64Array(2 ** 32 + 8).fill(1);
        if (what === 'array') new Array(2 ** 32).fill(1);
        if (what === 'string') 'x'.repeat(2 ** 30).trim();
        if (what === 'memory') throw new RangeError('Array buffer allocation failed');
        throw new TypeError('undefined is not a function');
      });
  },
});

describe('clusterlens: failures from outside the code', () => {
  it('a write that finds the disk full names the --out file, ENOSPC and what to do (exit 1)', async () => {
    const r = await cli(['fail', 'full', '--out', 'out/labels.csv'], [failing]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "clusterlens: error: Cannot write 'out/labels.csv': no space left on the device (ENOSPC). Free some space on that disk, or write the output to another folder (--out).\n",
    });
    const equals = await cli(['fail', 'full', '--out=x.csv'], [failing]);
    expect(equals.stderr).toMatch(/^clusterlens: error: Cannot write 'x\.csv': no space left/);
    const none = await cli(['fail', 'full'], [failing]);
    expect(none.stderr).toMatch(/^clusterlens: error: Cannot write the output: no space left/);
  });

  it('the typed-array cap is named as the limit, not memory (exit 1)', async () => {
    const r = await cli(['fail', 'cap'], [failing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^clusterlens: error: clusterlens fail needs an array of 4,294,967,304 elements beyond the 2\^32 \(4,294,967,296\) elements a typed array can hold in this JavaScript runtime, whatever the memory \(the runtime said "Invalid typed array length: 4294967304"\)\. Instead: .*--sample N.*\n$/,
    );
  });

  it('the caps of JavaScript arrays and strings are named too (exit 1)', async () => {
    const array = await cli(['fail', 'array'], [failing]);
    expect(array.code).toBe(1);
    expect(array.stderr).toMatch(/beyond the 2\^32 - 1 elements a JavaScript array can hold/);
    const string = await cli(['fail', 'string'], [failing]);
    expect(string.code).toBe(1);
    expect(string.stderr).toMatch(
      /beyond the 536,870,888 characters .* a JavaScript string can hold/,
    );
  });

  it('an allocation failure says how much the process may still allocate, under which limit (exit 1)', async () => {
    const r = await cli(['fail', 'memory'], [failing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^clusterlens: error: clusterlens fail could not allocate its memory: the runtime said "Array buffer allocation failed"\. The process may allocate about .* more now \(.*\)\. Instead: .*--method ward.*--sample N.*--two-stage/,
    );
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('with --verbose the stack of the original failure follows the message', async () => {
    const r = await cli(['fail', 'full', '--out', 'a.csv', '--verbose'], [failing]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^clusterlens: error: Cannot write 'a\.csv': no space left/);
    expect(lines[1]).toMatch(/ENOSPC/);
    expect(lines.slice(2).some((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('a bug is still an internal error (exit 2)', async () => {
    const r = await cli(['fail', 'bug'], [failing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^clusterlens: internal error: TypeError: undefined is not a function/,
    );
  });
});
