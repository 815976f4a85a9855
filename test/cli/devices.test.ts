/**
 * Outputs that are not regular files are written in place, never replaced: '-' and /dev/stdout
 * (standard output), FIFOs, character devices. Block devices and sockets are refused, and so is a
 * full device (ENOSPC), with one line.
 *
 * The runs on /dev paths as root happen in a mount namespace (`unshare -m`) with a tmpfs mounted
 * over /dev and the device nodes made there (mknod): a bug that replaced a device node could only
 * replace that copy, never the machine's /dev. The same namespace mounts a tiny tmpfs to fill up:
 * a report that does not fit stops with one line and leaves the earlier report as it was. Those
 * tests are skipped (with a message) when not root or when `unshare` is not available.
 *
 * Runs the built CLI (dist/cli/main.js) for the FIFO and namespace tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const MAIN = resolve('dist/cli/main.js');
const built = existsSync(MAIN);
const folder = mkdtempSync(join(tmpdir(), 'clusterlens-devices-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const iris = resolve('datasets/iris.csv');
const asRoot = process.getuid?.() === 0;

describe("'-' and /dev/stdout: standard output", () => {
  it('clusterlens kmeans --out - writes the CSV to stdout and the summary to stderr', async () => {
    const file = join(folder, 'labels.csv');
    const toFile = await cli(['kmeans', iris, '--label', 'species', '--k', '3', '--out', file]);
    expect(toFile.code).toBe(0);
    const toStdout = await cli(['kmeans', iris, '--label', 'species', '--k', '3', '--out', '-']);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
    expect(toStdout.stderr).toBe(toFile.stdout);
    const quiet = await cli(['kmeans', iris, '--label', 'species', '--k', '3', '-q', '--out', '-']);
    expect(quiet.stderr).toBe('');
    const pca = await cli(['pca', iris, '--label', 'species', '-q', '--out', '/dev/stdout']);
    expect(pca.code).toBe(0);
    expect(pca.stdout.split('\n')[0]).toBe('species,PC1,PC2');
    expect(pca.stdout.split('\n')).toHaveLength(152);
  });

  it('clusterlens kmeans --out - --json exits 1: both would write to stdout', async () => {
    const r = await cli(['kmeans', iris, '--k', '3', '--json', '--out', '-']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "clusterlens: error: --out '-' and --json both write to standard output; write the CSV " +
        'to a file.\n',
    );
  });

  it('clusterlens report --out - writes the HTML to stdout and nothing else', async () => {
    const r = await cli(['report', iris, '--label', 'species', '--k', '3', '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>\n/);
    expect(r.stdout).toMatch(/<meta name="clusterlens-run" content="[0-9a-f]{16}">/);
    expect(r.stdout).toMatch(/<\/html>\n$/);
    for (const name of ['-.json', '-.labels.csv', '-.vl']) expect(existsSync(name)).toBe(false);
  });
});

describe.skipIf(!built)('as an unprivileged user', () => {
  it('--out /dev/stdout and /dev/null are written (not refused as "folder /dev is not writable")', async () => {
    const dir = mkdtempSync(join(folder, 'user-'));
    chmodSync(folder, 0o755);
    chmodSync(dir, 0o755);
    const data = join(dir, 'iris.csv');
    writeFileSync(data, readFileSync(iris), { mode: 0o644 });
    for (const out of ['/dev/stdout', '/dev/null']) {
      const argv = ['kmeans', data, '--label', 'species', '--k', '3', '-q', '--out', out];
      const r = asRoot
        ? spawnSync(process.execPath, [MAIN, ...argv], { uid: 65534, gid: 65534, encoding: 'utf8' })
        : await cli(argv).then((c) => ({ status: c.code, stdout: c.stdout, stderr: c.stderr }));
      expect(r.status, r.stderr).toBe(0);
      if (out === '/dev/stdout') expect(r.stdout.split('\n')[0]).toBe('id,label,kmeans');
      else expect(r.stdout).toMatch(/^150 rows, 4 columns, scaled \(standard\); k = 3/);
    }
  });
});

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

/** Run the built CLI with its --out on a FIFO that this process reads. */
async function throughFifo(args: string[], fifo: string): Promise<{ code: number; data: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: 'ignore' });
  const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? -1)));
  const data = await new Promise<string>((done, fail) => {
    let text = '';
    createReadStream(fifo, 'utf8')
      .on('data', (chunk) => (text += chunk))
      .on('end', () => done(text))
      .on('error', fail);
  });
  return { code: await exited, data };
}

describe.skipIf(!built || !hasMkfifo)('FIFOs', () => {
  it('clusterlens kmeans --out FIFO writes into the FIFO and leaves it a FIFO', async () => {
    const dir = mkdtempSync(join(folder, 'fifo-'));
    const fifo = join(dir, 'labels.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const { code, data } = await throughFifo(
      ['kmeans', iris, '--k', '3', '-q', '--out', fifo],
      fifo,
    );
    expect(code).toBe(0);
    const file = join(folder, 'fifo-labels.csv');
    expect((await cli(['kmeans', iris, '--k', '3', '-q', '--out', file])).code).toBe(0);
    expect(data).toBe(readFileSync(file, 'utf8'));
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['labels.csv']);
  });

  it('clusterlens report --out FIFO writes the HTML only, into the FIFO', async () => {
    const dir = mkdtempSync(join(folder, 'fifo-'));
    const fifo = join(dir, 'r.html');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const { code, data } = await throughFifo(
      ['report', iris, '--k', '3', '-q', '--out', fifo],
      fifo,
    );
    expect(code).toBe(0);
    expect(data).toMatch(/^<!DOCTYPE html>\n[\s\S]*<\/html>\n$/);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['r.html']);
  });
});

