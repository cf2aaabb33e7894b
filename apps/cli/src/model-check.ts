/** Checks that a model read from a file fits MNIST digits. */
import { CLASSES, IMAGE_PIXELS } from '@mlisp/mnist';
import { UsageError } from './errors.js';
import type { LoadedModel } from './model-file.js';

/** Throws a UsageError unless the model takes 784 pixels and gives 10 outputs. */
export function checkDigitModel(model: LoadedModel, path: string): void {
  const sizes = model.network.sizes;
  if (sizes[0] !== IMAGE_PIXELS || sizes[sizes.length - 1] !== CLASSES) {
    throw new UsageError(
      `MODEL '${path}' has sizes [${sizes.join(',')}], but digits need ${IMAGE_PIXELS} inputs and ${CLASSES} outputs`,
    );
  }
}
