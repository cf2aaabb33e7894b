/**
 * @mlisp/experiments: every problem of MLISP problem set 5 (1–8 and 10) as a
 * pure, seeded, self-checking experiment that returns plain data
 * `{ id, problem, title, claim, checks, series }`. Each check's verdict is
 * computed from what ran; each checker is exported so it can be fed any input.
 * Problems 3 and 8 need MNIST digits (`options.mnist`); in Node,
 * `withBundledMnist` of `@mlisp/experiments/node` loads the bundled split.
 *
 * @packageDocumentation
 */
export {
  backpropBp3Bp4,
  checkLargestError,
  checkLayerErrors,
  FINITE_DIFFERENCE_TOLERANCE,
  IMPLEMENTATION_TOLERANCE,
} from './backprop-bp3-bp4.js';
export {
  binaryOutputs,
  checkPremiseGain,
  PREMISE_HIGH,
  PREMISE_LOW,
  premiseInputs,
  premiseSaturates,
  type WorstInput,
  worstPremiseInput,
} from './binary-gain.js';
export {
  type Chain,
  chainBackprop,
  chainBiasGradients,
  type ScalarActivation,
  steepSigmoid,
  zeroingBiases,
} from './chain.js';
export {
  analyseCost,
  binaryEntropy,
  type CostAnalysis,
  checkMinimisers,
  checkMinimumValues,
  checkSignChange,
  crossEntropyMinimum,
  crossEntropyOfOutput,
  goldenSectionMinimum,
  libraryCrossEntropy,
  misprintedCrossEntropy,
  type OutputCost,
} from './cross-entropy-minimum.js';
export {
  checkExponentialInDepth,
  DEPTHS,
  type DepthRun,
  depthSeries,
  lineFit,
  measureDepths,
} from './depth-gradients.js';
export {
  BAD_START,
  checkDerivativeRatio,
  checkEngineAgrees,
  checkFasterWhenWrong,
  checkFirstEpoch,
  checkSlowdown,
  epochsToReach,
  GOOD_START,
  initialSpeeds,
  learningSlowdown,
  type NeuronEngine,
  type NeuronRun,
  type NeuronStart,
  outputWeightGradient,
  SWEEP_OUTPUTS,
  trainNeuron,
} from './learning-slowdown.js';
export {
  biasDifferences,
  checkRefusal,
  checkUndefinedDerivative,
  checkZeroAlmostEverywhere,
  type GradientSurvey,
  nonDifferentiableCost,
  surveyGradients,
} from './non-differentiable-cost.js';
export {
  analyticSmallestGain,
  bisectSmallestGain,
  checkAllDigits,
  checkEncoderTable,
  checkSmallestGain,
  checkWorkedExample,
  confidentOutputs,
  oneHotToBinary,
  PROBLEM_SET_TABLE,
  preActivations,
  saturatesAt,
} from './one-hot-to-binary.js';
export {
  checkBreaksInvariance,
  checkFirstLayerFlips,
  checkInvariance,
  compareOutputs,
  type OutputComparison,
  perceptronInvariance,
} from './perceptron-invariance.js';
export {
  checkGradientsAgree,
  type FlatGradients,
  finiteDifferenceGradients,
  meanCost,
  referenceBackprop,
  referenceBackpropSample,
  relativeError,
} from './reference.js';
export { allPassed, experiments, findExperiment, runAll, runExperiment } from './registry.js';
export {
  checkHalfAtZero,
  checkInputsKept,
  checkLimit,
  checkMonotoneDecrease,
  checkNetworkAtZero,
  LIMIT_FACTORS,
  SMALL_Z_MARGIN,
  sigmoidLimit,
  Z_MARGIN,
} from './sigmoid-limit.js';
export {
  checkBinaryAccuracy,
  compareDecodings,
  type DecodingComparison,
  stackedCheck,
} from './stacked-binary.js';
export {
  type ChainRatio,
  chainRatios,
  checkExplodesOnlyNearZero,
  checkSteepRegion,
  checkSteepVanishes,
  checkUnbalanced,
  explosionBound,
  STEEPNESS,
  steepRegion,
} from './steep-chains.js';
export {
  checkNoBetterDirection,
  checkSteepestValue,
  checkUnique,
  dot,
  norm,
  steepestDescent,
  steepestStep,
} from './steepest-descent.js';
export {
  checkFirstOrderChange,
  type GradientProblem,
  type GradientShape,
  libraryGradient,
  SHAPES,
} from './steepest-library.js';
export type { Check, Experiment, ExperimentOptions, ExperimentResult, Series } from './types.js';
export {
  checkGrowth,
  checkProductFormula,
  checkShrinking,
  checkSpeedsDecreaseTowardInput,
  checkVanishing,
  growsTowardInput,
  shrinksTowardInput,
  unstableGradients,
} from './unstable-gradients.js';
export { finiteDifferenceDeltas, gradientsFromDeltas } from './z-differences.js';
