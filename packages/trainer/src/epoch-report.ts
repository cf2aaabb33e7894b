// What an epoch reports (its figures) and what follows from it (the schedule and early stopping).
import { l2Penalty } from '@mlisp/costs';
import { DivergenceError } from './errors.js';
import { learningSpeedsInto } from './evaluate.js';
import type { EvaluationTotals } from './fast/score.js';
import type { Run } from './run.js';
import type { TrainEngine } from './train-engine.js';
import type { EpochEvent, LearningSpeeds, StopReason } from './types.js';

/** The regularisation term of the cost: L2 (λ/2n)·Σw², or L1 (λ/n)·Σ|w|. */
function penalty(run: Run, n: number): number {
  const { network, o } = run;
  if (o.regularization === 'l2') return l2Penalty(network, o.lambda, n);
  let sum = 0;
  for (const layer of network.layers) for (const w of layer.weights.data) sum += Math.abs(w);
  return (o.lambda / n) * sum;
}

function finiteCost(value: number, what: string, epoch: number): number {
  if (!Number.isFinite(value)) {
    throw new DivergenceError(
      `training diverged: the ${what} is ${value} after epoch ${epoch}`,
      epoch,
      null,
    );
  }
  return value;
}

/**
 * Whether an evaluation run aside during the next epoch (train-steps.ts) may give the epoch's
 * figures: only the evaluation set's are wanted, and no schedule or early stopping uses them first.
 */
export function defersEvaluation(run: Run): boolean {
  const { o } = run;
  return (
    o.evaluationData !== null &&
    run.evalLabels !== null &&
    !o.trainingCost &&
    !o.trainingAccuracy &&
    run.speedWs === null &&
    o.schedule === null &&
    o.earlyStopping === null
  );
}

/**
 * Evaluates the epoch's figures asked for (not timed as training) on the engine that trains, or
 * takes the evaluation set's from `evaluated` ({@link defersEvaluation}); learning speeds with the
 * matrix backprop, on the network (synced at the end of the epoch).
 * @throws DivergenceError when a cost is NaN or infinite
 */
export function measureEpoch(
  run: Run,
  engine: TrainEngine,
  epoch: number,
  eta: number,
  seconds: number,
  evaluated?: EvaluationTotals,
): EpochEvent {
  const { network, data, o, speedWs, totals } = run;
  let trainingCost: number | null = null;
  let trainingAccuracy: number | null = null;
  let evaluationCost: number | null = null;
  let evaluationAccuracy: number | null = null;
  let learningSpeeds: LearningSpeeds | null = null;
  if (run.trainLabels !== null && (o.trainingCost || o.trainingAccuracy)) {
    engine.evaluate(data, run.trainLabels, totals);
    if (o.trainingCost) {
      const c = totals.costSum / run.n + penalty(run, run.n);
      trainingCost = finiteCost(c, 'training cost', epoch);
    }
    if (o.trainingAccuracy) trainingAccuracy = totals.correct / run.n;
  }
  const ev = o.evaluationData;
  if (ev !== null && run.evalLabels !== null) {
    const nEval = ev.inputs.rows;
    const found = evaluated ?? totals;
    if (evaluated === undefined) engine.evaluate(ev, run.evalLabels, totals);
    if (o.evaluationCost) {
      const c = found.costSum / nEval + penalty(run, nEval);
      evaluationCost = finiteCost(c, 'evaluation cost', epoch);
    }
    if (o.evaluationAccuracy) evaluationAccuracy = found.correct / nEval;
  }
  if (speedWs !== null && run.acc !== null) {
    const count = Math.min(o.learningSpeedSamples, run.n);
    const s = learningSpeedsInto(
      network,
      o.cost,
      data,
      count,
      speedWs,
      run.acc.weights,
      run.acc.biases,
      o.lambda,
      run.n,
      o.regularization === 'l1',
    );
    learningSpeeds = Object.freeze({
      biases: Object.freeze(s.biases),
      weights: Object.freeze(s.weights),
    }) as LearningSpeeds;
  }
  return Object.freeze({
    epoch,
    eta,
    seconds,
    trainingCost,
    trainingAccuracy,
    evaluationCost,
    evaluationAccuracy,
    learningSpeeds,
    path: engine.path,
  });
}

/** Updates the schedule and early-stopping counters after `event`; returns why to stop, or null. */
export function stepSchedule(run: Run, event: EpochEvent): StopReason | null {
  const { o, counters } = run;
  if (o.schedule === null && o.earlyStopping === null) return null;
  const value = {
    'evaluation-accuracy': event.evaluationAccuracy,
    'evaluation-cost': event.evaluationCost,
    'training-accuracy': event.trainingAccuracy,
    'training-cost': event.trainingCost,
  }[o.improvement] as number;
  const higherIsBetter = o.improvement.endsWith('accuracy');
  const best = counters.best;
  if (best === null || (higherIsBetter ? value > best : value < best)) {
    counters.best = value;
    counters.epochsSinceBest = 0;
    counters.epochsSinceChange = 0;
  } else {
    counters.epochsSinceBest++;
    counters.epochsSinceChange++;
  }
  if (o.schedule !== null && counters.epochsSinceChange >= o.schedule.patience) {
    counters.eta *= o.schedule.factor;
    counters.halvings++;
    counters.epochsSinceChange = 0;
    if (counters.halvings >= o.schedule.maxHalvings) return 'schedule';
  }
  if (o.earlyStopping !== null && counters.epochsSinceBest >= o.earlyStopping.patience)
    return 'early-stopping';
  return null;
}
