/** The examples under `mlisp train --help`. */
export const TRAIN_HELP = `
With no flags, trains [784,30,10] (sigmoid neurons, cross-entropy cost, η 0.5,
λ 5, scaled initial weights, mini-batches of 10, 30 epochs, seed 1) on the
bundled 7996 training digits and tests on the 2004 others.

Examples:
  $ mlisp train
  $ mlisp train --epochs 5 --out net.json
  $ mlisp train --sizes 784,100,10 --activation relu --output softmax --cost log-likelihood --eta 0.1
  $ mlisp train --train 1000 --test 500 --epochs 3 --json
  $ mlisp train --epochs 30 --checkpoint run.ckpt.json     (Ctrl-C stops at the next mini-batch boundary)
  $ mlisp train --resume run.ckpt.json --out net.json     (keeps checkpointing to run.ckpt.json)
  $ mlisp train --sizes 784,100,10 --threads 1                (one core; the same results)
  $ mlisp train --data ~/mnist --out full.json             (the four MNIST IDX files, plain or .gz)

Output: a progress bar per epoch on stderr (on a terminal), one line per epoch
(training cost, test cost, test accuracy, η, training seconds), then a summary
with a few test digits, the network's answer and problem 3's 4-bit code.
With --json: {"event":"epoch",...} per epoch and {"event":"done",...} at the end.

--threads splits the engine's work over worker threads; models, epoch lines and
checkpoints are bit-identical for every value, so --resume may change it. With
auto (the default) a network big enough starts a second thread, and every 25
mini-batches run on both threads or on one of them alone (the faster core),
whichever the engine measured faster on this machine just before. In float32
the engine uses WebAssembly's relaxed SIMD (fused multiply-add) where the
runtime has it (on Node 20, where it is behind a flag, the command turns it
on); --precision f64 runs plain SIMD, the same bits on every runtime. The done
event's "engine" names the code that trained (wasm-relaxed, wasm-simd).

Ctrl-C, SIGTERM and SIGHUP stop at the next mini-batch boundary: --out and the
checkpoint are saved and the run exits 128 + the signal's number (130, 143,
129); a second signal quits at once. A checkpoint is locked (FILE.lock) while a
run writes it. If a checkpoint cannot be written (disk full), the run says so,
keeps the last good one, still writes --out and exits 1.`;
