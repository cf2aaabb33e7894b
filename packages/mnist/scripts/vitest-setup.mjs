// Vitest global setup: the tests read dist/digits.bin, which `pnpm build`
// generates; from a fresh clone (no build yet) generate it here.
import { generateDigits } from './generate-digits.mjs';

export default function setup() {
  generateDigits({ ifMissing: true });
}
