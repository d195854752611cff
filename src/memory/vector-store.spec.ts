import { dotProductSql } from './vector-store';

describe('exact cosine SQL', () => {
  it('multiplies only the non-zero components, 1-based, with float4-rounded weights', () => {
    expect(dotProductSql('embedding', [0, 0.5, 0, -0.25])).toBe(
      'embedding[2] * 0.5 + embedding[4] * -0.25',
    );
    expect(dotProductSql('embedding', [0.1])).toBe(`embedding[1] * ${Math.fround(0.1)}`);
  });

  it('is 0 for a zero vector and skips non-finite components', () => {
    expect(dotProductSql('embedding', [0, 0])).toBe('0');
    expect(dotProductSql('embedding', [NaN, Infinity, 1])).toBe('embedding[3] * 1');
  });
});
