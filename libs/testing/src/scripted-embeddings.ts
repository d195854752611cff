import type { ServerResponse } from 'node:http';
import { sendJson } from './scripted-llm-dialects';

/**
 * An OpenAI embeddings response: a deterministic unit vector per input, from the text's
 * characters, so equal texts embed equally and different ones differ.
 */
export function sendEmbeddings(
  res: ServerResponse,
  body: { input?: unknown; model?: string },
  dimensions: number,
): void {
  const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input ?? '')];
  const data = inputs.map((text, index) => ({
    object: 'embedding',
    index,
    embedding: pseudoEmbedding(String(text), dimensions),
  }));
  sendJson(res, 200, {
    object: 'list',
    data,
    model: body.model ?? 'scripted-embedding',
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  });
}

function pseudoEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) + i) % dims] += 1;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}
