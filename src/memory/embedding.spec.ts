import { cosine, localEmbedding, tokenize } from './embedding';
import { procedureKey } from './procedure-key';
import { vectorLiteral } from './vector-store';

describe('local lexical embedding', () => {
  it('is deterministic, unit length and of the configured dimension', () => {
    const a = localEmbedding('Write a market report on electric bikes', 384);
    expect(a).toHaveLength(384);
    expect(localEmbedding('Write a market report on electric bikes', 384)).toEqual(a);
    expect(Math.sqrt(a.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 6);
  });

  it('scores shared words higher than unrelated text (lexical similarity)', () => {
    const base = localEmbedding('Write a market report on electric bikes in Berlin', 384);
    const similar = localEmbedding('Write a market report on electric bikes in Munich', 384);
    const other = localEmbedding('Translate the poem into French', 384);
    expect(cosine(base, similar)).toBeGreaterThan(0.75);
    expect(cosine(base, other)).toBeLessThan(0.2);
  });

  it('handles empty text and drops stopwords', () => {
    expect(localEmbedding('', 16).every((x) => x === 0)).toBe(true);
    expect(tokenize('The report OF the year')).toEqual(['report', 'year']);
  });

  it('keys procedures by their distinct content words', () => {
    expect(procedureKey('Write the report on bikes')).toBe(
      procedureKey('write report bikes, report'),
    );
    expect(procedureKey('Write the report on bikes')).not.toBe(
      procedureKey('Write the report on cars'),
    );
  });

  it('formats vectors as real[] literals', () => {
    expect(vectorLiteral([1, 0.5, Number.NaN])).toBe('{1,0.5,0}');
  });
});
