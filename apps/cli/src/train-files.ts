/**
 * The files of a training run, settled before any work: where the model and
 * the checkpoint go (a resumed run keeps checkpointing to the file it resumed
 * from unless --checkpoint names another, or --no-checkpoint none), that no
 * output overwrites an input or another output, and the checkpoint's lock.
 */
import type { FlagValues } from './flags.js';
import { acquireLock, type Lock } from './locks.js';
import { checkOutputFile, type NamedPath, refuseSameFiles } from './safe-paths.js';
import { keepRunningWithoutStdout } from './stdio-guard.js';

/** The outputs of a run, and what it holds while it runs. */
export interface TrainFiles {
  out: string | null;
  checkpoint: string | null;
  /** The flag that named the checkpoint file: --checkpoint, or --resume when the run writes back to the file it resumed from. */
  checkpointFlag: '--checkpoint' | '--resume';
  /** Releases the checkpoint's lock (also done at exit). */
  release(): void;
}

/**
 * Settles the files of `mlisp train`.
 *
 * @param flags - the parsed flags
 * @param noCheckpoint - `--no-checkpoint` was given
 * @throws UsageError for an output that is an input or another output;
 *   RunError when another run holds the checkpoint
 */
export function prepareTrainFiles(
  flags: Partial<Pick<FlagValues, 'out' | 'checkpoint' | 'resume' | 'init'>>,
  noCheckpoint: boolean,
): TrainFiles {
  const out = flags.out ?? null;
  const checkpoint = noCheckpoint ? null : (flags.checkpoint ?? flags.resume ?? null);
  const checkpointFlag = flags.checkpoint === undefined ? '--resume' : '--checkpoint';
  if (checkpoint !== null && flags.checkpoint === undefined)
    checkOutputFile(checkpoint, '--resume');
  const outputs: NamedPath[] = [];
  if (out !== null) outputs.push({ flag: '--out', path: out });
  if (checkpoint !== null && flags.checkpoint !== undefined) {
    outputs.push({ flag: '--checkpoint', path: checkpoint });
  }
  const inputs: NamedPath[] = [];
  if (flags.init?.kind === 'file') inputs.push({ flag: '--init', path: flags.init.path });
  refuseSameFiles(inputs, outputs);
  // The checkpoint is both read and written when resuming: only --out may not be it.
  if (flags.resume !== undefined && out !== null) {
    refuseSameFiles([{ flag: '--resume', path: flags.resume }], [{ flag: '--out', path: out }]);
  }
  const lock: Lock | null = checkpoint === null ? null : acquireLock(checkpoint, checkpointFlag);
  const keep = out !== null || checkpoint !== null ? keepRunningWithoutStdout() : () => undefined;
  return {
    out,
    checkpoint,
    checkpointFlag,
    release() {
      lock?.release();
      keep();
    },
  };
}
