import { plainToInstance } from 'class-transformer';
import { IsDateString, validateSync } from 'class-validator';
import { STRICT_DATE } from './strict-date';

class Body {
  @IsDateString(STRICT_DATE)
  at!: string;
}

const valid = (at: string) => validateSync(plainToInstance(Body, { at })).length === 0;

describe('strict ISO 8601 dates', () => {
  it('takes real dates and times', () => {
    for (const at of ['2027-02-28T00:00:00Z', '2028-02-29T12:30:00.5+02:00', '2027-01-01'])
      expect([at, valid(at)]).toEqual([at, true]);
  });

  it('refuses days the month does not have and a space for the T', () => {
    for (const at of [
      '2027-02-30T00:00:00Z',
      '2027-02-29',
      '2027-04-31T00:00:00Z',
      '2027-01-01 10:00:00Z',
    ])
      expect([at, valid(at)]).toEqual([at, false]);
  });
});
