import { plainToInstance } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, validateSync } from 'class-validator';
import { QueryInteger, QueryNumber } from './query-number';

class Query {
  @IsOptional()
  @QueryInteger()
  @IsInt()
  n?: number;

  @IsOptional()
  @QueryNumber()
  @IsNumber()
  x?: number;
}

const read = (query: Record<string, unknown>) => {
  const parsed = plainToInstance(Query, query);
  return { parsed, errors: validateSync(parsed).map((e) => e.property) };
};

describe('query numbers', () => {
  it('reads plain decimal integers and numbers', () => {
    expect(read({ n: '42', x: '-0.25' })).toEqual({
      parsed: expect.objectContaining({ n: 42, x: -0.25 }),
      errors: [],
    });
    expect(read({ n: '-7', x: '3' }).parsed).toMatchObject({ n: -7, x: 3 });
  });

  it.each(['0x10', '0b11', '1e3', '+5', ' 5', '5 ', '5.0', '', 'Infinity', 'NaN'])(
    'refuses the integer %p instead of reading it as another number',
    (value) => {
      expect(read({ n: value }).errors).toEqual(['n']);
    },
  );

  it.each(['0x10', '1e-3', '.5', '5.', ' 1', 'Infinity'])('refuses the number %p', (value) => {
    expect(read({ x: value }).errors).toEqual(['x']);
  });

  it('refuses a parameter given twice', () => {
    expect(read({ n: ['1', '2'], x: ['1', '2'] }).errors).toEqual(['n', 'x']);
  });
});
