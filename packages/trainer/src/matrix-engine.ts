// The matrix loop: mini-batch backprop as matrices (backprop.ts) and update (update.ts) on the
// network itself. The algorithm's readable definition; the WebAssembly engine's portable fallback.
import type { Matrix } from '@mlisp/tensor';
import { backpropInto } from './backprop.js';
import { type DropoutMasks, dropThreshold } from './dropout.js';
import { evaluateInto } from './evaluate.js';
import type { EvaluationTotals } from './fast/score.js';
import type { PendingEvaluation } from './fast/types.js';
import type { Run } from './run.js';
import type { TrainEngine } from './train-engine.js';
import type { Dataset } from './types.js';
import { type Step, updateMiniBatch } from './update.js';
import { createWorkspace, gatherRows, viewRows, type Workspace } from './workspace.js';

/** The matrix loop as a {@link TrainEngine}: one mini-batch per call, in the network itself. */
export class MatrixEngine implements TrainEngine {
  readonly path = 'matrix';
  readonly threads = 1;
  readonly chunk = 1;
  private readonly ws: Workspace;
  private evalWs: Workspace | undefined;
  private readonly step: Step;
  private readonly masks: DropoutMasks | null;

  constructor(private readonly run: Run) {
    const { network, n, o } = run;
    this.ws = createWorkspace(network, Math.min(o.batchSize, n));
    const l1 = o.regularization === 'l1';
    this.step = { eta: 0, etaLambdaOverN: 0, momentum: o.momentum, l1 };
    this.masks =
      o.dropout > 0
        ? { key: 0, threshold: dropThreshold(o.dropout), scale: 1 / (1 - o.dropout), position: 0 }
        : null;
  }

  train(first: number, end: number, eta: number, costs: Float64Array | null): number {
    const { network, data, o, n, order } = this.run;
    this.step.eta = eta;
    this.step.etaLambdaOverN = (eta * o.lambda) / n;
    for (let b = first; b < end; b++) {
      const start = b * o.batchSize;
      const rows = Math.min(o.batchSize, n - start);
      const ws = viewRows(this.ws, rows);
      gatherRows(data.inputs, order, start, rows, ws.x);
      gatherRows(data.targets, order, start, rows, ws.y);
      if (this.masks !== null) {
        this.masks.key = this.run.counters.dropoutKey ?? 0;
        this.masks.position = start;
      }
      backpropInto(network, o.cost, ws, this.masks);
      if (costs !== null) {
        costs[b - first] = o.cost.sum(ws.as[ws.as.length - 1] as Matrix, ws.y) / rows;
      }
      const finite = updateMiniBatch(network, ws, this.step, this.run.velocities);
      if (!finite) return b;
    }
    return -1;
  }

  evaluate(set: Dataset, labels: Int32Array, totals: EvaluationTotals): void {
    const { network, o, n } = this.run;
    const nEval = o.evaluationData?.inputs.rows ?? 0;
    this.evalWs ??= createWorkspace(network, Math.min(o.evaluationChunk, Math.max(n, nEval)));
    evaluateInto(network, o.cost, set, labels, this.evalWs, totals);
  }

  evaluateAside(set: Dataset, labels: Int32Array): PendingEvaluation {
    const totals: EvaluationTotals = { costSum: 0, correct: 0 };
    this.evaluate(set, labels, totals);
    return { ready: true, result: () => totals };
  }

  sync(): void {}

  close(): void {}
}