const canUnshare =
  asRoot && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
if (!canUnshare) {
  console.log('device tests in a mount namespace skipped: they need root and unshare -m.');
}

/**
 * The namespace script: a tmpfs over /dev with null, full and the links of a real /dev; a tmpfs
 * without devices (nodev) holding a block device node, which cannot be opened there; a tmpfs of
 * 1200 KiB to fill. Each run's stdout, stderr and status go to OUT/<name>.{out,err,rc}.
 */
const SCRIPT = `
set -eu
T="$1"; M="$2"; DATA="$3"; OUT="$T/out"
mount -t tmpfs -o mode=755 tmpfs /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mount -t tmpfs -o nodev tmpfs "$T/nodev"
mknod "$T/nodev/blk" b 7 0
mount -t tmpfs -o size=1200k tmpfs "$T/small"
set +e
run() { name="$1"; shift; "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo $? >"$OUT/$name.rc"; }
run kmeans-null node "$M" kmeans "$DATA" --k 3 -q --out /dev/null
run kmeans-full node "$M" kmeans "$DATA" --k 3 -q --out /dev/full
run pca-stdout node "$M" pca "$DATA" -q --out /dev/stdout
run report-null node "$M" report "$DATA" --k 3 -q --out /dev/null
run report-full node "$M" report "$DATA" --k 3 -q --out /dev/full
run kmeans-block node "$M" kmeans "$DATA" --k 3 -q --out "$T/nodev/blk"
stat -c '%n %F' /dev/null /dev/full /dev/stdout "$T/nodev/blk" >"$OUT/types"
run report-small node "$M" report "$DATA" --k 3 -q --out "$T/small/r.html"
run report-again node "$M" report "$DATA" --k 2 -q --out "$T/small/r.html"
run report-other node "$M" report "$DATA" --k 2 -q --out "$T/small/s.html"
run verify-small node "$M" verify "$T/small/r.html"
ls -A "$T/small" "$T/small/r.vl" >"$OUT/small"
cat "$T/small/r.json" >"$OUT/small-json"
`;

describe.skipIf(!built || !canUnshare)('devices, as root in a mount namespace', () => {
  const t = mkdtempSync(join(folder, 'ns-'));
  for (const sub of ['out', 'nodev', 'small']) mkdirSync(join(t, sub));
  const data = join(t, 'iris.csv');
  writeFileSync(data, readFileSync(iris));
  let ran: ReturnType<typeof spawnSync> | undefined;
  const result = (name: string) => {
    if (ran === undefined) {
      ran = spawnSync(
        'unshare',
        ['-m', '--propagation', 'private', 'sh', '-c', SCRIPT, 'sh', t, MAIN, data],
        { encoding: 'utf8', timeout: 240_000 },
      );
      expect(ran.status, String(ran.stderr)).toBe(0);
    }
    const read = (ext: string) => readFileSync(join(t, 'out', `${name}.${ext}`), 'utf8');
    return { code: Number(read('rc')), stdout: read('out'), stderr: read('err') };
  };

  it('--out /dev/null writes through it; the node stays a character device', () => {
    const kmeans = result('kmeans-null');
    expect(kmeans.code).toBe(0);
    expect(kmeans.stdout).toMatch(
      /^150 rows, 4 columns, scaled \(standard\); k = 3[\s\S]*cluster {2}size\n/,
    );
    expect(result('report-null')).toEqual({ code: 0, stdout: '/dev/null\n', stderr: '' });
    expect(readFileSync(join(t, 'out', 'types'), 'utf8')).toBe(
      '/dev/null character special file\n/dev/full character special file\n' +
        `/dev/stdout symbolic link\n${t}/nodev/blk block special file\n`,
    );
  });

  it('--out /dev/full exits 1 with one line: no space left on the device', () => {
    for (const name of ['kmeans-full', 'report-full']) {
      expect(result(name)).toEqual({
        code: 1,
        stdout: '',
        stderr:
          "clusterlens: error: Cannot write '/dev/full': no space left on the device (ENOSPC). " +
          'Free some space on that disk, or give --out in another folder.\n',
      });
    }
  });

  it('--out /dev/stdout writes to standard output; a block device is refused', () => {
    const pca = result('pca-stdout');
    expect(pca.code).toBe(0);
    expect(pca.stdout.split('\n')[0]).toBe('PC1,PC2');
    expect(result('kmeans-block')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `clusterlens: error: Cannot write --out '${t}/nodev/blk': it is a block device, not a ` +
        'file. Choose another --out.\n',
    });
  });

  it('a full disk stops a report with one line and leaves the earlier report whole', () => {
    expect(result('report-small').code).toBe(0);
    for (const name of ['report-again', 'report-other']) {
      const r = result(name);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^clusterlens: error: Cannot write '.*small\/(r|s)[.\w/-]*': no space left on the device \(ENOSPC\)\. Free some space on that disk, or give --out in another folder\.\n$/,
      );
    }
    // the first report (k = 3) is still there, consistent, and no temporary file is left
    expect(result('verify-small').code).toBe(0);
    expect(JSON.parse(readFileSync(join(t, 'out', 'small-json'), 'utf8')).k).toBe(3);
    const listing = readFileSync(join(t, 'out', 'small'), 'utf8');
    expect(listing).not.toMatch(/\.tmp-/);
    expect(listing).not.toMatch(/^s\./m);
  });
});
