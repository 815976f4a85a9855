/**
 * `clusterlens compress <image> --components 8,32 [--block 8] [--out DIR] [--force]`
 *
 * PCA compression of a PNG or JPEG image over block x block tiles (`compressImage`) at each k of
 * --components. Writes, for photo.png, into DIR (default: compressed/, created when missing):
 *   photo.k8.png, photo.k32.png   the reconstructions, 8-bit PNG (rounded and clipped)
 *   photo.json                    the numbers per k: components, psnr, mse, explained variance,
 *                                 stored numbers, compression ratio (compressImage's toJSON)
 *   photo.html                    one offline page: the original beside each reconstruction,
 *                                 explained variance, PSNR and compression ratio against k, the
 *                                 mean tile and the first eigen-tiles
 * and prints their paths. The outputs are checked before any work and committed together
 * (src/report/outputs.ts): none may be the input, nor an existing file clusterlens did not write
 * (unless --force). Bad input (a missing, truncated or damaged file, another format, a block or
 * a k the image cannot have) is one line naming the file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { loadImage } from '../data/image.js';
import { compressImage } from '../decomposition/image.js';
import { checkOutputs, type Output, OutputSet, resolveOutput, runId } from '../report/outputs.js';
import { OptionError } from '../util/errors.js';
import type { CliContext } from './command.js';
import { FORCE_HELP, integerFlag } from './options.js';

/** Where the files go without --out (created when missing). */
const DEFAULT_FOLDER = 'compressed';

interface CompressFlags {
  components: string;
  block: string;
  out?: string;
  force?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('compress')
    .description(
      'compress an image by PCA over its tiles: reconstructions (PNG), their numbers (JSON) and an offline HTML page',
    )
    .argument('<image>', 'PNG or JPEG file')
    .requiredOption(
      '--components <k>',
      'numbers of components to keep, comma-separated (e.g. 8,32)',
    )
    .option('--block <n>', 'side of the square tiles, in pixels', '8')
    .option(
      '--out <dir>',
      `folder of the outputs (default: ${DEFAULT_FOLDER}/, created when missing)`,
    )
    .option('--force', FORCE_HELP)
    .action(async (file: string, flags: CompressFlags) => {
      const ks = componentsFlag(flags.components);
      const block = integerFlag('--block', flags.block, 1, 4096);
      const folder = flags.out ?? DEFAULT_FOLDER;
      const force = flags.force ?? false;
      const name = basename(file, extname(file));
      const names = ks.map((k) => `${name}.k${k}.png`);
      const paths = {
        pngs: names.map((n) => join(folder, n)),
        json: join(folder, `${name}.json`),
        html: join(folder, `${name}.html`),
      };
      // Fail on the output paths before any work (a missing folder is created when writing).
      const outputs = outputsOf(paths, folder, force, file);
      context.progress(`loading ${file}`);
      const image = await loadImage(file);
      checkFits(file, image.width, image.height, image.channels, block, ks);
      context.progress(`compressing: ${image.width} x ${image.height}, k = ${ks.join(', ')}`);
      const result = compressImage(image, { components: ks, block });
      const sha256 = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      const run = runId({
        command: 'compress',
        input: sha256,
        options: { components: ks, block },
        version: 1,
      });
      // the page's modules (Vega and Vega-Lite among them) load when the command runs
      const { compressOutputs } = await import('../report/compress.js');
      const contents = await compressOutputs(result, {
        file: basename(file),
        sha256,
        image,
        names,
        run,
      });
      context.progress('writing');
      const set = new OutputSet(run, { inputs: [file], force });
      set.folder(folder);
      const resolved = outputs ?? outputsOf(paths, folder, force, file)!;
      for (let t = 0; t < ks.length; t++) await set.stage(resolved.pngs[t]!, contents.pngs[t]!);
      await set.stage(resolved.json, contents.json);
      // the page last: a complete page means a complete set
      await set.stage(resolved.html, contents.html);
      await set.commit(context.io);
      context.io.stdout.write(`${[...paths.pngs, paths.json, paths.html].join('\n')}\n`);
    });
}

/**
 * The outputs resolved and checked (none the input, none an existing file clusterlens did not
 * write unless --force, no two the same); undefined when the folder does not exist yet (it is
 * created when writing, and its files are checked then).
 */
function outputsOf(
  paths: { pngs: string[]; json: string; html: string },
  folder: string,
  force: boolean,
  input: string,
): { pngs: Output[]; json: Output; html: Output } | undefined {
  if (!existsSync(folder)) return undefined;
  const out = {
    pngs: paths.pngs.map((p) => resolveOutput(p, { streams: false, record: true })),
    json: resolveOutput(paths.json, { streams: false }),
    html: resolveOutput(paths.html, { streams: false }),
  };
  checkOutputs([...out.pngs, out.json, out.html], { inputs: [input], force });
  return out;
}

/** `--components 8,32`: integers >= 1, no repeats. */
export function componentsFlag(text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  const ks = items.map((item) => integerFlag('--components', item, 1));
  if (new Set(ks).size !== ks.length) {
    throw new OptionError(`--components lists a k twice: '${text}'. Give each k once.`);
  }
  return ks;
}

/** The block fits in the image and every k is at most the components the tiles have. */
function checkFits(
  file: string,
  width: number,
  height: number,
  channels: number,
  block: number,
  ks: readonly number[],
): void {
  if (block > width || block > height) {
    throw new OptionError(
      `--block ${block} is larger than the image '${file}' (${width} x ${height} pixels): a ` +
        `tile must fit in the image. Use --block ${Math.min(width, height)} or less.`,
    );
  }
  const tiles = Math.ceil(width / block) * Math.ceil(height / block);
  const values = block * block * channels;
  const available = Math.min(tiles, values);
  const over = ks.find((k) => k > available);
  if (over !== undefined) {
    throw new OptionError(
      `--components ${over}: the image '${file}' has only ${available} components with --block ` +
        `${block} (the smaller of its ${tiles} tiles and their ${values} values). Ask for at most ` +
        `${available}${available === values ? ', or give a larger --block' : ', or give a smaller --block'}.`,
    );
  }
}
