/**
 * Embeddings. Without an embedding endpoint the product uses a deterministic local
 * embedding: signed feature hashing of word unigrams, word bigrams and character
 * trigrams into a fixed dimension, L2-normalised. It measures LEXICAL similarity (shared
 * words and word pieces), not meaning: "car" and "automobile" are unrelated to it.
 */
export interface Embedder {
  /** Identifies the model; stored with each vector so a change triggers re-embedding. */
  readonly model: string;
  readonly dimensions: number;
  readonly lexical: boolean;
  embed(texts: string[]): Promise<number[][]>;
}

const STOPWORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or that the this to was were will with about after before then than so do does did not no our your their we you they i he she them his her'.split(
    ' ',
  ),
);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => w.length > 1 && !STOPWORDS.has(w),
  );
}

/** FNV-1a 32-bit. */
function hash(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function localEmbedding(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  const add = (feature: string, weight: number) => {
    const h = hash(feature);
    const sign = (hash(`#${feature}`) & 1) === 0 ? 1 : -1;
    vector[h % dimensions] += sign * weight;
  };
  const words = tokenize(text);
  for (let i = 0; i < words.length; i++) {
    add(`w:${words[i]}`, 1);
    if (i > 0) add(`b:${words[i - 1]} ${words[i]}`, 0.5);
    const padded = `<${words[i]}>`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
  }
  return normalize(Array.from(vector));
}

export function normalize(vector: number[]): number[] {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  return norm > 0 ? vector.map((x) => x / norm) : vector.map(() => 0);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export class LocalLexicalEmbedder implements Embedder {
  readonly lexical = true;
  readonly model: string;

  constructor(readonly dimensions: number) {
    this.model = `local-lexical-v1`;
  }

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => localEmbedding(t, this.dimensions)));
  }
}

/** An OpenAI-compatible `/v1/embeddings` endpoint. */
export class OpenAiEmbedder implements Embedder {
  readonly lexical = false;

  constructor(
    private readonly baseUrl: string,
    readonly model: string,
    readonly dimensions: number,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  async embed(texts: string[]): Promise<number[][]> {
    if (!texts.length) return [];
    const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/embeddings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.model, input: texts, dimensions: this.dimensions }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok)
      throw new Error(`embedding endpoint answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as {
      data?: Array<{ index: number; embedding: number[] }>;
    };
    const data = [...(body.data ?? [])].sort((a, b) => a.index - b.index);
    if (data.length !== texts.length)
      throw new Error(
        `embedding endpoint returned ${data.length} vectors for ${texts.length} inputs`,
      );
    return data.map((d) => {
      if (d.embedding.length !== this.dimensions)
        throw new Error(
          `embedding endpoint returned dimension ${d.embedding.length}, EMBEDDING_DIMENSIONS is ${this.dimensions}`,
        );
      return normalize(d.embedding);
    });
  }
}
