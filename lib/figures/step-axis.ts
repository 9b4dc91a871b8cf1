/** An axis for training steps: integer labels; every step labelled when there are few of them. */
export function stepAxis(steps: readonly number[]): Record<string, unknown> {
  const distinct = [...new Set(steps)].sort((a, b) => a - b);
  return distinct.length <= 25 ? { values: distinct, format: "d" } : { tickMinStep: 1, format: "d" };
}
