/** USD per one million tokens. Operators override or extend with LLM_PRICES. */
export interface ModelPrice {
  input: number;
  output: number;
}

const BUILT_IN_PRICES: Record<string, ModelPrice> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
};

export function priceFor(model: string, overrides: Record<string, ModelPrice>): ModelPrice {
  return overrides[model] ?? BUILT_IN_PRICES[model] ?? { input: 0, output: 0 };
}

export function costUsd(price: ModelPrice, promptTokens: number, completionTokens: number): number {
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
