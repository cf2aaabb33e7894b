/**
 * `mlisp-network` model files, read and written by @mlisp/neurons (the same
 * code the CLI uses), with the file name added to error messages.
 */
import { type CostName, type Network, parseModel, serializeModel } from '@mlisp/neurons';

/** A model read from a file. */
export interface ModelFile {
  network: Network;
  /** The cost the network was trained with. */
  cost: CostName;
  meta: Record<string, unknown>;
}

/**
 * Parses a model file's text.
 *
 * @param text - the file's contents
 * @param where - the file name, for messages
 * @throws Error naming the file and saying what is wrong and where (from ModelFormatError)
 */
export function readModelFile(text: string, where: string): ModelFile {
  try {
    return parseModel(text);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}

/** The model file text of a network, as the CLI writes it. */
export function writeModelFile(
  network: Network,
  cost: CostName,
  meta: Record<string, unknown> = {},
): string {
  return `${serializeModel(network, { cost, meta })}\n`;
}
