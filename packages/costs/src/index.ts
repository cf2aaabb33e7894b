/**
 * @mlisp/costs: the quadratic, cross-entropy and log-likelihood costs — the
 * value of a batch (with an optional L2 term) and the output error δ^L (BP1).
 *
 * @packageDocumentation
 */

export type { CostName } from '@mlisp/neurons';
export {
  COST_NAMES,
  type Cost,
  costByName,
  crossEntropy,
  LOG_FLOOR,
  logLikelihood,
  quadratic,
} from './costs.js';
export { l2Penalty, type TotalCostOptions, totalCost } from './total.js';
