/** Types of scripts/readme-examples.mjs for the vitest test. */
export interface ExampleFile {
  file: string;
  cwd: string;
  packageDir: string;
  name: string;
  /** True for docs pages that need not have an example. */
  optional?: boolean;
}
export interface Example {
  heading: string;
  line: number;
  lang: string;
  code: string;
  expected: string | undefined;
}
export interface ExampleRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error: Error | undefined;
}
export const ROOT: string;
export function exampleFiles(root?: string): ExampleFile[];
export function extractExamples(markdown: string): Example[];
export function normalize(text: string): string;
export function runExample(
  example: Example,
  cwd: string,
  root?: string,
  timeout?: number,
): ExampleRun;
