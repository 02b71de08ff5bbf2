// Types of results.mjs, for the TypeScript benchmarks that report with it.
export interface Summary {
  median: number;
  min: number;
  max: number;
  values: number[];
}
/** Replaces (or adds) the section `## name` of bench/RESULTS.md. */
export function updateResults(name: string, body: string): void;
/** Median, min and max of a run's measurements. */
export function summarize(values: readonly number[]): Summary;
/** `1.23 (1.10–1.40)`: a median and its range, each written by `format`. */
export function withRange(summary: Summary, format?: (x: number) => string): string;
/** The machine and its load, for a RESULTS section. */
export function machine(): Promise<string>;
